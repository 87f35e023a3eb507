"""The trends settings page: the catalogue with driving forces, and SKR's default restored."""

import pytest
from django.urls import reverse

from signals.catalogue import SKR_TREND_DRIVING_FORCES, SKR_TRENDS
from signals.models import Area, DrivingForce, Trend

from ..factories import SignalFactory, TrendFactory
from .conftest import field_errors, messages_of


@pytest.fixture
def trend(kommun):
    return Trend.objects.get(organization=kommun, name=SKR_TRENDS[0])


@pytest.fixture
def teknik(kommun):
    return DrivingForce.objects.get(organization=kommun, name="Teknik")


def test_the_list_shows_trends_with_driving_force_and_signal_count(
    admin_client, kommun, members, trend, teknik
):
    trend.driving_force = teknik
    trend.save()
    SignalFactory(organization=kommun, created_by=members["scanner"], trends=[trend])
    response = admin_client.get(reverse("settings:trends", args=[kommun.slug]))
    row = next(t for t in response.context["active"] if t.pk == trend.pk)
    assert row.signal_count == 1
    assert row.driving_force == teknik
    page = response.content.decode()
    assert f'Retire<span class="visually-hidden"> «{trend.name}»</span>' in page
    assert "Restore SKR's default catalogue" in page


def test_in_use_and_retired_trends_share_one_table_with_the_driving_force(
    kommun, admin_client, trend
):
    trend.is_active = False
    trend.save()
    response = admin_client.get(reverse("settings:trends", args=[kommun.slug]))
    used = [template.name for template in response.templates]
    assert used.count("settings/catalogue_table.html") == 2
    page = response.content.decode()
    assert page.count('<th scope="col">Driving force</th>') == 2
    assert page.count(">Put back in use<span") == 1
    assert f'Put back in use<span class="visually-hidden"> «{trend.name}»</span>' in page
    assert page.count(">Retire<span") == len(SKR_TRENDS) - 1


def test_the_list_takes_a_constant_number_of_queries(
    admin_client, kommun, members, teknik, django_assert_max_num_queries
):
    for number in range(30):
        trend = Trend.objects.create(
            organization=kommun, name=f"Trend {number}", driving_force=teknik
        )
        SignalFactory(organization=kommun, created_by=members["scanner"], trends=[trend])
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("settings:trends", args=[kommun.slug]))
    assert len(response.context["active"]) == 40


def test_adding_a_trend_with_a_driving_force(admin_client, kommun, teknik):
    response = admin_client.post(
        reverse("settings:trend_create", args=[kommun.slug]),
        {
            "name": "AI i vardagen",
            "description": "Generativ AI överallt.",
            "driving_force": teknik.pk,
        },
    )
    assert response.status_code == 302
    trend = Trend.objects.get(organization=kommun, name="AI i vardagen")
    assert (trend.description, trend.driving_force) == ("Generativ AI överallt.", teknik)
    assert messages_of(response) == ["The trend “AI i vardagen” was added."]


def test_the_driving_force_is_optional(admin_client, kommun):
    admin_client.post(
        reverse("settings:trend_create", args=[kommun.slug]), {"name": "Utan drivkraft"}
    )
    assert Trend.objects.get(name="Utan drivkraft").driving_force is None


def test_only_this_organisations_driving_forces_are_offered(admin_client, kommun, other_kommun):
    form = admin_client.get(reverse("settings:trend_create", args=[kommun.slug])).context["form"]
    offered = set(form.fields["driving_force"].queryset)
    assert offered == set(DrivingForce.objects.filter(organization=kommun))


def test_another_organisations_driving_force_is_a_field_error(admin_client, kommun, other_kommun):
    theirs = DrivingForce.objects.get(organization=other_kommun, name="Teknik")
    response = admin_client.post(
        reverse("settings:trend_create", args=[kommun.slug]),
        {"name": "Smygtrend", "driving_force": theirs.pk},
    )
    assert response.status_code == 200
    assert field_errors(response, "driving_force")
    assert not Trend.objects.filter(name="Smygtrend").exists()


def test_a_trend_name_already_used_is_a_field_error(admin_client, kommun, trend):
    response = admin_client.post(
        reverse("settings:trend_create", args=[kommun.slug]), {"name": trend.name.upper()}
    )
    assert field_errors(response, "name") == [
        f"There is already a trend named “{trend.name.upper()}”."
    ]
    assert Trend.objects.filter(organization=kommun).count() == len(SKR_TRENDS)


def test_editing_a_trend(kommun, admin_client, trend, teknik):
    response = admin_client.post(
        reverse("settings:trend_edit", args=[kommun.slug, trend.pk]),
        {"name": "Livslångt lärande", "description": "Omställning.", "driving_force": teknik.pk},
    )
    assert response.status_code == 302
    trend.refresh_from_db()
    assert (trend.name, trend.description, trend.driving_force) == (
        "Livslångt lärande",
        "Omställning.",
        teknik,
    )


def test_editing_a_trend_with_another_organisations_driving_force_changes_nothing(
    kommun, admin_client, trend, other_kommun
):
    trend.driving_force = None
    trend.save()
    theirs = DrivingForce.objects.get(organization=other_kommun, name="Teknik")
    response = admin_client.post(
        reverse("settings:trend_edit", args=[kommun.slug, trend.pk]),
        {"name": "Nytt namn", "driving_force": theirs.pk},
    )
    assert field_errors(response, "driving_force")
    trend.refresh_from_db()
    assert (trend.name, trend.driving_force) == (SKR_TRENDS[0], None)


