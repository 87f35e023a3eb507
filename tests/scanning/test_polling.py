"""Polling feeds over real HTTP (tests/pageserver.py): every fetch rule, storage, the queue."""

import gzip
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scanning.models import Entry, Feed, FeedState, TriageItem, TriageState
from scanning.polling import poll_feed, poll_feeds
from scanning.tasks import dispatch_due_feeds
from scanning.triage_services import item_dismiss
from tests.factories import KeywordRuleFactory, OrganizationFactory, SubscriptionFactory

from .feeds import RSS_TYPE, numbered_items, rss, rss_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(page_server):
    """subscribed(path, body, **page) → a feed served at path, followed by a new
    organisation."""

    def make(path, body, organization=None, **page):
        url = page_server.add(path, body, content_type=page.pop("content_type", RSS_TYPE), **page)
        feed, _ = Feed.objects.get_or_create(url=url)
        SubscriptionFactory(feed=feed, organization=organization or OrganizationFactory())
        return feed

    return make


def queue(organization=None):
    items = TriageItem.objects.all()
    if organization:
        items = items.filter(organization=organization)
    return items


def test_a_new_feed_fills_the_queue_of_the_organisation_that_follows_it(subscribed):
    feed = subscribed("/flode.xml", rss(*numbered_items(5)))
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.line() == "ok: 5 new, 0 duplicates"
    assert queue().filter(state=TriageState.NEW).count() == 5
    feed.refresh_from_db()
    assert feed.title == "Testflödet"
    assert feed.last_success_at and not feed.last_error
    assert feed.next_poll_at > timezone.now()


def test_the_same_body_again_is_neither_parsed_nor_stored_twice(subscribed, page_server):
    feed = subscribed("/flode.xml", rss(*numbered_items(3)))
    poll_feed(feed.pk, force=True)
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.status == "unchanged"
    assert Entry.objects.count() == 3 and queue().count() == 3


def test_a_304_answer_touches_no_entry(subscribed, page_server):
    feed = subscribed(
        "/flode.xml", rss(*numbered_items(3)), etag='"v1"', last_modified="Mon, 30 Nov 2026"
    )
    poll_feed(feed.pk, force=True)
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.status == "not_modified"
    sent = page_server.requests[-1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 30 Nov 2026"
    assert Entry.objects.count() == 3


def test_an_unchanged_feed_costs_the_lease_and_one_update(
    subscribed, page_server, django_assert_num_queries
):
    feed = subscribed("/flode.xml", rss(*numbered_items(3)), etag='"v1"')
    poll_feed(feed.pk, force=True)
    # The lease (reading the feed as it takes it), then recording the poll, nothing else.
    with django_assert_num_queries(2):
        assert poll_feed(feed.pk, force=True).status == "not_modified"
    Feed.objects.filter(pk=feed.pk).update(etag="")
    with django_assert_num_queries(2):
        outcome = poll_feed(feed.pk, force=True)
    assert outcome.status == "unchanged" and outcome.fetch_seconds > 0
    feed.refresh_from_db()
    assert (
        feed.lease_until is None and feed.last_polled_at and feed.next_poll_at > feed.last_polled_at
    )


def test_what_an_ingest_costs_does_not_grow_with_the_organisations_following(
    subscribed, django_assert_num_queries
):
    alone = subscribed("/ensam.xml", rss(*numbered_items(4, prefix="Ensam")))
    shared = subscribed("/delad.xml", rss(*numbered_items(4, prefix="Delad")))
    for _ in range(3):
        SubscriptionFactory(feed=shared)
    with CaptureQueriesContext(connection) as one_follower:
        poll_feed(alone.pk, force=True)
    with django_assert_num_queries(len(one_follower)):
        assert poll_feed(shared.pk, force=True).line() == "ok: 4 new, 0 duplicates"
    assert queue().filter(entry__feed=shared).count() == 4 * 4


def test_a_changed_feed_with_nothing_new_adds_nothing(subscribed, page_server):
    feed = subscribed("/flode.xml", rss(*numbered_items(3)))
    poll_feed(feed.pk, force=True)
    page_server.add("/flode.xml", rss(*reversed(numbered_items(3))), content_type=RSS_TYPE)
    assert poll_feed(feed.pk, force=True).line() == "ok: 0 new, 3 duplicates"
    assert Entry.objects.count() == 3 and queue().count() == 3


def test_new_items_in_a_changed_feed_are_added_and_old_ones_not_repeated(subscribed, page_server):
    feed = subscribed("/flode.xml", rss(*numbered_items(3)))
    poll_feed(feed.pk, force=True)
    page_server.add("/flode.xml", rss(*numbered_items(5)), content_type=RSS_TYPE)
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.line() == "ok: 2 new, 3 duplicates"
    assert queue().count() == 5


def test_a_permanent_redirect_updates_the_stored_address_and_a_temporary_one_does_not(
    subscribed, page_server
):
    new_url = page_server.add("/ny.xml", rss(*numbered_items(1)), content_type=RSS_TYPE)
    page_server.redirect("/flyttad.xml", new_url, status=301)
    moved = subscribed("/flyttad.xml", b"")
    page_server.redirect("/flyttad.xml", new_url, status=301)
    poll_feed(moved.pk, force=True)
    moved.refresh_from_db()
    assert moved.url == new_url

    temporary = Feed.objects.create(url=page_server.redirect("/tillfallig.xml", new_url))
    poll_feed(temporary.pk, force=True)
    temporary.refresh_from_db()
    assert temporary.url.endswith("/tillfallig.xml")
    assert temporary.last_success_at


def test_410_gone_stops_polling_and_says_so(subscribed):
    feed = subscribed("/borta.xml", "Gone", status=410)
    outcome = poll_feed(feed.pk, force=True)
    feed.refresh_from_db()
    assert outcome.failed and feed.state == FeedState.GONE
    assert "410" in feed.last_error
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() - timedelta(hours=1))
    assert dispatch_due_feeds() == 0


