"""The triage queue page and its actions over HTTP: who may open it, what it lists and in
which order, the filters, keyset paging, "also in", the age limit, escaping and the query
budget; dismiss, undo and the selection without JavaScript and with htmx."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations.roles import Role
from scanning import selectors
from scanning.feed_services import (
    subscription_remove,
    subscription_update,
    subscriptions_import,
)
from scanning.models import ShortcutPreference, TriageItem, TriageItemEntry, TriageState
from scanning.opml import OutlineFeed
from signals.models import Area, Level

from ..factories import EntryFactory, SubscriptionFactory, TriageItemFactory
from ..meanwhile import right_after_the_first_read

QUEUE = reverse("scanning:queue", args=["kungsbacka"])
SCANNING_GROUP = [Role.SCANNER, Role.EDITOR, Role.ADMIN]
HTMX = {"HX-Request": "true"}

pytestmark = pytest.mark.usefixtures("english")


def dismiss_url(item):
    return reverse("scanning:dismiss", args=[item.organization.slug, item.pk])


def titles(response) -> list[str]:
    """The item titles on the page, in order."""
    html = response.content.decode()
    return re.findall(r'class="queue-item__title"[^>]*>(?:<a [^>]*>)?([^<]*)<', html)


def item(organization, title, *, hours_ago=1, subscription=None, **kwargs):
    published = timezone.now() - timedelta(hours=hours_ago)
    if subscription is None:
        subscription = SubscriptionFactory(organization=organization)
    return TriageItemFactory(
        organization=organization,
        subscription=subscription,
        entry=EntryFactory(feed=subscription.feed, title=title, published_at=published, **kwargs),
    )


@pytest.fixture
def feeds(kommun):
    """Two feeds Kungsbacka follows: SKR (area Digitalisering, inner) and Regionen (near)."""
    area = Area.objects.get(organization=kommun, name="Digitalisering")
    return {
        "skr": SubscriptionFactory(organization=kommun, name="SKR", area=area, level=Level.INNER),
        "region": SubscriptionFactory(organization=kommun, name="Regionen", level=Level.NEAR),
    }


def test_a_very_long_queue_is_counted_only_so_far(client_for, kommun, members, feeds, monkeypatch):
    monkeypatch.setattr(selectors, "WAITING_COUNT_LIMIT", 3)
    monkeypatch.setattr("scanning.views.queue.WAITING_COUNT_LIMIT", 3)
    for n in range(4):
        item(kommun, f"Nyhet {n}", subscription=feeds["skr"])
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert "More than 3 items waiting" in html
    for n in range(4):
        assert f"Nyhet {n}" in html


# --- who may open it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", SCANNING_GROUP)
def test_the_scanning_group_opens_the_queue(client_for, members, role):
    assert client_for(members[role]).get(QUEUE).status_code == 200


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.STAFF])
def test_other_roles_are_refused(client_for, members, role):
    assert client_for(members[role]).get(QUEUE).status_code == 403


def test_another_organisations_member_gets_404(client_for, kommun, other_members):
    assert client_for(other_members[Role.SCANNER]).get(QUEUE).status_code == 404


def test_anonymous_goes_to_the_login_page(client, kommun):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_menu_links_to_the_queue_for_the_scanning_group_only(client_for, members):
    response = client_for(members[Role.SCANNER]).get(reverse("start", args=["kungsbacka"]))
    assert f'href="{QUEUE}"' in response.content.decode()
    client_for(members[Role.MANAGEMENT])
    response = client_for(members[Role.MANAGEMENT]).get(reverse("start", args=["kungsbacka"]))
    assert f'href="{QUEUE}"' not in response.content.decode()


# --- what it lists ----------------------------------------------------------------------------


def test_new_items_newest_first_with_feed_name_date_summary_and_count(
    client_for, kommun, members, feeds, other_kommun
):
    item(kommun, "Äldst", hours_ago=30, subscription=feeds["skr"])
    item(kommun, "Nyast", hours_ago=1, subscription=feeds["region"])
    item(kommun, "Mitten", hours_ago=5, subscription=feeds["skr"])
    decided = item(kommun, "Redan avfärdad", hours_ago=2, subscription=feeds["skr"])
    decided.state = TriageState.DISMISSED
    decided.save()
    item(other_kommun, "Varbergs egen")

    response = client_for(members[Role.SCANNER]).get(QUEUE)
    assert titles(response) == ["Nyast", "Mitten", "Äldst"]
    html = response.content.decode()
    assert "3 items waiting" in html
    assert '<span class="queue-item__feed">Regionen</span>' in html
    assert "<p>En sammanfattning.</p>" in html  # the cleaned summary, as HTML
    assert 'target="_blank" rel="noopener noreferrer"' in html
    assert 'aria-label="Dismiss: Nyast"' in html
    assert 'aria-label="Promote: Nyast"' in html


def test_the_same_story_from_another_feed_says_also_in(client_for, kommun, members, feeds):
    story = item(kommun, "Samma nyhet", subscription=feeds["skr"])
    TriageItemEntry.objects.create(
        organization=kommun,
        item=story,
        entry=EntryFactory(feed=feeds["region"].feed, title="Samma nyhet"),
        published_at=story.published_at,
    )
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert re.search(r"Also in:\s*<bdi>Regionen</bdi>", html)
    assert html.count("queue-item__title") == 1


def test_items_past_the_age_limit_are_not_shown(client_for, kommun, members, settings):
    settings.SCANNING_QUEUE_MAX_AGE_DAYS = 30
    item(kommun, "Färsk", hours_ago=24 * 29)
    item(kommun, "Gammal", hours_ago=24 * 31)
    response = client_for(members[Role.SCANNER]).get(QUEUE)
    assert titles(response) == ["Färsk"]
    assert "1 item waiting" in response.content.decode()


def test_a_hostile_title_is_shown_as_text(client_for, kommun, members):
    item(kommun, "<script>alert(1)</script>")
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_item_writes_its_text_escaped_without_bidi_controls(client_for, kommun, members):
    # The items are written out in Python (scanning.queue_rows): each feed's text escaped
    # wherever it goes, in the heading, the labels and the feed's name.
    hostile = 'Rapport \u202e"fdp.exe" & <b>'
    story = item(kommun, hostile, link="https://example.org/?a=1&b=2")
    story.subscription.name = hostile
    story.subscription.save()
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    shown = "Rapport &quot;fdp.exe&quot; &amp; &lt;b&gt;"
    assert "\u202e" not in html
    assert 'href="https://example.org/?a=1&amp;b=2" target="_blank"' in html
    assert f'aria-label="Promote: {shown}"' in html
    assert f'aria-label="Dismiss: {shown}"' in html
    assert f'<span class="visually-hidden">: {shown}</span>' in html
    assert f'<span class="queue-item__feed">{shown}</span>' in html


def test_an_item_of_a_feed_no_longer_followed_says_so(client_for, kommun, members):
    story = item(kommun, "Kvar i kön")
    TriageItem.objects.filter(pk=story.pk).update(subscription=None)
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert '<span class="queue-item__feed">Feed no longer followed</span>' in html


def test_a_non_web_link_is_not_made_a_link(client_for, kommun, members):
    item(kommun, "Konstig länk", link="javascript:alert(1)")
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert "javascript:" not in html


def test_empty_queue_says_so_in_words(client_for, kommun, members, feeds):
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert "The queue is empty: every item has been dealt with." in html


def test_a_queue_emptied_by_keyword_rules_says_so_and_leads_to_them(client_for, kommun, members):
    for title in ("Sport i helgen", "Sport: derby"):
        hidden = item(kommun, title)
        TriageItem.objects.filter(pk=hidden.pk).update(state=TriageState.FILTERED)
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert "The queue is empty, but 2 items are hidden by your keyword rules." in html
    assert f'href="/{kommun.slug}/scanning/feeds/rules/"' in html
    assert "every item has been dealt with" not in html


def test_empty_queue_without_feeds_says_there_are_none(client_for, kommun, members):
    html = client_for(members[Role.SCANNER]).get(QUEUE).content.decode()
    assert "follows no feeds yet" in html


# --- filters ----------------------------------------------------------------------------------


@pytest.fixture
def mixed(kommun, feeds):
    return {
        "skola": item(kommun, "AI i skolan", hours_ago=1, subscription=feeds["skr"]),
        "vatten": item(
            kommun,
            "Vattenbrist i regionen",
            hours_ago=2,
            subscription=feeds["region"],
            summary_text="Torka och skolor",
        ),
    }


def test_filter_by_feed(client_for, members, feeds, mixed):
    response = client_for(members[Role.SCANNER]).get(QUEUE, {"subscription": feeds["skr"].pk})
    assert titles(response) == ["AI i skolan"]


def test_filter_by_area(client_for, members, feeds, mixed):
    response = client_for(members[Role.SCANNER]).get(QUEUE, {"area": feeds["skr"].area_id})
    assert titles(response) == ["AI i skolan"]


def test_filter_by_level(client_for, members, mixed):
    response = client_for(members[Role.SCANNER]).get(QUEUE, {"level": Level.NEAR})
    assert titles(response) == ["Vattenbrist i regionen"]


def test_filter_by_text_in_title_or_summary_ignoring_case(client_for, members, mixed):
    client = client_for(members[Role.SCANNER])
    assert titles(client.get(QUEUE, {"q": "SKOLAN"})) == ["AI i skolan"]
    assert titles(client.get(QUEUE, {"q": "torka"})) == ["Vattenbrist i regionen"]
    assert titles(client.get(QUEUE, {"q": "VATTENBRIST"})) == ["Vattenbrist i regionen"]
    assert titles(client.get(QUEUE, {"q": "ÄLDREOMSORG"})) == []


@pytest.mark.parametrize("rare_word_factor", [0, 10**12], ids=["walk-the-queue", "matches-first"])
def test_a_search_finds_the_same_items_however_the_database_reads_them(
    client_for, kommun, members, feeds, monkeypatch, rare_word_factor
):
    # PostgreSQL reads a rare word's matches first and walks the queue for a common one
    # (selectors._rare_among_entries); either way the same items, newest first.
    monkeypatch.setattr(selectors, "RARE_WORD_FACTOR", rare_word_factor)
    for n in range(6):
        item(kommun, f"Budget för skolan {n}", hours_ago=n + 1, subscription=feeds["skr"])
    item(kommun, "Vattenskydd vid Lygnern", hours_ago=3, subscription=feeds["region"])
    item(kommun, "Ingen träff här", hours_ago=4)
    client = client_for(members[Role.SCANNER])
    assert titles(client.get(QUEUE, {"q": "vattenskydd"})) == ["Vattenskydd vid Lygnern"]
    assert titles(client.get(QUEUE, {"q": "skolan"})) == [
        f"Budget för skolan {n}" for n in range(6)
    ]
    assert titles(client.get(QUEUE, {"q": "skolan", "level": Level.NEAR})) == []


def test_the_feed_dropdown_follows_following_renaming_and_removing(
    client_for, kommun, members, feeds
):
    client = client_for(members[Role.SCANNER])
    assert ">Regionen</option>" in client.get(QUEUE).content.decode()
    subscription_update(
        subscription=feeds["region"], name="Region Halland", area=None, level=Level.NEAR
    )
    page = client.get(QUEUE).content.decode()
    assert ">Region Halland</option>" in page
    assert ">Regionen</option>" not in page
    subscription_remove(subscription=feeds["region"])
    assert ">Region Halland</option>" not in client.get(QUEUE).content.decode()
    outline = OutlineFeed(
        url="https://lansstyrelsen.example/rss", title="Länsstyrelsen", site_url=""
    )
    subscriptions_import(organization=kommun, outlines=[outline])
    assert ">Länsstyrelsen</option>" in client.get(QUEUE).content.decode()


def test_a_search_written_decomposed_or_overlong_is_still_a_search(
    client_for, kommun, members, mixed
):
    item(kommun, "Ny förskola i Åsa")
    client = client_for(members[Role.SCANNER])
    # "ö" typed as "o" and a combining diaeresis finds the composed "ö" of the entries.
    assert titles(client.get(QUEUE, {"q": "fo\u0308rskola"})) == ["Ny förskola i Åsa"]
    # Past 200 characters the search is cut there, not dropped while the box still shows it.
    assert titles(client.get(QUEUE, {"q": "vattenbrist" + " x" * 300})) == []


def test_a_search_of_several_words_needs_them_all_and_punctuation_finds_nothing(
    client_for, members, mixed
):
    client = client_for(members[Role.SCANNER])
    assert titles(client.get(QUEUE, {"q": "vattenbrist torka"})) == ["Vattenbrist i regionen"]
    assert titles(client.get(QUEUE, {"q": "vattenbrist äldreomsorg"})) == []
    response = client.get(QUEUE, {"q": "!!! ?"})
    assert response.status_code == 200
    assert titles(response) == []


def test_a_forged_filter_is_left_out_not_an_error(client_for, members, mixed, other_kommun):
    foreign = SubscriptionFactory(organization=other_kommun)
    client = client_for(members[Role.SCANNER])
    for params in ({"subscription": foreign.pk}, {"level": "nope"}, {"area": "9" * 30}):
        response = client.get(QUEUE, params)
        assert response.status_code == 200
        assert len(titles(response)) == 2


def test_an_htmx_filter_swaps_only_the_results_and_pushes_the_url(client_for, members, mixed):
    response = client_for(members[Role.SCANNER]).get(QUEUE, {"level": Level.NEAR}, headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert titles(response) == ["Vattenbrist i regionen"]
    assert response["HX-Push-Url"] == f"{QUEUE}?level=near"


def test_an_htmx_filter_offers_to_clear_it_and_an_unfiltered_list_does_not(
    client_for, members, mixed
):
    client = client_for(members[Role.SCANNER])
    filtered = client.get(QUEUE, {"level": Level.NEAR}, headers=HTMX).content.decode()
    assert (
        f'<span id="queue-clear" hx-swap-oob="innerHTML"><a href="{QUEUE}">Clear all filters</a>'
        in filtered
    )
    unfiltered = client.get(QUEUE, headers=HTMX).content.decode()
    assert '<span id="queue-clear" hx-swap-oob="innerHTML"></span>' in unfiltered


def test_filtering_says_in_the_status_region_what_it_found(client_for, members, mixed):
    client = client_for(members[Role.SCANNER])
    by_form = {**HTMX, "HX-Trigger": "queue-filters"}
    found = client.get(QUEUE, {"level": Level.NEAR}, headers=by_form).content.decode()
    assert '<div id="queue-status" hx-swap-oob="innerHTML">' in found
    assert "<p>1 item matches the filters.</p>" in found
    nothing = client.get(QUEUE, {"q": "valfisk"}, headers=by_form).content.decode()
    assert "<p>No items in the queue match these filters.</p>" in nothing
    cleared = client.get(QUEUE, headers=by_form).content.decode()
    assert "<p>The whole queue is shown.</p>" in cleared
    # A page link, or the list refilled after a dismissal, leaves the status region alone
    # (it may hold the dismissal's Undo).
    refilled = client.get(QUEUE, {"level": Level.NEAR}, headers=HTMX).content.decode()
    assert 'id="queue-status"' not in refilled


def test_a_list_swapped_in_by_htmx_sends_its_decisions_back_to_itself(client_for, members, mixed):
    # Promote's Cancel and Save, and Dismiss without JavaScript, return to the filtered list
    # the item was on, not to the unfiltered first page.
    response = client_for(members[Role.SCANNER]).get(QUEUE, {"level": Level.NEAR}, headers=HTMX)
    html = response.content.decode()
    assert f"?next={QUEUE.replace('/', '%2F')}%3Flevel%3Dnear" in html
    assert f'name="next" value="{QUEUE}?level=near"' in html


@pytest.mark.parametrize(
    "forged",
    ["/kungsbacka/scanning/../../admin/", "/kungsbacka/scanning/%2e%2e/%2E%2E/admin/"],
)
def test_a_decision_never_returns_outside_the_queue(client_for, kommun, members, forged):
    waiting = item(kommun, "Ensam")
    response = client_for(members[Role.SCANNER]).post(dismiss_url(waiting), {"next": forged})
    assert response.status_code == 302
    assert response["Location"] == QUEUE


# --- keyset paging ----------------------------------------------------------------------------


def test_older_keeps_the_place_when_items_above_are_dismissed(client_for, kommun, members):
    subscription = SubscriptionFactory(organization=kommun)
    made = [
        item(kommun, f"Nyhet {n:02d}", hours_ago=n + 1, subscription=subscription)
        for n in range(30)
    ]
    client = client_for(members[Role.SCANNER])
    first = client.get(QUEUE)
    assert titles(first) == [f"Nyhet {n:02d}" for n in range(25)]
    older = re.search(r'rel="next" href="([^"]+)"', first.content.decode())[1].replace("&amp;", "&")

    for dismissed in made[:5]:
        client.post(dismiss_url(dismissed))

    second = client.get(older)
    assert titles(second) == [f"Nyhet {n:02d}" for n in range(25, 30)]
    newer = re.search(r'rel="prev" href="([^"]+)"', second.content.decode())[1].replace(
        "&amp;", "&"
    )
    # Everything newer than the page: the top of the queue again, without the dismissed five.
    assert titles(client.get(newer)) == [f"Nyhet {n:02d}" for n in range(5, 30)]


def test_an_older_page_left_empty_says_so_and_leads_back(client_for, kommun, members):
    # Its last items dismissed, or a link kept from long ago: the queue itself is not empty.
    item(kommun, "Ensam")
    response = client_for(members[Role.SCANNER]).get(QUEUE, {"before": "1000-1"})
    html = response.content.decode()
    assert titles(response) == []
    assert "No older items." in html
    assert "every item has been dealt with" not in html
    assert f'href="{QUEUE}"' in html
    newer = re.search(r'rel="prev" href="([^"]+)"', html)[1].replace("&amp;", "&")
    assert titles(client_for(members[Role.SCANNER]).get(newer)) == ["Ensam"]


def test_a_malformed_cursor_shows_the_first_page(client_for, kommun, members):
    item(kommun, "Ensam")
    client = client_for(members[Role.SCANNER])
    for cursor in (
        "x",
        "1-",
        "-1",
        "99999999999999999999999-1",
        "1-" + "9" * 30,
        "9" * 5000 + "-1",
        "1-" + "9" * 5000,
    ):
        response = client.get(QUEUE, {"before": cursor})
        assert response.status_code == 200
        assert titles(response) == ["Ensam"]


# --- the query budget -------------------------------------------------------------------------


def test_the_page_takes_the_same_queries_for_5_and_50_items(
    client_for, kommun, members, feeds, django_assert_max_num_queries
):
    client = client_for(members[Role.SCANNER])
    counts = {}
    for total in (5, 50):
        existing = len(titles(client.get(QUEUE)))
        for n in range(total - existing):
            story = item(kommun, f"Nyhet {total}-{n}", subscription=feeds["skr"])
            TriageItemEntry.objects.create(
                organization=kommun,
                item=story,
                entry=EntryFactory(feed=feeds["region"].feed),
                published_at=story.published_at,
            )
        with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE)
        assert len(titles(response)) == min(total, 25)
        counts[total] = len(queries)
    assert counts[5] == counts[50]


# --- actions ----------------------------------------------------------------------------------


def test_dismiss_without_javascript_redirects_back_with_an_undo_form(client_for, kommun, members):
    story = item(kommun, "Avfärda mig")
    client = client_for(members[Role.SCANNER])
    response = client.post(dismiss_url(story), {"next": f"{QUEUE}?level=near"})
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?level=near"
    story.refresh_from_db()
    assert story.state == TriageState.DISMISSED
    html = client.get(QUEUE).content.decode()
    assert "Dismissed “<bdi>Avfärda mig</bdi>”." in html
    assert f'name="items" value="{story.pk}"' in html
    assert titles(client.get(QUEUE)) == []

    response = client.post(reverse("scanning:undo", args=["kungsbacka"]), {"items": story.pk})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.state == TriageState.NEW


def test_dismiss_with_htmx_removes_the_row_and_offers_undo(client_for, kommun, members):
    story = item(kommun, "Avfärda mig")
    response = client_for(members[Role.SCANNER]).post(dismiss_url(story), headers=HTMX)
    html = response.content.decode()
    assert 'id="queue-status" hx-swap-oob="innerHTML"' in html
    assert "data-undo" in html
    assert "0 items waiting" in html
    assert "queue-item" not in html


def test_a_second_dismissal_is_told_who_was_first(client_for, kommun, members):
    story = item(kommun, "Omstridd")
    client_for(members[Role.EDITOR]).post(dismiss_url(story))
    response = client_for(members[Role.SCANNER]).post(dismiss_url(story), headers=HTMX)
    assert "Editor-kungsbacka already dismissed this item." in response.content.decode()


@pytest.mark.parametrize("htmx", [True, False])
def test_dismissing_an_item_whose_feed_was_removed_meanwhile_says_so(
    client_for, kommun, members, htmx
):
    """The feed's removal lands between the page's read of the item and the dismissal."""
    story = item(kommun, "Borttagen under tiden")
    client = client_for(members[Role.SCANNER])
    removed = right_after_the_first_read(
        TriageItem._meta.db_table,
        lambda: subscription_remove(subscription=story.subscription),
    )
    with connection.execute_wrapper(removed):
        response = client.post(dismiss_url(story), headers=HTMX if htmx else {})
    if not htmx:
        assert response.status_code == 302
        response = client.get(response["Location"])
    assert response.status_code == 200
    assert "This item is no longer in the queue." in response.content.decode()


def test_undoing_a_dismissal_of_an_item_deleted_meanwhile_says_so(client_for, kommun, members):
    """Retention deletes the dismissed item between the page's read of it and the undo."""
    story = item(kommun, "För gammal")
    client = client_for(members[Role.SCANNER])
    client.post(dismiss_url(story))
    deleted = right_after_the_first_read(
        TriageItem._meta.db_table, lambda: TriageItem.objects.filter(pk=story.pk).delete()
    )
    with connection.execute_wrapper(deleted):
        response = client.post(
            reverse("scanning:undo", args=["kungsbacka"]), {"items": story.pk}, headers=HTMX
        )
    assert response.status_code == 200
    assert "This item is no longer in the queue." in response.content.decode()


