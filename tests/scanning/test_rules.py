"""Keyword rules: adding with a try-out, re-applying to the queue, removing, validation."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from scanning import feed_services as services
from scanning.models import KeywordRule, RuleKind, TriageItem, TriageItemEntry, TriageState
from scanning.triage_services import item_dismiss, item_promote
from signals.models import Level
from signals.services import SourceData

from ..factories import EntryFactory, KeywordRuleFactory, SubscriptionFactory, TriageItemFactory
from ..meanwhile import right_after_the_first_read

pytestmark = pytest.mark.usefixtures("english")


def rules_url(organization):
    return reverse("scanning:rules", args=[organization.slug])


def item(organization, subscription, title, state=TriageState.NEW, days_ago=1):
    when = timezone.now() - timezone.timedelta(days=days_ago)
    return TriageItemFactory(
        organization=organization,
        subscription=subscription,
        entry=EntryFactory(feed=subscription.feed, title=title, published_at=when),
        state=state,
    )


@pytest.fixture
def queue(kommun):
    """Kungsbacka's queue: two feeds, sport and school news, one item promoted, one old."""
    news = SubscriptionFactory(organization=kommun, name="Nyheter")
    sport = SubscriptionFactory(organization=kommun, name="Sport")
    return {
        "news": news,
        "sport": sport,
        "items": [
            item(kommun, news, "Skolan får ny rektor"),
            item(kommun, news, "Sport i skolan på schemat"),
            item(kommun, sport, "Sport: derby i helgen"),
            item(kommun, sport, "Sportlov med skidor"),
            item(kommun, sport, "Sport: cupfinal", state=TriageState.PROMOTED),
            item(kommun, news, "Gammal sport", days_ago=40),
        ],
    }


def test_try_it_counts_what_an_exclude_rule_would_hide(client_for, kommun, members, queue):
    response = client_for(members["scanner"]).post(
        rules_url(kommun), {"kind": "exclude", "phrase": "sport", "try": "1"}
    )
    assert response.status_code == 200
    tryout = response.context["tryout"]
    # Of the four items of the last 30 days not promoted; "Sportlov" is another word.
    assert (tryout.affected, tryout.considered) == (2, 4)
    assert set(tryout.examples) == {"Sport i skolan på schemat", "Sport: derby i helgen"}
    assert "Would hide 2 items of 4 from the last 30 days." in response.content.decode()
    assert not KeywordRule.objects.exists()


def test_try_it_counts_only_what_is_still_the_queues(client_for, kommun, members, queue):
    # A dismissed item has left the queue: a rule would hide nothing more of it. Two items
    # of one title (two feeds telling one story differently) are one example.
    item(kommun, queue["news"], "Sport: derby i helgen")
    item(kommun, queue["news"], "Sport på fritids", state=TriageState.DISMISSED)

    response = client_for(members["scanner"]).post(
        rules_url(kommun), {"kind": "exclude", "phrase": "sport", "try": "1"}
    )

    tryout = response.context["tryout"]
    assert (tryout.affected, tryout.considered) == (3, 5)
    assert tryout.examples == ["Sport: derby i helgen", "Sport i skolan på schemat"]


def test_try_it_says_what_the_rules_there_already_hide(client_for, kommun, members, queue):
    KeywordRuleFactory(organization=kommun, kind=RuleKind.EXCLUDE, phrase="derby")

    response = client_for(members["scanner"]).post(
        rules_url(kommun), {"kind": "exclude", "phrase": "sport", "try": "1"}
    )

    assert (
        "Would hide 1 item of 4 from the last 30 days. It also matches 1 item your other rules "
        "already hide."
    ) in response.content.decode()


def test_try_it_counts_what_an_include_rule_would_keep(client_for, kommun, members, queue):
    response = client_for(members["scanner"]).post(
        rules_url(kommun),
        {"kind": "include", "phrase": "skol*", "subscription": queue["news"].pk, "try": "1"},
    )
    tryout = response.context["tryout"]
    assert (tryout.affected, tryout.considered) == (2, 2)
    assert "Would keep only 2 items of 2 from the last 30 days." in response.content.decode()


