"""The register's pages: logging, detail, editing (whole and inline), archive/restore, history,
for every role and for another organisation's members."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from signals.forms import SignalForm, source_formset
from signals.models import Area, Level, Signal, Source, Status, Tag, Trend
from signals.services import SourceData, signal_update

from ..factories import SignalFactory

SCANNING_GROUP = ["scanner", "editor", "admin"]
NOT_LOGGING = ["management", "staff"]


# Assert on the English source strings (the Swedish translation may change).
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def draft(kommun, members):
    return SignalFactory(
        organization=kommun,
        created_by=members["scanner"],
        title="Utkast om klimatanpassning",
        motivation="Kan påverka vår översiktsplan.",
        level=Level.INNER,
        sources=[SourceData(name="Samtal med planeringschefen")],
        status=Status.DRAFT,
    )


def form_data(kommun, **overrides):
    data = {
        "title": "Ny lag om förskola",
        "description": "Regeringen föreslår ändringar.",
        "motivation": "Våra förskolor behöver förbereda sig.",
        "level": Level.OUTER,
        "area": "",
        "tags": "förskola, Lagstiftning",
        "time_horizon": "1-3",
        "impact": "3",
        "certainty": "2",
        "status": Status.LOGGED,
        "sources-TOTAL_FORMS": "2",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
        "sources-0-url": "https://www.regeringen.se/forslag",
        "sources-0-name": "Regeringen",
        "sources-0-published_on": "2026-11-02",
        "sources-1-url": "",
        "sources-1-name": "",
        "sources-1-published_on": "",
    }
    data.update(overrides)
    return data


def edit_data(signal, **overrides):
    sources = list(signal.sources.all())
    data = {
        "version": str(signal.version),
        "title": signal.title,
        "description": signal.description,
        "motivation": signal.motivation,
        "level": signal.level,
        "area": signal.area_id or "",
        "tags": ", ".join(t.name for t in signal.tags.all()),
        "trends": [t.pk for t in signal.trends.all()],
        "time_horizon": signal.time_horizon,
        "impact": signal.impact or "",
        "certainty": signal.certainty or "",
        "status": signal.status,
        "sources-TOTAL_FORMS": str(len(sources) + 1),
        "sources-INITIAL_FORMS": str(len(sources)),
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "20",
    }
    for i, source in enumerate([*sources, Source()]):
        data[f"sources-{i}-id"] = source.pk or ""
        data[f"sources-{i}-url"] = source.url
        data[f"sources-{i}-name"] = source.name
        data[f"sources-{i}-published_on"] = ""
    data.update(overrides)
    return data


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SCANNING_GROUP)
def test_the_scanning_group_may_open_the_create_form(kommun, members, client_for, role):
    response = client_for(members[role]).get(reverse("signals:create", args=[kommun.slug]))
    assert response.status_code == 200
    assert "Why this is interesting for Kungsbacka" in response.content.decode()


@pytest.mark.parametrize("role", NOT_LOGGING)
def test_others_may_not_log_signals(kommun, members, client_for, role):
    client = client_for(members[role])
    assert client.get(reverse("signals:create", args=[kommun.slug])).status_code == 403
    assert (
        client.post(reverse("signals:create", args=[kommun.slug]), {"title": "x"}).status_code
        == 403
    )
    assert not Signal.objects.exists()


def test_anonymous_users_are_sent_to_log_in(kommun, client, signal):
    for url in [
        reverse("signals:create", args=[kommun.slug]),
        reverse("signals:detail", args=[kommun.slug, signal.pk]),
        reverse("signals:edit", args=[kommun.slug, signal.pk]),
        reverse("signals:history", args=[kommun.slug, signal.pk]),
        reverse("signals:edit_field", args=[kommun.slug, signal.pk, "title"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [*SCANNING_GROUP, "management"])
def test_who_may_read_a_logged_signal(kommun, members, client_for, signal, role):
    client = client_for(members[role])
    assert client.get(reverse("signals:detail", args=[kommun.slug, signal.pk])).status_code == 200
    assert client.get(reverse("signals:history", args=[kommun.slug, signal.pk])).status_code == 200


def test_staff_see_no_signal_yet(kommun, members, client_for, signal):
    client = client_for(members["staff"])
    assert client.get(reverse("signals:detail", args=[kommun.slug, signal.pk])).status_code == 404
    assert client.get(reverse("signals:history", args=[kommun.slug, signal.pk])).status_code == 404


def test_management_does_not_see_drafts(kommun, members, client_for, draft):
    response = client_for(members["management"]).get(
        reverse("signals:detail", args=[kommun.slug, draft.pk])
    )
    assert response.status_code == 404


def test_management_reads_but_does_not_edit(kommun, members, client_for, signal):
    client = client_for(members["management"])
    page = client.get(reverse("signals:detail", args=[kommun.slug, signal.pk])).content.decode()
    assert reverse("signals:edit", args=[kommun.slug, signal.pk]) not in page
    assert reverse("signals:archive", args=[kommun.slug, signal.pk]) not in page
    for name, method in [
        ("signals:edit", "get"),
        ("signals:edit", "post"),
        ("signals:archive", "post"),
        ("signals:restore", "post"),
    ]:
        response = getattr(client, method)(reverse(name, args=[kommun.slug, signal.pk]))
        assert response.status_code == 403, name
    url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "title"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Kapad", "version": "1"}).status_code == 403
    assert Signal.objects.get(pk=signal.pk).title == signal.title


@pytest.mark.parametrize("role", ["scanner", "editor", "admin", "management", "staff"])
def test_another_organisations_signal_is_not_found(kommun, other_members, client_for, signal, role):
    """Neither under Kungsbacka's address (not their organisation) nor under their own (not
    their signal)."""
    client = client_for(other_members[role])
    for slug in (kommun.slug, "varberg"):
        for name in ["signals:detail", "signals:history", "signals:edit"]:
            response = client.get(reverse(name, args=[slug, signal.pk]))
            assert response.status_code in (403, 404), name
            if role in SCANNING_GROUP or name != "signals:edit" or slug == kommun.slug:
                assert response.status_code == 404, name
        if role in SCANNING_GROUP:
            for name in ["signals:archive", "signals:restore"]:
                assert client.post(reverse(name, args=[slug, signal.pk])).status_code == 404
            url = reverse("signals:edit_field", args=[slug, signal.pk, "title"])
            assert client.post(url, {"title": "Kapad", "version": "1"}).status_code == 404
    assert Signal.objects.get(pk=signal.pk).status == Status.LOGGED


# --- create -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SCANNING_GROUP)
def test_logging_a_signal(kommun, members, client_for, role):
    area = Area.objects.filter(organization=kommun).first()
    trends = list(Trend.objects.filter(organization=kommun)[:2])
    data = form_data(kommun, area=area.pk, trends=[t.pk for t in trends])
    response = client_for(members[role]).post(reverse("signals:create", args=[kommun.slug]), data)
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("signals:detail", args=[kommun.slug, signal.pk])
    assert signal.created_by == members[role]
    assert signal.organization == kommun
    assert (signal.level, signal.area, signal.impact, signal.time_horizon) == (
        Level.OUTER,
        area,
        3,
        "1-3",
    )
    assert set(signal.trends.all()) == set(trends)
    assert sorted(signal.tags.values_list("name", flat=True)) == ["Lagstiftning", "förskola"]
    assert [(s.url, s.name, str(s.published_on)) for s in signal.sources.all()] == [
        ("https://www.regeringen.se/forslag", "Regeringen", "2026-11-02")
    ]
    assert "regeringen" in signal.search_document


def test_a_missing_motivation_is_a_field_error_and_keeps_what_was_typed(
    kommun, members, client_for
):
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]), form_data(kommun, motivation="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert 'class="error-summary"' in page
    assert 'href="#id_motivation"' in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_motivation_error"' in page
    assert 'value="Ny lag om förskola"' in page
    assert 'value="https://www.regeringen.se/forslag"' in page
    assert 'value="förskola, Lagstiftning"' in page


def test_at_least_one_source(kommun, members, client_for):
    data = form_data(kommun, **{"sources-0-url": "", "sources-0-name": ""})
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]), data
    )
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert "Give the source" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "/relativ/sida"]
)
def test_unsafe_or_relative_source_addresses_are_refused(kommun, members, client_for, url):
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(kommun, **{"sources-0-url": url}),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert 'href="#id_sources-0-url"' in page
    assert "http://" in page  # the error says what is accepted


def test_a_100_kb_title_is_a_clear_error(kommun, members, client_for):
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(kommun, title="x" * 100_000),
    )
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert "at most 250 characters" in response.content.decode()


def test_a_forged_level_is_a_field_error(kommun, members, client_for):
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(kommun, level="hacked"),
    )
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert 'href="#id_level"' in response.content.decode()


def test_another_organisations_area_or_trend_is_a_field_error(
    kommun, other_kommun, members, client_for
):
    foreign_area = Area.objects.filter(organization=other_kommun).first()
    foreign_trend = Trend.objects.filter(organization=other_kommun).first()
    response = client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(kommun, area=foreign_area.pk, trends=[foreign_trend.pk]),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not Signal.objects.exists()
    assert 'href="#id_area"' in page
    assert 'href="#id_trends"' in page


def test_retired_areas_are_not_offered(kommun, members, client_for):
    retired = Area.objects.filter(organization=kommun).first()
    retired.is_active = False
    retired.save()
    page = (
        client_for(members["scanner"])
        .get(reverse("signals:create", args=[kommun.slug]))
        .content.decode()
    )
    assert f'<option value="{retired.pk}">' not in page
    assert retired.name not in page


def test_html_in_fields_is_stored_as_text_and_shown_escaped(kommun, members, client_for):
    client = client_for(members["scanner"])
    payload = "<script>alert('x')</script>"
    client.post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(
            kommun,
            title=payload,
            motivation=payload,
            description=f"{payload} **fet** [länk](javascript:alert(1))",
            tags=payload,
            **{"sources-0-name": payload},
        ),
    )
    signal = Signal.objects.get()
    assert signal.title == payload
    page = client.get(reverse("signals:detail", args=[kommun.slug, signal.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<strong>fet</strong>" in page
    assert "javascript:" not in page


def test_new_tags_are_created_and_existing_reused_ignoring_case(kommun, members, client_for):
    Tag.objects.create(organization=kommun, name="Förskola")
    client_for(members["scanner"]).post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(kommun, tags="FÖRSKOLA, ny tagg"),
    )
    assert sorted(Tag.objects.filter(organization=kommun).values_list("name", flat=True)) == [
        "Förskola",
        "ny tagg",
    ]


# --- detail -----------------------------------------------------------------------------------


def test_the_detail_page_shows_everything(kommun, members, client_for, signal):
    page = client_for(members["editor"]).get(
        reverse("signals:detail", args=[kommun.slug, signal.pk])
    )
    html = page.content.decode()
    assert "Regionen inför AI-stöd i skolan" in html
    assert "Region Halland <strong>testar</strong> AI." in html
    assert "Våra skolor står inför samma beslut." in html
    assert 'href="https://www.regionhalland.se/nyhet" rel="noopener noreferrer nofollow"' in html
    assert "Our region" in html  # the level's explanation
    assert "Scanner-kungsbacka" in html
    assert reverse("signals:history", args=[kommun.slug, signal.pk]) in html
    assert reverse("signals:edit_field", args=[kommun.slug, signal.pk, "motivation"]) in html


# --- full edit and conflicts ------------------------------------------------------------------


def test_editing_a_signal(kommun, members, client_for, signal):
    data = edit_data(signal, title="Ny rubrik", **{"sources-1-name": "Hallandsposten"})
    response = client_for(members["editor"]).post(
        reverse("signals:edit", args=[kommun.slug, signal.pk]), data
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.title == "Ny rubrik"
    assert signal.version == 2
    assert [s.name for s in signal.sources.all()] == ["Region Halland", "Hallandsposten"]


def test_removing_a_source_on_the_edit_page(kommun, members, client_for, signal):
    signal_update(
        signal=signal,
        user=members["scanner"],
        expected_version=1,
        sources=[SourceData(name="A"), SourceData(name="B")],
    )
    signal.refresh_from_db()
    data = edit_data(signal, **{"sources-0-DELETE": "on"})
    client_for(members["scanner"]).post(
        reverse("signals:edit", args=[kommun.slug, signal.pk]), data
    )
    assert [s.name for s in signal.sources.all()] == ["B"]


def test_removing_every_source_is_refused(kommun, members, client_for, signal):
    data = edit_data(signal, **{"sources-0-DELETE": "on"})
    response = client_for(members["scanner"]).post(
        reverse("signals:edit", args=[kommun.slug, signal.pk]), data
    )
    assert response.status_code == 200
    assert "at least one source" in response.content.decode()
    assert signal.sources.count() == 1


def test_a_second_save_is_told_of_the_conflict_and_overwrites_nothing(
    kommun, members, client_for, signal
):
    stale = edit_data(signal, title="Min rubrik", motivation="Min motivering")
    # A colleague saves first.
    signal_update(signal=signal, user=members["editor"], expected_version=1, title="Deras rubrik")

    response = client_for(members["scanner"]).post(
        reverse("signals:edit", args=[kommun.slug, signal.pk]), stale
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this signal while you were editing" in page
    assert "Deras rubrik" in page  # theirs, shown
    assert 'value="Min rubrik"' in page  # yours, kept in the form
    assert "Min motivering" in page
    assert 'name="version" value="2"' in page  # a deliberate second save may now replace theirs
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.title, stored.version) == ("Deras rubrik", 2)

    # Saving again, knowingly, replaces theirs.
    again = edit_data(stored, title="Min rubrik", motivation="Min motivering")
    client_for(members["scanner"]).post(
        reverse("signals:edit", args=[kommun.slug, signal.pk]), again
    )
    assert Signal.objects.get(pk=signal.pk).title == "Min rubrik"


def test_a_form_without_a_version_is_treated_as_stale(kommun, members, client_for, signal):
    data = edit_data(signal, title="Utan version")
    del data["version"]
    response = client_for(members["scanner"]).post(
        reverse("signals:edit", args=[kommun.slug, signal.pk]), data
    )
    assert response.status_code == 200
    assert Signal.objects.get(pk=signal.pk).title == signal.title


# --- inline editing ---------------------------------------------------------------------------


def test_inline_edit_returns_a_fragment_of_the_detail_template(kommun, members, client_for, signal):
    client = client_for(members["scanner"])
    url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "motivation"])
    response = client.get(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="signal-field-motivation"' in html
    assert f'hx-post="{url}"' in html
    assert 'name="version" value="1"' in html
    assert "autofocus" in html

    response = client.post(
        url, {"motivation": "Nu är det bråttom för oss.", "version": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Nu är det bråttom för oss." in html
    assert "<form" not in html.split('class="signal-version"')[0]  # back to display
    assert 'value="2" class="signal-version" hx-swap-oob' in html
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.motivation, stored.version) == ("Nu är det bråttom för oss.", 2)


def test_inline_edit_of_a_multiple_choice_field(kommun, members, client_for, signal):
    trends = list(Trend.objects.filter(organization=kommun)[:2])
    url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "trends"])
    response = client_for(members["scanner"]).post(
        url, {"trends": [t.pk for t in trends], "version": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert set(Signal.objects.get(pk=signal.pk).trends.all()) == set(trends)


def test_inline_edit_errors_stay_in_the_fragment(kommun, members, client_for, signal):
    url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "level"])
    response = client_for(members["scanner"]).post(
        url, {"level": "forged", "version": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'class="errorlist"' in html
    assert Signal.objects.get(pk=signal.pk).level == Level.NEAR


def test_inline_edit_conflict(kommun, members, client_for, signal):
    signal_update(signal=signal, user=members["editor"], expected_version=1, title="Deras")
    url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "title"])
    response = client_for(members["scanner"]).post(
        url, {"title": "Mina ord", "version": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "Someone else changed this signal while you were editing." in html
    assert "Deras" in html
    assert 'value="Mina ord"' in html
    assert 'name="version" value="2"' in html
    assert Signal.objects.get(pk=signal.pk).title == "Deras"


def _form_version(html: str) -> str:
    """The version an inline form fragment carries."""
    return re.search(r'name="version" value="(\d+)" class="signal-version"', html).group(1)


def _apply_version_push(html: str, open_forms: dict[str, str]) -> None:
    """Do what htmx does with a saved field's out-of-band version: every open form's version
    input that the oob selector matches takes the new version."""
    tag = re.search(r'<input [^>]*class="signal-version" hx-swap-oob="([^"]*)"', html)
    new = re.search(r'value="(\d+)"', tag.group(0)).group(1)
    selector = re.fullmatch(r"outerHTML:\.signal-version(?:\[value='(\d+)'\])?", tag.group(1))
    assert selector, tag.group(1)
    for field, version in open_forms.items():
        if selector.group(1) in (None, version):
            open_forms[field] = new


def test_a_form_opened_before_a_colleagues_save_is_told_of_the_conflict(
    kommun, members, client_for, signal
):
    """Anna opens the motivation; Bertil saves a new motivation; Anna opens and saves the
    title; Anna saves her motivation: she is told, and Bertil's text stays."""
    anna = client_for(members["editor"])
    motivation_url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "motivation"])
    title_url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "title"])
    open_forms = {}
    html = anna.get(motivation_url, HTTP_HX_REQUEST="true").content.decode()
    open_forms["motivation"] = _form_version(html)

    signal_update(
        signal=signal, user=members["scanner"], expected_version=1, motivation="Bertils text."
    )

    html = anna.get(title_url, HTTP_HX_REQUEST="true").content.decode()
    response = anna.post(
        title_url, {"title": "Annas rubrik", "version": _form_version(html)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    _apply_version_push(response.content.decode(), open_forms)
    assert open_forms["motivation"] == "1"

    response = anna.post(
        motivation_url,
        {"motivation": "Annas gamla text.", "version": open_forms["motivation"]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Someone else changed this signal while you were editing." in html
    assert "Bertils text." in html  # theirs, shown
    assert "Annas gamla text." in html  # hers, still in the form
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.title, stored.motivation) == ("Annas rubrik", "Bertils text.")


def test_forms_opened_at_the_saved_version_move_on_with_it(kommun, members, client_for, signal):
    client = client_for(members["scanner"])
    motivation_url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "motivation"])
    title_url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "title"])
    open_forms = {
        "motivation": _form_version(
            client.get(motivation_url, HTTP_HX_REQUEST="true").content.decode()
        ),
        "title": _form_version(client.get(title_url, HTTP_HX_REQUEST="true").content.decode()),
    }
    response = client.post(
        motivation_url,
        {"motivation": "Ny motivering.", "version": open_forms.pop("motivation")},
        HTTP_HX_REQUEST="true",
    )
    _apply_version_push(response.content.decode(), open_forms)
    response = client.post(
        title_url, {"title": "Ny rubrik", "version": open_forms["title"]}, HTTP_HX_REQUEST="true"
    )
    assert "Someone else changed" not in response.content.decode()
    stored = Signal.objects.get(pk=signal.pk)
    assert (stored.title, stored.motivation, stored.version) == ("Ny rubrik", "Ny motivering.", 3)


