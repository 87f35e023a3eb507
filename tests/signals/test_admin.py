"""The Django admin for signals: a superuser may see every organisation, but a signal may only
get the area, trends and tags of its own organisation."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from signals.models import Area, Signal, Tag, Trend


@pytest.fixture
def root_client(db, english):
    english.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    return english


def change_data(signal, **changes):
    source = signal.sources.get()
    data = {
        "organization": signal.organization_id,
        "title": signal.title,
        "description": signal.description,
        "motivation": signal.motivation,
        "level": signal.level,
        "area": "",
        "trends": [],
        "tags": [t.pk for t in signal.tags.all()],
        "time_horizon": "",
        "impact": "",
        "certainty": "",
        "status": signal.status,
        "created_by": signal.created_by_id,
        "created_at_0": "2026-11-02",
        "created_at_1": "10:00:00",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "1",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-id": source.pk,
        "sources-0-signal": signal.pk,
        "sources-0-url": source.url,
        "sources-0-name": source.name,
        "sources-0-published_on": "",
        "sources-0-position": "0",
    }
    data.update(changes)
    return data


def post(client, signal, **changes):
    url = reverse("admin:signals_signal_change", args=[signal.pk])
    return client.post(url, change_data(signal, **changes))


def admin_errors(response, field):
    return response.context["adminform"].form.errors.get(field, [])


def test_the_signals_own_area_trends_and_tags_are_saved(root_client, kommun, signal):
    area = Area.objects.filter(organization=kommun).first()
    trend = Trend.objects.filter(organization=kommun).first()
    response = post(root_client, signal, area=area.pk, trends=[trend.pk])
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.area == area
    assert list(signal.trends.all()) == [trend]


@pytest.mark.parametrize("field", ["area", "trends", "tags"])
def test_another_organisations_area_trend_or_tag_is_refused(
    root_client, kommun, other_kommun, signal, field
):
    theirs = {
        "area": Area.objects.filter(organization=other_kommun).first(),
        "trends": Trend.objects.filter(organization=other_kommun).first(),
        "tags": Tag.objects.create(organization=other_kommun, name="varbergstagg"),
    }[field]
    value = theirs.pk if field == "area" else [theirs.pk]

    response = post(root_client, signal, **{field: value})

    assert response.status_code == 200
    assert admin_errors(response, field) == [
        f"Belongs to another organisation than Kungsbacka kommun: “{theirs}”."
    ]
    stored = Signal.objects.get(pk=signal.pk)
    assert stored.area is None
    assert not stored.trends.exists()
    assert [t.name for t in stored.tags.all()] == ["AI"]


def test_moving_a_signal_to_another_organisation_with_its_tags_is_refused(
    root_client, other_kommun, signal
):
    response = post(root_client, signal, organization=other_kommun.pk)
    assert response.status_code == 200
    assert admin_errors(response, "tags") == [
        "Belongs to another organisation than Varbergs kommun: “AI”."
    ]
    assert Signal.objects.get(pk=signal.pk).organization_id == signal.organization_id
