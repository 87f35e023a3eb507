"""Deciding triage items: dismiss, a selection, undo, promote, and two scanners at once."""

import re
from datetime import date, datetime
from urllib.parse import quote, urlencode

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from organizations.roles import Role
from scanning.feed_services import subscription_remove
from scanning.models import TriageItem, TriageState
from scanning.triage_services import (
    ItemAlreadyDecided,
    ItemGone,
    ItemNotUndoable,
    item_dismiss,
    item_promote,
    item_undo,
    items_dismiss,
)
from signals.models import Area, Level, Signal
from signals.services import SourceData

from ..factories import EntryFactory, SubscriptionFactory, TriageItemFactory
from ..meanwhile import right_after_the_first_read

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def story(kommun):
    area = Area.objects.get(organization=kommun, name="Digitalisering")
    subscription = SubscriptionFactory(
        organization=kommun, name="SKR nyheter", area=area, level=Level.INNER
    )
    entry = EntryFactory(
        feed=subscription.feed,
        title="SKR: ny vägledning om AI i kommunal verksamhet",
        link="https://skr.se/nyheter/ai-vagledning",
        summary_text="SKR ger ut en vägledning för kommuners arbete med AI.",
        published_at=datetime.fromisoformat("2025-03-04T09:30:00+01:00"),
    )
    return TriageItemFactory(organization=kommun, subscription=subscription, entry=entry)


def signal_fields(story, **overrides):
    fields = {
        "title": story.entry.title,
        "motivation": "Våra förvaltningar frågar efter just detta.",
        "level": Level.INNER,
        "sources": [SourceData(url=story.entry.link, name="SKR nyheter")],
    }
    return {**fields, **overrides}


def test_dismiss(story, members):
    item_dismiss(item=story, user=members[Role.SCANNER])
    story.refresh_from_db()
    assert story.state == TriageState.DISMISSED
    assert story.decided_by == members[Role.SCANNER]
    assert story.decided_at is not None


def test_dismiss_a_selection_leaves_what_someone_else_decided(kommun, members):
    items = [TriageItemFactory(organization=kommun) for _ in range(3)]
    item_dismiss(item=items[0], user=members[Role.EDITOR])
    done = items_dismiss(items=items, user=members[Role.SCANNER])
    assert done == sorted(i.pk for i in items[1:])
    for item in items:
        item.refresh_from_db()
        assert item.state == TriageState.DISMISSED
    assert items[0].decided_by == members[Role.EDITOR]
    assert items[1].decided_by == members[Role.SCANNER]


def test_undo_puts_a_dismissed_item_back(story, members):
    item_dismiss(item=story, user=members[Role.SCANNER])
    item_undo(item=story, user=members[Role.SCANNER])
    story.refresh_from_db()
    assert story.state == TriageState.NEW
    assert story.decided_by is None and story.decided_at is None
    # Undoing twice is no error: it is back already.
    item_undo(item=story, user=members[Role.SCANNER])


def test_a_promoted_item_cannot_be_undone(story, members):
    item_promote(item=story, user=members[Role.SCANNER], **signal_fields(story))
    with pytest.raises(ItemNotUndoable):
        item_undo(item=story, user=members[Role.SCANNER])


def test_promote_logs_the_signal_and_links_it(story, kommun, members):
    signal = item_promote(item=story, user=members[Role.SCANNER], **signal_fields(story))
    story.refresh_from_db()
    assert story.state == TriageState.PROMOTED
    assert story.signal == signal
    assert story.decided_by == members[Role.SCANNER]
    assert signal.organization == kommun
    assert signal.title == "SKR: ny vägledning om AI i kommunal verksamhet"
    assert [s.url for s in signal.sources.all()] == ["https://skr.se/nyheter/ai-vagledning"]


def test_the_second_dismissal_is_told_and_nothing_changes(story, members):
    item_dismiss(item=story, user=members[Role.EDITOR])
    with pytest.raises(ItemAlreadyDecided) as told:
        item_dismiss(item=story, user=members[Role.SCANNER])
    assert told.value.item.state == TriageState.DISMISSED
    assert told.value.item.decided_by == members[Role.EDITOR]


def test_a_dismissal_after_a_promotion_is_told_where_the_signal_is(story, members):
    signal = item_promote(item=story, user=members[Role.EDITOR], **signal_fields(story))
    with pytest.raises(ItemAlreadyDecided) as told:
        item_dismiss(item=story, user=members[Role.SCANNER])
    assert told.value.item.signal == signal


def test_the_second_promotion_makes_no_second_signal(story, members):
    item_promote(item=story, user=members[Role.EDITOR], **signal_fields(story))
    with pytest.raises(ItemAlreadyDecided):
        item_promote(item=story, user=members[Role.SCANNER], **signal_fields(story))
    assert Signal.objects.count() == 1


def test_a_refused_signal_leaves_the_item_waiting_and_no_signal(story, members):
    with pytest.raises(ValidationError) as refused:
        item_promote(item=story, user=members[Role.SCANNER], **signal_fields(story, motivation=" "))
    assert "motivation" in refused.value.message_dict
    story.refresh_from_db()
    assert story.state == TriageState.NEW
    assert story.signal is None and story.decided_by is None
    assert not Signal.objects.exists()


