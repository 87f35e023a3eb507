"""Every change an organisation makes to the feeds it follows and to its keyword rules.

Adding a feed by its address fetches that address once (``core.lib.fetch``, the only way the
server fetches): a feed is followed as it is; a web page that announces exactly one feed with
``<link rel="alternate">`` leads to that feed; a page announcing several asks which
(``FeedChoiceNeeded``). A ``Feed`` row is shared by every organisation that follows the same
address and is never fetched a second time for a second organisation: its first poll, or for a
feed already polled the recent entries (``scanning.backfill``), fill the new
subscription's queue. OPML import fetches nothing: hundreds of feeds are polled by the
pipeline, one at a time.

A refused change raises ``ValidationError`` keyed by field and stores nothing.
"""

import ipaddress
import re
import unicodedata
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.bulk import datetime_adapter, update_rows
from core.lib.fetch import FetchError, fetch, is_public_address, private_host_allowed
from core.lib.text import strip_bidi_controls
from organizations.models import Organization
from organizations.services import organization_data_changed
from signals.models import Area, Level

from . import tasks
from .backfill import subscription_backfill
from .errors import describe_fetch_error
from .models import (
    Feed,
    FeedState,
    KeywordRule,
    RuleKind,
    Subscription,
    TriageItem,
    TriageItemEntry,
    TriageState,
    lease_held,
)
from .parsing import FeedParseError, NotAFeed, ParsedFeed, parse_feed
from .rulebook import item_text, rulebook_for

# Feed readers ask for feeds first; a server that negotiates then answers with one.
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"
)

ADDRESS_INVALID = _("Enter the full address of the feed or page, starting with https://.")
NO_FEED = _("The address gives a web page that announces no feed.")
ANNOUNCED_NOT_FETCHED = _(
    "The page announces the feed %(feed)s, which could not be fetched: %(why)s"
)
ALREADY_FOLLOWED = _("Your organisation already follows this feed (as “%(name)s”).")
NAME_MISSING = _("Give the feed a name.")
AREA_NOT_OURS = _("Choose one of your organisation's areas.")
PHRASE_MISSING = _("Write a word or phrase.")
PHRASE_TOO_LONG = _("Keep the phrase to at most %(limit)d characters.")
PHRASE_LIMIT = 200
RULE_EXISTS = _("This rule exists already.")
RULE_CONTRADICTS = _(
    "Together with the rule “%(rule)s” this one would hide every item it applies to. "
    "Remove that rule first."
)
FEED_NOT_OURS = _("Choose one of your organisation's feeds.")
ADDRESS_TOO_LONG = _("The address is longer than %(limit)d characters, more than Spaning keeps.")
# What a page announcing many feeds offers to choose from: the first ones, which a site
# lists first; a page listing hundreds is a list of others' feeds, not its own.
CHOICES_SHOWN = 20


class FeedChoiceNeeded(Exception):
    """The address is a web page announcing several feeds: the person chooses one. With the
    titles the page gives them, and whether it announces more than CHOICES_SHOWN."""

    def __init__(self, feed_links: list[str], feed_titles: dict[str, str] | None = None):
        super().__init__("The page announces several feeds")
        self.feed_links = feed_links[:CHOICES_SHOWN]
        self.more = len(feed_links) > CHOICES_SHOWN
        self.feed_titles = feed_titles or {}


@dataclass(frozen=True)
class FoundFeed:
    url: str
    title: str
    site_url: str


# --- Adding a feed by its address ---------------------------------------------------------------


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def with_scheme(url: str) -> str:
    """The address as typed, with https:// in front if it has no scheme: people copy
    "www.kungsbacka.se/nyheter/rss" from an address bar that hides it. (Only https: an
    address that answers on http alone is written with its http://.)"""
    url = url.strip()
    if not url or _SCHEME.match(url):
        return url
    return "https:" + url if url.startswith("//") else "https://" + url


def _check_address(url: str, *, field_name: str = "url") -> str:
    url = with_scheme(url)
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({field_name: [ADDRESS_INVALID]}) from None
    return _storable_address(feed_address(url), field_name=field_name)


def _storable_address(url: str, *, field_name: str = "url") -> str:
    """``url`` if the database can keep it (ADDRESS_LIMIT), else ``ValidationError``."""
    if address_too_long(url):
        raise ValidationError({field_name: [ADDRESS_TOO_LONG % {"limit": ADDRESS_LIMIT}]})
    return url


