"""feed_services: following a feed by its address (with discovery), sharing a feed between
organisations, pausing, removing, resuming polling, keyword rules re-applied to the queue.

Everything fetched is served over real HTTP by the test page server."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from scanning import feed_services as services
from scanning.models import (
    Feed,
    FeedState,
    KeywordRule,
    Subscription,
    TriageItem,
    TriageItemEntry,
    TriageState,
)
from scanning.polling import poll_feed
from scanning.triage_services import ItemGone, item_promote
from signals.models import Area, Level, Signal
from signals.services import SourceData

from ..factories import (
    EntryFactory,
    FeedFactory,
    KeywordRuleFactory,
    SignalFactory,
    SubscriptionFactory,
    TriageItemFactory,
)
from ..meanwhile import in_thread, right_after_the_first_read, wait_for_a_lock_or
from . import feeds
from .feed_bodies import ATOM_TYPE, RSS_TYPE, atom, page_announcing, rss


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are read in English, the source strings, whatever the translation says."""
    with translation.override("en"):
        yield


def errors_on(refused: ValidationError, field: str = "url") -> list[str]:
    return refused.message_dict.get(field, [])


# --- Adding by address -------------------------------------------------------------------------


def test_a_feed_address_is_followed_under_the_feeds_title(kommun, members, page_server):
    url = page_server.add("/rss.xml", rss("Länsstyrelsen Halland"), content_type=RSS_TYPE)
    subscription = services.subscription_add(
        organization=kommun, url=url, created_by=members["scanner"]
    )
    assert subscription.name == "Länsstyrelsen Halland"
    assert subscription.feed.url == url
    assert subscription.feed.title == "Länsstyrelsen Halland"
    assert subscription.feed.site_url == "https://www.example.se/"
    assert subscription.created_by == members["scanner"]
    assert len(page_server.requests) == 1


def test_a_name_area_and_level_given_are_kept(kommun, page_server):
    url = page_server.add("/atom.xml", atom(), content_type=ATOM_TYPE)
    area = Area.objects.filter(organization=kommun).first()
    subscription = services.subscription_add(
        organization=kommun, url=url, name="Boverkets nyheter", area=area, level=Level.NEAR
    )
    assert (subscription.name, subscription.area, subscription.level) == (
        "Boverkets nyheter",
        area,
        Level.NEAR,
    )


def test_the_first_poll_is_queued_after_commit(
    kommun, page_server, django_capture_on_commit_callbacks
):
    url = page_server.add("/rss.xml", rss(), content_type=RSS_TYPE)
    with django_capture_on_commit_callbacks() as callbacks:
        services.subscription_add(organization=kommun, url=url)
    assert len(callbacks) == 1


def test_a_page_announcing_one_feed_leads_to_that_feed(kommun, page_server):
    feed_url = page_server.add(
        "/nyheter.rss", rss("Nyheter från Kungsbacka"), content_type=RSS_TYPE
    )
    page_url = page_server.add("/nyheter/", page_announcing("/nyheter.rss"))
    subscription = services.subscription_add(organization=kommun, url=page_url)
    assert subscription.feed.url == feed_url
    assert subscription.name == "Nyheter från Kungsbacka"
    # The page, then the feed it announces, fetched and checked.
    assert [r.path for r in page_server.requests] == ["/nyheter/", "/nyheter.rss"]


def test_a_page_announcing_several_feeds_asks_which(kommun, page_server):
    page_url = page_server.add("/", page_announcing("/a.rss", "/b.rss"))
    with pytest.raises(services.FeedChoiceNeeded) as choice:
        services.subscription_add(organization=kommun, url=page_url)
    assert choice.value.feed_links == [page_server.url("/a.rss"), page_server.url("/b.rss")]
    assert not Subscription.objects.exists()


def test_a_page_without_a_feed_is_refused_in_words(kommun, page_server):
    url = page_server.add("/om-oss/", page_announcing())
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=url)
    assert errors_on(refused.value) == ["The address gives a web page that announces no feed."]
    assert not Feed.objects.exists()