def test_the_title_keeps_its_heading_while_it_is_edited(kommun, members, client_for, signal):
    client = client_for(members["scanner"])
    url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "title"])
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>Regionen inför AI-stöd i skolan</h1>" in fragment
    assert fragment.index("<h1>") < fragment.index("<form")
    page = client.get(url).content.decode()  # without JavaScript: the whole page
    assert page.count("<h1>") == 1
    assert page.index("<h1>Regionen inför AI-stöd i skolan</h1>") < page.index(f'action="{url}"')


def test_inline_edit_without_javascript_uses_the_whole_page(kommun, members, client_for, signal):
    client = client_for(members["scanner"])
    url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, "title"])
    page = client.get(url).content.decode()
    assert "<html" in page and f'action="{url}"' in page
    response = client.post(url, {"title": "Utan JS", "version": "1"})
    assert response.status_code == 302
    assert Signal.objects.get(pk=signal.pk).title == "Utan JS"


def test_unknown_fields_cannot_be_edited_inline(kommun, members, client_for, signal):
    client = client_for(members["scanner"])
    for field in ["organization", "created_by", "version", "search_document"]:
        url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, field])
        assert client.post(url, {field: "1", "version": "1"}).status_code == 404


def test_cancel_shows_the_field_again(kommun, members, client_for, signal):
    url = reverse("signals:field", args=[kommun.slug, signal.pk, "title"])
    html = client_for(members["scanner"]).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>Regionen inför AI-stöd i skolan</h1>" in html


