"""What of the scanning app a member may see.

The triage queue, subscriptions and keyword rules are the scanning group's working tools, so
only members whose role may log signals see them (``SCANNING_GROUP``); other roles see none.
Feeds and entries belong to no organisation: a member sees a feed its organisation follows
and that feed's entries, nothing of the feeds only other organisations follow.
"""

from django.db.models import QuerySet

from organizations.access import organization_rows, visibility_rule
from organizations.models import Membership
from organizations.roles import SCANNING_GROUP

from .models import Entry, Feed, KeywordRule, Subscription, TriageItem, TriageItemEntry


def _scanning_group(membership: Membership | None) -> bool:
    return membership is not None and membership.role in SCANNING_GROUP


@visibility_rule(Subscription)
def visible_subscriptions(membership: Membership | None) -> QuerySet[Subscription]:
    if not _scanning_group(membership):
        return Subscription.objects.none()
    return organization_rows(Subscription, membership)


@visibility_rule(Feed)
def visible_feeds(membership: Membership | None) -> QuerySet[Feed]:
    return Feed.objects.filter(pk__in=visible_subscriptions(membership).values("feed_id"))


@visibility_rule(Entry)
def visible_entries(membership: Membership | None) -> QuerySet[Entry]:
    return Entry.objects.filter(feed__in=visible_feeds(membership))


@visibility_rule(KeywordRule)
def visible_keyword_rules(membership: Membership | None) -> QuerySet[KeywordRule]:
    if not _scanning_group(membership):
        return KeywordRule.objects.none()
    return organization_rows(KeywordRule, membership)


@visibility_rule(TriageItem)
def visible_triage_items(membership: Membership | None) -> QuerySet[TriageItem]:
    if not _scanning_group(membership):
        return TriageItem.objects.none()
    return organization_rows(TriageItem, membership)


@visibility_rule(TriageItemEntry)
def visible_triage_item_entries(membership: Membership | None) -> QuerySet[TriageItemEntry]:
    if not _scanning_group(membership):
        return TriageItemEntry.objects.none()
    return organization_rows(TriageItemEntry, membership)
