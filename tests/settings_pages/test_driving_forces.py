"""The driving forces settings page: list with trend counts, add, rename, delete unused ones."""

import pytest
from django.urls import reverse

from signals.models import DrivingForce, Trend

from .conftest import field_errors, messages_of


@pytest.fixture
def demografi(kommun):
    """SKR's catalogue reads none of its trends as Demografi: no trend belongs to it."""
    return DrivingForce.objects.get(organization=kommun, name="Demografi")


@pytest.fixture
def teknik(kommun):
    return DrivingForce.objects.get(organization=kommun, name="Teknik")


def test_the_list_shows_this_organisations_driving_forces_and_their_trends(
    admin_client, kommun, other_kommun
):
    DrivingForce.objects.create(organization=other_kommun, name="Varbergs egen")
    response = admin_client.get(reverse("settings:driving_forces", args=[kommun.slug]))
    assert response.status_code == 200
    counts = {force.name: force.trend_count for force in response.context["driving_forces"]}
    assert counts == {
        "Demografi": 0,
        "Globalisering": 3,
        "Klimat": 1,
        "Teknik": 2,
        "Värderingar": 4,
    }
    page = response.content.decode()
    assert "Varbergs egen" not in page
    # Only the driving force no trend belongs to can be deleted from the list.
    assert page.count(">Delete<span") == 1
    assert 'Delete<span class="visually-hidden"> «Demografi»</span>' in page
    # The settings menu has the page, next to trends.
    assert 'aria-current="page">Driving forces</a>' in page


def test_the_list_takes_a_constant_number_of_queries(
    admin_client, kommun, django_assert_max_num_queries
):
    for number in range(30):
        DrivingForce.objects.create(organization=kommun, name=f"Drivkraft {number}")
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("settings:driving_forces", args=[kommun.slug]))
    assert len(response.context["driving_forces"]) == 35


def test_adding_a_driving_force_and_choosing_it_for_a_trend(admin_client, kommun):
    response = admin_client.post(
        reverse("settings:driving_force_create", args=[kommun.slug]), {"name": "Befolkning"}
    )
    assert response.status_code == 302
    assert response.url == reverse("settings:driving_forces", args=[kommun.slug])
    assert messages_of(response) == ["The driving force “Befolkning” was added."]
    befolkning = DrivingForce.objects.get(organization=kommun, name="Befolkning")
    form = admin_client.get(reverse("settings:trend_create", args=[kommun.slug])).context["form"]
    assert befolkning in form.fields["driving_force"].queryset


@pytest.mark.parametrize("name", ["teknik", "TEKNIK", "Teknik"])
def test_a_name_already_used_in_any_case_is_a_field_error(admin_client, kommun, teknik, name):
    response = admin_client.post(
        reverse("settings:driving_force_create", args=[kommun.slug]), {"name": name}
    )
    assert response.status_code == 200
    assert field_errors(response, "name") == [f"There is already a driving force named “{name}”."]
    assert DrivingForce.objects.filter(organization=kommun).count() == 5


def test_the_same_name_may_exist_in_another_organisation(admin_client, kommun, other_kommun):
    DrivingForce.objects.create(organization=other_kommun, name="Befolkning")
    response = admin_client.post(
        reverse("settings:driving_force_create", args=[kommun.slug]), {"name": "Befolkning"}
    )
    assert response.status_code == 302
    assert DrivingForce.objects.filter(organization=kommun, name="Befolkning").exists()


def test_renaming_a_driving_force_keeps_its_trends(admin_client, kommun, teknik):
    trends_before = set(teknik.trends.all())
    response = admin_client.post(
        reverse("settings:driving_force_edit", args=[kommun.slug, teknik.pk]),
        {"name": "Teknikutveckling"},
    )
    assert response.status_code == 302
    assert messages_of(response) == ["The driving force “Teknikutveckling” was saved."]
    teknik.refresh_from_db()
    assert teknik.name == "Teknikutveckling"
    assert set(teknik.trends.all()) == trends_before
    page = admin_client.get(reverse("settings:trends", args=[kommun.slug])).content.decode()
    assert "Teknikutveckling" in page


def test_deleting_a_driving_force_no_trend_belongs_to(admin_client, kommun, demografi):
    response = admin_client.post(
        reverse("settings:driving_force_delete", args=[kommun.slug, demografi.pk])
    )
    assert response.status_code == 302
    assert not DrivingForce.objects.filter(pk=demografi.pk).exists()
    assert messages_of(response) == ["The driving force “Demografi” was deleted."]


def test_a_driving_force_with_trends_is_not_deleted(admin_client, kommun, teknik):
    response = admin_client.post(
        reverse("settings:driving_force_delete", args=[kommun.slug, teknik.pk])
    )
    assert response.status_code == 302
    assert DrivingForce.objects.filter(pk=teknik.pk).exists()
    assert Trend.objects.filter(driving_force=teknik).count() == 2
    assert messages_of(response) == [
        "“Teknik” was not deleted: trends belong to it. Give them another driving force first."
    ]


def test_a_retired_trend_also_keeps_its_driving_force_from_deletion(admin_client, kommun, teknik):
    Trend.objects.filter(driving_force=teknik).update(is_active=False)
    admin_client.post(reverse("settings:driving_force_delete", args=[kommun.slug, teknik.pk]))
    assert DrivingForce.objects.filter(pk=teknik.pk).exists()
