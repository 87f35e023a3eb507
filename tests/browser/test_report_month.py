"""A whole month in the browser, each person in a browser of their own: the editor opens the
month's cycle, Bertil (scanning group) scores every candidate, the editor shortlists seven on
the ranking board, writes the introduction and the analyses, and publishes; Lena
(management) follows the link in her e-mail to the published report and downloads the PDF,
whose text has every chosen title. axe finds nothing on any page on the way."""

import io
import re

import pytest
from django.utils import timezone

from reports.models import Candidate, PdfState, PublishedReport
from reports.pdf import pdf_available
from signals.models import Level

from ..factories import MembershipFactory, SignalFactory

pytestmark = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint's libraries are missing")

# Short titles: each fits on one line of the PDF, so its extracted text has it whole.
CHOSEN = [
    "Färre barn i förskolan",
    "Brist på förskollärare",
    "AI-förordningen gäller",
    "Värmebölja på äldreboenden",
    "Energigemenskaper i Halland",
    "Tillgänglighet i e-tjänster",
    "Skatteintäkterna bromsar",
]
LEFT_OUT = ["Ny busslinje till Landvetter", "Lokalplanen revideras"]


@pytest.fixture
def people(kommun, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return {
        username: MembershipFactory(
            organization=kommun,
            role=role,
            user__username=username,
            user__email=f"{username}@kungsbacka.example",
        ).user
        for username, role in (
            ("anna", "editor"),
            ("bertil", "scanner"),
            ("lena", "management"),
        )
    }


@pytest.fixture
def month_signals(kommun, people):
    levels = [Level.INNER, Level.NEAR, Level.OUTER]
    for number, title in enumerate(CHOSEN + LEFT_OUT):
        SignalFactory(
            organization=kommun,
            created_by=people["bertil"],
            title=title,
            level=levels[number % 3],
            motivation=f"Därför spelar {title.lower()} roll för Kungsbacka.",
        )


@pytest.fixture
def browse(browser, live_url):
    """browse(username) → a page in a browser context of that person's own, logged in; a
    JavaScript error or a CSP violation on any of them fails the test."""
    contexts, problems = [], []

    def open_as(username, login_as):
        context = browser.new_context(locale="sv-SE", base_url=live_url, reduced_motion="reduce")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(f"{username}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"{username}: {error}"))
        return login_as(page, username)

    yield open_as
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("The pages reported errors:\n" + "\n".join(problems))


def settle(page):
    page.locator(".htmx-request").first.wait_for(state="detached")


def test_a_month_from_candidates_to_the_pdf_management_reads(
    people, month_signals, browse, login_as, assert_accessible, mailoutbox
):
    # --- Anna opens the month's cycle -------------------------------------------------------
    anna = browse("anna", login_as)
    anna.goto("/kungsbacka/reports/")
    assert_accessible(anna)
    anna.get_by_role("button", name="Öppna månadens omgång").click()
    anna.get_by_text("9 kandidater").first.wait_for()
    assert_accessible(anna)
    cycle_url = anna.url.split("#")[0]
    assert re.search(r"/kungsbacka/reports/\d+/$", cycle_url), cycle_url
    candidates = {
        candidate.signal.title: candidate
        for candidate in Candidate.objects.select_related("signal").filter(
            cycle__organization__slug="kungsbacka"
        )
    }
    assert set(candidates) == set(CHOSEN + LEFT_OUT)

    # --- Bertil scores every candidate, by clicking ----------------------------------------
    bertil = browse("bertil", login_as)
    bertil.goto(f"{cycle_url}score/")
    assert bertil.locator(".score-row").count() == 9
    assert_accessible(bertil)
    for title, candidate in candidates.items():
        high = title in CHOSEN
        bertil.locator(f'label[for="rel-{candidate.pk}-{3 if high else 1}"]').click()
        saved = f"/candidates/{candidate.pk}/score/"
        with bertil.expect_response(lambda response, saved=saved: saved in response.url):
            bertil.locator(f'label[for="urg-{candidate.pk}-{2 if high else 1}"]').click()
        settle(bertil)
    assert bertil.locator("#score-progress").inner_text() == "9 av 9 bedömda"
    assert_accessible(bertil)
    bertil.get_by_role("link", name="Rangordning").click()
    assert bertil.locator("table.board tbody tr.board-row").count() == 9
    assert bertil.get_by_text("Bedöm den först för att se gruppens bedömningar").count() == 0
    assert_accessible(bertil)

    # --- Anna shortlists seven on the board -------------------------------------------------
    anna.goto(f"{cycle_url}board/")
    # She has not scored: she sees no one's scores yet (no anchoring), and decides anyway.
    assert anna.get_by_text("Bedöm den först för att se gruppens bedömningar").count() == 9
    assert_accessible(anna)
    for title in CHOSEN:
        with anna.expect_response(lambda r: "/decide/" in r.url):
            anna.get_by_role("button", name=f"Med: {title}", exact=True).click()
        settle(anna)
    for title in LEFT_OUT:
        with anna.expect_response(lambda r: "/decide/" in r.url):
            anna.get_by_role("button", name=f"Inte med: {title}", exact=True).click()
        settle(anna)
    anna.locator("#shortlist-bounds", has_text="7 med: inom 5–10").wait_for()
    assert anna.locator("#shortlist .shortlist__title").all_inner_texts() == CHOSEN
    assert_accessible(anna)

    # --- Anna writes the introduction and the analyses --------------------------------------
    anna.goto(f"{cycle_url}compose/")
    assert anna.locator("li.compose-signal").count() == 7
    assert_accessible(anna)
    intro = anna.locator("form#introduction")
    intro.locator("textarea").fill("Sju signaler som ledningen i Kungsbacka bör känna till.")
    intro.get_by_role("button", name="Spara").click()
    anna.locator("#introduction-status", has_text=re.compile(r"^Sparat \d")).wait_for()
    for title in CHOSEN:
        key = f"candidate-{candidates[title].pk}"
        anna.locator(f"#{key}-meaning").fill(f"Vad {title.lower()} betyder för oss.")
        anna.locator(f"#{key}-consequences").fill("- Ta upp det i budgetarbetet.")
        anna.locator(f"#{key}-audience").fill("Kommunledningen.")
        anna.locator(f"form#{key}").get_by_role("button", name="Spara").click()
        anna.locator(f"#{key}-status", has_text=re.compile(r"^Sparat \d")).wait_for()
    settle(anna)
    assert_accessible(anna)

    # --- Anna publishes ---------------------------------------------------------------------
    anna.goto(f"{cycle_url}publish/")
    assert anna.locator(".publish-list li").all_inner_texts() == CHOSEN
    assert_accessible(anna)
    anna.get_by_role("button", name="Publicera rapporten").click()
    anna.wait_for_url(re.compile(r"/kungsbacka/reports/published/\d+/$"))
    report = PublishedReport.objects.get(cycle__organization__slug="kungsbacka")
    assert report.pdf_state == PdfState.READY  # the task ran (in-process here) after the commit
    assert report.notified_at is not None
    assert_accessible(anna)

    # --- Lena follows the e-mail's link and downloads the PDF -------------------------------
    assert [message.to for message in mailoutbox] == [["lena@kungsbacka.example"]]
    link = re.search(r"https?://\S+/kungsbacka/reports/published/\d+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    lena = browse("lena", login_as)
    lena.goto("/kungsbacka/reports/published/")
    assert_accessible(lena)
    lena.goto(link.group(0))
    for title in CHOSEN:
        lena.get_by_role("heading", name=title).first.wait_for()
    assert_accessible(lena)
    with lena.expect_download() as download:
        lena.get_by_role("link", name="Ladda ned PDF").click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115 (Playwright's temp file)
    assert content.startswith(b"%PDF-")

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(content)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    for title in CHOSEN:
        assert title in text, title
    month = timezone.localdate().strftime("%m")
    assert SWEDISH_MONTHS[int(month) - 1] in text
    assert "Vad färre barn i förskolan betyder för oss." in text
    assert f"Sida 2 av {len(pages)}" in text


SWEDISH_MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
