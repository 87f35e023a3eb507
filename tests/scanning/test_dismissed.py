"""Dismissed items: the way back to a dismissal made before the last one."""

import pytest
from django.urls import reverse
from django.utils import timezone

from scanning.models import TriageState

from ..factories import EntryFactory, SubscriptionFactory, TriageItemFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def dismissed_url(organization):
    return reverse("scanning:dismissed", args=[organization.slug])


def dismissed_item(organization, title, *, by, minutes_ago):
    subscription = SubscriptionFactory(organization=organization, name="Skolverket")
    return TriageItemFactory(
        organization=organization,
        subscription=subscription,
        entry=EntryFactory(feed=subscription.feed, title=title, link="https://exempel.se/1"),
        state=TriageState.DISMISSED,
        decided_by=by,
        decided_at=timezone.now() - timezone.timedelta(minutes=minutes_ago),
    )


def test_the_latest_dismissals_are_listed_first_with_who_and_when(
    client_for, kommun, other_kommun, members
):
    scanner = members["scanner"]
    dismissed_item(kommun, "Först avfärdad", by=scanner, minutes_ago=30)
    dismissed_item(kommun, "Sist avfärdad", by=members["admin"], minutes_ago=1)
    dismissed_item(other_kommun, "Grannens post", by=None, minutes_ago=1)
    TriageItemFactory(organization=kommun)  # still waiting: not a dismissal

    page = client_for(scanner).get(dismissed_url(kommun)).content.decode()

    assert page.index("Sist avfärdad") < page.index("Först avfärdad")
    assert "Grannens post" not in page
    assert "dismissed by you" in page
    assert page.count("Put back in the queue") == 2


def test_an_item_put_back_waits_in_the_queue_again(client_for, kommun, members):
    item = dismissed_item(kommun, "Ångrad", by=members["scanner"], minutes_ago=5)
    client = client_for(members["scanner"])
    here = dismissed_url(kommun)

    response = client.post(
        reverse("scanning:undo", args=[kommun.slug]), {"items": item.pk, "next": here}, follow=True
    )

    assert response.redirect_chain[-1][0] == here
    assert "“Ångrad” is back in the queue." in response.content.decode()
    item.refresh_from_db()
    assert item.state == TriageState.NEW
    queue = client.get(reverse("scanning:queue", args=[kommun.slug])).content.decode()
    assert "Ångrad" in queue


def test_the_queue_links_to_the_dismissed_items(client_for, kommun, members):
    page = client_for(members["scanner"]).get(reverse("scanning:queue", args=[kommun.slug]))

    assert dismissed_url(kommun) in page.content.decode()


@pytest.mark.parametrize("role", ["staff", "management"])
def test_only_those_who_triage_see_the_dismissed_items(client_for, kommun, members, role):
    assert client_for(members[role]).get(dismissed_url(kommun)).status_code == 403


def test_the_list_takes_a_constant_number_of_queries(
    client_for, kommun, members, django_assert_max_num_queries
):
    client = client_for(members["scanner"])
    client.get(dismissed_url(kommun))
    for n in range(20):
        dismissed_item(kommun, f"Post {n}", by=members["admin"], minutes_ago=n)
    with django_assert_max_num_queries(8):
        client.get(dismissed_url(kommun))
