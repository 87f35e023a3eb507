"""The areas settings page: list, add, rename/describe, retire and put back in use."""

import pytest
from django.urls import reverse

from signals.models import Area

from ..factories import SignalFactory
from .conftest import field_errors, messages_of


@pytest.fixture
def area(kommun):
    return Area.objects.get(organization=kommun, name="Digitalisering")


def test_the_list_shows_areas_in_use_and_retired_with_their_signal_counts(
    admin_client, kommun, members, area
):
    SignalFactory(organization=kommun, created_by=members["scanner"], area=area)
    SignalFactory(organization=kommun, created_by=members["scanner"], area=area)
    Area.objects.create(organization=kommun, name="Gamla området", is_active=False)
    response = admin_client.get(reverse("settings:areas", args=[kommun.slug]))
    assert response.status_code == 200
    assert [a.name for a in response.context["retired"]] == ["Gamla området"]
    active = {a.name: a.signal_count for a in response.context["active"]}
    assert active["Digitalisering"] == 2
    assert active["Klimat och miljö"] == 0
    page = response.content.decode()
    assert 'Retire<span class="visually-hidden"> «Digitalisering»</span>' in page
    assert 'Put back in use<span class="visually-hidden"> «Gamla området»</span>' in page


def test_both_tables_are_the_one_shared_table(admin_client, kommun):
    Area.objects.create(organization=kommun, name="Gamla området", is_active=False)
    response = admin_client.get(reverse("settings:areas", args=[kommun.slug]))
    used = [template.name for template in response.templates]
    assert used.count("settings/catalogue_table.html") == 2
    page = response.content.decode()
    assert page.count(">Put back in use<span") == 1
    assert page.count(">Retire<span") == 6
    assert '<th scope="col">Driving force</th>' not in page


def test_the_list_shows_only_this_organisations_areas(admin_client, kommun, other_kommun):
    Area.objects.create(organization=other_kommun, name="Varbergs eget område")
    response = admin_client.get(reverse("settings:areas", args=[kommun.slug]))
    assert "Varbergs eget område" not in response.content.decode()


def test_the_list_takes_a_constant_number_of_queries(
    admin_client, kommun, members, django_assert_max_num_queries
):
    for number in range(30):
        area = Area.objects.create(organization=kommun, name=f"Område {number}")
        SignalFactory(organization=kommun, created_by=members["scanner"], area=area)
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("settings:areas", args=[kommun.slug]))
    assert len(response.context["active"]) == 36


def test_adding_an_area(admin_client, kommun):
    response = admin_client.post(
        reverse("settings:area_create", args=[kommun.slug]),
        {"name": "Trygghet", "description": "Brott och oro."},
    )
    assert response.status_code == 302
    assert response.url == reverse("settings:areas", args=[kommun.slug])
    area = Area.objects.get(organization=kommun, name="Trygghet")
    assert area.description == "Brott och oro."
    assert area.is_active
    assert messages_of(response) == ["The area “Trygghet” was added."]


@pytest.mark.parametrize("name", ["Digitalisering", "digitalisering", "  DIGITALISERING "])
def test_a_name_already_used_is_a_field_error(admin_client, kommun, name):
    before = Area.objects.count()
    response = admin_client.post(
        reverse("settings:area_create", args=[kommun.slug]), {"name": name}
    )
    assert response.status_code == 200
    assert field_errors(response, "name") == [f"There is already an area named “{name.strip()}”."]
    assert Area.objects.count() == before
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'href="#id_name"' in page


def test_names_with_swedish_letters_are_compared_without_case(admin_client, kommun):
    Area.objects.create(organization=kommun, name="Äldreomsorg")
    response = admin_client.post(
        reverse("settings:area_create", args=[kommun.slug]), {"name": "äldreomsorg"}
    )
    assert field_errors(response, "name")
    assert not Area.objects.filter(name="äldreomsorg").exists()