@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_wait_as_long_as_retry_after_says(subscribed, status):
    feed = subscribed("/upptagen.xml", "Busy", status=status, headers={"Retry-After": "7200"})
    poll_feed(feed.pk, force=True)
    feed.refresh_from_db()
    assert feed.next_poll_at >= timezone.now() + timedelta(seconds=7100)
    assert feed.last_error and feed.state == FeedState.ACTIVE


@pytest.mark.parametrize("wait", ["9" * 40, "9" * 400])
def test_a_retry_after_past_any_calendar_waits_a_week(subscribed, wait):
    feed = subscribed("/evig-paus.xml", "Busy", status=503, headers={"Retry-After": wait})
    outcome = poll_feed(feed.pk, force=True)
    feed.refresh_from_db()
    assert outcome.failed and "503" in feed.last_error
    assert timezone.now() + timedelta(days=6) < feed.next_poll_at
    assert feed.next_poll_at <= timezone.now() + timedelta(days=7)


def test_errors_back_off_exponentially_and_are_told_in_words(subscribed):
    feed = subscribed("/trasig.xml", "Oops", status=500)
    waits = []
    for _ in range(4):
        before = timezone.now()
        poll_feed(feed.pk, force=True)
        feed.refresh_from_db()
        waits.append((feed.next_poll_at - before).total_seconds())
    assert waits == sorted(waits) and waits[-1] >= 3 * waits[0]
    assert feed.consecutive_failures == 4
    assert "500" in feed.last_error


def test_a_feed_failing_for_weeks_is_paused_with_a_message(subscribed, settings):
    feed = subscribed("/trasig.xml", "Oops", status=500)
    Feed.objects.filter(pk=feed.pk).update(
        failing_since=timezone.now() - timedelta(days=settings.SCANNING_FAILING_AFTER_DAYS),
        consecutive_failures=40,
    )
    poll_feed(feed.pk, force=True)
    feed.refresh_from_db()
    assert feed.state == FeedState.FAILING
    assert "2026" in feed.last_error or "20" in feed.last_error