# --- archive, restore, history ----------------------------------------------------------------


def test_archive_and_restore(kommun, members, client_for, signal):
    client = client_for(members["scanner"])
    assert client.get(reverse("signals:archive", args=[kommun.slug, signal.pk])).status_code == 405
    response = client.post(reverse("signals:archive", args=[kommun.slug, signal.pk]), follow=True)
    assert Signal.objects.get(pk=signal.pk).status == Status.ARCHIVED
    html = response.content.decode()
    assert "is archived" in html
    assert reverse("signals:restore", args=[kommun.slug, signal.pk]) in html
    response = client.post(reverse("signals:restore", args=[kommun.slug, signal.pk]), follow=True)
    assert Signal.objects.get(pk=signal.pk).status == Status.LOGGED
    assert "is restored" in response.content.decode()


def test_management_no_longer_sees_an_archived_signal(kommun, members, client_for, signal):
    client_for(members["scanner"]).post(reverse("signals:archive", args=[kommun.slug, signal.pk]))
    client = client_for(members["management"])
    assert client.get(reverse("signals:detail", args=[kommun.slug, signal.pk])).status_code == 404


def test_the_history_shows_who_changed_what(kommun, members, client_for, signal):
    client = client_for(members["editor"])
    client.post(
        reverse("signals:edit_field", args=[kommun.slug, signal.pk, "level"]),
        {"level": Level.OUTER, "version": "1"},
        HTTP_HX_REQUEST="true",
    )
    html = client.get(reverse("signals:history", args=[kommun.slug, signal.pk])).content.decode()
    assert "Editor-kungsbacka" in html
    assert "Scanner-kungsbacka" in html
    before, after = html.index("history-changes__old"), html.index("history-changes__new")
    assert before < after
    assert ("Near world" in html or "Närvärld" in html) and (
        "Outer world" in html or "Omvärld" in html
    )


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_history_is_in_the_users_language(kommun, members, client_for, signal, language):
    client = client_for(members["editor"])
    signal_update(signal=signal, user=members["editor"], expected_version=1, level=Level.OUTER)
    client.cookies["django_language"] = language
    html = client.get(reverse("signals:history", args=[kommun.slug, signal.pk])).content.decode()
    with translation.override(language):
        assert str(Level.OUTER.label) in html
        assert str(Level.NEAR.label) in html