_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def feed_address(url: str) -> str:
    """The address one feed is known by however it was written, so that it is followed once:
    scheme and host in lower case (neither tells anything apart), no default port, "/" for
    no path, no #fragment (never sent to the server). The path and query stay as written:
    a server may tell those apart. For an address already checked to be one."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    userinfo, at, host = parts.netloc.rpartition("@")
    host = host.lower()
    default_port = _DEFAULT_PORTS.get(scheme, "")
    if default_port and host.endswith(default_port):
        host = host[: -len(default_port)]
    return urlunsplit((scheme, f"{userinfo}{at}{host}", parts.path or "/", parts.query, ""))


# An address longer than a feed's may be cannot be stored (PostgreSQL refuses it): it is
# refused, never cut.
ADDRESS_LIMIT = cast(int, Feed._meta.get_field("url").max_length)


def address_too_long(url: str) -> bool:
    """Whether the address, as ``feed_address`` writes it, is longer than ``ADDRESS_LIMIT``."""
    return len(url) > ADDRESS_LIMIT


def _fetch(url: str):
    try:
        return fetch(
            url,
            # What one poll of a feed may cost (settings), so adding one costs no more.
            max_bytes=settings.SCANNING_MAX_FEED_BYTES,
            timeout=settings.SCANNING_FETCH_TIMEOUT,
            headers={"Accept": FEED_ACCEPT},
            decompress=True,
        )
    except FetchError as failed:
        raise ValidationError({"url": [describe_fetch_error(failed)]}) from None


def _parse(result):
    return parse_feed(
        result.body, url=result.url, content_type=result.content_type, charset=result.charset
    )


def _found(url: str, parsed: ParsedFeed) -> FoundFeed:
    title = strip_bidi_controls(parsed.title or "").strip()
    # The address it moved to, or the one a page announced, may be longer than any typed.
    return FoundFeed(
        url=_storable_address(feed_address(url)),
        title=title[:300],
        site_url=(parsed.site_url or "")[:2000],
    )


def _not_a_feed(broken: FeedParseError) -> ValidationError:
    # The parser's message is already a sentence for the person who typed the address.
    return ValidationError({"url": [str(broken)]})


def feed_find(*, url: str) -> FoundFeed:
    """The feed at ``url``, or the one feed the web page at ``url`` announces.

    Raises ``FeedChoiceNeeded`` for a page announcing several feeds, ``ValidationError`` on
    ``url`` when the address cannot be fetched or leads to no feed."""
    url = _check_address(url)
    result = _fetch(url)
    try:
        # A feed that has moved for good is followed at its new address.
        return _found(result.moved_to or url, _parse(result))
    except NotAFeed as page:
        titles = page.feed_titles
        links = [link for link in page.feed_links if not address_too_long(feed_address(link))]
    except FeedParseError as broken:
        raise _not_a_feed(broken) from None
    if not links:
        raise ValidationError({"url": [NO_FEED]})
    if len(links) > 1:
        raise FeedChoiceNeeded(links, titles)
    # The one announced feed is fetched and checked before anyone follows it.
    feed_url = links[0]
    try:
        result = _fetch(feed_url)
    except ValidationError as refused:
        # Said of the feed, not of the page the person typed, which answered well.
        (why,) = refused.message_dict["url"]
        raise ValidationError(
            {"url": [ANNOUNCED_NOT_FETCHED % {"feed": feed_url, "why": why}]}
        ) from None
    try:
        return _found(result.moved_to or feed_url, _parse(result))
    except FeedParseError as broken:  # NotAFeed included: a page announcing a page
        raise _not_a_feed(broken) from None


def _refuse_if_followed(organization: Organization, url: str) -> None:
    existing = (
        Subscription.objects.filter(organization=organization, feed__url=url)
        .values_list("name", flat=True)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {"url": [ValidationError(ALREADY_FOLLOWED, params={"name": existing})]}
        )


def _check_area(organization: Organization, area: Area | None) -> None:
    if area is not None and area.organization_id != organization.pk:
        raise ValidationError({"area": [AREA_NOT_OURS]})


def _enqueue_first_poll(feed: Feed) -> None:
    tasks.poll_feed.delay_on_commit(feed.pk)


def subscription_add(
    *,
    organization: Organization,
    url: str,
    name: str = "",
    area: Area | None = None,
    level: str = "",
    created_by=None,
) -> Subscription:
    """Follow the feed at ``url`` (or the one a web page there announces).

    A feed another organisation already follows is not fetched again: its row is shared. A new
    feed is fetched once here to check it is one, and polled for its entries after commit."""
    url = _check_address(url)
    _check_area(organization, area)
    _refuse_if_followed(organization, url)
    feed = Feed.objects.filter(url=url).first()
    if feed is None:
        found = feed_find(url=url)
        if found.url != url:
            _refuse_if_followed(organization, found.url)
        feed = Feed.objects.filter(url=found.url).first()
        if feed is None:
            # Two organisations adding the same new feed at once: the unique address decides.
            feed, _created = Feed.objects.get_or_create(
                url=found.url, defaults={"title": found.title, "site_url": found.site_url}
            )
    name = strip_bidi_controls(name or "").strip() or feed.title or feed.url
    try:
        with transaction.atomic():
            subscription = Subscription.objects.create(
                organization=organization,
                feed=feed,
                name=name[:200],
                area=area,
                level=level if level in Level.values else "",
                created_by=created_by,
            )
            organization_data_changed(organization_id=organization.pk)
    except IntegrityError:
        _refuse_if_followed(organization, feed.url)
        raise
    _after_subscribing(subscription)
    return subscription


def _after_subscribing(subscription: Subscription) -> None:
    """Fill the new subscription's queue: with the entries the shared feed already has (another
    organisation follows it), and from its first poll (which a feed polled on schedule
    answers as its schedule says)."""
    subscription_backfill(subscription)
    _enqueue_first_poll(subscription.feed)


# --- Changing, pausing, removing a subscription ------------------------------------------------


def subscription_update(
    *, subscription: Subscription, name: str, area: Area | None, level: str
) -> Subscription:
    name = strip_bidi_controls(name or "").strip()
    if not name:
        raise ValidationError({"name": [NAME_MISSING]})
    _check_area(subscription.organization, area)
    subscription.name = name[:200]
    subscription.area = area
    subscription.level = level if level in Level.values else ""
    with transaction.atomic():
        subscription.save(update_fields=["name", "area", "level", "updated_at"])
        organization_data_changed(organization_id=subscription.organization_id)
    return subscription


def subscription_set_paused(*, subscription: Subscription, paused: bool) -> Subscription:
    """A paused subscription keeps its items; new entries of the feed do not reach the queue
    until it is resumed, and then those of the recent past that it missed do.

    Only the call that changes the row does anything more: of two resumes at once (a double
    click, two tabs) one puts the missed entries in the queue and the other finds the feed
    resumed already, instead of both placing them and the second failing on the first's."""
    with transaction.atomic():
        # Conditional: the row's lock makes a second resume wait for the first's commit and
        # then change nothing.
        changed = Subscription.objects.filter(pk=subscription.pk, paused=not paused).update(
            paused=paused, updated_at=timezone.now()
        )
        if changed and not paused:
            subscription_backfill(subscription)
    subscription.paused = paused
    return subscription