def test_a_server_dripping_bytes_cannot_hold_a_worker(subscribed, settings):
    settings.SCANNING_FETCH_TIMEOUT = 1
    feed = subscribed("/droppar.xml", rss(*numbered_items(2)), drip=0.05)
    started = timezone.now()
    outcome = poll_feed(feed.pk, force=True)
    assert (outcome.failed and "1 seconds" in outcome.error) or "1 sekund" in outcome.error
    assert timezone.now() - started < timedelta(seconds=3)


def test_a_body_over_the_cap_is_refused(subscribed, settings):
    settings.SCANNING_MAX_FEED_BYTES = 2000
    feed = subscribed("/stor.xml", rss(*numbered_items(40)))
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.failed and Entry.objects.count() == 0


def test_a_gzip_bomb_is_refused_without_filling_memory(subscribed, settings):
    settings.SCANNING_MAX_FEED_BYTES = 1024 * 1024
    bomb = gzip.compress(b"<" + b" " * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 1024 * 1024
    feed = subscribed("/bomb.xml", bomb, headers={"Content-Encoding": "gzip"})
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.failed
    assert "MB" in outcome.error


def test_a_gzipped_feed_is_read(subscribed, page_server):
    body = gzip.compress(rss(*numbered_items(2)).encode())
    feed = subscribed("/gz.xml", body, headers={"Content-Encoding": "gzip"})
    assert poll_feed(feed.pk, force=True).line() == "ok: 2 new, 0 duplicates"
    assert "gzip" in page_server.requests[-1].headers["Accept-Encoding"]


def test_a_redirect_loop_ends_in_an_error(subscribed, page_server):
    page_server.redirect("/a.xml", page_server.url("/b.xml"))
    page_server.redirect("/b.xml", page_server.url("/a.xml"))
    feed = Feed.objects.create(url=page_server.url("/a.xml"))
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.failed


@pytest.mark.parametrize(
    "target", ["http://10.1.2.3/feed.xml", "http://localhost:9/feed.xml", "http://[::1]:9/x"]
)
def test_redirects_and_names_leading_to_private_addresses_are_refused(
    subscribed, page_server, target
):
    page_server.redirect("/in.xml", target)
    feed = Feed.objects.create(url=page_server.url("/in.xml"))
    outcome = poll_feed(feed.pk, force=True)
    assert outcome.failed and "privat nätverk" in outcome.error  # the site's language: Swedish


def test_an_html_page_instead_of_a_feed_is_an_error_in_words(subscribed):
    feed = subscribed(
        "/sida.html",
        "<html><head><title>Hej</title></head><body>Ingen feed</body></html>",
        content_type="text/html; charset=utf-8",
    )
    outcome = poll_feed(feed.pk, force=True)
    feed.refresh_from_db()
    assert outcome.failed and feed.last_error


def test_an_empty_body_is_an_error(subscribed):
    feed = subscribed("/tom.xml", b"")
    assert poll_feed(feed.pk, force=True).failed


def test_a_latin_1_feed_comes_out_as_correct_swedish(subscribed):
    body = rss(
        rss_item("Förändrad översiktsplan i Åsa", link="https://example.se/a"),
        encoding="iso-8859-1",
    ).encode("iso-8859-1")
    feed = subscribed("/latin1.xml", body, content_type="application/rss+xml")
    poll_feed(feed.pk, force=True)
    assert Entry.objects.get().title == "Förändrad översiktsplan i Åsa"


def test_an_external_entity_is_never_read(subscribed):
    body = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<rss version="2.0"><channel><title>X</title><item><title>&xxe;</title>'
        "<link>https://example.se/x</link></item></channel></rss>"
    )
    feed = subscribed("/xxe.xml", body)
    poll_feed(feed.pk, force=True)
    assert not any("root:" in (e.title + e.summary_text) for e in Entry.objects.all())