# --- quick capture ----------------------------------------------------------------------------


@pytest.fixture
def article(page_server):
    return page_server.add(
        "/artikel", "<html><head><title>Skolverket: nya riktlinjer</title></head></html>"
    )


# What the form's own htmx request carries: the htmx header and the browser's word that it
# comes from our own page.
FROM_THE_FORM = {"HTTP_HX_REQUEST": "true", "HTTP_SEC_FETCH_SITE": "same-origin"}


def test_the_title_is_offered_never_filled_in(kommun, members, client_for, article):
    client = client_for(members["scanner"])
    url = reverse("signals:suggest_title", args=[kommun.slug])
    html = client.get(url, {"url": article, "title": ""}, **FROM_THE_FORM).content
    html = html.decode()
    # Even into an empty title field nothing is swapped: the user may be typing by the time
    # the answer comes. The suggestion comes with a button that uses it when clicked.
    assert "hx-swap-oob" not in html
    assert 'id="field-title"' not in html
    assert 'data-use-title="Skolverket: nya riktlinjer" aria-controls="id_title"' in html
    assert "Use this title" in html
    # A title the user already typed is never replaced; the suggestion is only mentioned.
    html = client.get(url, {"sources-0-url": article, "title": "Min"}, **FROM_THE_FORM)
    html = html.content.decode()
    assert "hx-swap-oob" not in html
    assert "Skolverket: nya riktlinjer" in html