def test_undo_with_htmx_brings_the_row_back_and_focuses_it(client_for, kommun, members):
    story = item(kommun, "Tillbaka")
    client = client_for(members[Role.SCANNER])
    client.post(dismiss_url(story))
    response = client.post(
        reverse("scanning:undo", args=["kungsbacka"]), {"items": story.pk}, headers=HTMX
    )
    html = response.content.decode()
    assert titles(response) == ["Tillbaka"]
    assert f'data-focus-item="{story.pk}"' in html
    assert "is back in the queue" in html


def test_dismiss_a_selection(client_for, kommun, members, other_kommun):
    keep = item(kommun, "Behåll")
    chosen = [item(kommun, f"Bort {n}") for n in range(3)]
    foreign = item(other_kommun, "Varbergs")
    response = client_for(members[Role.SCANNER]).post(
        reverse("scanning:dismiss_selected", args=["kungsbacka"]),
        {"items": [i.pk for i in chosen] + [foreign.pk, "9" * 30, "x"]},
        headers=HTMX,
    )
    assert titles(response) == ["Behåll"]
    assert "Dismissed 3 items." in response.content.decode()
    for story in chosen:
        story.refresh_from_db()
        assert story.state == TriageState.DISMISSED
    foreign.refresh_from_db()
    keep.refresh_from_db()
    assert foreign.state == keep.state == TriageState.NEW


