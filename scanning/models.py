"""Feeds, their entries, the organisations' subscriptions and the triage queue.

A ``Feed`` and its ``Entry`` rows belong to no organisation: a feed is fetched once however
many organisations follow it, so fetch work grows with distinct feeds, never with
subscriptions. What an organisation owns is its ``Subscription`` (its own name for the feed,
default area and level, keyword rules) and its ``TriageItem`` rows: one per story in its queue.

Entries reach an organisation only through its subscriptions (``visibility.py``). The link
from a promoted item to the signal it became lives here: scanning knows signals, never the
reverse.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import OrganizationOwned, organization_field
from signals.models import Area, Level, Signal


class FeedState(models.TextChoices):
    ACTIVE = "active", _("Polled")
    # 410 Gone: the publisher says the feed will not come back.
    GONE = "gone", _("Removed by the publisher")
    # Failing for weeks: polling stops until someone resumes it.
    FAILING = "failing", _("Paused after failing for a long time")


def lease_held(lease_until, now) -> bool:
    """Whether a poll holds a feed whose lease lasts until ``lease_until``, as the lease's
    UPDATE asks it (``polling._take_leases``: free once the lease has run out)."""
    return lease_until is not None and lease_until >= now


class Feed(models.Model):
    """An RSS, Atom or JSON feed, fetched once for every organisation that follows it.

    Written only by ``scanning.polling`` and ``scanning.services``. ``lease_until`` is how a
    feed is never fetched by two workers at once: the dispatcher (for the poll it sends) or
    "Fetch now" takes the lease with one conditional UPDATE before fetching (works alike on
    PostgreSQL and SQLite).
    """

    url = models.URLField(_("address"), max_length=2000, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    site_url = models.URLField(_("website"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=FeedState.choices, default=FeedState.ACTIVE
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    # Conditional GET: what the server sent last time, sent back so it can answer 304.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    # Digest of the last body read (polling.body_digest): an unchanged body costs a hash, not
    # a parse.
    content_hash = models.CharField(max_length=64, blank=True)

    # Scheduling: due when next_poll_at has passed (the dispatcher's one indexed query).
    next_poll_at = models.DateTimeField(_("next poll"), default=timezone.now)
    poll_interval = models.PositiveIntegerField(_("polling interval (seconds)"), default=60 * 60)
    lease_until = models.DateTimeField(null=True, blank=True)
    # When the dispatcher last enqueued a poll (leasing the feed until that poll may have
    # waited in the broker's queue and run).
    queued_at = models.DateTimeField(null=True, blank=True)

    # Health, shown to the organisations that follow the feed.
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_new_entry_at = models.DateTimeField(_("last new entry"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["title", "url"]
        verbose_name = _("feed")
        verbose_name_plural = _("feeds")
        # No index on the schedule (state, next_poll_at): every poll changes next_poll_at, and
        # an index on it made each poll's UPDATE write index entries as well, where without one
        # PostgreSQL updates the row in place (a HOT update; the table keeps room for them,
        # migration 0006). The dispatcher reads the feeds once every two minutes: a scan of
        # the table, milliseconds for thousands of feeds.

    def __str__(self):
        return self.title or self.url


class Entry(models.Model):
    """One item of a feed, stored once whatever the number of organisations that see it.

    ``key`` is the entry's identity within its feed (guid/id, else the normalised link, else a
    hash of title, date and content): the unique constraint makes a retry or a second worker
    unable to insert it twice.
    """

    # No index of its own: the unique (feed, key) constraint's index serves lookups by feed,
    # and every index is one more write for each entry of every poll.
    feed = models.ForeignKey(
        Feed,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("feed"),
        db_index=False,
    )
    key = models.CharField(max_length=255)
    title = models.CharField(_("title"), max_length=300, blank=True)
    link = models.URLField(_("address"), max_length=2000, blank=True)
    # The link without tracking parameters, scheme or fragment: the same story in two feeds.
    canonical_url = models.CharField(max_length=2000, blank=True)
    # The title casefolded without punctuation: a near-identical title in another feed.
    title_fingerprint = models.CharField(max_length=300, blank=True)
    summary_html = models.TextField(_("summary"), blank=True)  # cleaned by nh3 on the way in
    summary_text = models.TextField(blank=True)
    # Lower-cased title and summary: what the queue's text filter reads (PostgreSQL: a Swedish
    # full-text GIN index over it, as the signal register's; SQLite: substring matching).
    search_document = models.TextField(blank=True, editable=False)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-fetched_at", "-pk"]
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="entry_feed_key")]

    def __str__(self):
        return self.title or self.link


class Subscription(OrganizationOwned):
    """An organisation following a feed: its own name for it, the area and level its items
    are proposed with, and whether it is paused."""

    feed = models.ForeignKey(
        Feed, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("feed")
    )
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        Area,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default area"),
    )
    level = models.CharField(_("default level"), max_length=10, choices=Level.choices, blank=True)
    paused = models.BooleanField(_("paused"), default=False)
    # Added or resumed while a poll of the feed was under way: that poll may store entries
    # without placing them here, so the next poll that stores entries places them
    # (``scanning.backfill``).
    missed_entries = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["organization", "feed"], name="subscription_once")
        ]

    def __str__(self):
        return self.name


class RuleKind(models.TextChoices):
    INCLUDE = "include", _("Only items that mention")
    EXCLUDE = "exclude", _("Hide items that mention")


class KeywordRule(OrganizationOwned):
    """A word or phrase that keeps items out of the queue (exclude) or lets only matching items
    in (include), for one subscription or, without one, for all of the organisation's feeds."""

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("feed"),
    )
    kind = models.CharField(_("rule"), max_length=10, choices=RuleKind.choices)
    phrase = models.CharField(_("word or phrase"), max_length=200)

    class Meta:
        ordering = ["kind", "phrase"]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.phrase}"