def test_by_default_no_title_is_fetched_from_our_own_network(
    kommun, members, client_for, article, settings
):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = []
    response = client_for(members["scanner"]).get(
        reverse("signals:suggest_title", args=[kommun.slug]), {"url": article}, **FROM_THE_FORM
    )
    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.parametrize(
    "headers",
    [
        {},  # typed into the address bar, or a plain link
        {"HTTP_HX_REQUEST": "true"},  # htmx, but nothing says from where
        {"HTTP_HX_REQUEST": "true", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_HX_REQUEST": "true", "HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_HX_REQUEST": "true", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_HX_REQUEST": "true", "HTTP_ORIGIN": "null"},
        {"HTTP_HX_REQUEST": "true", "HTTP_REFERER": "https://evil.example/testserver/"},
        {"HTTP_SEC_FETCH_SITE": "same-origin"},  # our origin, but not the form's htmx
    ],
    ids=["plain", "htmx-only", "cross-site", "same-site", "origin", "null", "referer", "no-hx"],
)
def test_a_title_is_fetched_only_for_the_forms_own_request(
    kommun, members, client_for, page_server, headers
):
    page = page_server.add("/lockbete", "<title>Hämtad</title>")
    response = client_for(members["scanner"]).get(
        reverse("signals:suggest_title", args=[kommun.slug]), {"url": page}, **headers
    )
    assert response.status_code == 400
    assert b"H\xc3\xa4mtad" not in response.content
    assert page_server.requests == []


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/kungsbacka/signals/new/"},
    ],
    ids=["origin", "referer"],
)
def test_without_sec_fetch_site_our_own_origin_or_referer_will_do(
    kommun, members, client_for, article, headers
):
    response = client_for(members["scanner"]).get(
        reverse("signals:suggest_title", args=[kommun.slug]),
        {"url": article},
        HTTP_HX_REQUEST="true",
        **headers,
    )
    assert "Skolverket: nya riktlinjer" in response.content.decode()


