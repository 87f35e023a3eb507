"""Writing the report: the compose page by role, saving the analyses and the introduction as
one types, conflicts between two editors, hostile text, a published cycle, forged ids and the
page's query budget."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.compose_services import (
    AnalysisConflict,
    IntroductionConflict,
    candidate_analysis_save,
    cycle_introduction_save,
)
from reports.models import Candidate, CycleState, Decision
from reports.services import candidate_decide

from ..factories import CandidateFactory, ReportCycleFactory
from .hostile import LONG_WORD, MARKUP_TITLE, RTL_OVERRIDE

pytestmark = pytest.mark.usefixtures("english")

ROLES = ["scanner", "editor", "admin", "management", "staff"]
COMPOSERS = {"editor", "admin"}


def url(name, *args):
    return reverse(f"reports:{name}", args=["kungsbacka", *args])


def client_as(user, *, htmx=False):
    client = Client(headers={"HX-Request": "true"} if htmx else {})
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def choose(cycle, editor) -> list[Candidate]:
    """Put every candidate of the cycle in, in the order of their ids."""
    chosen = []
    for candidate in Candidate.objects.filter(cycle=cycle).order_by("pk"):
        chosen.append(
            candidate_decide(
                candidate=candidate,
                user=editor,
                decision=Decision.IN,
                expected_version=candidate.version,
            )
        )
    return chosen


@pytest.fixture
def chosen(cycle, members):
    return choose(cycle, members["editor"])


@pytest.mark.parametrize("role", ROLES)
def test_compose_page_by_role(members, cycle, chosen, role):
    """Scanners get 403: they read the text on "the report as it stands"."""
    response = client_as(members[role]).get(url("compose", cycle.pk))
    if role in COMPOSERS:
        assert response.status_code == 200
        page = response.content.decode()
        for candidate in chosen:
            assert candidate.signal.title in page
        assert "What does it mean for us?" in page
        assert "3 in: at least 5" in page
        assert url("board", cycle.pk) in page and url("report", cycle.pk) in page
    else:
        assert response.status_code in (403, 404)


def test_page_lists_chosen_in_shortlist_order_only(members, cycle, chosen):
    first, second, third = chosen
    candidate_decide(
        candidate=second, user=members["editor"], decision=Decision.OUT, expected_version=2
    )
    Candidate.objects.filter(pk=first.pk).update(position=9)
    page = client_as(members["editor"]).get(url("compose", cycle.pk)).content.decode()
    assert second.signal.title not in page
    assert page.index(third.signal.title) < page.index(first.signal.title)


def test_links_to_compose_for_editors_only(members, cycle):
    for page in ("detail", "board"):
        editor_page = client_as(members["editor"]).get(url(page, cycle.pk)).content.decode()
        scanner_page = client_as(members["scanner"]).get(url(page, cycle.pk)).content.decode()
        assert url("compose", cycle.pk) in editor_page
        assert url("compose", cycle.pk) not in scanner_page


def test_another_organisations_member_gets_404(other_members, cycle, chosen):
    for role in ("admin", "editor"):
        client = client_as(other_members[role])
        assert client.get(reverse("reports:compose", args=["varberg", cycle.pk])).status_code == 404
        response = client.post(
            reverse("reports:candidate_analysis", args=["varberg", chosen[0].pk]),
            {"meaning": "x", "version": chosen[0].version},
        )
        assert response.status_code == 404


def test_forged_candidate_of_another_organisation_is_404(members, other_kommun):
    theirs = CandidateFactory(cycle=ReportCycleFactory(organization=other_kommun))
    client = client_as(members["editor"])
    response = client.post(url("candidate_analysis", theirs.pk), {"meaning": "x", "version": 1})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.meaning == "" and theirs.version == 1


def test_ids_past_64_bits_are_404(members, cycle):
    client = client_as(members["editor"])
    assert client.get(f"/kungsbacka/reports/{2**64}/compose/").status_code == 404
    assert client.post(f"/kungsbacka/reports/{2**64}/introduction/", {}).status_code == 404
    big = f"/kungsbacka/reports/candidates/{2**63}/analysis/"
    assert client.post(big, {"meaning": "x", "version": 1}).status_code == 404


def test_scanner_may_not_save(members, chosen):
    candidate = chosen[0]
    for role in ("scanner", "management", "staff"):
        response = client_as(members[role]).post(
            url("candidate_analysis", candidate.pk), {"meaning": "x", "version": candidate.version}
        )
        assert response.status_code in (403, 404)
    candidate.refresh_from_db()
    assert candidate.meaning == ""


# --- saving ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["meaning", "consequences", "audience"])
def test_htmx_save_of_one_field(members, chosen, name):
    candidate = chosen[0]
    version = candidate.version
    response = client_as(members["editor"], htmx=True).post(
        url("candidate_analysis", candidate.pk),
        {name: "Fler äldre i kommunen.", "version": version},
    )
    assert response.status_code == 200
    candidate.refresh_from_db()
    assert getattr(candidate, name) == "Fler äldre i kommunen."
    assert candidate.version == version + 1
    others = {"meaning", "consequences", "audience"} - {name}
    assert all(getattr(candidate, other) == "" for other in others)
    answer = response.content.decode()
    assert f'value="{version + 1}"' in answer and 'hx-swap-oob="true"' in answer
    assert "Saved " in answer
    assert "<textarea" not in answer  # the textarea being typed in is left alone


def test_save_without_javascript_redirects_with_a_message(members, cycle, chosen):
    candidate = chosen[1]
    response = client_as(members["editor"]).post(
        url("candidate_analysis", candidate.pk),
        {
            "meaning": "Betyder",
            "consequences": "Åtgärd",
            "audience": "Alla",
            "version": candidate.version,
        },
        follow=True,
    )
    assert response.redirect_chain[0][0].endswith(f"/compose/#candidate-{candidate.pk}")
    assert "Your text is saved." in response.content.decode()
    candidate.refresh_from_db()
    assert (candidate.meaning, candidate.consequences, candidate.audience) == (
        "Betyder",
        "Åtgärd",
        "Alla",
    )


def test_stale_version_is_a_conflict_with_the_colleagues_text(members, chosen):
    candidate = chosen[0]
    opened_at = candidate.version
    candidate_analysis_save(
        candidate=candidate, user=members["admin"], expected_version=opened_at, meaning="Deras"
    )
    response = client_as(members["editor"], htmx=True).post(
        url("candidate_analysis", candidate.pk), {"meaning": "Mitt", "version": opened_at}
    )
    answer = response.content.decode()
    assert "Someone else changed this text" in answer and "Deras" in answer
    assert f'name="overwrite_version" value="{opened_at + 1}"' in answer
    candidate.refresh_from_db()
    assert candidate.meaning == "Deras" and candidate.version == opened_at + 1

    # Overwrite with mine: the save carries the colleague's version.
    response = client_as(members["editor"], htmx=True).post(
        url("candidate_analysis", candidate.pk),
        {"meaning": "Mitt", "version": opened_at, "overwrite_version": opened_at + 1},
    )
    candidate.refresh_from_db()
    assert candidate.meaning == "Mitt" and candidate.version == opened_at + 2

    # Keep theirs: the block as it is now.
    response = client_as(members["editor"], htmx=True).get(url("candidate_analysis", candidate.pk))
    assert ">Mitt</textarea>" in response.content.decode()


def test_conflict_without_javascript_keeps_my_text_in_the_page(members, cycle, chosen):
    candidate = chosen[0]
    opened_at = candidate.version
    candidate_analysis_save(
        candidate=candidate, user=members["admin"], expected_version=opened_at, audience="Deras"
    )
    response = client_as(members["editor"]).post(
        url("candidate_analysis", candidate.pk), {"audience": "Mitt", "version": opened_at}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert ">Mitt</textarea>" in page and "Deras" in page and "Overwrite with mine" in page


def test_service_conflict_carries_the_current_text(members, chosen):
    candidate = chosen[0]
    candidate_analysis_save(
        candidate=candidate, user=members["admin"], expected_version=2, consequences="Först"
    )
    with pytest.raises(AnalysisConflict) as raised:
        candidate_analysis_save(
            candidate=candidate, user=members["editor"], expected_version=2, consequences="Sen"
        )
    assert raised.value.current.consequences == "Först"


def test_introduction_save_and_conflict(members, cycle):
    client = client_as(members["editor"], htmx=True)
    response = client.post(
        url("introduction", cycle.pk), {"introduction": "Inledning", "version": 1}
    )
    assert "Saved " in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.introduction == "Inledning" and cycle.version == 2
    response = client.post(url("introduction", cycle.pk), {"introduction": "Gammal", "version": 1})
    assert "Inledning" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.introduction == "Inledning"
    with pytest.raises(IntroductionConflict):
        cycle_introduction_save(
            cycle=cycle, user=members["admin"], expected_version=1, introduction="x"
        )
    page = client_as(members["editor"]).get(url("compose", cycle.pk)).content.decode()
    assert ">Inledning</textarea>" in page


# --- hostile text ---------------------------------------------------------------------------


def test_hostile_text_is_stored_as_text_and_shown_escaped(members, cycle, chosen):
    candidate = chosen[0]
    hostile = f"{MARKUP_TITLE} {RTL_OVERRIDE}fdp.exe {LONG_WORD}"
    client_as(members["editor"], htmx=True).post(
        url("candidate_analysis", candidate.pk), {"meaning": hostile, "version": candidate.version}
    )
    candidate.refresh_from_db()
    assert RTL_OVERRIDE not in candidate.meaning
    assert LONG_WORD in candidate.meaning and "<script>" in candidate.meaning
    page = client_as(members["editor"]).get(url("compose", cycle.pk)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert RTL_OVERRIDE not in page


def test_analysis_of_5000_characters_is_fine_5001_refused(members, chosen):
    candidate = chosen[0]
    client = client_as(members["editor"], htmx=True)
    response = client.post(
        url("candidate_analysis", candidate.pk),
        {"meaning": "å" * 5000, "version": candidate.version},
    )
    candidate.refresh_from_db()
    assert len(candidate.meaning) == 5000
    response = client.post(
        url("candidate_analysis", candidate.pk),
        {"meaning": "å" * 5001, "version": candidate.version},
    )
    answer = response.content.decode()
    assert "at most 5000 characters" in answer and "Not saved." in answer
    candidate.refresh_from_db()
    assert len(candidate.meaning) == 5000


def test_closed_cycle_is_refused(members, cycle, chosen):
    candidate = chosen[0]
    type(cycle).objects.filter(pk=cycle.pk).update(state=CycleState.PUBLISHED)
    client = client_as(members["editor"], htmx=True)
    response = client.post(
        url("candidate_analysis", candidate.pk), {"meaning": "Sent", "version": candidate.version}
    )
    assert "published" in response.content.decode()
    response = client.post(url("introduction", cycle.pk), {"introduction": "Sent", "version": 1})
    assert "published" in response.content.decode()
    candidate.refresh_from_db()
    cycle.refresh_from_db()
    assert candidate.meaning == "" and cycle.introduction == ""
    page = client_as(members["editor"]).get(url("compose", cycle.pk)).content.decode()
    assert "<textarea" not in page


# --- query budget ---------------------------------------------------------------------------


def _queries_for(members, kommun, count: int, month: str) -> int:
    cycle = ReportCycleFactory(organization=kommun, month=month)
    for _ in range(count):
        CandidateFactory(cycle=cycle)
    choose(cycle, members["editor"])
    client = client_as(members["editor"])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("compose", cycle.pk)).status_code == 200
    return len(captured)


def test_query_budget_constant_for_5_and_10_chosen(members, kommun):
    five = _queries_for(members, kommun, 5, "2020-01-01")
    ten = _queries_for(members, kommun, 10, "2020-02-01")
    assert five == ten
    assert ten <= 12


def test_page_in_swedish(members, cycle, chosen):
    client = client_as(members["editor"])
    client.cookies["django_language"] = "sv"
    page = client.get(url("compose", cycle.pk)).content.decode()
    for text in (
        "Vad betyder det för oss?",
        "Möjliga konsekvenser eller åtgärder",
        "Vilka behöver känna till det?",
        "Skriv rapporten",
    ):
        assert text in page
    answer = client_as(members["editor"], htmx=True)
    answer.cookies["django_language"] = "sv"
    response = answer.post(
        url("candidate_analysis", chosen[0].pk), {"meaning": "Text", "version": chosen[0].version}
    )
    assert "Sparat " in response.content.decode()