def test_an_announced_feed_that_is_no_feed_is_refused(kommun, page_server):
    page_server.add("/trasig.rss", "Inget flöde här", content_type="text/plain")
    url = page_server.add("/", page_announcing("/trasig.rss"))
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=url)
    assert errors_on(refused.value) == [
        "The address does not give a feed (RSS, Atom or JSON Feed)."
    ]
    assert not Feed.objects.exists()


def test_an_announced_feed_on_a_private_network_is_named_in_the_refusal(kommun, page_server):
    url = page_server.add("/", page_announcing("http://10.0.0.1/feed.rss"))
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=url)
    (message,) = errors_on(refused.value)
    assert message.startswith(
        "The page announces the feed http://10.0.0.1/feed.rss, which could not be fetched: "
        "The address leads into a private network"
    )
    assert not Feed.objects.exists()


def test_a_missing_page_is_refused_in_words(kommun, page_server):
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=page_server.url("/finns-inte.xml"))
    (message,) = errors_on(refused.value)
    assert message == "There is nothing at this address (404 Not Found). Check the address."


def test_a_server_too_slow_is_refused_in_words(kommun, page_server, settings):
    # The fetch's deadline, shortened so the test does not wait 15 seconds.
    settings.SCANNING_FETCH_TIMEOUT = 0.5
    url = page_server.add("/slow.xml", rss(), content_type=RSS_TYPE, delay=2)
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=url)
    (message,) = errors_on(refused.value)
    assert message == "The server did not answer completely within 0.5 seconds."


def test_a_private_address_is_refused_in_words(kommun, settings):
    settings.FETCH_ALLOW_PRIVATE_HOSTS = []
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url="http://127.0.0.1:9/rss.xml")
    (message,) = errors_on(refused.value)
    # One sentence, in the site's language: the fetch's English ("resolves to 127.0.0.1")
    # stays in the log.
    assert message == (
        "The address leads into a private network, not to the public internet, so it is not "
        "fetched. An intranet feed can be allowed by the administrator of Spaning."
    )


def test_a_host_that_does_not_exist_is_refused_in_words(kommun):
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url="http://finns-inte.invalid/rss.xml")
    (message,) = errors_on(refused.value)
    assert message == "No server called finns-inte.invalid could be found. Check the address."


def test_an_address_without_its_scheme_is_read_as_https(kommun):
    # As copied from an address bar that hides it: fetched, not refused as no address.
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=" finns-inte.invalid/rss.xml")
    (message,) = errors_on(refused.value)
    assert message == "No server called finns-inte.invalid could be found. Check the address."


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("www.kungsbacka.se/nyheter/rss", "https://www.kungsbacka.se/nyheter/rss"),
        ("//skr.se/rss.xml", "https://skr.se/rss.xml"),
        ("http://skr.se/rss.xml", "http://skr.se/rss.xml"),
        ("HTTPS://skr.se/", "HTTPS://skr.se/"),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("", ""),
    ],
)
def test_with_scheme_adds_https_only_where_there_is_none(written, read):
    assert services.with_scheme(written) == read


@pytest.mark.parametrize("url", ["", "ftp://example.se/rss", "example", "javascript:alert(1)"])
def test_an_address_that_is_not_a_web_address_is_refused(kommun, url):
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=url)
    assert errors_on(refused.value) == [str(services.ADDRESS_INVALID)]


def test_a_feed_already_followed_is_refused_with_our_name_for_it(kommun, page_server):
    url = page_server.add("/rss.xml", rss(), content_type=RSS_TYPE)
    services.subscription_add(organization=kommun, url=url, name="Länsstyrelsen")
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=url)
    assert errors_on(refused.value) == [
        "Your organisation already follows this feed (as “Länsstyrelsen”)."
    ]


@pytest.mark.parametrize(
    "written",
    [
        "HTTP://127.0.0.1:{port}/rss.xml",
        "http://127.0.0.1:{port}/rss.xml#top",
        " http://127.0.0.1:{port}/rss.xml",
    ],
)
def test_a_feed_written_another_way_is_the_feed_already_followed(kommun, page_server, written):
    url = page_server.add("/rss.xml", rss(), content_type=RSS_TYPE)
    services.subscription_add(organization=kommun, url=url, name="Länsstyrelsen")

    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=written.format(port=page_server.port))

    assert "already follows this feed" in errors_on(refused.value)[0]
    assert Feed.objects.count() == 1


