"""A publisher's odd answer fails that feed at most, never its batch.

Each case is a feed polled in one batch with two ordinary ones, from a real local server: the
ordinary ones are stored and recorded whatever the odd one sent, and the odd one is read as
well as it can be, or fails in words and backs off as after any other error. (A batch that
failed as a whole was sent again as it was at the next dispatch, and failed again: nothing
of it was ever recorded.)
"""

import json
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import override

from core.lib.fetch import BadResponse
from scanning import feed_json
from scanning.errors import NOT_STORABLE, UNHANDLED, describe_fetch_error
from scanning.models import Entry, Feed
from scanning.parsing import FeedParseError, parse_feed
from scanning.polling import poll_feeds
from tests.factories import OrganizationFactory, SubscriptionFactory

from .feeds import RSS_TYPE, numbered_items, rss, rss_item

pytestmark = pytest.mark.django_db

A_DAY = timedelta(days=1)


@pytest.fixture
def serve(page_server):
    """serve(path, body, **page) → a feed at path, followed by a new organisation."""

    def make(path, body=b"", *, address=None, **page):
        page.setdefault("content_type", RSS_TYPE)
        page_server.add(path, body, **page)
        feed = Feed.objects.create(url=page_server.url(address or path))
        SubscriptionFactory(feed=feed, organization=OrganizationFactory())
        return feed

    return make


@pytest.fixture
def poll_beside(serve):
    """poll_beside(odd) → the odd feed's outcome, polled in one batch with two ordinary
    feeds, which are checked to be stored and recorded."""

    def poll(odd):
        ordinary = [
            serve(f"/vanlig-{n}.xml", rss(*numbered_items(2, prefix=f"V{n}"))) for n in (1, 2)
        ]
        batch = poll_feeds([ordinary[0].pk, odd.pk, ordinary[1].pk])
        for feed in ordinary:
            assert batch.outcomes[feed.pk].line() == "ok: 2 new, 0 duplicates"
            feed.refresh_from_db()
            assert feed.last_success_at is not None and feed.lease_until is None
        odd.refresh_from_db()
        assert odd.lease_until is None  # recorded, one way or the other
        return batch.outcomes[odd.pk]

    return poll


def raw_answer(head: bytes, body: bytes = b"") -> bytes:
    return head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body


# --- What the server says about the answer ---------------------------------------------------


def test_an_address_with_letters_outside_ascii_is_fetched_as_a_browser_would(serve, poll_beside):
    # As an OPML file may list it: the path goes out percent-encoded as UTF-8.
    feed = serve("/fl%C3%B6de.xml", rss(*numbered_items(2, prefix="Å")), address="/flöde.xml")

    assert poll_beside(feed).line() == "ok: 2 new, 0 duplicates"


def test_a_redirect_to_no_address_at_all_is_an_error_in_words(serve, poll_beside):
    feed = serve(
        "/trasig.xml", raw=raw_answer(b"HTTP/1.1 301 Moved\r\nLocation: http://[oops/\r\n")
    )

    outcome = poll_beside(feed)

    with override(settings.LANGUAGE_CODE):
        assert outcome.error == describe_fetch_error(BadResponse("", why="redirect_nowhere"))
    assert feed.url.endswith("/trasig.xml") and feed.consecutive_failures == 1


@pytest.mark.parametrize("retry_after", ["\u00b2", "Fri, 31 Dec 99999 23:59:59 GMT", "x" * 50])
def test_a_retry_after_that_is_no_wait_is_ignored(serve, poll_beside, retry_after):
    head = f"HTTP/1.1 503 Busy\r\nRetry-After: {retry_after}\r\n".encode("latin-1")
    feed = serve("/upptagen.xml", raw=raw_answer(head))

    outcome = poll_beside(feed)

    assert outcome.status == "error"
    # The first failure's back-off, not a wait the server did not ask for.
    assert feed.next_poll_at < timezone.now() + timedelta(hours=1)


def test_retry_after_is_honoured_with_429_and_503_only(serve, poll_beside):
    feed = serve("/saknas.xml", "", status=404, headers={"Retry-After": "604800"})

    poll_beside(feed)

    assert feed.next_poll_at < timezone.now() + timedelta(hours=1)


def test_a_content_length_that_is_no_number_is_read_past(serve, poll_beside):
    body = rss(*numbered_items(2, prefix="L")).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: \xb2\r\n"
    feed = serve("/langd.xml", raw=head + b"Connection: close\r\n\r\n" + body)

    assert poll_beside(feed).line() == "ok: 2 new, 0 duplicates"


