"""An organisation's keyword rules, loaded once and applied to many items (at ingest, when a
rule is tried out, when rules are re-applied to the queue)."""

from collections import defaultdict
from dataclasses import dataclass, field

from .keywords import Rule, kept
from .models import KeywordRule


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