@pytest.mark.parametrize(
    "written, known_as",
    [
        ("HTTPS://Exempel.SE:443/Flode.xml#nytt", "https://exempel.se/Flode.xml"),
        ("http://exempel.se", "http://exempel.se/"),
        ("http://exempel.se:8080/rss?kategori=Skola", "http://exempel.se:8080/rss?kategori=Skola"),
    ],
)
def test_an_address_is_known_by_one_way_of_writing_it(written, known_as):
    # Path and query as written: a server may tell /Flode.xml from /flode.xml.
    assert services.feed_address(written) == known_as


def test_a_page_whose_feed_we_follow_is_refused_too(kommun, page_server):
    page_server.add("/rss.xml", rss(), content_type=RSS_TYPE)
    page_url = page_server.add("/", page_announcing("/rss.xml"))
    services.subscription_add(organization=kommun, url=page_server.url("/rss.xml"), name="X")
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=page_url)
    assert "already follows this feed" in errors_on(refused.value)[0]


def test_a_second_organisation_shares_the_feed_without_fetching_it(
    kommun, other_kommun, page_server
):
    url = page_server.add("/rss.xml", rss(), content_type=RSS_TYPE)
    first = services.subscription_add(organization=kommun, url=url)
    second = services.subscription_add(organization=other_kommun, url=url, name="Länet")
    assert second.feed == first.feed
    assert Feed.objects.count() == 1
    assert len(page_server.requests) == 1
    assert second.name == "Länet"


def test_a_feed_with_entries_fills_the_new_subscriptions_queue(kommun, other_kommun):
    """Another organisation follows it already: its recent entries reach our queue at once."""
    feed = FeedFactory(url="https://example.se/delat.xml", last_polled_at=timezone.now())
    SubscriptionFactory(organization=other_kommun, feed=feed)
    EntryFactory(feed=feed, title="Ny detaljplan")
    subscription = services.subscription_add(organization=kommun, url=feed.url)
    items = TriageItem.objects.filter(organization=kommun, subscription=subscription)
    assert [item.entry.title for item in items] == ["Ny detaljplan"]


def test_an_area_of_another_organisation_is_refused(kommun, other_kommun):
    feed = FeedFactory()
    area = Area.objects.filter(organization=other_kommun).first()
    with pytest.raises(ValidationError) as refused:
        services.subscription_add(organization=kommun, url=feed.url, area=area)
    assert errors_on(refused.value, "area")
    assert not Subscription.objects.exists()


# --- Edit, pause, remove, resume polling ---------------------------------------------------------


def test_editing_keeps_the_name_without_bidi_controls(kommun):
    subscription = SubscriptionFactory(organization=kommun)
    services.subscription_update(
        subscription=subscription, name="Nyheter \u202efdp", area=None, level=Level.INNER
    )
    subscription.refresh_from_db()
    assert (subscription.name, subscription.level) == ("Nyheter fdp", Level.INNER)


def test_an_empty_name_is_refused(kommun):
    subscription = SubscriptionFactory(organization=kommun)
    with pytest.raises(ValidationError) as refused:
        services.subscription_update(subscription=subscription, name=" ", area=None, level="")
    assert errors_on(refused.value, "name") == ["Give the feed a name."]


def test_pausing_keeps_the_items_in_the_queue(kommun):
    item = TriageItemFactory(organization=kommun)
    services.subscription_set_paused(subscription=item.subscription, paused=True)
    item.subscription.refresh_from_db()
    assert item.subscription.paused
    assert TriageItem.objects.get(pk=item.pk).state == TriageState.NEW
    services.subscription_set_paused(subscription=item.subscription, paused=False)
    item.subscription.refresh_from_db()
    assert not item.subscription.paused


