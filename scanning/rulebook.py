"""Keyword rules, loaded once and applied to many items: an organisation's (when a rule is
tried out, when rules are re-applied to the queue) and a feed's followers' (at ingest)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection

from .keywords import Rule, kept
from .models import KeywordRule, Subscription


@dataclass
class RuleBook:
    # Rules of the whole organisation, and of each subscription by its id.
    general: list[Rule] = field(default_factory=list)
    by_subscription: dict[int, list[Rule]] = field(default_factory=lambda: defaultdict(list))

    def kept(self, subscription_id: int | None, text: str) -> bool:
        """Whether an item of that subscription with this title and summary stays in the
        queue."""
        rules = self.general + self.by_subscription.get(subscription_id, [])
        return kept(rules, text) if rules else True


def rulebook_for(organization_id: int) -> RuleBook:
    book = RuleBook()
    # The rules are read here for the pipeline (no membership: a worker acts for the
    # organisation itself), scoped by the organisation's id.
    rows = (
        KeywordRule.objects.filter(organization_id=organization_id)
        .order_by()
        .values_list("subscription_id", "kind", "phrase")
    )
    for subscription_id, kind, phrase in rows:
        rule = Rule(kind=kind, phrase=phrase)
        if subscription_id is None:
            book.general.append(rule)
        else:
            book.by_subscription[subscription_id].append(rule)
    return book


def item_text(title: str, summary_text: str) -> str:
    """What rules read: the title and the summary."""
    return f"{title}\n{summary_text}"


@dataclass(frozen=True)
class Follower:
    """A subscription that places a feed's new entries in its organisation's queue, with the
    rules that apply to them: the organisation's and the subscription's own."""

    subscription_id: int
    organization_id: int
    rules: tuple[Rule, ...]

    def kept(self, text: str) -> bool:
        return kept(self.rules, text) if self.rules else True


def followers_query(feed_ids: Sequence[int]) -> tuple[str, list]:
    """The feeds' subscriptions that are not paused, each with its rules (one row per rule,
    or one without): for ``followers()``. Read once per poll batch; the ingest applies them
    to every new entry."""
    quote = connection.ops.quote_name
    subscription = quote(Subscription._meta.db_table)
    rule = quote(KeywordRule._meta.db_table)
    return (
        f"SELECT s.feed_id, s.id, s.organization_id, r.kind, r.phrase FROM {subscription} s "
        f"LEFT JOIN {rule} r ON r.organization_id = s.organization_id "
        "AND (r.subscription_id IS NULL OR r.subscription_id = s.id) "
        f"WHERE s.feed_id IN ({', '.join(['%s'] * len(feed_ids))}) AND s.paused = %s",
        [*feed_ids, False],
    )


def followers(rows: Iterable[tuple]) -> dict[int, list[Follower]]:
    """Each feed's followers, by the feed's id, in the rows of ``followers_query()``."""
    found: dict[int, tuple[int, int, list[Rule]]] = {}
    for feed_id, subscription_id, organization_id, kind, phrase in rows:
        _feed, _organization, rules = found.setdefault(
            subscription_id, (feed_id, organization_id, [])
        )
        if kind is not None:
            rules.append(Rule(kind=kind, phrase=phrase))
    by_feed: dict[int, list[Follower]] = defaultdict(list)
    for subscription_id, (feed_id, organization_id, rules) in found.items():
        by_feed[feed_id].append(Follower(subscription_id, organization_id, tuple(rules)))
    return by_feed
