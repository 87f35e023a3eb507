"""Reads about the organisation's feeds: their health for the feeds page, and what a keyword
rule would do before it is saved. Every read starts from the member's visibility rule."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.lib.text import swedish_key
from organizations.models import Membership

from .feed_services import feed_address
from .keywords import Rule, matches
from .models import FeedState, RuleKind, Subscription, TriageState
from .rulebook import item_text, rulebook_for
from .selectors import oldest_shown
from .visibility import visible_entries, visible_subscriptions, visible_triage_items

# Entries per week are counted over four weeks, so one busy day does not decide the figure.
RATE_WINDOW = timedelta(days=28)
TRYOUT_WINDOW = timedelta(days=30)
TRYOUT_EXAMPLES = 5


class FeedStatus:
    POLLED = "polled"
    ERRING = "erring"  # polled, but its last poll failed: backing off, and tried again
    PAUSED = "paused"  # by the organisation
    GONE = "gone"  # the publisher answered 410
    FAILING = "failing"  # the pipeline stopped after weeks of failures


def _count(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of the queryset: one number per outer row, without the join and
    GROUP BY that two annotated counts would multiply into each other."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def subscriptions_with_health(membership: Membership) -> list[Subscription]:
    """The organisation's subscriptions with their feed's health: ``status`` (a FeedStatus),
    ``entries_per_week`` (entries fetched in the last four weeks, a week's share) and
    ``waiting`` (items of it in the queue). One query whatever their number."""
    since = timezone.now() - RATE_WINDOW
    entries = visible_entries(membership).filter(feed_id=OuterRef("feed_id"), fetched_at__gte=since)
    # As the queue counts them: not those past its age limit, which it no longer shows.
    waiting = visible_triage_items(membership).filter(
        subscription_id=OuterRef("pk"), state=TriageState.NEW, published_at__gte=oldest_shown()
    )
    subscriptions = list(
        visible_subscriptions(membership)
        .select_related("feed", "area")
        .annotate(recent_entries=_count(entries), waiting=_count(waiting))
    )
    subscriptions.sort(key=lambda subscription: (swedish_key(subscription.name), subscription.pk))
    for subscription in subscriptions:
        subscription.status = subscription_status(subscription)
        subscription.entries_per_week = subscription.recent_entries / 4
    return subscriptions


def subscription_status(subscription: Subscription) -> str:
    state = subscription.feed.state
    if state == FeedState.GONE:
        return FeedStatus.GONE
    if state == FeedState.FAILING:
        return FeedStatus.FAILING
    if subscription.paused:
        return FeedStatus.PAUSED
    return FeedStatus.ERRING if subscription.feed.consecutive_failures else FeedStatus.POLLED


@dataclass
class TryOut:
    kind: str
    considered: int  # the items the rule was tried on
    affected: int  # newly hidden by an exclude rule; kept with an include rule
    examples: list[str] = field(default_factory=list)
    # Matched by an exclude rule, but hidden already by the rules there are.
    already_hidden: int = 0


def rule_tryout(
    membership: Membership, *, kind: str, phrase: str, subscription: Subscription | None = None
) -> TryOut:
    """What the unsaved rule would do, with the rules already there, to the organisation's
    items of the last 30 days that are in the queue or kept out by a rule (those of
    ``subscription`` only, for a feed's rule): how many an exclude rule would hide, or how
    many an include rule would keep. Items already decided (promoted, dismissed) are not
    the queue's any more, and a rule does nothing to them."""
    before = rulebook_for(membership.organization_id)
    after = rulebook_for(membership.organization_id)
    rule = Rule(kind=kind, phrase=phrase)
    if subscription is None:
        after.general.append(rule)
    else:
        after.by_subscription[subscription.pk].append(rule)
    items = (
        visible_triage_items(membership)
        .filter(published_at__gte=timezone.now() - TRYOUT_WINDOW)
        .filter(state__in=(TriageState.NEW, TriageState.FILTERED))
    )
    if subscription is not None:
        items = items.filter(subscription=subscription)
    rows = items.order_by("-published_at", "-pk").values_list(
        "subscription_id", "entry__title", "entry__summary_text"
    )
    considered, affected, already_hidden, examples = 0, 0, 0, []
    for subscription_id, title, summary in rows.iterator(chunk_size=2000):
        considered += 1
        text = item_text(title, summary)
        kept = after.kept(subscription_id, text)
        if kind == RuleKind.INCLUDE:
            counts = kept
        elif kept:
            counts = False
        else:
            # Hidden by this rule, not by one already there.
            counts = before.kept(subscription_id, text)
            already_hidden += not counts and matches(phrase, text)
        if counts:
            affected += 1
            # Two items of one title (a story two feeds told differently) are one example.
            if len(examples) < TRYOUT_EXAMPLES and title not in examples:
                examples.append(title)
    return TryOut(
        kind=kind,
        considered=considered,
        affected=affected,
        examples=examples,
        already_hidden=already_hidden,
    )


def followed_addresses(membership: Membership) -> set[str]:
    """The addresses of the feeds the organisation follows, as ``feed_address`` writes them."""
    return {
        feed_address(url)
        for url in visible_subscriptions(membership).values_list("feed__url", flat=True)
    }