def test_removing_takes_waiting_items_out_and_keeps_decided_ones(kommun, other_kommun, members):
    subscription = SubscriptionFactory(organization=kommun)
    waiting = TriageItemFactory(organization=kommun, subscription=subscription)
    hidden = TriageItemFactory(
        organization=kommun, subscription=subscription, state=TriageState.FILTERED
    )
    signal = SignalFactory(organization=kommun, created_by=members["scanner"])
    promoted = TriageItemFactory(
        organization=kommun, subscription=subscription, state=TriageState.PROMOTED, signal=signal
    )
    dismissed = TriageItemFactory(
        organization=kommun, subscription=subscription, state=TriageState.DISMISSED
    )
    KeywordRuleFactory(organization=kommun, subscription=subscription)
    other = SubscriptionFactory(organization=other_kommun, feed=subscription.feed)
    services.subscription_remove(subscription=subscription)
    remaining = set(TriageItem.objects.filter(organization=kommun))
    assert remaining == {promoted, dismissed}
    assert waiting not in remaining and hidden not in remaining
    promoted.refresh_from_db()
    assert promoted.signal == signal
    assert not KeywordRule.objects.filter(organization=kommun).exists()
    # The feed stays for the other organisation.
    assert Feed.objects.filter(pk=other.feed_id).exists()
    assert Subscription.objects.filter(pk=other.pk).exists()


def _at_the_same_update(table: str, barrier: threading.Barrier):
    """A database execute wrapper: the first UPDATE of ``table`` waits until the other
    thread reaches its own, so that both are sent at once."""
    done = False

    def wrapper(execute, sql, params, many, context):
        nonlocal done
        if not done and sql.lstrip().upper().startswith("UPDATE") and f'"{table}"' in sql:
            done = True
            barrier.wait()
        return execute(sql, params, many, context)

    return wrapper


# Two requests at once on two connections: what PostgreSQL's row lock decides.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_resuming_twice_at_once_fills_the_queue_once(kommun):
    """A double click on "Resume" (or two tabs): no error, and each missed entry once."""
    subscription = SubscriptionFactory(organization=kommun, paused=True)
    for n in range(3):
        EntryFactory(feed=subscription.feed, title=f"Nyhet {n} om skolan")
    barrier = threading.Barrier(2, timeout=5)

    def resume():
        with connection.execute_wrapper(_at_the_same_update(Subscription._meta.db_table, barrier)):
            services.subscription_set_paused(
                subscription=Subscription.objects.get(pk=subscription.pk), paused=False
            )

    first, first_raised = in_thread(resume)
    second, second_raised = in_thread(resume)
    first.join(10)
    second.join(10)
    assert first_raised == second_raised == []
    assert TriageItem.objects.filter(organization=kommun).count() == 3
    assert TriageItemEntry.objects.filter(organization=kommun).count() == 3
    assert not Subscription.objects.get(pk=subscription.pk).paused


def _one_story_in_two_feeds(page_server, organization):
    """Feeds A and B of the organisation both carry "Ny skollag", A first: one item."""
    now = datetime.now(UTC)
    a = page_server.add(
        "/a.xml",
        feeds.rss(
            feeds.rss_item(
                "Ny skollag", link="https://example.se/lag", published=now - timedelta(hours=2)
            )
        ),
        content_type=RSS_TYPE,
    )
    b = page_server.add(
        "/b.xml",
        feeds.rss(
            feeds.rss_item(
                "Ny skollag",
                link="https://example.se/lag?utm_source=nyhetsbrev",
                published=now - timedelta(hours=1),
            ),
            title="Flöde B",
        ),
        content_type=RSS_TYPE,
    )
    first = SubscriptionFactory(organization=organization, name="A", feed__url=a)
    second = SubscriptionFactory(organization=organization, name="B", feed__url=b)
    poll_feed(first.feed_id, force=True)
    poll_feed(second.feed_id, force=True)
    assert TriageItem.objects.filter(organization=organization).count() == 1
    return first, second


def test_removing_a_feed_keeps_a_story_another_followed_feed_carries(kommun, page_server):
    """B's entry is stored already and never placed again: the item is B's now."""
    first, second = _one_story_in_two_feeds(page_server, kommun)
    services.subscription_remove(subscription=first)
    item = TriageItem.objects.get(organization=kommun)
    assert item.state == TriageState.NEW
    assert item.subscription == second
    assert item.entry.feed_id == second.feed_id
    assert item.entry.link == "https://example.se/lag?utm_source=nyhetsbrev"
    # Only B's entry is left with it: the queue names no feed the organisation left.
    assert [link.entry_id for link in item.item_entries.all()] == [item.entry_id]