WAITING = (TriageState.NEW, TriageState.FILTERED)


@transaction.atomic
def subscription_remove(*, subscription: Subscription) -> None:
    """Stop following the feed. Its items still waiting (new, or hidden by a rule) leave the
    queue, except a story another feed the organisation follows carried too: that feed keeps
    it. Promoted and dismissed items stay as the record of what was decided, and signals are
    untouched. The ``Feed`` row stays for other organisations: the pipeline stops polling a
    feed nobody follows."""
    organization_id = subscription.organization_id
    # Locked (on PostgreSQL) until this commits, so each is still waiting when it is deleted:
    # a scanner promoting one at this moment waits and then finds it gone, or promoted it
    # first and this leaves it.
    waiting = list(
        TriageItem.objects.filter(
            organization_id=organization_id, subscription=subscription, state__in=WAITING
        )
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    kept = _hand_over(subscription, set(waiting))
    gone = [pk for pk in waiting if pk not in kept]
    # In slices: SQLite allows only so many parameters in one statement.
    for start in range(0, len(gone), 500):
        TriageItem.objects.filter(pk__in=gone[start : start + 500]).delete()
    organization_data_changed(organization_id=organization_id)
    subscription.delete()


def _hand_over(subscription: Subscription, waiting: set[int]) -> set[int]:
    """Give the waiting items (``waiting``, locked) whose story another followed feed carried
    too to that feed: otherwise the story would be lost, as that feed's entry is already
    stored and never placed again. The earliest of those feeds' entries leads the item, which
    stays in the queue if the rules of any of those feeds keep it (as at ingest); the removed
    feed's entries leave the item with the feed. One UPDATE for them all. Returns the ids of
    the items kept."""
    organization_id = subscription.organization_id
    successors = dict(
        Subscription.objects.filter(organization_id=organization_id)
        .exclude(pk=subscription.pk)
        .values_list("feed_id", "pk")
    )
    if not waiting or not successors:
        return set()
    links = (
        TriageItemEntry.objects.filter(
            organization_id=organization_id,
            item__subscription=subscription,
            item__state__in=WAITING,
            entry__feed_id__in=list(successors),
        )
        .order_by("item_id", "published_at", "pk")
        .values_list(
            "item_id",
            "entry_id",
            "entry__feed_id",
            "published_at",
            "entry__title",
            "entry__summary_text",
        )
    )
    book = rulebook_for(organization_id)
    adapt = datetime_adapter()
    # Each item's new leader (entry, subscription, date), and the items any of them keeps.
    leaders: dict[int, tuple] = {}
    keeps: set[int] = set()
    for item_id, entry_id, feed_id, published_at, title, summary in links:
        if item_id not in waiting:
            continue
        successor = successors[feed_id]
        # The earliest of the other feeds' entries leads the item; the rest stay with it.
        leaders.setdefault(item_id, (entry_id, successor, adapt(published_at)))
        # As at ingest, the story stays in the queue if the rules of any feed that told it
        # keep it.
        if item_id not in keeps and book.kept(successor, item_text(title, summary)):
            keeps.add(item_id)
    rows = [(item_id, *leader, _state(item_id in keeps)) for item_id, leader in leaders.items()]
    update_rows(
        TriageItem,
        ("entry_id", "subscription_id", "published_at", "state"),
        rows,
        same={"updated_at": adapt(timezone.now())},
    )
    kept = set(leaders)
    ids = sorted(kept)
    for start in range(0, len(ids), 500):
        TriageItemEntry.objects.filter(
            organization_id=organization_id,
            item_id__in=ids[start : start + 500],
            entry__feed_id=subscription.feed_id,
        ).delete()
    return kept


def _state(kept: bool) -> str:
    """An undecided item's state, as the database takes it: in the queue, or hidden."""
    return TriageState.NEW.value if kept else TriageState.FILTERED.value


# --- The feed itself: fetch now, resume polling --------------------------------------------------


def feed_fetch_now(*, feed: Feed) -> bool:
    """Poll the feed as soon as a worker is free, whatever its schedule says. False, and
    nothing sent, when a poll already holds the feed (sent by the dispatcher and waiting for
    a worker, or running): that poll fetches it within moments, and a second one would be
    refused by the lease anyway."""
    if lease_held(feed.lease_until, timezone.now()):
        return False
    tasks.poll_feed.delay_on_commit(feed.pk, force=True)
    return True


def feed_resume_polling(*, feed: Feed) -> Feed:
    """Poll again a feed the pipeline stopped (gone, or failing for weeks), starting now."""
    feed.state = FeedState.ACTIVE
    feed.next_poll_at = timezone.now()
    feed.consecutive_failures = 0
    feed.failing_since = None
    feed.save(update_fields=["state", "next_poll_at", "consecutive_failures", "failing_since"])
    return feed


# --- OPML import -----------------------------------------------------------------------------

NOT_HTTP = _("not an http or https address")
INVALID_ADDRESS = _("not a valid address")
PRIVATE_ADDRESS = _("an address on a private network")
IMPORT_TOO_LONG = _("an address of over %(limit)d characters")
DUPLICATE_IN_FILE = _("listed earlier in the file too")
# New feeds one import follows, so one request stays a few seconds long and queues a
# bounded number of first polls; a longer file is imported again for the rest (those added
# count as followed then). A municipality's whole list fits once over.
IMPORT_LIMIT = 300


@dataclass
class ImportResult:
    added: list[Subscription] = field(default_factory=list)
    already: list[Subscription] = field(default_factory=list)
    # (address, why it was refused)
    refused: list[tuple[str, str]] = field(default_factory=list)
    # New feeds of the file not followed this time (past IMPORT_LIMIT).
    left: int = 0


def _import_refusal(url: str):
    """Why an OPML address is not followed, or None. Only what can be told without a name
    lookup: the fetch checks the resolved addresses again at every poll."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return NOT_HTTP
    try:
        URLValidator(schemes=["http", "https"])(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except (ValidationError, ValueError):
        return INVALID_ADDRESS
    if address_too_long(feed_address(url)):
        return IMPORT_TOO_LONG % {"limit": ADDRESS_LIMIT}
    host = (parts.hostname or "").lower()
    if private_host_allowed(host, port):
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            return PRIVATE_ADDRESS
        return None
    return None if is_public_address(str(address)) else PRIVATE_ADDRESS


def subscriptions_import(*, organization: Organization, outlines, created_by=None) -> ImportResult:
    """Follow the feeds of an OPML file (``opml.OutlineFeed`` rows), without fetching any:
    each new feed's first poll is queued after commit."""
    result = ImportResult()
    seen: set[str] = set()
    followed = {
        feed_address(s.feed.url): s
        for s in Subscription.objects.filter(organization=organization).select_related("feed")
    }
    for outline in outlines:
        written = outline.url.strip()
        refusal = _import_refusal(written)
        if refusal is not None:
            result.refused.append((written, str(refusal)))
            continue
        url = feed_address(written)
        if url in seen:
            result.refused.append((written, str(DUPLICATE_IN_FILE)))
            continue
        seen.add(url)
        if url in followed:
            result.already.append(followed[url])
            continue
        if len(result.added) >= IMPORT_LIMIT:
            result.left += 1
            continue
        title = strip_bidi_controls(outline.title or "").strip()[:300]
        with transaction.atomic():
            feed, _created = Feed.objects.get_or_create(
                url=url, defaults={"title": title, "site_url": outline.site_url[:2000]}
            )
            subscription = Subscription.objects.create(
                organization=organization,
                feed=feed,
                name=(title or feed.title or url)[:200],
                level=Level.OUTER,
                created_by=created_by,
            )
            organization_data_changed(organization_id=organization.pk)
        _after_subscribing(subscription)
        result.added.append(subscription)
    return result


# --- Keyword rules ---------------------------------------------------------------------------


_QUOTES = "\"'“”„«»‘’"


def rule_phrase(phrase: str) -> str:
    """The phrase as stored, or ``ValidationError`` on ``phrase``."""
    # Composed (NFC), as the entries' text is (scanning.parsing).
    phrase = unicodedata.normalize("NFC", " ".join(strip_bidi_controls(phrase or "").split()))
    # Quotes, as a search box takes them for "this phrase exactly": a phrase here always is.
    phrase = " ".join(phrase.strip(_QUOTES).split())
    if not phrase.strip("* "):
        raise ValidationError({"phrase": [PHRASE_MISSING]})
    if len(phrase) > PHRASE_LIMIT:
        raise ValidationError(
            {"phrase": [ValidationError(PHRASE_TOO_LONG, params={"limit": PHRASE_LIMIT})]}
        )
    return phrase


def _check_rule(organization: Organization, kind: str, subscription: Subscription | None):
    if kind not in RuleKind.values:
        raise ValidationError({"kind": [_("Choose whether the rule hides or keeps items.")]})
    if subscription is not None and subscription.organization_id != organization.pk:
        raise ValidationError({"subscription": [FEED_NOT_OURS]})


def rule_refuse_if_contradicting(
    *, organization: Organization, kind: str, phrase: str, subscription: Subscription | None
) -> None:
    """``ValidationError`` on ``phrase`` if a rule of the other kind with the same phrase
    applies to the same items (the organisation's, or this feed's): "only items that mention
    skol*" and "hide items that mention skol*" together hide every item, which nobody means."""
    other = RuleKind.EXCLUDE if kind == RuleKind.INCLUDE else RuleKind.INCLUDE
    overlapping = KeywordRule.objects.filter(organization=organization, kind=other)
    if subscription is not None:
        overlapping = overlapping.filter(Q(subscription=None) | Q(subscription=subscription))
    for existing in overlapping.order_by("pk"):
        if existing.phrase.casefold() == phrase.casefold():
            described = f"{existing.get_kind_display()} {existing.phrase}"
            raise ValidationError(
                {"phrase": [ValidationError(RULE_CONTRADICTS, params={"rule": described})]}
            )


def rule_create(
    *,
    organization: Organization,
    kind: str,
    phrase: str,
    subscription: Subscription | None = None,
) -> "RuleChange":
    """Add a rule and apply the organisation's rules again to what waits in the queue; the
    rule, and what that did to the queue."""
    _check_rule(organization, kind, subscription)
    phrase = rule_phrase(phrase)
    same = KeywordRule.objects.filter(
        organization=organization, kind=kind, subscription=subscription
    ).values_list("phrase", flat=True)
    if any(existing.casefold() == phrase.casefold() for existing in same):
        raise ValidationError({"phrase": [RULE_EXISTS]})
    rule_refuse_if_contradicting(
        organization=organization, kind=kind, phrase=phrase, subscription=subscription
    )
    with transaction.atomic():
        rule = KeywordRule.objects.create(
            organization=organization, kind=kind, phrase=phrase, subscription=subscription
        )
        queue = rules_reapply(organization=organization)
    return RuleChange(rule, queue)


def rule_delete(*, rule: KeywordRule) -> "Reapplied":
    """Remove a rule and apply the organisation's rules again to what waits in the queue;
    what that did to the queue."""
    with transaction.atomic():
        organization = rule.organization
        rule.delete()
        return rules_reapply(organization=organization)


@dataclass(frozen=True)
class Reapplied:
    hidden: int  # new items a rule now keeps out
    restored: int  # hidden items no rule keeps out any longer


@dataclass(frozen=True)
class RuleChange:
    rule: KeywordRule
    queue: Reapplied


def rules_reapply(*, organization: Organization) -> Reapplied:
    """Apply the organisation's rules again to the items not yet decided: a new item no rule
    keeps any longer is hidden, a hidden item the rules now keep is back in the queue.

    As at ingest (``scanning.fanout``), a story told by several feeds is judged by each of
    its entries under the rules of the feed that brought it: it stays in the queue if any of
    them keeps it, so a rule of one feed never hides what another feed's rules keep."""
    book = rulebook_for(organization.pk)
    kept: dict[int, bool] = {}
    states: dict[int, str] = {}
    rows = (
        TriageItem.objects.filter(organization=organization, state__in=WAITING)
        .values_list("pk", "state", "subscription_id", "entry__title", "entry__summary_text")
        .iterator(chunk_size=2000)
    )
    for pk, state, subscription_id, title, summary in rows:
        states[pk] = state
        kept[pk] = book.kept(subscription_id, item_text(title, summary))
    # The other feeds' entries of the same stories, each under its own feed's rules (an
    # entry of a feed no longer followed brings nothing any more, so it is not asked).
    following = dict(
        Subscription.objects.filter(organization=organization).values_list("feed_id", "pk")
    )
    joined = (
        TriageItemEntry.objects.filter(organization=organization, item__state__in=WAITING)
        .exclude(entry_id=F("item__entry_id"))
        .values_list("item_id", "entry__feed_id", "entry__title", "entry__summary_text")
        .iterator(chunk_size=2000)
    )
    for item_id, feed_id, title, summary in joined:
        follower = following.get(feed_id)
        if item_id in kept and not kept[item_id] and follower is not None:
            kept[item_id] = book.kept(follower, item_text(title, summary))
    to_hide = [pk for pk, keep in kept.items() if not keep and states[pk] == TriageState.NEW]
    to_restore = [pk for pk, keep in kept.items() if keep and states[pk] == TriageState.FILTERED]
    return Reapplied(
        hidden=_move(to_hide, TriageState.NEW, TriageState.FILTERED),
        restored=_move(to_restore, TriageState.FILTERED, TriageState.NEW),
    )


def _move(pks: list[int], was: str, state: str) -> int:
    """Move the items from state ``was`` to ``state``, those still in ``was``: a scanner may
    have dismissed or promoted one since it was read, and their decision stands."""
    moved = 0
    # In slices: SQLite allows only so many parameters in one statement.
    for start in range(0, len(pks), 500):
        moved += TriageItem.objects.filter(pk__in=pks[start : start + 500], state=was).update(
            state=state, updated_at=timezone.now()
        )
    return moved