def test_dismissing_an_item_gone_before_the_request_says_so_to_htmx(client_for, kommun, members):
    gone = item(kommun, "Borttagen med sitt flöde")
    url = dismiss_url(gone)
    gone.delete()
    client = client_for(members[Role.SCANNER])
    response = client.post(url, headers=HTMX)
    # Still a 404 (as for any item not ours), its body the status region's words.
    assert response.status_code == 404
    assert "This item is no longer in the queue." in response.content.decode()
    assert client.post(url).status_code == 404


def test_an_id_past_64_bits_is_404(client_for, members):
    client = client_for(members[Role.SCANNER])
    huge = "9" * 25
    assert client.post(f"/kungsbacka/scanning/items/{huge}/dismiss/").status_code == 404
    assert client.get(f"/kungsbacka/scanning/items/{huge}/promote/").status_code == 404


def test_a_forged_post_for_another_organisations_item_is_404(client_for, members, other_kommun):
    foreign = item(other_kommun, "Varbergs")
    client = client_for(members[Role.SCANNER])
    url = reverse("scanning:dismiss", args=["kungsbacka", foreign.pk])
    assert client.post(url).status_code == 404
    assert (
        client.get(reverse("scanning:promote", args=["kungsbacka", foreign.pk])).status_code == 404
    )
    foreign.refresh_from_db()
    assert foreign.state == TriageState.NEW


