"""The tags settings page: usage counts, rename, merge, delete unused tags."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from signals.models import Level, Signal, Tag
from signals.services import SourceData, signal_create, signal_update
from signals.taxonomy_forms import TagForm
from signals.taxonomy_services import tag_merge, tag_rename

from ..factories import SignalFactory
from .conftest import field_errors, messages_of


@pytest.fixture
def tag(kommun):
    return Tag.objects.create(organization=kommun, name="förskola")


@pytest.fixture
def other_tag(kommun):
    return Tag.objects.create(organization=kommun, name="Skola")


def test_the_list_shows_each_tag_with_its_number_of_signals(
    admin_client, kommun, members, tag, other_tag
):
    SignalFactory(organization=kommun, created_by=members["scanner"], tags=[tag])
    SignalFactory(organization=kommun, created_by=members["scanner"], tags=[tag, other_tag])
    Tag.objects.create(organization=kommun, name="oanvänd")
    response = admin_client.get(reverse("settings:tags", args=[kommun.slug]))
    counts = {t.name: t.signal_count for t in response.context["tags"]}
    assert counts == {"förskola": 2, "Skola": 1, "oanvänd": 0}
    page = response.content.decode()
    # Only the unused tag can be deleted from the list.
    assert page.count(">Delete<span") == 1
    assert 'Delete<span class="visually-hidden"> «oanvänd»</span>' in page


def test_the_list_shows_only_this_organisations_tags(admin_client, kommun, other_kommun, tag):
    Tag.objects.create(organization=other_kommun, name="varbergstagg")
    response = admin_client.get(reverse("settings:tags", args=[kommun.slug]))
    assert [t.name for t in response.context["tags"]] == ["förskola"]


def test_the_list_is_one_query_whatever_the_number_of_tags(
    admin_client, kommun, members, django_assert_max_num_queries
):
    tags = [Tag.objects.create(organization=kommun, name=f"tagg {n}") for n in range(40)]
    SignalFactory(organization=kommun, created_by=members["scanner"], tags=tags)
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("settings:tags", args=[kommun.slug]))
    assert len(response.context["tags"]) == 40


def test_renaming_a_tag(admin_client, kommun, members, tag):
    signal = SignalFactory(organization=kommun, created_by=members["scanner"], tags=[tag])
    response = admin_client.post(
        reverse("settings:tag_edit", args=[kommun.slug, tag.pk]), {"name": "Förskolor"}
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "Förskolor"
    assert messages_of(response) == ["The tag “förskola” is now called “Förskolor”."]
    # Search reads tag names: the signal is found by the new one.
    signal.refresh_from_db()
    assert "förskolor" in signal.search_document


@pytest.mark.parametrize("name", ["skola", "SKOLA", "Skola"])
def test_a_tag_name_already_used_in_any_case_is_a_field_error(
    kommun, admin_client, tag, other_tag, name
):
    response = admin_client.post(
        reverse("settings:tag_edit", args=[kommun.slug, tag.pk]), {"name": name}
    )
    assert response.status_code == 200
    errors = field_errors(response, "name")
    assert errors == [
        f"There is already a tag named “{name}”. To combine the two, merge this tag into it."
    ]
    tag.refresh_from_db()
    assert tag.name == "förskola"
    assert "Tag “förskola”" in response.content.decode()


def test_a_name_taken_under_the_database_constraint_is_still_a_field_error(admin_client, tag):
    """If the check passes but the database refuses (a race), nothing changes and the view
    turns the refusal into the field error."""
    form = TagForm({"name": "Ny"}, instance=tag)
    assert form.is_valid()
    Tag.objects.create(organization=tag.organization, name="NY")  # a colleague was faster
    with pytest.raises(ValidationError):
        tag_rename(tag=tag, name=form.cleaned_data["name"])
    tag.refresh_from_db()
    assert tag.name == "förskola"


def test_the_tag_form_only_validates(tag):
    form = TagForm({"name": "Ny"}, instance=tag)
    assert form.is_valid()
    with pytest.raises(NotImplementedError):
        form.save()
    tag.refresh_from_db()
    assert tag.name == "förskola"


def test_renaming_in_the_service_rebuilds_the_search_text(kommun, members, tag):
    signal = SignalFactory(organization=kommun, created_by=members["scanner"], tags=[tag])
    tag_rename(tag=tag, name="Förskoleklass")
    signal.refresh_from_db()
    assert Tag.objects.get(pk=tag.pk).name == "Förskoleklass"
    assert "förskoleklass" in signal.search_document


def test_merging_in_the_service_refuses_another_organisations_tag(
    kommun, members, other_kommun, tag
):
    signal = SignalFactory(organization=kommun, created_by=members["scanner"], tags=[tag])
    theirs = Tag.objects.create(organization=other_kommun, name="skola")
    with pytest.raises(ValueError):
        tag_merge(source=tag, target=theirs)
    with pytest.raises(ValueError):
        tag_merge(source=tag, target=tag)
    assert list(signal.tags.all()) == [tag]


def test_merging_moves_the_signals_to_the_other_tag(admin_client, kommun, members, tag, other_tag):
    only_merged = SignalFactory(
        organization=kommun, created_by=members["scanner"], title="A", tags=[tag]
    )
    both = SignalFactory(
        organization=kommun, created_by=members["scanner"], title="B", tags=[tag, other_tag]
    )
    only_target = SignalFactory(
        organization=kommun, created_by=members["scanner"], title="C", tags=[other_tag]
    )
    untouched_tag = Tag.objects.create(organization=kommun, name="bygg")
    untouched = SignalFactory(
        organization=kommun, created_by=members["scanner"], title="D", tags=[untouched_tag]
    )

    response = admin_client.post(
        reverse("settings:tag_merge", args=[kommun.slug, tag.pk]), {"into": other_tag.pk}
    )

    assert response.status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    for signal in (only_merged, both, only_target):
        assert list(signal.tags.all()) == [other_tag], signal.title
    assert list(untouched.tags.all()) == [untouched_tag]
    assert Signal.tags.through.objects.filter(tag=other_tag).count() == 3
    only_merged.refresh_from_db()
    assert "skola" in only_merged.search_document
    assert "förskola" not in only_merged.search_document
    assert messages_of(response) == [
        "“förskola” was merged into “Skola”: its signals now have “Skola”."
    ]


def _history_page(client, signal) -> str:
    response = client.get(reverse("signals:history", args=[signal.organization.slug, signal.pk]))
    assert response.status_code == 200
    # Names inside sentences are isolated in <bdi>; the sentences are what is read here.
    return response.content.decode().replace("<bdi>", "").replace("</bdi>", "")


def _entries(html: str) -> list[str]:
    """The history page's entries, newest first."""
    return html.split('class="history-entry"')[1:]