@pytest.mark.parametrize("conditional", [False, True], ids=["stored", "304"])
def test_a_max_age_of_thousands_of_digits_asks_for_a_day(serve, poll_beside, conditional):
    headers = {"Cache-Control": "max-age=" + "9" * 5000}
    feed = serve("/cache.xml", rss(*numbered_items(2, prefix="C")), etag='"v1"', headers=headers)
    if conditional:
        poll_feeds([feed.pk])
        Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())

    outcome = poll_beside(feed)

    assert outcome.status == ("not_modified" if conditional else "ok")
    assert feed.poll_interval == A_DAY.total_seconds()


def test_an_etag_with_a_nul_in_it_is_stored_without_it(serve, poll_beside):
    body = rss(*numbered_items(2, prefix="E")).encode()
    head = b'HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: "a\x00b"\r\n'

    feed = serve("/etag.xml", raw=raw_answer(head, body))

    assert poll_beside(feed).line() == "ok: 2 new, 0 duplicates"
    assert feed.etag == '"ab"'


def test_a_redirect_to_a_host_with_a_nul_in_it_is_an_error_in_words(serve, poll_beside):
    feed = serve("/nul.xml", raw=raw_answer(b"HTTP/1.1 302 Found\r\nLocation: http://a\x00b/\r\n"))

    outcome = poll_beside(feed)

    assert outcome.status == "error"
    assert "\x00" not in feed.last_error and feed.last_error


def test_a_move_to_an_address_longer_than_any_feed_has_is_not_followed(
    serve, poll_beside, page_server
):
    long_path = "/" + "a" * 2100 + ".xml"
    page_server.add(long_path, rss(*numbered_items(2, prefix="Lång")), content_type=RSS_TYPE)
    feed = serve("/flyttad.xml", status=301, content_type=None, headers={"Location": long_path})

    assert poll_beside(feed).line() == "ok: 2 new, 0 duplicates"
    assert feed.url.endswith("/flyttad.xml")


# --- What the document says ------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, minutes",
    [
        ("<ttl>\u00b2</ttl>", None),
        ("<ttl>" + "9" * 5000 + "</ttl>", 10**9),
        (
            '<sy:updatePeriod xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">daily'
            '</sy:updatePeriod><sy:updateFrequency xmlns:sy="http://purl.org/rss/1.0/modules/'
            'syndication/">\u00b2</sy:updateFrequency>',
            1440,
        ),
    ],
    ids=["superscript", "thousands-of-digits", "frequency"],
)
def test_a_ttl_that_is_no_number_of_minutes_is_read_as_well_as_it_can_be(
    serve, poll_beside, extra, minutes
):
    body = rss(*numbered_items(2, prefix="T"), extra=extra)
    assert parse_feed(body.encode(), url="https://exempel.se/").ttl_minutes == minutes

    assert poll_beside(serve("/ttl.xml", body)).line() == "ok: 2 new, 0 duplicates"


@pytest.mark.parametrize(
    "date", ["Mon, 01 Jan 0001 00:00:00 +0100", "9999-12-31T23:59:59-14:00", "Sat, 1 Jan 99999"]
)
def test_an_entry_dated_past_the_calendar_is_stored_undated(serve, poll_beside, date):
    item = (
        "<item><title>Utanför kalendern</title><link>https://exempel.se/1</link>"
        f"<pubDate>{date}</pubDate></item>"
    )
    feed = serve("/datum.xml", rss(item))

    assert poll_beside(feed).line() == "ok: 1 new, 0 duplicates"
    assert Entry.objects.get(feed=feed).published_at is None


def test_links_that_are_no_addresses_are_left_out(serve, poll_beside, page_server):
    items = [
        "<item><title>Bas</title><link>//[oops</link></item>",
        rss_item("Värd", link="http://a^b/x", description='<a href="relativ">läs</a>'),
        '<item xml:base="//[oops"><title>xml:base</title><link>/ok</link></item>',
    ]
    feed = serve("/lankar.xml", rss(*items))

    assert poll_beside(feed).line() == "ok: 3 new, 0 duplicates"
    entries = {entry.title: entry for entry in Entry.objects.filter(feed=feed)}
    assert entries["Bas"].link == ""
    assert "relativ" not in entries["Värd"].summary_html and "läs" in entries["Värd"].summary_html
    assert entries["xml:base"].link == page_server.url("/ok")


def test_markup_nested_thousands_deep_is_stored_as_its_text(serve, poll_beside):
    deep = "<b>" * 3000 + "djupt" + "</b>" * 3000
    feed = serve(
        "/djup.xml", rss(f"<item><title>Djup</title><description>{deep}</description></item>")
    )

    assert poll_beside(feed).line() == "ok: 1 new, 0 duplicates"
    assert "djupt" in Entry.objects.get(feed=feed).summary_text


def test_a_declared_encoding_that_decodes_nothing_is_read_as_utf8(serve, poll_beside):
    body = rss(*numbered_items(1, prefix="Kodad")).replace(
        'encoding="utf-8"', 'encoding="undefined"'
    )
    feed = serve("/kodning.xml", body.encode(), content_type="application/rss+xml; charset=a\x00b")

    assert poll_beside(feed).line() == "ok: 1 new, 0 duplicates"