def test_the_same_story_from_two_feeds_is_one_item_with_also_in(subscribed):
    organization = OrganizationFactory()
    first = subscribed(
        "/a.xml",
        rss(
            rss_item(
                "Regeringen föreslår ny skollag", link="https://example.se/skollag?utm_source=rss"
            )
        ),
        organization=organization,
    )
    second = subscribed(
        "/b.xml",
        rss(rss_item("Ny skollag föreslås", link="https://example.se/skollag?fbclid=abc")),
        organization=organization,
    )
    poll_feed(first.pk, force=True)
    assert poll_feed(second.pk, force=True).line() == "ok: 0 new, 1 duplicates"
    item = queue(organization).get()
    assert item.item_entries.count() == 2


def test_a_near_identical_title_within_days_is_the_same_story(subscribed):
    organization = OrganizationFactory()
    first = subscribed(
        "/a.xml",
        rss(rss_item("Ny skollag – regeringen föreslår ändringar!", link="https://a.example.se/1")),
        organization=organization,
    )
    second = subscribed(
        "/b.xml",
        rss(rss_item("Ny skollag: regeringen föreslår ändringar", link="https://b.example.se/2")),
        organization=organization,
    )
    poll_feed(first.pk, force=True)
    poll_feed(second.pk, force=True)
    assert queue(organization).count() == 1


def test_two_stories_of_one_feed_are_two_items_whatever_they_share(subscribed):
    # Joining is for the same story told by another feed. One feed's entries are its own
    # stories: the same headline twice (two traffic disruptions), or every item linking to
    # the publisher's home page.
    organization = OrganizationFactory()
    feed = subscribed(
        "/a.xml",
        rss(
            rss_item("Trafikstörning", link="https://example.se/a", guid="a"),
            rss_item("Trafikstörning", link="https://example.se/b", guid="b"),
            rss_item("Ny detaljplan för Åsa", link="https://example.se/", guid="c"),
            rss_item("Budget 2026 antagen", link="https://example.se/", guid="d"),
        ),
        organization=organization,
    )
    assert poll_feed(feed.pk, force=True).line() == "ok: 4 new, 0 duplicates"
    assert queue(organization).filter(state=TriageState.NEW).count() == 4


def test_another_feeds_story_at_a_sites_home_page_is_not_the_same_story(subscribed):
    organization = OrganizationFactory()
    first = subscribed(
        "/a.xml",
        rss(rss_item("Ny detaljplan för Åsa", link="https://example.se/")),
        organization=organization,
    )
    second = subscribed(
        "/b.xml",
        rss(rss_item("Budget 2026 antagen", link="https://example.se/?utm_source=rss")),
        organization=organization,
    )
    poll_feed(first.pk, force=True)
    poll_feed(second.pk, force=True)
    assert queue(organization).count() == 2


def test_a_feeds_new_story_with_the_title_of_one_it_told_before_is_a_new_item(
    subscribed, page_server
):
    organization = OrganizationFactory()
    feed = subscribed(
        "/a.xml",
        rss(rss_item("Trafikstörning", link="https://example.se/a", guid="a")),
        organization=organization,
    )
    other = subscribed(
        "/b.xml",
        rss(rss_item("Trafikstörning", link="https://example.se/a?utm_source=b", guid="b")),
        organization=organization,
    )
    poll_feed(feed.pk, force=True)
    poll_feed(other.pk, force=True)
    page_server.add(
        "/a.xml",
        rss(
            rss_item("Trafikstörning", link="https://example.se/c", guid="c"),
            rss_item("Trafikstörning", link="https://example.se/a", guid="a"),
        ),
        content_type=RSS_TYPE,
    )
    assert poll_feed(feed.pk, force=True).line() == "ok: 1 new, 1 duplicates"
    # The story both feeds told is one item; the feed's new one is an item of its own.
    assert sorted(item.item_entries.count() for item in queue(organization)) == [1, 2]