def test_another_organisation_may_use_the_same_name(admin_client, kommun, other_kommun):
    Area.objects.create(organization=other_kommun, name="Trygghet")
    response = admin_client.post(
        reverse("settings:area_create", args=[kommun.slug]), {"name": "Trygghet"}
    )
    assert response.status_code == 302
    assert Area.objects.filter(organization=kommun, name="Trygghet").exists()


def test_a_name_is_required_and_bounded(admin_client, kommun):
    before = Area.objects.count()
    assert field_errors(
        admin_client.post(reverse("settings:area_create", args=[kommun.slug]), {"name": " "}),
        "name",
    )
    long = admin_client.post(
        reverse("settings:area_create", args=[kommun.slug]), {"name": "x" * 100_000}
    )
    assert field_errors(long, "name")
    assert Area.objects.count() == before


def test_a_forged_organisation_in_the_post_is_ignored(admin_client, kommun, other_kommun):
    admin_client.post(
        reverse("settings:area_create", args=[kommun.slug]),
        {"name": "Trygghet", "organization": other_kommun.pk},
    )
    assert Area.objects.get(name="Trygghet").organization == kommun


def test_html_in_a_name_is_shown_as_text(admin_client, kommun):
    admin_client.post(
        reverse("settings:area_create", args=[kommun.slug]), {"name": "<script>alert(1)</script>"}
    )
    page = admin_client.get(reverse("settings:areas", args=[kommun.slug])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_renaming_and_describing_an_area(kommun, admin_client, area):
    url = reverse("settings:area_edit", args=[kommun.slug, area.pk])
    assert admin_client.get(url).context["form"].initial["name"] == "Digitalisering"
    response = admin_client.post(url, {"name": "Digitalisering och AI", "description": "Nytt."})
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.description) == ("Digitalisering och AI", "Nytt.")
    assert messages_of(response) == ["The area “Digitalisering och AI” was saved."]


def test_changing_only_the_case_of_its_own_name_is_allowed(kommun, admin_client, area):
    admin_client.post(
        reverse("settings:area_edit", args=[kommun.slug, area.pk]), {"name": "DIGITALISERING"}
    )
    area.refresh_from_db()
    assert area.name == "DIGITALISERING"


def test_renaming_to_another_areas_name_is_a_field_error(kommun, admin_client, area):
    url = reverse("settings:area_edit", args=[kommun.slug, area.pk])
    response = admin_client.post(url, {"name": "Klimat och miljö"})
    assert field_errors(response, "name") == ["There is already an area named “Klimat och miljö”."]
    # The page still speaks of the area by its stored name.
    assert "Edit the area “Digitalisering”" in response.content.decode()
    area.refresh_from_db()
    assert area.name == "Digitalisering"


def test_retiring_keeps_the_area_on_its_signals(admin_client, kommun, members, area):
    signal = SignalFactory(organization=kommun, created_by=members["scanner"], area=area)
    response = admin_client.post(reverse("settings:area_retire", args=[kommun.slug, area.pk]))
    assert response.status_code == 302
    area.refresh_from_db()
    assert not area.is_active
    signal.refresh_from_db()
    assert signal.area == area
    assert messages_of(response) == [
        "“Digitalisering” is retired: it stays on earlier signals but is no longer offered for "
        "new ones."
    ]


def test_putting_a_retired_area_back_in_use(kommun, admin_client, area):
    area.is_active = False
    area.save()
    response = admin_client.post(reverse("settings:area_reactivate", args=[kommun.slug, area.pk]))
    area.refresh_from_db()
    assert area.is_active
    assert messages_of(response) == ["“Digitalisering” is in use again."]


def test_the_settings_menu_marks_the_current_page(kommun, admin_client, area):
    page = admin_client.get(reverse("settings:areas", args=[kommun.slug])).content.decode()
    assert f'<a href="{reverse("settings:areas", args=[kommun.slug])}" aria-current="page">' in page
    page = admin_client.get(
        reverse("settings:area_edit", args=[kommun.slug, area.pk])
    ).content.decode()
    assert f'<a href="{reverse("settings:areas", args=[kommun.slug])}" aria-current="true">' in page