def _update(signal, user, **changes):
    version = Signal.objects.values_list("version", flat=True).get(pk=signal.pk)
    return signal_update(signal=signal, user=user, expected_version=version, **changes)


def _create(kommun, user, **values):
    return signal_create(
        organization=kommun,
        user=user,
        title="Förskolor slås ihop",
        motivation="Våra förskolor kan följa efter.",
        level=Level.NEAR,
        sources=[SourceData(name="Hallandsposten")],
        **values,
    )


def test_after_a_merge_the_next_edit_shows_only_itself_under_its_authors_name(
    admin_client, client_for, kommun, members, tag, other_tag
):
    scanner, editor = members["scanner"], members["editor"]
    signal = _create(kommun, scanner, tags=["förskola"])
    # A history record with both tags: after the merge it lists "Skola" once.
    _update(signal, scanner, tags=["förskola", "Skola"])
    _update(signal, scanner, tags=["förskola"])

    response = admin_client.post(
        reverse("settings:tag_merge", args=[kommun.slug, tag.pk]), {"into": other_tag.pk}
    )
    assert response.status_code == 302
    _update(signal, editor, title="Förskolor i Kungsbacka slås ihop")

    html = _history_page(client_for(scanner), signal).split('<ol class="history-list">')[1]
    newest = _entries(html)[0]
    assert "Editor-kungsbacka made changes" in newest
    assert "Förskolor i Kungsbacka slås ihop" in newest
    assert "Tags" not in newest
    # The old entries read as if the tag had always been "Skola", like a rename.
    assert "(deleted tag)" not in html
    assert "förskola" not in html
    assert "Skola, Skola" not in html
    historical_tags = Signal.history.model.tags.model.objects.filter(signal_id=signal.pk)
    assert set(historical_tags.values_list("tag_id", flat=True)) == {other_tag.pk}
    assert historical_tags.count() == signal.history.count()