def test_actions_answer_get_with_405(client_for, kommun, members):
    story = item(kommun, "Bara POST")
    client = client_for(members[Role.SCANNER])
    assert client.get(dismiss_url(story)).status_code == 405
    for name in ("dismiss_selected", "undo", "shortcuts"):
        assert client.get(reverse(f"scanning:{name}", args=["kungsbacka"])).status_code == 405


@pytest.mark.parametrize("role", [Role.MANAGEMENT, Role.STAFF])
def test_other_roles_cannot_act(client_for, kommun, members, role):
    story = item(kommun, "Inte för dig")
    assert client_for(members[role]).post(dismiss_url(story)).status_code == 403


# --- shortcuts setting ------------------------------------------------------------------------


def test_shortcuts_can_be_turned_off_and_on(client_for, kommun, members):
    item(kommun, "Något")
    client = client_for(members[Role.SCANNER])
    assert 'data-shortcuts="on"' in client.get(QUEUE).content.decode()
    url = reverse("scanning:shortcuts", args=["kungsbacka"])
    assert client.post(url, {"next": QUEUE}).status_code == 302
    assert not ShortcutPreference.objects.get(user=members[Role.SCANNER]).keyboard_shortcuts
    html = client.get(QUEUE).content.decode()
    assert 'data-shortcuts="off"' in html
    assert "Turn them on" in html
    client.post(url, {"keyboard_shortcuts": "on"})
    assert 'data-shortcuts="on"' in client.get(QUEUE).content.decode()