def test_retiring_and_putting_back_a_trend(admin_client, kommun, members, trend):
    signal = SignalFactory(organization=kommun, created_by=members["scanner"], trends=[trend])
    admin_client.post(reverse("settings:trend_retire", args=[kommun.slug, trend.pk]))
    trend.refresh_from_db()
    assert not trend.is_active
    assert list(signal.trends.all()) == [trend]
    response = admin_client.post(reverse("settings:trend_reactivate", args=[kommun.slug, trend.pk]))
    trend.refresh_from_db()
    assert trend.is_active
    assert messages_of(response)[-1] == f"“{trend.name}” is in use again."


def test_restoring_skrs_catalogue_adds_only_what_is_missing(admin_client, kommun, trend):
    Trend.objects.filter(organization=kommun, name=SKR_TRENDS[1]).delete()
    Trend.objects.filter(organization=kommun, name=SKR_TRENDS[2]).delete()
    DrivingForce.objects.filter(organization=kommun, name="Klimat").delete()
    trend.description = "Vår egen beskrivning."
    trend.is_active = False
    trend.save()
    renamed = Trend.objects.get(organization=kommun, name=SKR_TRENDS[3])
    renamed.name = "Hållbarhet som konkurrensfördel"
    renamed.save()
    Area.objects.filter(organization=kommun, name="Digitalisering").delete()

    response = admin_client.post(reverse("settings:trends_restore", args=[kommun.slug]))

    assert response.status_code == 302
    names = set(Trend.objects.filter(organization=kommun).values_list("name", flat=True))
    assert set(SKR_TRENDS) <= names
    assert "Hållbarhet som konkurrensfördel" in names  # the renamed one is kept as well
    assert DrivingForce.objects.filter(organization=kommun, name="Klimat").exists()
    trend.refresh_from_db()
    assert (trend.description, trend.is_active) == ("Vår egen beskrivning.", False)
    # Areas are not the trends page's business.
    assert not Area.objects.filter(organization=kommun, name="Digitalisering").exists()
    assert messages_of(response) == ["3 trends from SKR's catalogue were added."]


def test_restoring_a_complete_catalogue_says_there_was_nothing_to_add(admin_client, kommun):
    response = admin_client.post(reverse("settings:trends_restore", args=[kommun.slug]))
    assert Trend.objects.filter(organization=kommun).count() == len(SKR_TRENDS)
    assert messages_of(response)[0].startswith("Nothing to add")


def test_restoring_leaves_other_organisations_alone(admin_client, kommun, other_kommun):
    Trend.objects.filter(organization=other_kommun, name=SKR_TRENDS[0]).delete()
    admin_client.post(reverse("settings:trends_restore", args=[kommun.slug]))
    assert not Trend.objects.filter(organization=other_kommun, name=SKR_TRENDS[0]).exists()


# --- SKR's catalogue and its driving forces ----------------------------------------------


def driving_forces_of(organization) -> dict[str, str | None]:
    return {
        trend.name: trend.driving_force.name if trend.driving_force else None
        for trend in Trend.objects.filter(organization=organization).select_related("driving_force")
    }


def test_a_new_organisation_gets_skrs_trends_under_their_driving_forces(kommun):
    forces = driving_forces_of(kommun)
    assert forces["Användare driver teknisk utveckling"] == "Teknik"
    assert forces["Ökat behov av livslångt lärande"] == "Teknik"
    assert forces["Hållbarhetsarbete ger konkurrensfördelar"] == "Klimat"
    assert forces["Välfärdsbrottslighet slukar allt mer resurser"] == "Värderingar"
    assert forces["Ökad medvetenhet om samhällets sårbarhet"] == "Globalisering"
    assert forces == SKR_TREND_DRIVING_FORCES
    # Every driving force named belongs to this organisation, not another.
    assert not Trend.objects.filter(organization=kommun).exclude(driving_force__organization=kommun)


def test_restoring_the_catalogue_never_overrides_an_admins_choice(admin_client, kommun, trend):
    klimat = DrivingForce.objects.get(organization=kommun, name="Klimat")
    trend.driving_force = klimat
    trend.save()
    none_chosen = Trend.objects.get(organization=kommun, name=SKR_TRENDS[1])
    none_chosen.driving_force = None
    none_chosen.save()
    Trend.objects.filter(organization=kommun, name=SKR_TRENDS[2]).delete()

    admin_client.post(reverse("settings:trends_restore", args=[kommun.slug]))

    forces = driving_forces_of(kommun)
    assert forces[trend.name] == "Klimat"
    assert forces[SKR_TRENDS[1]] is None
    # The trend restored from the catalogue is created with its driving force.
    assert forces[SKR_TRENDS[2]] == SKR_TREND_DRIVING_FORCES[SKR_TRENDS[2]]


def test_the_trends_page_links_to_the_driving_forces(kommun, admin_client):
    page = admin_client.get(reverse("settings:trends", args=[kommun.slug])).content.decode()
    assert f'href="{reverse("settings:driving_forces", args=[kommun.slug])}"' in page


def test_the_trends_are_listed_by_name(kommun, admin_client):
    TrendFactory(organization=kommun, name="Aaa först i bokstavsordning")
    response = admin_client.get(reverse("settings:trends", args=[kommun.slug]))
    # Added last, shown first: by name, not in the order they were created.
    assert response.context["active"][0].name == "Aaa först i bokstavsordning"