def test_only_loggers_may_ask_for_a_title(kommun, members, client_for):
    response = client_for(members["management"]).get(
        reverse("signals:suggest_title", args=[kommun.slug]),
        {"url": "https://example.se"},
        **FROM_THE_FORM,
    )
    assert response.status_code == 403


def test_another_source_row(kommun, members, client_for):
    response = client_for(members["scanner"]).get(
        reverse("signals:source_row", args=[kommun.slug]),
        {"sources-TOTAL_FORMS": "1"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'name="sources-1-url"' in html
    assert "autofocus" in html
    assert 'id="id_sources-TOTAL_FORMS" hx-swap-oob="true"' in html
    assert 'value="2"' in html


# --- Django admin -----------------------------------------------------------------------------


def test_the_admin_is_for_superusers_only(members, client_for, signal):
    url = reverse("admin:signals_signal_change", args=[signal.pk])
    for role in ["admin", "scanner"]:
        user = members[role]
        user.is_staff = True
        user.save()
        response = client_for(user).get(url)
        assert response.status_code in (302, 403)


def test_a_superuser_save_in_the_admin_keeps_search_and_version_right(
    kommun, members, client, signal
):
    root = get_user_model().objects.create_superuser("root", password="pw-for-tests")
    client.force_login(root)
    url = reverse("admin:signals_signal_change", args=[signal.pk])
    assert client.get(url).status_code == 200
    source = signal.sources.get()
    data = {
        "organization": kommun.pk,
        "title": "Rättad i admin",
        "description": signal.description,
        "motivation": signal.motivation,
        "level": signal.level,
        "area": "",
        "tags": [t.pk for t in signal.tags.all()],
        "time_horizon": "",
        "impact": "",
        "certainty": "",
        "status": signal.status,
        "created_by": members["scanner"].pk,
        "created_at_0": "2026-11-02",
        "created_at_1": "10:00:00",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "1",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-id": source.pk,
        "sources-0-signal": signal.pk,
        "sources-0-url": source.url,
        "sources-0-name": "Hallandsposten",
        "sources-0-published_on": "",
        "sources-0-position": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.title == "Rättad i admin"
    assert stored.version == 2
    assert "rättad i admin" in stored.search_document
    assert "hallandsposten" in stored.search_document


# --- the error summary ------------------------------------------------------------------------


def test_the_error_summary_names_the_sources_errors(kommun, members, client_for):
    client = client_for(members["scanner"])
    data = form_data(kommun, **{"sources-0-url": "", "sources-0-name": ""})
    html = client.post(reverse("signals:create", args=[kommun.slug]), data).content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#id_sources-0-url">Source 1, web address: Give the source' in summary

    data = form_data(kommun, **{"sources-1-url": "javascript:alert(1)"})
    html = client.post(reverse("signals:create", args=[kommun.slug]), data).content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert '<a href="#id_sources-1-url">Source 2, web address: Enter a web address' in summary
    assert not Signal.objects.exists()


def test_the_shared_error_summary_takes_a_formset(kommun, members):
    formset = source_formset(
        data={
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-url": "",
            "sources-0-name": "",
        }
    )
    formset.is_valid()
    formset.non_form_errors().append("Add at least one source: where did you see this?")
    with translation.override("en"):
        html = render_to_string(
            "includes/form_errors.html",
            {
                "form": SignalForm(membership=members["scanner"].memberships.get()),
                "formset": formset,
            },
        )
    assert 'class="error-summary"' in html
    assert '<a href="#id_sources-0-url">Sources: Add at least one source' in html
    assert '<a href="#id_sources-0-url">Source 1, web address: Give the source' in html