def test_try_it_with_htmx_answers_with_the_fragment(client_for, kommun, members, queue):
    response = client_for(members["scanner"]).post(
        rules_url(kommun),
        {"kind": "exclude", "phrase": "derby", "try": "1"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.startswith('<div id="rule-tryout"')
    assert "Would hide 1 item of 4 from the last 30 days." in html
    assert "Sport: derby i helgen" in html
    assert "<h1>" not in html


def test_saving_a_rule_hides_new_items_it_matches(client_for, kommun, members, queue):
    response = client_for(members["scanner"]).post(
        rules_url(kommun), {"kind": "exclude", "phrase": "Sport"}
    )
    assert response.status_code == 302
    states = {i.entry.title: i.state for i in TriageItem.objects.filter(organization=kommun)}
    assert states == {
        "Skolan får ny rektor": TriageState.NEW,
        "Sport i skolan på schemat": TriageState.FILTERED,
        "Sport: derby i helgen": TriageState.FILTERED,
        "Sportlov med skidor": TriageState.NEW,
        "Sport: cupfinal": TriageState.PROMOTED,
        "Gammal sport": TriageState.FILTERED,
    }


def test_deleting_the_rule_brings_the_items_back(client_for, kommun, members, queue):
    rule = services.rule_create(organization=kommun, kind=RuleKind.EXCLUDE, phrase="sport").rule
    assert TriageItem.objects.filter(organization=kommun, state=TriageState.FILTERED).count() == 3
    response = client_for(members["scanner"]).post(
        reverse("scanning:rule_delete", args=[kommun.slug, rule.pk])
    )
    assert response.status_code == 302
    assert not TriageItem.objects.filter(organization=kommun, state=TriageState.FILTERED).exists()
    assert TriageItem.objects.filter(organization=kommun, state=TriageState.PROMOTED).count() == 1


def also_told_by(story, subscription):
    """The story of ``story`` (an item) told by ``subscription``'s feed too: its entry joins
    the item, as at ingest."""
    entry = EntryFactory(
        feed=subscription.feed, title=story.entry.title, published_at=story.entry.published_at
    )
    TriageItemEntry.objects.create(
        organization=story.organization,
        item=story,
        entry=entry,
        canonical_url=entry.canonical_url,
        title_fingerprint=entry.title_fingerprint,
        published_at=story.published_at,
    )


def test_a_feeds_rule_does_not_hide_a_story_another_feed_keeps(kommun, queue):
    story = queue["items"][1]  # "Sport i skolan på schemat", of the news feed
    also_told_by(story, queue["sport"])

    change = services.rule_create(
        organization=kommun, kind=RuleKind.EXCLUDE, phrase="sport", subscription=queue["news"]
    )

    story.refresh_from_db()
    assert story.state == TriageState.NEW
    # The news feed's other sport item has no other feed to keep it.
    assert change.queue == services.Reapplied(hidden=1, restored=0)
    assert TriageItem.objects.get(entry__title="Gammal sport").state == TriageState.FILTERED


def test_a_rule_for_every_feed_hides_the_story_whichever_feed_told_it(kommun, queue):
    story = queue["items"][1]
    also_told_by(story, queue["sport"])
    services.rule_create(
        organization=kommun, kind=RuleKind.EXCLUDE, phrase="skolan", subscription=queue["news"]
    )
    rule = services.rule_create(organization=kommun, kind=RuleKind.EXCLUDE, phrase="skolan").rule
    story.refresh_from_db()
    assert story.state == TriageState.FILTERED

    # Removing the general rule: the sport feed's entry brings the story back.
    assert services.rule_delete(rule=rule) == services.Reapplied(hidden=0, restored=1)
    story.refresh_from_db()
    assert story.state == TriageState.NEW


def test_saving_and_removing_a_rule_say_what_it_did_to_the_queue(
    client_for, kommun, members, queue
):
    client = client_for(members["scanner"])
    response = client.post(rules_url(kommun), {"kind": "exclude", "phrase": "Sport"}, follow=True)
    assert (
        "The rule “Sport” was added. 3 items waiting in the queue are now hidden."
        in response.content.decode()
    )
    rule = KeywordRule.objects.get(organization=kommun)
    response = client.post(
        reverse("scanning:rule_delete", args=[kommun.slug, rule.pk]), follow=True
    )
    assert (
        "The rule “Sport” was removed. 3 hidden items are back in the queue."
        in response.content.decode()
    )
    response = client.post(rules_url(kommun), {"kind": "exclude", "phrase": "valfisk"}, follow=True)
    assert (
        "The rule “valfisk” was added. No item waiting in the queue changed."
        in response.content.decode()
    )


def test_a_rule_contradicting_another_is_refused_in_words(client_for, kommun, members, queue):
    services.rule_create(organization=kommun, kind=RuleKind.EXCLUDE, phrase="skol*")
    client = client_for(members["scanner"])
    for asked in ({}, {"try": "1"}):
        response = client.post(
            rules_url(kommun),
            {"kind": "include", "phrase": "Skol*", "subscription": queue["news"].pk, **asked},
        )
        assert response.status_code == 200
        assert (
            "Together with the rule “Hide items that mention skol*” this one would hide every "
            "item it applies to. Remove that rule first."
        ) in response.content.decode()
    assert KeywordRule.objects.filter(organization=kommun).count() == 1


def test_the_same_phrase_kept_in_one_feed_and_hidden_in_another_is_no_contradiction(kommun, queue):
    services.rule_create(
        organization=kommun, kind=RuleKind.EXCLUDE, phrase="sport", subscription=queue["news"]
    )
    services.rule_create(
        organization=kommun, kind=RuleKind.INCLUDE, phrase="sport", subscription=queue["sport"]
    )
    assert KeywordRule.objects.filter(organization=kommun).count() == 2


def test_a_feeds_rule_applies_to_that_feed_only(kommun, queue):
    services.rule_create(
        organization=kommun, kind=RuleKind.INCLUDE, phrase="derby", subscription=queue["sport"]
    )
    filtered = TriageItem.objects.filter(organization=kommun, state=TriageState.FILTERED)
    assert {i.entry.title for i in filtered} == {"Sportlov med skidor"}


def test_reapplying_leaves_other_organisations_alone(kommun, other_kommun, queue):
    theirs = TriageItemFactory(
        organization=other_kommun, entry__title="Sport för alla", state=TriageState.NEW
    )
    services.rule_create(organization=kommun, kind=RuleKind.EXCLUDE, phrase="sport")
    theirs.refresh_from_db()
    assert theirs.state == TriageState.NEW


def test_the_list_shows_general_and_per_feed_rules(client_for, kommun, other_kommun, members):
    feed = SubscriptionFactory(organization=kommun, name="Regeringen")
    KeywordRuleFactory(organization=kommun, phrase="fotboll")
    KeywordRuleFactory(organization=kommun, subscription=feed, kind="include", phrase="skola")
    KeywordRuleFactory(organization=other_kommun, phrase="varbergsregel")
    response = client_for(members["scanner"]).get(rules_url(kommun))
    assert [r.phrase for r in response.context["general"]] == ["fotboll"]
    assert [r.phrase for r in response.context["per_feed"]] == ["skola"]
    page = response.content.decode()
    assert "Regeringen" in page and "varbergsregel" not in page


@pytest.mark.parametrize(
    ("phrase", "error"),
    [
        ("   ", "This field is required."),
        ("*", "Write a word or phrase."),
        ("\u202e\u2066", "Write a word or phrase."),
        ("x" * 201, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_a_phrase_must_be_words(client_for, kommun, members, phrase, error):
    response = client_for(members["scanner"]).post(
        rules_url(kommun), {"kind": "exclude", "phrase": phrase}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phrase"] == [error]
    assert not KeywordRule.objects.exists()


def test_a_refused_rule_is_explained_once_by_the_form_and_once_by_try_it(
    client_for, kommun, members
):
    client = client_for(members["scanner"])
    page = client.post(rules_url(kommun), {"kind": "exclude", "phrase": "*"}).content.decode()
    # The summary at the top of the form and the field: not a third time below it.
    assert page.count("Write a word or phrase.") == 2
    fragment = client.post(
        rules_url(kommun),
        {"kind": "exclude", "phrase": "*", "try": "1"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert fragment.count("Write a word or phrase.") == 1


def test_bidi_controls_are_stripped_from_a_phrase(kommun):
    rule = services.rule_create(organization=kommun, kind="exclude", phrase="sk\u202eola").rule
    assert rule.phrase == "skola"


def test_the_same_rule_twice_is_refused(kommun):
    services.rule_create(organization=kommun, kind="exclude", phrase="Skola")
    with pytest.raises(services.ValidationError) as refused:
        services.rule_create(organization=kommun, kind="exclude", phrase="skola")
    with translation.override("en"):
        assert refused.value.message_dict["phrase"] == ["This rule exists already."]


def test_a_forged_feed_of_another_organisation_is_not_a_valid_choice(
    client_for, kommun, other_kommun, members
):
    theirs = SubscriptionFactory(organization=other_kommun)
    response = client_for(members["scanner"]).post(
        rules_url(kommun), {"kind": "exclude", "phrase": "sport", "subscription": theirs.pk}
    )
    assert "subscription" in response.context["form"].errors
    assert not KeywordRule.objects.exists()


def test_deleting_another_organisations_rule_is_not_found(
    client_for, kommun, other_kommun, members
):
    rule = KeywordRuleFactory(organization=other_kommun)
    url = reverse("scanning:rule_delete", args=[kommun.slug, rule.pk])
    assert client_for(members["admin"]).post(url).status_code == 404
    assert KeywordRule.objects.filter(pk=rule.pk).exists()


def test_the_rules_page_takes_a_constant_number_of_queries(
    client_for, kommun, members, django_assert_max_num_queries
):
    client = client_for(members["scanner"])
    client.get(reverse("start", args=[kommun.slug]))
    for n in range(15):
        feed = SubscriptionFactory(organization=kommun)
        KeywordRuleFactory(organization=kommun, subscription=feed, phrase=f"ord{n}")
        KeywordRuleFactory(organization=kommun, phrase=f"allmänt{n}")
    with django_assert_max_num_queries(7):
        response = client.get(rules_url(kommun))
    assert len(response.context["per_feed"]) == 15


def test_a_decision_made_while_the_rules_are_reapplied_stands(kommun, members, queue):
    """A scanner dismisses and promotes items a new rule matches, between the rules' read of
    the queue and their write: what the scanner decided is what stays."""
    dismissed, promoted = queue["items"][1], queue["items"][2]

    def scanner_decides():
        item_dismiss(item=dismissed, user=members["scanner"])
        item_promote(
            item=promoted,
            user=members["scanner"],
            title="Derby i helgen",
            motivation="Publiken behöver en plan.",
            level=Level.OUTER,
            sources=[SourceData(url="https://example.se/derby", name="Sport")],
        )

    table = TriageItem._meta.db_table
    with connection.execute_wrapper(right_after_the_first_read(table, scanner_decides)):
        services.rule_create(organization=kommun, kind="exclude", phrase="sport")
    assert TriageItem.objects.get(pk=dismissed.pk).state == TriageState.DISMISSED
    promoted = TriageItem.objects.get(pk=promoted.pk)
    assert promoted.state == TriageState.PROMOTED and promoted.signal is not None
    # The sport item nobody decided is hidden.
    assert TriageItem.objects.get(pk=queue["items"][5].pk).state == TriageState.FILTERED