@pytest.mark.parametrize(
    "together, part",
    [(False, 200), (True, 200), (True, 1)],
    ids=["one-after-the-other", "one-batch", "one-batch-in-parts"],
)
def test_a_story_one_feeds_rule_hides_is_in_the_queue_when_another_feed_brings_it(
    subscribed, monkeypatch, together, part
):
    # In parts (PostgreSQL), the hidden item is written before the other feed's entry joins it.
    monkeypatch.setattr("scanning.ingest.SEND_EVERY", part)
    organization = OrganizationFactory()
    hiding = subscribed(
        "/a.xml",
        rss(rss_item("Sport och skola i Åsa", link="https://example.se/sport")),
        organization=organization,
    )
    KeywordRuleFactory(
        organization=organization,
        subscription=hiding.subscriptions.get(),
        kind="exclude",
        phrase="sport",
    )
    other = subscribed(
        "/b.xml",
        rss(rss_item("Sport och skola i Åsa", link="https://example.se/sport?utm_source=nl")),
        organization=organization,
    )
    if together:
        poll_feeds([hiding.pk, other.pk], force=True)
    else:
        poll_feed(hiding.pk, force=True)
        assert queue(organization).get().state == TriageState.FILTERED
        poll_feed(other.pk, force=True)
    item = queue(organization).get()
    assert item.state == TriageState.NEW
    assert item.item_entries.count() == 2


def test_a_decision_stays_when_another_feed_brings_the_story(subscribed, members, kommun):
    dismissed = subscribed(
        "/a.xml", rss(rss_item("Ny skollag", link="https://example.se/lag")), organization=kommun
    )
    hidden = subscribed(
        "/b.xml",
        rss(rss_item("Nya regler för sport", link="https://example.se/sport")),
        organization=kommun,
    )
    KeywordRuleFactory(organization=kommun, kind="exclude", phrase="sport")
    poll_feeds([dismissed.pk, hidden.pk], force=True)
    item_dismiss(item=queue(kommun).get(entry__title="Ny skollag"), user=members["scanner"])
    # A third feed brings both stories; the organisation's rule hides the second here too.
    third = subscribed(
        "/c.xml",
        rss(
            rss_item("Ny skollag", link="https://example.se/lag?utm_source=c"),
            rss_item("Nya regler för sport", link="https://example.se/sport?utm_source=c"),
        ),
        organization=kommun,
    )
    poll_feed(third.pk, force=True)
    states = dict(queue(kommun).values_list("entry__title", "state"))
    assert states == {
        "Ny skollag": TriageState.DISMISSED,
        "Nya regler för sport": TriageState.FILTERED,
    }


def test_items_without_an_id_that_all_link_to_one_page_are_each_in_the_queue(
    subscribed, page_server
):
    items = [
        rss_item(title, link="https://example.se/nyheter", description=text, published=when)
        for title, text, when in (
            ("Ny detaljplan för Åsa", "Samråd i maj.", timezone.now() - timedelta(hours=3)),
            ("Budget 2026 antagen", "Skatten oförändrad.", timezone.now() - timedelta(hours=2)),
        )
    ]
    feed = subscribed("/a.xml", rss(*items))
    assert poll_feed(feed.pk, force=True).line() == "ok: 2 new, 0 duplicates"
    newer = rss_item("Nytt badhus öppnar", link="https://example.se/nyheter", description="I juni.")
    page_server.add("/a.xml", rss(newer, *items), content_type=RSS_TYPE)
    assert poll_feed(feed.pk, force=True).line() == "ok: 1 new, 2 duplicates"
    assert queue().filter(state=TriageState.NEW).count() == 3


def test_keyword_rules_keep_items_out_of_the_queue(subscribed):
    organization = OrganizationFactory()
    KeywordRuleFactory(organization=organization, kind="exclude", phrase="fotboll*")
    feed = subscribed(
        "/a.xml",
        rss(
            rss_item("Fotbollsturnering i helgen", link="https://example.se/1"),
            rss_item("Nya regler för bygglov", link="https://example.se/2"),
        ),
        organization=organization,
    )
    poll_feed(feed.pk, force=True)
    states = dict(queue(organization).values_list("entry__title", "state"))
    assert states == {
        "Fotbollsturnering i helgen": TriageState.FILTERED,
        "Nya regler för bygglov": TriageState.NEW,
    }


