"""The feeds pages: who gets in, the list with each feed's health, adding by address (with the
choice of announced feeds), editing, pausing, removing, fetching now, resuming polling."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import resolve, reverse
from django.utils import timezone

from organizations.roles import Role
from scanning.models import Feed, FeedState, Subscription, TriageItem, TriageState

from ..factories import (
    EntryFactory,
    FeedFactory,
    KeywordRuleFactory,
    SubscriptionFactory,
    TriageItemFactory,
)
from .feed_bodies import RSS_TYPE, page_announcing, rss

pytestmark = pytest.mark.usefixtures("english")

# (method, URL name, whether it names a subscription)
VIEWS = [
    ("get", "scanning:feeds", False),
    ("get", "scanning:feed_add", False),
    ("post", "scanning:feed_add", False),
    ("get", "scanning:feed_edit", True),
    ("post", "scanning:feed_edit", True),
    ("post", "scanning:feed_pause", True),
    ("post", "scanning:feed_resume", True),
    ("get", "scanning:feed_remove", True),
    ("post", "scanning:feed_remove", True),
    ("post", "scanning:feed_fetch_now", True),
    ("post", "scanning:feed_resume_polling", True),
    ("get", "scanning:opml_export", False),
    ("get", "scanning:opml_import", False),
    ("post", "scanning:opml_import", False),
    ("get", "scanning:rules", False),
    ("post", "scanning:rules", False),
    ("post", "scanning:rule_delete", "rule"),
]
POST_ONLY = [
    "scanning:feed_pause",
    "scanning:feed_resume",
    "scanning:feed_fetch_now",
    "scanning:feed_resume_polling",
    "scanning:rule_delete",
]
ALLOWED = [Role.SCANNER, Role.EDITOR, Role.ADMIN]
REFUSED = [Role.MANAGEMENT, Role.STAFF]


def view_id(view):
    return f"{view[0]} {view[1]}"


def url_for(view, organization):
    _method, name, names = view
    if names == "rule":
        rule = KeywordRuleFactory(organization=organization)
        return reverse(name, args=[organization.slug, rule.pk])
    if names:
        subscription = SubscriptionFactory(organization=organization)
        return reverse(name, args=[organization.slug, subscription.pk])
    return reverse(name, args=[organization.slug])


def feeds_url(organization):
    return reverse("scanning:feeds", args=[organization.slug])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_every_feeds_view_requires_manage_feeds():
    for _method, name, names in VIEWS:
        url = reverse(name, args=["kungsbacka", 1] if names else ["kungsbacka"])
        assert resolve(url).func.required_capability == "manage_feeds", name


@pytest.mark.parametrize("role", ALLOWED)
@pytest.mark.parametrize("view", VIEWS, ids=view_id)
def test_the_scanning_group_gets_in(client_for, kommun, members, role, view):
    client = client_for(members[role])
    response = getattr(client, view[0])(url_for(view, kommun))
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("role", REFUSED)
@pytest.mark.parametrize("view", VIEWS, ids=view_id)
def test_management_and_staff_are_refused(client_for, kommun, members, role, view):
    client = client_for(members[role])
    assert getattr(client, view[0])(url_for(view, kommun)).status_code == 403


@pytest.mark.parametrize("view", [v for v in VIEWS if v[2]], ids=view_id)
def test_another_organisations_feeds_are_not_found(
    client_for, kommun, members, other_kommun, other_members, view
):
    client = client_for(members["admin"])
    assert getattr(client, view[0])(url_for(view, other_kommun)).status_code == 404


@pytest.mark.parametrize("view", VIEWS, ids=view_id)
def test_a_member_of_another_organisation_is_not_found(client_for, kommun, other_members, view):
    client = client_for(other_members["admin"])
    assert getattr(client, view[0])(url_for(view, kommun)).status_code == 404


@pytest.mark.parametrize("name", POST_ONLY)
def test_changes_are_post_only(client_for, kommun, members, name):
    view = next(view for view in VIEWS if view[1] == name)
    assert client_for(members["scanner"]).get(url_for(view, kommun)).status_code == 405


def test_the_feeds_link_is_shown_to_the_scanning_group_only(client_for, kommun, members):
    start = reverse("start", args=[kommun.slug])
    for role in Role.values:
        page = client_for(members[role]).get(start).content.decode()
        assert (f'href="{feeds_url(kommun)}"' in page) == (role in ALLOWED), role


# --- The list ----------------------------------------------------------------------------------


def test_the_list_shows_each_feed_with_its_health(client_for, kommun, other_kommun, members):
    now = timezone.now()
    feed = FeedFactory(
        url="https://www.lansstyrelsen.se/halland/rss.xml",
        last_success_at=now - timezone.timedelta(hours=3),
        last_error="Timed out after 15 s",
        last_error_at=now - timezone.timedelta(hours=1),
    )
    subscription = SubscriptionFactory(organization=kommun, feed=feed, name="Länsstyrelsen")
    for days in (1, 5, 10, 20, 27, 35):
        EntryFactory(feed=feed, fetched_at=now - timezone.timedelta(days=days))
    TriageItemFactory.create_batch(2, organization=kommun, subscription=subscription)
    TriageItemFactory(organization=kommun, subscription=subscription, state=TriageState.DISMISSED)
    SubscriptionFactory(organization=other_kommun, name="Varbergs flöde")
    response = client_for(members["scanner"]).get(feeds_url(kommun))
    assert response.status_code == 200
    (shown,) = response.context["subscriptions"]
    # 5 entries in four weeks and those of the 3 items: 2 a week; 2 items waiting.
    assert shown.recent_entries == 8
    assert shown.entries_per_week == 2
    assert shown.waiting == 2
    page = response.content.decode()
    assert "Länsstyrelsen" in page
    assert "https://www.lansstyrelsen.se/halland/rss.xml" in page
    assert "3\xa0hours ago" in page
    assert "Timed out after 15 s" in page
    assert "Varbergs flöde" not in page
    assert "Polled" in page


def test_the_list_is_in_swedish_alphabetical_order_and_counts_as_the_queue(
    client_for, kommun, members, settings
):
    for name in ("Östra", "bidi", "Ängelholm", "Testflöde", "Åre", "ystad"):
        subscription = SubscriptionFactory(organization=kommun, name=name)
    # An item past the queue's age limit is not shown there, so it does not wait here either.
    TriageItemFactory(
        organization=kommun,
        subscription=subscription,
        entry=EntryFactory(
            feed=subscription.feed,
            published_at=timezone.now()
            - timezone.timedelta(days=settings.SCANNING_QUEUE_MAX_AGE_DAYS + 1),
        ),
    )
    shown = client_for(members["scanner"]).get(feeds_url(kommun)).context["subscriptions"]
    assert [s.name for s in shown] == ["bidi", "Testflöde", "ystad", "Åre", "Ängelholm", "Östra"]
    assert [s.waiting for s in shown] == [0] * 6


@pytest.mark.parametrize(
    ("feed_state", "paused", "failures", "words"),
    [
        (FeedState.ACTIVE, False, 0, '<span class="badge">Polled</span>'),
        # A feed that fails does not look healthy until it has failed for weeks.
        (FeedState.ACTIVE, False, 2, '<span class="badge">Last poll failed</span>'),
        (FeedState.ACTIVE, True, 0, '<span class="badge">Paused by you</span>'),
        (FeedState.GONE, False, 0, '<span class="badge">Removed by the publisher</span>'),
        (FeedState.FAILING, False, 9, '<span class="badge">Paused after failing for weeks'),
    ],
)
def test_the_list_says_the_state_in_words(
    client_for, kommun, members, feed_state, paused, failures, words
):
    feed = FeedFactory(state=feed_state, consecutive_failures=failures)
    subscription = SubscriptionFactory(organization=kommun, feed=feed, paused=paused)
    page = client_for(members["scanner"]).get(feeds_url(kommun)).content.decode()
    assert words in page
    resume = reverse("scanning:feed_resume_polling", args=[kommun.slug, subscription.pk])
    assert (resume in page) == (feed_state != FeedState.ACTIVE)


def test_the_list_takes_a_constant_number_of_queries(
    client_for, kommun, members, django_assert_max_num_queries
):
    client = client_for(members["scanner"])
    client.get(reverse("start", args=[kommun.slug]))
    for _ in range(20):
        subscription = SubscriptionFactory(organization=kommun)
        TriageItemFactory(organization=kommun, subscription=subscription)
    with django_assert_max_num_queries(6):
        response = client.get(feeds_url(kommun))
    assert len(response.context["subscriptions"]) == 20


# --- Adding ------------------------------------------------------------------------------------


def add_url(organization):
    return reverse("scanning:feed_add", args=[organization.slug])


def test_adding_a_feed_by_its_address(client_for, kommun, members, page_server):
    url = page_server.add("/rss.xml", rss("Region Halland"), content_type=RSS_TYPE)
    response = client_for(members["scanner"]).post(add_url(kommun), {"url": url})
    assert response.status_code == 302
    assert response.url == feeds_url(kommun)
    subscription = Subscription.objects.get(organization=kommun)
    assert subscription.name == "Region Halland"
    assert messages_of(response) == [
        "Your organisation now follows “Region Halland”; its items appear in the queue."
    ]


def test_adding_by_a_page_that_announces_the_feed(client_for, kommun, members, page_server):
    page_server.add("/nyheter.rss", rss("Kommunens nyheter"), content_type=RSS_TYPE)
    page = page_server.add("/", page_announcing("/nyheter.rss"))
    response = client_for(members["editor"]).post(add_url(kommun), {"url": page, "name": ""})
    assert response.status_code == 302
    assert Subscription.objects.get(organization=kommun).feed.url == page_server.url("/nyheter.rss")


def test_the_choice_names_each_feed_and_does_not_offer_one_already_followed(
    client_for, kommun, members, page_server
):
    page_server.add("/a.rss", rss("Nyheter"), content_type=RSS_TYPE)
    page_server.add("/b.rss", rss("Pressmeddelanden"), content_type=RSS_TYPE)
    SubscriptionFactory(
        organization=kommun, feed=FeedFactory(url=page_server.url("/a.rss")), name="Nyheter"
    )
    page = page_server.add("/", page_announcing("/a.rss", "/b.rss"))
    response = client_for(members["scanner"]).post(add_url(kommun), {"url": page})
    html = response.content.decode()
    # The titles the page gives its feeds (page_announcing: "Flöde 1", "Flöde 2").
    assert "Flöde 1" in html and "Flöde 2" in html
    a, b = (
        re.search(rf'<input type="radio" name="url" value="{page_server.url(path)}"[^>]*>', html)[0]
        for path in ("/a.rss", "/b.rss")
    )
    assert "disabled" in a and "checked" not in a
    assert "checked" in b and "disabled" not in b
    assert "Already followed" in html


def test_a_page_announcing_hundreds_of_feeds_offers_the_first_twenty(
    client_for, kommun, members, page_server
):
    hrefs = [f"/flode-{n}.rss" for n in range(300)] + ["/x" * 1100]
    page = page_server.add("/", page_announcing(*hrefs))
    html = client_for(members["scanner"]).post(add_url(kommun), {"url": page}).content.decode()
    assert html.count('type="radio"') == 20
    assert "the first 20 are shown" in html


def test_an_announced_address_longer_than_kept_is_not_offered(
    client_for, kommun, members, page_server
):
    page_server.add("/a.rss", rss("Nyheter"), content_type=RSS_TYPE)
    page = page_server.add("/", page_announcing("/a.rss", "/" + "a" * 2100))
    response = client_for(members["scanner"]).post(add_url(kommun), {"url": page})
    # The one feed left is followed at once.
    assert response.status_code == 302
    assert Subscription.objects.get(organization=kommun).feed.url == page_server.url("/a.rss")


def test_several_announced_feeds_are_offered_as_a_choice(client_for, kommun, members, page_server):
    page_server.add("/a.rss", rss("Nyheter"), content_type=RSS_TYPE)
    page_server.add("/b.rss", rss("Pressmeddelanden"), content_type=RSS_TYPE)
    page = page_server.add("/", page_announcing("/a.rss", "/b.rss"))
    client = client_for(members["scanner"])
    response = client.post(add_url(kommun), {"url": page, "name": "Mitt namn", "level": "near"})
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "scanning/feeds_choice.html"
    html = response.content.decode()
    assert f'value="{page_server.url("/a.rss")}"' in html
    assert f'value="{page_server.url("/b.rss")}"' in html
    assert 'name="name" value="Mitt namn"' in html
    assert not Subscription.objects.exists()
    # Choosing one follows it, with the name and level given first.
    response = client.post(
        add_url(kommun), {"url": page_server.url("/b.rss"), "name": "Mitt namn", "level": "near"}
    )
    assert response.status_code == 302
    subscription = Subscription.objects.get(organization=kommun)
    assert (subscription.feed.url, subscription.name, subscription.level) == (
        page_server.url("/b.rss"),
        "Mitt namn",
        "near",
    )


@pytest.mark.parametrize(
    ("path", "page", "expected"),
    [
        (
            "/om/",
            {"body": page_announcing()},
            "The address gives a web page that announces no feed.",
        ),
        ("/saknas.xml", None, "There is nothing at this address (404 Not Found)."),
    ],
)
def test_an_address_without_a_feed_is_a_field_error(
    client_for, kommun, members, page_server, path, page, expected
):
    if page:
        page_server.add(path, **page)
    response = client_for(members["scanner"]).post(add_url(kommun), {"url": page_server.url(path)})
    assert response.status_code == 200
    (error,) = response.context["form"].errors["url"]
    assert error.startswith(expected)
    assert "error-summary" in response.content.decode()
    assert not Feed.objects.exists()


def test_a_feed_already_followed_is_a_field_error(client_for, kommun, members):
    subscription = SubscriptionFactory(organization=kommun, name="SKR")
    response = client_for(members["scanner"]).post(add_url(kommun), {"url": subscription.feed.url})
    assert response.context["form"].errors["url"] == [
        "Your organisation already follows this feed (as “SKR”)."
    ]


def test_a_forged_area_of_another_organisation_is_not_a_valid_choice(
    client_for, kommun, other_kommun, members
):
    from signals.models import Area

    area = Area.objects.filter(organization=other_kommun).first()
    feed = FeedFactory()
    response = client_for(members["scanner"]).post(
        add_url(kommun), {"url": feed.url, "area": area.pk}
    )
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Subscription.objects.exists()


# --- Edit, pause, remove, fetch now, resume polling ---------------------------------------------


def test_editing_a_feed(client_for, kommun, members):
    subscription = SubscriptionFactory(organization=kommun, name="Gammalt namn")
    url = reverse("scanning:feed_edit", args=[kommun.slug, subscription.pk])
    client = client_for(members["scanner"])
    assert 'value="Gammalt namn"' in client.get(url).content.decode()
    response = client.post(url, {"name": "Nytt namn", "level": "inner"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.level) == ("Nytt namn", "inner")


def test_pause_and_resume(client_for, kommun, members):
    item = TriageItemFactory(organization=kommun)
    subscription = item.subscription
    client = client_for(members["scanner"])
    client.post(reverse("scanning:feed_pause", args=[kommun.slug, subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.paused
    assert TriageItem.objects.get(pk=item.pk).state == TriageState.NEW
    page = client.get(feeds_url(kommun)).content.decode()
    assert "Paused by you" in page
    client.post(reverse("scanning:feed_resume", args=[kommun.slug, subscription.pk]))
    subscription.refresh_from_db()
    assert not subscription.paused


def test_pausing_returns_to_the_feeds_card_which_says_so(client_for, kommun, members):
    for n in range(5):
        SubscriptionFactory(organization=kommun, name=f"Flöde {n}")
    fifth = SubscriptionFactory(organization=kommun, name="Ö-flödet")
    client = client_for(members["scanner"])
    response = client.post(reverse("scanning:feed_pause", args=[kommun.slug, fifth.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{feeds_url(kommun)}#feed-{fifth.pk}"
    page = client.get(feeds_url(kommun)).content.decode()
    card = page[page.index(f'id="feed-{fifth.pk}"') :]
    assert card.startswith(f'id="feed-{fifth.pk}" tabindex="-1">')
    assert (
        '<p class="message message--success" role="status">“Ö-flödet” is paused: its new items '
        "stay out of the queue until you resume it.</p>"
    ) in card[: card.index("</li>")]
    # Said on the card only, not a second time at the top of the page.
    assert 'class="messages"' not in page
    # Once.
    assert "is paused:" not in client.get(feeds_url(kommun)).content.decode()


def test_removing_asks_first_and_then_empties_the_queue_of_it(client_for, kommun, members):
    item = TriageItemFactory(organization=kommun)
    subscription = item.subscription
    url = reverse("scanning:feed_remove", args=[kommun.slug, subscription.pk])
    client = client_for(members["scanner"])
    response = client.get(url)
    assert response.status_code == 200
    assert "Remove the feed" in response.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assert not TriageItem.objects.filter(pk=item.pk).exists()
    assert Feed.objects.filter(pk=subscription.feed_id).exists()


def test_removing_names_the_rules_that_go_with_the_feed(client_for, kommun, members):
    subscription = SubscriptionFactory(organization=kommun)
    KeywordRuleFactory(organization=kommun, subscription=subscription, phrase="sport")
    KeywordRuleFactory(organization=kommun, phrase="allmän regel")
    url = reverse("scanning:feed_remove", args=[kommun.slug, subscription.pk])
    html = client_for(members["scanner"]).get(url).content.decode()
    assert "Its keyword rule is removed with it:" in html
    assert "sport" in html
    assert "allmän regel" not in html


def test_fetch_now_says_so(client_for, kommun, members, django_capture_on_commit_callbacks):
    subscription = SubscriptionFactory(organization=kommun, name="SCB")
    url = reverse("scanning:feed_fetch_now", args=[kommun.slug, subscription.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(members["scanner"]).post(url)
    assert len(callbacks) == 1
    assert messages_of(response) == ["Fetching “SCB” now; new items appear in the queue."]


def test_fetch_now_on_a_paused_feed_says_its_items_stay_out_of_the_queue(
    client_for, kommun, members, django_capture_on_commit_callbacks
):
    subscription = SubscriptionFactory(organization=kommun, name="SCB", paused=True)
    url = reverse("scanning:feed_fetch_now", args=[kommun.slug, subscription.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(members["scanner"]).post(url)
    assert len(callbacks) == 1
    assert messages_of(response) == [
        "Fetching “SCB” now. It is paused, so its new items stay out of the queue until you "
        "resume it."
    ]


def test_fetch_now_on_a_feed_a_poll_already_holds_says_so_and_sends_no_second_poll(
    client_for, kommun, members, django_capture_on_commit_callbacks
):
    # The dispatcher leased it for a poll still waiting for a worker.
    feed = FeedFactory(lease_until=timezone.now() + timezone.timedelta(minutes=10))
    subscription = SubscriptionFactory(organization=kommun, feed=feed, name="SCB")
    url = reverse("scanning:feed_fetch_now", args=[kommun.slug, subscription.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(members["scanner"]).post(url)
    assert callbacks == []
    assert messages_of(response) == [
        "“SCB” is already being fetched; new items appear in the queue shortly."
    ]


def test_resume_polling_a_feed_gone(client_for, kommun, members):
    feed = FeedFactory(
        state=FeedState.GONE, next_poll_at=timezone.now() + timezone.timedelta(days=9)
    )
    subscription = SubscriptionFactory(organization=kommun, feed=feed)
    client_for(members["scanner"]).post(
        reverse("scanning:feed_resume_polling", args=[kommun.slug, subscription.pk])
    )
    feed.refresh_from_db()
    assert feed.state == FeedState.ACTIVE
    assert feed.next_poll_at <= timezone.now()


def test_a_forged_post_for_another_organisations_feed_changes_nothing(
    client_for, kommun, other_kommun, members
):
    theirs = TriageItemFactory(organization=other_kommun)
    client = client_for(members["admin"])
    for name in ("scanning:feed_pause", "scanning:feed_remove", "scanning:feed_edit"):
        url = reverse(name, args=[kommun.slug, theirs.subscription.pk])
        assert client.post(url, {"name": "Kapat"}).status_code == 404
    theirs.subscription.refresh_from_db()
    assert not theirs.subscription.paused
    assert theirs.subscription.name != "Kapat"
    assert TriageItem.objects.filter(pk=theirs.pk).exists()