def test_a_story_kept_for_the_other_feed_is_shown_as_its_rules_say(kommun, page_server):
    first, second = _one_story_in_two_feeds(page_server, kommun)
    KeywordRuleFactory(organization=kommun, subscription=second, kind="exclude", phrase="skollag")
    services.subscription_remove(subscription=first)
    item = TriageItem.objects.get(organization=kommun)
    assert (item.subscription, item.state) == (second, TriageState.FILTERED)


def test_a_story_kept_by_any_remaining_feeds_rules_stays_in_the_queue(kommun, page_server):
    first, second = _one_story_in_two_feeds(page_server, kommun)
    c = page_server.add(
        "/c.xml",
        feeds.rss(
            feeds.rss_item(
                "Ny skollag",
                link="https://example.se/lag",
                published=datetime.now(UTC) - timedelta(minutes=30),
            ),
            title="Flöde C",
        ),
        content_type=RSS_TYPE,
    )
    third = SubscriptionFactory(organization=kommun, name="C", feed__url=c)
    poll_feed(third.feed_id, force=True)
    KeywordRuleFactory(organization=kommun, subscription=second, kind="exclude", phrase="skollag")

    services.subscription_remove(subscription=first)

    # B's entry came first and leads the item; C's rules keep the story in the queue.
    item = TriageItem.objects.get(organization=kommun)
    assert (item.subscription, item.state) == (second, TriageState.NEW)
    assert {link.entry.feed_id for link in item.item_entries.all()} == {
        second.feed_id,
        third.feed_id,
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_promotion_as_the_feed_is_removed_makes_no_signal_without_its_item(kommun, members):
    """The removal has read the feed's waiting items when a scanner promotes one: the
    scanner is told the item left the queue, and no signal is logged for an item deleted."""
    subscription = SubscriptionFactory(organization=kommun)
    item = TriageItemFactory(organization=kommun, subscription=subscription)
    read, go = threading.Event(), threading.Event()

    def pause():
        read.set()
        go.wait(5)

    def remove():
        with connection.execute_wrapper(
            right_after_the_first_read(TriageItem._meta.db_table, pause)
        ):
            services.subscription_remove(subscription=subscription)

    outcome = []

    def promote():
        try:
            outcome.append(
                item_promote(
                    item=item,
                    user=members["scanner"],
                    title="Ny skollag",
                    motivation="Berör alla våra skolor.",
                    level=Level.INNER,
                    sources=[SourceData(url="https://example.se/lag", name="Skolverket")],
                )
            )
        except ItemGone:
            outcome.append("gone")

    remover, remove_raised = in_thread(remove)
    assert read.wait(5)
    promoter, promote_raised = in_thread(promote)
    wait_for_a_lock_or(promoter)
    go.set()
    remover.join(10)
    promoter.join(10)
    assert remove_raised == promote_raised == []
    assert outcome == ["gone"]
    assert not TriageItem.objects.filter(pk=item.pk).exists()
    assert not Signal.objects.filter(organization=kommun).exists()


@pytest.mark.parametrize("state", [FeedState.GONE, FeedState.FAILING])
def test_resuming_polling_makes_the_feed_due_now(db, state):
    feed = FeedFactory(
        state=state,
        next_poll_at=timezone.now() + timezone.timedelta(days=30),
        consecutive_failures=40,
        failing_since=timezone.now() - timezone.timedelta(days=21),
    )
    before = timezone.now()
    services.feed_resume_polling(feed=feed)
    feed.refresh_from_db()
    assert feed.state == FeedState.ACTIVE
    assert before <= feed.next_poll_at <= timezone.now()
    assert feed.consecutive_failures == 0 and feed.failing_since is None


def test_fetch_now_queues_a_forced_poll_after_commit(db, django_capture_on_commit_callbacks):
    feed = FeedFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        services.feed_fetch_now(feed=feed)
    assert len(callbacks) == 1
