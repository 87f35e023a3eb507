"""`manage.py seed_demo`: a ready demo, safe to run again, that says how to log in."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from organizations.models import Membership, Organization
from scanning.models import Entry, Feed, Subscription, TriageItem, TriageState
from signals.models import Area, Trend

DEMO_LOGINS = {
    "anna": "editor",
    "bertil": "scanner",
    "lena": "management",
    "mats": "staff",
    "admin": "admin",
}


@pytest.fixture(autouse=True)
def _development(settings):
    """seed_demo is a development command: DEBUG is on where it runs (pytest turns it off)."""
    settings.DEBUG = True


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "organisations": Organization.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        **{
            f"areas in {o.slug}": Area.objects.filter(organization=o).count()
            for o in Organization.objects.all()
        },
        **{
            f"trends in {o.slug}": Trend.objects.filter(organization=o).count()
            for o in Organization.objects.all()
        },
    }


@pytest.mark.django_db
def test_seeding_creates_the_demo_organisations_people_and_catalogue():
    seed()

    assert counts() == {
        "organisations": 2,
        "users": 5,
        # Everyone in Kungsbacka, and the admin in Solby too.
        "memberships": 6,
        # The default catalogue's six, and in Kungsbacka the demo's Kultur och fritid.
        "areas in kungsbacka": 7,
        "areas in solby": 6,
        "trends in kungsbacka": 10,
        "trends in solby": 10,
    }
    kungsbacka = Organization.objects.get(slug="kungsbacka")
    roles = dict(
        Membership.objects.filter(organization=kungsbacka).values_list("user__username", "role")
    )
    assert roles == DEMO_LOGINS


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    seed()
    first = counts()

    seed()

    assert counts() == first


@pytest.mark.django_db
def test_seeding_prints_every_login_and_the_password():
    output = seed()

    assert "spaning-demo" in output
    for username in DEMO_LOGINS:
        assert f"  {username} " in output


@pytest.mark.django_db(transaction=True)
def test_seeding_speaks_english_on_the_console(settings, tmp_path):
    """The default language is Swedish, but the console is a developer's: no "PDF Klar".
    (Committed for real, as in `make run`, so the PDF is built before the command reports.)"""
    from reports.pdf import pdf_available

    settings.MEDIA_ROOT = str(tmp_path)
    output = seed()

    state = "ready" if pdf_available() else "failed"
    assert f"Report: last month's is published (version 1, PDF {state})." in output
    assert "  anna     Anna Ekström – Editor" in output
    for swedish in ("Klar", "Redaktör", "Ledning"):
        assert swedish not in output


@pytest.mark.django_db
def test_seeding_again_resets_what_the_demo_users_changed():
    seed()
    anna = get_user_model().objects.get(username="anna")
    anna.set_password("something-else")
    anna.is_active = False
    anna.save()
    Membership.objects.filter(user=anna).update(role="staff")

    seed()

    anna.refresh_from_db()
    assert anna.check_password("spaning-demo")
    assert anna.is_active
    assert Membership.objects.get(user=anna).role == "editor"


@pytest.mark.django_db
def test_seeding_keeps_what_admins_added():
    seed()
    kungsbacka = Organization.objects.get(slug="kungsbacka")
    Area.objects.create(organization=kungsbacka, name="Besöksnäring")

    seed()

    # The six of the default catalogue, the demo's Kultur och fritid (overview.demo), and hers.
    assert Area.objects.filter(organization=kungsbacka).count() == 8


@pytest.mark.django_db
def test_every_demo_user_can_log_in_with_the_demo_password():
    seed()  # once: seeding is the expensive part, and every login reads the same demo

    for username in DEMO_LOGINS:
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": "spaning-demo"}
        )

        assert response.status_code == 302, username
        assert client.get("/", follow=True).status_code == 200, username


@pytest.mark.django_db
def test_with_debug_off_seeding_refuses_and_changes_nothing(settings):
    """A production database must not get a superuser `admin` with a published password."""
    settings.DEBUG = False
    admin = get_user_model().objects.create_user("admin", password="the-real-one")

    with pytest.raises(CommandError, match="DEBUG is off") as refused:
        seed()

    assert "--force" in str(refused.value)
    admin.refresh_from_db()
    assert admin.check_password("the-real-one")
    assert not admin.is_superuser
    assert counts() == {"organisations": 0, "users": 1, "memberships": 0}


@pytest.mark.django_db
def test_with_debug_off_force_seeds_a_demo_installation(settings):
    settings.DEBUG = False
    out = io.StringIO()

    call_command("seed_demo", "--force", stdout=out)

    assert "Demo organisation ready" in out.getvalue()
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("spaning-demo")
    assert admin.is_superuser


@pytest.mark.django_db
def test_the_demo_queue_is_full_from_the_bundled_feeds_without_internet():
    seed()
    kungsbacka = Organization.objects.get(slug="kungsbacka")
    waiting = TriageItem.objects.filter(organization=kungsbacka, state=TriageState.NEW)
    assert waiting.count() > 50
    assert Subscription.objects.filter(organization=kungsbacka).count() == 6
    # Fresh whenever seeded: the newest item is from the last day.
    assert waiting.order_by("-published_at").first().published_at > timezone.now() - timedelta(
        days=1
    )
    # The latin-1 file comes out as Swedish, and the same story from two feeds is one item.
    assert (
        Entry.objects.filter(title__contains="Länsstyrelsen").exists()
        or Entry.objects.filter(feed__url__contains="lansstyrelsen", title__regex="[åäö]").exists()
    )
    assert (
        TriageItem.objects.filter(organization=kungsbacka).count()
        < Entry.objects.filter(feed__subscriptions__organization=kungsbacka).count()
    )
    # Solby follows one of the same feeds: no second Feed, its own queue.
    assert Feed.objects.count() == 6
    assert TriageItem.objects.filter(organization__slug="solby").exists()

    queue = (Entry.objects.count(), TriageItem.objects.count())
    seed()
    assert (Entry.objects.count(), TriageItem.objects.count()) == queue


def discussion_counts() -> dict:
    from discussions.models import Comment, Notification, Theme, ThemeFollow, Thread

    return {
        "themes": Theme.objects.count(),
        "threads": Thread.objects.count(),
        "comments": Comment.objects.count(),
        "notifications": Notification.objects.count(),
        "follows": ThemeFollow.objects.count(),
    }


@pytest.mark.django_db
def test_the_demo_discusses_last_months_report_and_the_theme_day_once(client):
    from discussions.models import Comment, Thread, ThreadKind
    from discussions.selectors import latest_threads
    from reports.models import PublishedReport

    seed()

    kungsbacka = Organization.objects.get(slug="kungsbacka")
    published = PublishedReport.objects.get(organization=kungsbacka)
    report_thread = Thread.objects.get(kind=ThreadKind.REPORT)
    assert report_thread.report_cycle_id == published.cycle_id
    assert report_thread.opened_by.username == "anna"
    comments = list(Comment.objects.filter(thread=report_thread).select_related("author"))
    assert {c.author.username for c in comments} >= {"mats", "lena", "anna"}
    assert report_thread.comment_count == len(comments)
    [answer] = [c for c in comments if c.author.username == "anna"]
    assert answer.parent.author.username == "mats"
    assert list(answer.mentions.values_list("username", flat=True)) == ["mats"]

    theme_thread = Thread.objects.get(kind=ThreadKind.THEME)
    assert theme_thread.theme.name == "Smarta städer"
    assert theme_thread.opened_by.username == "bertil"
    assert Comment.objects.filter(thread=theme_thread).exists()
    assert theme_thread.theme.followers.filter(username="mats").exists()

    # Mats's start page leads to the report's discussion, and his bell shows Anna's mention.
    mats = Membership.objects.select_related("organization", "user").get(
        organization=kungsbacka, user__username="mats"
    )
    assert latest_threads(mats)[0] == report_thread
    client.force_login(mats.user)
    page = client.get("/kungsbacka/").content.decode()
    assert f"/kungsbacka/discussions/{report_thread.pk}/" in page
    assert 'class="notifications-link__count">1<' in page

    first = discussion_counts()
    seed()
    assert discussion_counts() == first