@pytest.mark.parametrize("decision", ["dismiss", "undo", "promote"])
def test_a_decision_on_an_item_no_longer_stored_is_told_so(story, members, decision):
    """The item was deleted while the scanner looked at it (its feed removed, or too old for
    the queue): the scanner is told, and nothing is made."""
    scanner = members[Role.SCANNER]
    if decision == "undo":
        item_dismiss(item=story, user=scanner)
    TriageItem.objects.filter(pk=story.pk).delete()
    with pytest.raises(ItemGone):
        if decision == "dismiss":
            item_dismiss(item=story, user=scanner)
        elif decision == "undo":
            item_undo(item=story, user=scanner)
        else:
            item_promote(item=story, user=scanner, **signal_fields(story))
    assert not Signal.objects.exists()


# --- the promote page ---------------------------------------------------------------------


def promote_url(story):
    return reverse("scanning:promote", args=["kungsbacka", story.pk])


def test_the_promote_form_is_filled_in_from_the_entry(client_for, story, members):
    html = client_for(members[Role.SCANNER]).get(promote_url(story)).content.decode()
    assert 'value="SKR: ny vägledning om AI i kommunal verksamhet"' in html
    assert 'value="https://skr.se/nyheter/ai-vagledning"' in html
    assert 'value="SKR nyheter"' in html
    assert 'value="2025-03-04"' in html
    assert "SKR ger ut en vägledning för kommuners arbete med AI.</textarea>" in html
    assert re.search(r'<input type="radio" name="level" value="inner"[^>]* checked', html)
    area = story.subscription.area
    assert re.search(rf'<option value="{area.pk}" selected>', html)
    queue = reverse("scanning:queue", args=[story.organization.slug])
    assert f'action="{promote_url(story)}?next={quote(queue, safe="")}"' in html
    assert "From the feed" in html


def test_promoting_through_the_page_goes_to_the_new_signal(client_for, story, members):
    client = client_for(members[Role.SCANNER])
    area = story.subscription.area
    data = {
        "title": story.entry.title,
        "description": story.entry.summary_text,
        "motivation": "Det här berör våra skolor.",
        "level": Level.INNER,
        "area": area.pk,
        "status": "logged",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": story.entry.link,
        "sources-0-name": "SKR nyheter",
        "sources-0-published_on": "2025-03-04",
    }
    # From the queue's second page, filtered: back there once the signal is logged.
    queue = reverse("scanning:queue", args=[story.organization.slug])
    place = f"{queue}?level=inner&before=abc"
    response = client.post(f"{promote_url(story)}?{urlencode({'next': place})}", data)
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == place
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert f'<a href="{signal.get_absolute_url()}">see the signal</a>' in message
    assert signal.area == area
    assert signal.sources.get().published_on == date(2025, 3, 4)
    story.refresh_from_db()
    assert story.state == TriageState.PROMOTED and story.signal == signal

    # A colleague who still had the form open is told, and nothing is logged twice.
    again = client_for(members[Role.EDITOR]).post(promote_url(story), data)
    html = again.content.decode()
    assert "already promoted this item" in html
    assert f'href="{signal.get_absolute_url()}"' in html
    assert Signal.objects.count() == 1


def test_promoting_an_item_whose_feed_was_removed_meanwhile_says_so(client_for, story, members):
    """The feed's removal lands between the page's read of the item and the promotion."""
    data = {
        "title": story.entry.title,
        "motivation": "Det här berör våra skolor.",
        "level": Level.INNER,
        "status": "logged",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": story.entry.link,
    }
    client = client_for(members[Role.SCANNER])
    removed = right_after_the_first_read(
        TriageItem._meta.db_table,
        lambda: subscription_remove(subscription=story.subscription),
    )
    with connection.execute_wrapper(removed):
        response = client.post(promote_url(story), data)
    assert response.status_code == 200
    assert "This item is no longer in the queue." in response.content.decode()
    assert not Signal.objects.exists()


def test_an_empty_motivation_shows_the_form_again(client_for, story, members):
    data = {
        "title": story.entry.title,
        "motivation": "",
        "level": Level.INNER,
        "status": "logged",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": story.entry.link,
    }
    response = client_for(members[Role.SCANNER]).post(promote_url(story), data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    story.refresh_from_db()
    assert story.state == TriageState.NEW


def test_opening_promote_for_a_dismissed_item_says_where_to_put_it_back(client_for, story, members):
    item_dismiss(item=story, user=members["editor"])
    html = client_for(members["scanner"]).get(promote_url(story)).content.decode()
    assert "already dismissed this item" in html
    assert reverse("scanning:dismissed", args=["kungsbacka"]) in html
    # Nothing was attempted, so nothing is said about logging twice.
    assert "Nothing was logged twice" not in html


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.STAFF])
def test_other_roles_cannot_promote(client_for, story, members, role):
    assert client_for(members[role]).get(promote_url(story)).status_code == 403


def test_a_signal_is_promoted_from_one_item_only(story, kommun, members):
    # Unique only where set (a partial index: an arriving item has no signal yet).
    signal = item_promote(item=story, user=members[Role.SCANNER], **signal_fields(story))
    other = TriageItemFactory(organization=kommun, subscription=story.subscription)
    TriageItem.objects.filter(pk=other.pk).update(signal=None)  # many items without one
    with pytest.raises(IntegrityError), transaction.atomic():
        TriageItem.objects.filter(pk=other.pk).update(signal=signal)


def test_deleting_the_signal_or_the_person_keeps_the_decided_item(story, members):
    scanner = members[Role.SCANNER]
    signal = item_promote(item=story, user=scanner, **signal_fields(story))
    signal.delete()
    scanner.delete()
    story.refresh_from_db()
    assert story.state == TriageState.PROMOTED
    assert story.signal is None
    assert story.decided_by is None