def test_deleting_an_unused_tag_leaves_the_history_as_it_was(
    admin_client, client_for, kommun, members, tag
):
    scanner, editor = members["scanner"], members["editor"]
    signal = _create(kommun, scanner, tags=["förskola", "AI"])
    _update(signal, scanner, tags=["AI"])

    response = admin_client.post(reverse("settings:tag_delete", args=[kommun.slug, tag.pk]))
    assert response.status_code == 302
    _update(signal, editor, title="Förskolor i Kungsbacka slås ihop")

    entries = _entries(_history_page(client_for(scanner), signal))
    assert "Editor-kungsbacka made changes" in entries[0]
    assert "Tags" not in entries[0]
    # The removal stays with the one who made it, naming the tag as gone.
    assert "Scanner-kungsbacka made changes" in entries[1]
    assert "AI, (deleted tag)" in entries[1]


def test_merging_into_another_organisations_tag_is_a_field_error(
    admin_client, kommun, members, other_kommun, tag
):
    signal = SignalFactory(organization=kommun, created_by=members["scanner"], tags=[tag])
    theirs = Tag.objects.create(organization=other_kommun, name="skola")
    response = admin_client.post(
        reverse("settings:tag_merge", args=[kommun.slug, tag.pk]), {"into": theirs.pk}
    )
    assert response.status_code == 200
    assert field_errors(response, "into", form="merge_form")
    assert list(signal.tags.all()) == [tag]
    assert list(theirs.signals.all()) == []


def test_merging_a_tag_into_itself_is_a_field_error(kommun, admin_client, tag, other_tag):
    response = admin_client.post(
        reverse("settings:tag_merge", args=[kommun.slug, tag.pk]), {"into": tag.pk}
    )
    assert field_errors(response, "into", form="merge_form")
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_the_tag_page_offers_only_this_organisations_other_tags(
    admin_client, kommun, other_kommun, tag, other_tag
):
    Tag.objects.create(organization=other_kommun, name="varbergstagg")
    response = admin_client.get(reverse("settings:tag_edit", args=[kommun.slug, tag.pk]))
    offered = list(response.context["merge_form"].fields["into"].queryset)
    assert offered == [other_tag]


def test_deleting_an_unused_tag(kommun, admin_client, tag):
    response = admin_client.post(reverse("settings:tag_delete", args=[kommun.slug, tag.pk]))
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert messages_of(response) == ["The tag “förskola” was deleted."]


def test_a_tag_in_use_is_not_deleted(admin_client, kommun, members, tag):
    signal = SignalFactory(organization=kommun, created_by=members["scanner"], tags=[tag])
    response = admin_client.post(reverse("settings:tag_delete", args=[kommun.slug, tag.pk]))
    assert response.status_code == 302
    assert list(signal.tags.all()) == [tag]
    assert messages_of(response) == [
        "“förskola” is on signals and was not deleted. Merge it into another tag instead."
    ]
