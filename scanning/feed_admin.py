"""Feeds and subscriptions made by the installation itself (``manage.py fetch_feed``, the
demo), not by a member through the feeds pages, which go through ``feed_services``."""

from django.core.exceptions import ValidationError
from django.db import transaction

from organizations.services import organization_data_changed
from signals.services import validate_source_url

from .backfill import subscription_backfill
from .feed_services import ADDRESS_LIMIT, address_too_long, feed_address
from .models import Feed, Subscription


def feed_for_url(url: str) -> Feed:
    """The stored feed with this address (however it is written: ``feed_address``), made if
    there is none. Raises ValueError, saying why in words, for an address that is not an
    absolute http(s) one or is too long to store."""
    url = url.strip()
    if not url:
        raise ValueError("no address given")
    try:
        validate_source_url(url)
    except ValidationError:
        raise ValueError(f"{url!r} is not an http or https address") from None
    # Written as the feeds pages write it, so the feed they follow is this one, not a second.
    url = feed_address(url)
    if address_too_long(url):
        raise ValueError(f"the address is longer than {ADDRESS_LIMIT} characters")
    feed, _created = Feed.objects.get_or_create(url=url)
    return feed


@transaction.atomic
def subscribe_for_command(*, organization, feed: Feed, name: str = "", **fields) -> Subscription:
    """The organisation's subscription to the feed, made if missing (with its recent entries
    put in the queue)."""
    subscription, created = Subscription.objects.get_or_create(
        organization=organization,
        feed=feed,
        defaults={"name": (name or feed.title or feed.url)[:200], **fields},
    )
    if created:
        # The queue's feed filter is cached on the organisation's data version.
        organization_data_changed(organization_id=organization.pk)
        subscription_backfill(subscription)
    return subscription


@transaction.atomic
def name_from_feed(subscription: Subscription) -> None:
    """A subscription named after its address, made before the feed was first read, takes
    the feed's own title once it is known."""
    feed = Feed.objects.get(pk=subscription.feed_id)
    if feed.title and subscription.name == feed.url[:200]:
        Subscription.objects.filter(pk=subscription.pk).update(name=feed.title[:200])
        # The queue's feed filter shows the name.
        organization_data_changed(organization_id=subscription.organization_id)