class TriageState(models.TextChoices):
    NEW = "new", _("In the queue")
    PROMOTED = "promoted", _("Promoted to a signal")
    DISMISSED = "dismissed", _("Dismissed")
    # Kept out by a keyword rule; a changed rule can bring it back.
    FILTERED = "filtered", _("Hidden by a rule")


# The queue's rows (TriageItem, TriageItemEntry) are what every new entry of every poll writes,
# one of each per organisation following the feed, so their references to the organisation,
# the entry and the item are not foreign-key constraints in the database (``db_constraint=
# False``): PostgreSQL checks each such constraint with a query per row, and those checks were
# about half of what storing the queue cost the server (bench/ingest.py). Django still deletes
# these rows with what they refer to (``on_delete``), and only ``scanning.fanout`` writes
# them, with ids it read or inserted in the same transaction. What the database no longer
# stops is a row written by a poll while, at that moment, another transaction deletes what
# it refers to (an organisation, an item past the queue's age): such a row refers to
# nothing, shows nowhere (every read joins what it refers to, placing entries included) and
# is deleted by ``scanning.retention``: an item's row whose item is gone at its next run,
# any other once past the queue's age. The subscription keeps its
# constraint: an item's feed is shown and used (promoting reads its area and level).
_UNCHECKED = {"db_constraint": False}


class TriageItem(OrganizationOwned):
    """One story in an organisation's triage queue.

    ``entry`` is the first entry the story arrived with; the same story from other feeds is
    attached through ``TriageItemEntry`` ("also in: …"), so it is one item, decided once.
    """

    # No index of its own: the queue's indexes start with it.
    organization = organization_field(db_index=False, **_UNCHECKED)

    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry"), **_UNCHECKED
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("feed"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=TriageState.choices, default=TriageState.NEW
    )
    # The entry's date, copied so the queue sorts and pages on one index.
    published_at = models.DateTimeField(_("published"))
    # Empty when an item arrives; indexed (see Meta) only where set.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # One item per signal (see Meta): empty until the item is promoted.
    signal = models.ForeignKey(
        Signal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signal"),
        db_index=False,
    )
    # On a queue page (scanning.selectors.queue_page), not stored: the names of the other
    # feeds that carried the same story.
    also_in: list[str | None]

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("triage item")
        verbose_name_plural = _("triage items")
        indexes = [
            models.Index(
                fields=["organization", "state", "published_at", "id"], name="triage_queue"
            ),
            models.Index(
                fields=["organization", "subscription", "state", "published_at", "id"],
                name="triage_queue_feed",
            ),
            # Over the rows where it is set only: an arriving item (every new entry of every
            # poll) has no decider yet, and writes no entry here. Deleting a person finds
            # their items by it ("decided_by_id = x" implies "IS NOT NULL").
            models.Index(
                fields=["decided_by"],
                condition=models.Q(decided_by__isnull=False),
                name="triage_decided_by",
            ),
        ]
        constraints = [
            # A signal is promoted from one item. Partial for the same reason as above; it
            # also serves deleting a signal (its item's link is emptied).
            models.UniqueConstraint(
                fields=["signal"],
                condition=models.Q(signal__isnull=False),
                name="triage_signal_once",
            ),
        ]

    def __str__(self):
        return str(self.entry)


class TriageItemEntry(OrganizationOwned):
    """An entry belonging to a triage item: the first one and every duplicate from another
    feed. Unique per organisation and entry, so an entry lands in an organisation's queue
    once, whichever worker or retry inserts it."""

    # No index of its own: the queue's lookups by organisation start with it (see Meta).
    organization = organization_field(db_index=False, **_UNCHECKED)

    # No single-column indexes: the two-column ones in Meta start with these, so they also
    # serve deleting an item or an entry (Django deletes an item's or an entry's rows here).
    # Each index is one more write for every new entry of every poll.
    item = models.ForeignKey(
        TriageItem,
        on_delete=models.CASCADE,
        related_name="item_entries",
        db_index=False,
        **_UNCHECKED,
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, related_name="+", db_index=False, **_UNCHECKED
    )
    # Copied from the entry so duplicates are found on the organisation's own rows.
    canonical_url = models.CharField(max_length=2000, blank=True)
    title_fingerprint = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField()

    class Meta:
        verbose_name = _("triage item entry")
        verbose_name_plural = _("triage item entries")
        constraints = [
            # Entry first: the same rows are unique either way, and so it is also the index
            # that deleting an entry (retention) looks its rows up in.
            models.UniqueConstraint(fields=["entry", "organization"], name="item_entry_once")
        ]
        indexes = [
            # The queue's "also in": an organisation's rows of the items on a page (without
            # it SQLite reads the organisation's every row through the address index), and
            # an item's rows when it is deleted.
            models.Index(fields=["item", "organization"], name="item_entry_items"),
            models.Index(fields=["organization", "canonical_url"], name="item_entry_url"),
            models.Index(
                fields=["organization", "title_fingerprint", "published_at"],
                name="item_entry_title",
            ),
        ]


class ShortcutPreference(models.Model):
    """Whether a person's single-key shortcuts are on (WCAG 2.1.4: whoever they get in the way
    of, a speech-input user say, can turn them off). A person's own, in every organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shortcut_preference"
    )
    keyboard_shortcuts = models.BooleanField(_("single-key shortcuts"), default=True)

    def __str__(self):
        return str(self.user)