def test_a_feed_followed_by_two_organisations_is_fetched_once(subscribed, page_server):
    feed = subscribed("/delad.xml", rss(*numbered_items(3)))
    other = OrganizationFactory()
    SubscriptionFactory(feed=feed, organization=other)
    assert dispatch_due_feeds() == 1
    assert len(page_server.requests) == 1
    assert queue(other).count() == 3 and queue().count() == 6


def test_the_dispatcher_polls_only_due_feeds_someone_follows(subscribed, page_server):
    due = subscribed("/a.xml", rss(*numbered_items(1)))
    later = subscribed("/b.xml", rss(*numbered_items(1)))
    Feed.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))
    paused = subscribed("/c.xml", rss(*numbered_items(1)))
    paused.subscriptions.update(paused=True)
    Feed.objects.create(url=page_server.url("/d.xml"))  # followed by nobody
    assert dispatch_due_feeds() == 1
    assert [r.path for r in page_server.requests] == ["/a.xml"]
    due.refresh_from_db()
    assert dispatch_due_feeds() == 0  # polled: due again only later


def test_a_feed_being_fetched_is_not_fetched_by_a_second_worker(subscribed, page_server):
    feed = subscribed("/a.xml", rss(*numbered_items(1)))
    Feed.objects.filter(pk=feed.pk).update(lease_until=timezone.now() + timedelta(minutes=5))
    assert poll_feed(feed.pk, force=True).status == "skipped"
    assert page_server.requests == []


def test_fetch_feed_prints_one_line_and_subscribes(subscribed, page_server, capsys, kommun):
    url = page_server.add("/cmd.xml", rss(*numbered_items(4)), content_type=RSS_TYPE)
    call_command("fetch_feed", url, "--org", kommun.slug)
    assert capsys.readouterr().out.strip() == "ok: 4 new, 0 duplicates"
    assert queue(kommun).count() == 4


def test_fetch_feed_follows_a_feed_written_another_way_once(page_server, capsys, kommun):
    url = page_server.add("/cmd.xml", rss(*numbered_items(2)), content_type=RSS_TYPE)
    call_command("fetch_feed", url, "--org", kommun.slug)
    call_command("fetch_feed", url.replace("http://", "HTTP://") + "#nyheter", "--org", kommun.slug)
    assert list(Feed.objects.values_list("url", flat=True)) == [url]
    assert queue(kommun).count() == 2


def test_fetch_feed_puts_the_feed_in_the_queues_feed_filter_at_once(
    page_server, client_for, kommun, members, capsys
):
    client = client_for(members["scanner"])
    queue_page = reverse("scanning:queue", args=[kommun.slug])

    def feed_filter() -> list[str]:
        html = client.get(queue_page).content.decode()
        return re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', html)

    SubscriptionFactory(organization=kommun, name="Gammalt flöde")
    assert "Gammalt flöde" in feed_filter()
    url = page_server.add(
        "/cmd.xml", rss(*numbered_items(1), title="Nytt flöde"), content_type=RSS_TYPE
    )
    call_command("fetch_feed", url, "--org", kommun.slug)
    assert "Nytt flöde" in feed_filter()


def test_fetch_feed_refuses_an_address_too_long_to_store_in_words(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("fetch_feed", "https://example.se/" + "a" * 2000)
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == ("error: the address is longer than 2000 characters")
    assert not Feed.objects.exists()


def test_fetch_feed_says_error_and_exits_non_zero(page_server, capsys):
    url = page_server.add("/saknas.xml", "nope", status=404)
    for address in (url, "javascript:alert(1)"):
        with pytest.raises(SystemExit) as exit_:
            call_command("fetch_feed", address)
        assert exit_.value.code == 1
        error = capsys.readouterr().err.strip()
        assert error.startswith("error: ") and "\n" not in error
