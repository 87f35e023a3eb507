"""What a forged or broken request to the register gets: a clear message and everything typed
kept, never a 500; and nothing that tells an id of another organisation from one that does not
exist. Runs on SQLite and, with DATABASE_URL, on PostgreSQL (each raises differently on an id
beyond 64 bits)."""

import json
from html import escape

import pytest
from django.urls import reverse

from organizations.roles import Role
from signals.forms import SOURCES_INCOMPLETE
from signals.models import Signal, Source, Trend
from signals.services import AREA_INVALID, TRENDS_INVALID, SourceData

from ..factories import SignalFactory
from .test_register_views import edit_data, form_data

pytestmark = pytest.mark.usefixtures("english")

HUGE = "9999999999999999999999999"
MANAGEMENT_FORM = (
    "sources-TOTAL_FORMS",
    "sources-INITIAL_FORMS",
    "sources-MIN_NUM_FORMS",
    "sources-MAX_NUM_FORMS",
)


def without_management_form(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in MANAGEMENT_FORM}


@pytest.fixture
def scanner_client(client_for, members):
    return client_for(members["scanner"])


# --- the sources' management form ------------------------------------------------------------


@pytest.mark.parametrize(
    "counts",
    [None, *({"sources-TOTAL_FORMS": value} for value in ("0", "-1", "abc"))],
    ids=["missing", "zero", "negative", "text"],
)
def test_a_broken_management_form_is_a_message_and_keeps_what_was_typed(
    kommun, scanner_client, counts
):
    data = form_data(kommun, title="Ny lag om förskola")
    data = without_management_form(data) if counts is None else {**data, **counts}
    response = scanner_client.post(reverse("signals:create", args=[kommun.slug]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(SOURCES_INCOMPLETE) in html
    assert 'value="Ny lag om förskola"' in html
    assert 'value="https://www.regeringen.se/forslag"' in html
    assert not Signal.objects.exists()
    # Sent again as the page now has it, the signal is logged.
    formset = response.context["formset"]
    resent = {**data, **{f"sources-{key}": value for key, value in _counts(formset).items()}}
    response = scanner_client.post(reverse("signals:create", args=[kommun.slug]), resent)
    assert response.status_code == 302
    assert Signal.objects.get().sources.get().url == "https://www.regeringen.se/forslag"


def _counts(formset) -> dict:
    management = formset.management_form
    return {name: management[name].value() for name in ("TOTAL_FORMS", "INITIAL_FORMS")}


@pytest.mark.parametrize("body", ["json", "empty"])
def test_a_body_that_is_not_the_form_is_a_message(kommun, scanner_client, body):
    url = reverse("signals:create", args=[kommun.slug])
    if body == "json":
        response = scanner_client.post(
            url, json.dumps(form_data(kommun)), content_type="application/json"
        )
    else:
        response = scanner_client.post(url, {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the following" in html
    assert str(SOURCES_INCOMPLETE) in html
    assert not Signal.objects.exists()


def test_a_url_encoded_form_works_like_the_multipart_one(kommun, scanner_client):
    from urllib.parse import urlencode

    response = scanner_client.post(
        reverse("signals:create", args=[kommun.slug]),
        urlencode(form_data(kommun)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302


def test_the_edit_page_without_its_management_form(kommun, scanner_client, signal):
    data = without_management_form(edit_data(signal, title="Ändrad titel"))
    response = scanner_client.post(reverse("signals:edit", args=[kommun.slug, signal.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(SOURCES_INCOMPLETE) in html
    assert 'value="Ändrad titel"' in html
    assert 'value="https://www.regionhalland.se/nyhet"' in html
    signal.refresh_from_db()
    assert (signal.title, signal.version) == ("Regionen inför AI-stöd i skolan", 1)


@pytest.mark.parametrize("body", [{}, {"version": HUGE}, {"version": "1", "trends": HUGE}])
def test_inline_edit_with_a_forged_body_is_a_message(kommun, scanner_client, signal, body):
    for field in ("title", "trends", "sources"):
        url = reverse("signals:edit_field", args=[kommun.slug, signal.pk, field])
        response = scanner_client.post(url, body, headers={"HX-Request": "true"})
        assert response.status_code in (200, 404)  # "sources" is not edited inline
    signal.refresh_from_db()
    assert signal.version == 1


# --- ids beyond 64 bits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [("trends", TRENDS_INVALID), ("area", AREA_INVALID)],
)
def test_a_huge_area_or_trend_id_is_not_a_valid_choice(kommun, scanner_client, field, message):
    for value in (HUGE, "-1", "abc"):
        response = scanner_client.post(
            reverse("signals:create", args=[kommun.slug]), form_data(kommun, **{field: value})
        )
        assert response.status_code == 200
        assert escape(str(message)) in response.content.decode()
    assert not Signal.objects.exists()


def test_a_huge_trend_id_when_editing(kommun, scanner_client, signal):
    trend = Trend.objects.filter(organization=kommun).first()
    for url, data in [
        (reverse("signals:edit", args=[kommun.slug, signal.pk]), edit_data(signal)),
        (reverse("signals:edit_field", args=[kommun.slug, signal.pk, "trends"]), {"version": "1"}),
    ]:
        response = scanner_client.post(url, {**data, "trends": [trend.pk, HUGE]})
        assert response.status_code == 200
        assert escape(str(TRENDS_INVALID)) in response.content.decode()
    assert not signal.trends.exists()


@pytest.mark.parametrize("value", [HUGE, "-5", "0", "abc", "1e3"])
def test_a_source_id_that_cannot_be_one_makes_a_new_source(kommun, scanner_client, signal, value):
    response = scanner_client.post(
        reverse("signals:create", args=[kommun.slug]),
        form_data(kommun, **{"sources-0-id": value}),
    )
    assert response.status_code == 302
    created = Signal.objects.exclude(pk=signal.pk).get()
    assert [s.url for s in created.sources.all()] == ["https://www.regeringen.se/forslag"]
    data = edit_data(signal, **{"sources-0-id": value, "sources-0-name": "Ny källa"})
    response = scanner_client.post(reverse("signals:edit", args=[kommun.slug, signal.pk]), data)
    assert response.status_code == 302
    assert [s.name for s in signal.sources.all()] == ["Ny källa"]


@pytest.mark.parametrize("name", ["area", "trend", "tag", "author"])
@pytest.mark.parametrize("role", Role.values)
def test_a_huge_id_in_a_list_filter_is_left_out(kommun, members, client_for, signal, name, role):
    client = client_for(members[role])
    for url, headers in [
        (reverse("signals:list", args=[kommun.slug]), {}),
        (reverse("signals:list", args=[kommun.slug]), {"HX-Request": "true"}),
        (reverse("signals:export", args=[kommun.slug]), {}),
    ]:
        response = client.get(url, {name: HUGE}, headers=headers)
        assert response.status_code == 200
        if url.endswith("export.csv"):
            b"".join(response.streaming_content)


# --- the month filter -------------------------------------------------------------------------


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("month", ["9999-12", "2101-01", "0000-01", "1899-12"])
def test_a_month_out_of_range_is_a_message(kommun, members, client_for, signal, role, month):
    client = client_for(members[role])
    url = reverse("signals:list", args=[kommun.slug])
    response = client.get(url, {"month": month})
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be understood" in html
    response = client.get(url, {"month": month}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    response = client.get(reverse("signals:export", args=[kommun.slug]), {"month": month})
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_the_last_month_in_range_still_filters(kommun, members, client_for, signal):
    response = client_for(members["scanner"]).get(
        reverse("signals:list", args=[kommun.slug]), {"month": "2100-12"}
    )
    assert response.status_code == 200
    assert response.context["total"] == 0
    assert response.context["params"]["month"] == "2100-12"


# --- a source id tells nothing about other organisations --------------------------------------


def test_a_source_id_answers_alike_whether_it_exists_elsewhere_or_not(
    kommun, other_kommun, scanner_client, signal
):
    elsewhere = SignalFactory(organization=other_kommun, sources=[SourceData(name="Varbergs")])
    foreign = elsewhere.sources.get()
    missing = Source.objects.order_by("-pk").first().pk + 1000
    answers = []
    for source_id in (foreign.pk, missing):
        data = edit_data(signal, **{"sources-0-id": source_id, "sources-0-name": "Min källa"})
        data["version"] = str(Signal.objects.get(pk=signal.pk).version)
        response = scanner_client.post(
            reverse("signals:edit", args=[kommun.slug, signal.pk]), data, follow=True
        )
        answers.append((response.status_code, response.redirect_chain, _messages(response)))
        assert [s.name for s in signal.sources.all()] == ["Min källa"]
    assert answers[0] == answers[1]
    foreign.refresh_from_db()
    assert (foreign.signal_id, foreign.name) == (elsewhere.pk, "Varbergs")


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