def test_a_json_feed_with_escapes_of_no_character_is_stored_without_them(serve, poll_beside):
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J\u0000SON",
        "items": [{"id": "1\ud800", "title": "a\u0000b\udfffc", "url": "https://exempel.se/1"}],
    }
    body = json.dumps(document).encode()
    feed = serve("/json.json", body, content_type="application/feed+json")

    assert poll_beside(feed).line() == "ok: 1 new, 0 duplicates"
    assert Entry.objects.get(feed=feed).title == "abc"


def test_a_reference_to_no_character_in_a_loose_document_is_left_out(serve, poll_beside):
    # Not well-formed (the <br>), so feedparser reads it; it decodes references with chr().
    item = "<item><title>a&#xD800;b&#0;c&#x110000;d&#99999999999999999999;e<br></title></item>"
    feed = serve("/referenser.xml", rss(item))

    assert poll_beside(feed).line() == "ok: 1 new, 0 duplicates"
    assert Entry.objects.get(feed=feed).title == "abcde"


def test_a_prolog_of_endless_doctypes_is_refused_at_once():
    # Searched for anywhere, each "<!DOCTYPE a [" was read to the end: minutes for a few MB.
    body = b"<!DOCTYPE a [" * 200_000  # 2.6 MB
    refused = []
    reader = threading.Thread(target=lambda: refused.append(_refused(body)), daemon=True)
    reader.start()
    reader.join(timeout=30)

    assert refused == [True]


def _refused(body: bytes) -> bool:
    try:
        parse_feed(body, url="https://exempel.se/")
    except FeedParseError:
        return True
    return False


# --- What no rule foresaw --------------------------------------------------------------------


def test_a_failure_no_rule_foresaw_fails_that_feed_alone_and_says_so(
    serve, poll_beside, monkeypatch
):
    # Fault injected into the library that hashes bodies, for one feed's body only.
    import xxhash

    hashed = xxhash.xxh3_128_hexdigest

    def hash_or_fail(body):
        if b"Ovanlig" in body:
            raise RuntimeError("nobody saw this coming")
        return hashed(body)

    monkeypatch.setattr(xxhash, "xxh3_128_hexdigest", hash_or_fail)
    feed = serve("/ovanlig.xml", rss(*numbered_items(1, prefix="Ovanlig")))

    outcome = poll_beside(feed)

    with override(settings.LANGUAGE_CODE):  # the feed's health is in the site's language
        assert outcome.error == feed.last_error == str(UNHANDLED)
    assert feed.consecutive_failures == 1
    assert feed.next_poll_at > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_values_the_database_refuses_fail_that_feed_alone(serve, poll_beside, monkeypatch):
    # The JSON reader leaves NUL out; here it does not, as a reader with a new gap would.
    monkeypatch.setattr(feed_json, "storable", lambda text: text)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [{"id": "1", "title": "a\u0000b", "url": "https://exempel.se/1"}],
    }
    feed = serve("/nul.json", json.dumps(document), content_type="application/feed+json")

    outcome = poll_beside(feed)

    if connection.vendor == "postgresql":  # PostgreSQL refuses a NUL in text; SQLite keeps it
        with override(settings.LANGUAGE_CODE):
            assert outcome.error == str(NOT_STORABLE)
        assert feed.consecutive_failures == 1 and not Entry.objects.filter(feed=feed).exists()
    else:
        assert outcome.line() == "ok: 1 new, 0 duplicates"


@pytest.mark.django_db(transaction=True)
def test_a_move_to_an_address_another_feed_takes_meanwhile_keeps_both(
    serve, poll_beside, page_server, monkeypatch
):
    import scanning.polling as polling

    page_server.add("/ny.xml", rss(*numbered_items(2, prefix="Ny")), content_type=RSS_TYPE)
    moved = serve("/gammal.xml", status=301, content_type=None, headers={"Location": "/ny.xml"})
    poll_feeds([moved.pk])  # stored from the new address, and moved there
    Feed.objects.filter(pk=moved.pk).update(
        url=page_server.url("/gammal.xml"), next_poll_at=timezone.now()
    )
    record = polling.record_unchanged

    def another_worker_first(*args, **kwargs):
        # Another worker's feed takes the address between this poll's check and its write.
        Feed.objects.get_or_create(url=page_server.url("/ny.xml"))
        return record(*args, **kwargs)

    monkeypatch.setattr(polling, "record_unchanged", another_worker_first)

    outcome = poll_beside(moved)

    assert outcome.status in ("not_modified", "unchanged")
    assert moved.url == page_server.url("/gammal.xml") and moved.last_success_at is not None
