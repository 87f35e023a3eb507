"""The demo's discussions for `manage.py seed_demo`: one on last month's published report and
one on the theme of this year's theme day, as Kungsbacka's staff might have talked.

Everything goes through the services, so counts, latest activity and notifications are as in
real use: Anna's reply mentions Mats, who finds one unread notification when he logs in, and
Bertil's reply to Lena tells her. The theme discussion is opened first, so the report's is
the newest one the staff start page points to; Mats follows the theme afterwards (he hears of
its next discussion, not of this one).

A discussion is seeded once, with its comments: running it again leaves a discussion that is
already there as it is, whatever the demo users have done in it since.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import formats, timezone, translation

from organizations.models import Membership, Organization
from reports.demo import DEMO_BASE_URL
from reports.models import PublishedReport

from .comment_services import comment_post
from .models import Comment, Notification, Thread
from .services import existing_thread, theme_follow, thread_open
from .visibility import visible_threads

DEMO_THEME = "Smarta städer"


@dataclass(frozen=True)
class DemoComment:
    by: str  # demo username
    body: str
    # The earlier comment (by its place in the list) this one replies to.
    reply_to: int | None = None


@dataclass(frozen=True)
class DemoThread:
    by: str
    title: str
    body: str
    comments: tuple[DemoComment, ...]


REPORT_BODY = """\
Månadens rapport lyfter sju signaler, från SKR:s svagare prognos till värmeböljorna på \
våra äldreboenden. Nu vill vi höra från er som möter dem i vardagen.

Känner ni i förskolan igen bilden av färre barn men fortsatt brist på förskollärare? Och \
vad skulle ni i vård och omsorg behöva för att klara en värmebölja i sommar?"""

REPORT_COMMENTS = (
    DemoComment(
        "mats",
        "Jag arbetar på en förskola i de norra kommundelarna och vi märker redan att "
        "barngrupperna blir mindre. Ändå har två av våra förskollärartjänster stått "
        "vakanta sedan i höstas.\n\n"
        "Förslaget att barnskötare ska kunna utbilda sig med lön låter bra. Finns det en "
        "plan för när det kan starta?",
    ),
    DemoComment(
        "lena",
        "Tack för en tydlig rapport. SKR:s prognos tar vi med till ledningsgruppens "
        "budgetdag, och jag har bett ekonomichefen räkna på vad den betyder för "
        "investeringsplanen.\n\n"
        "Jag skulle gärna höra från fastighet och vård och omsorg om värmeböljorna: hur många "
        "av våra äldreboenden saknar kyla i dag?",
    ),
    DemoComment(
        "anna",
        "@mats Tack, det är precis den sortens erfarenhet rapporten behöver. HR tar fram en "
        "modell för studier med lön till hösten, och vi tar med er förskola som exempel när "
        "vi följer upp signalen på nästa möte.",
        reply_to=0,
    ),
    DemoComment(
        "bertil",
        "Enligt fastighetsförvaltningens inventering från i fjol saknar fyra av elva "
        "äldreboenden komfortkyla. Jag loggar det som en signal i invärlden, så följer vi "
        "upp det i nästa månads rapport.",
        reply_to=1,
    ),
)

THEME_THREAD = DemoThread(
    by="bertil",
    title="Vad ska en smart stad betyda för Kungsbacka?",
    body=(
        "Årets omvärldsdag handlar om smarta städer. Innan dagen vill vi samla era tankar: "
        "var kan sensorer, öppna data och digitala tjänster göra verklig nytta hos oss, och "
        "var är riskerna störst?\n\n"
        "Signalerna om AI i handläggningen och om lokala energigemenskaper är en bra början."
    ),
    comments=(
        DemoComment(
            "lena",
            "Jag vill att vi börjar i invånarnas vardag snarare än i tekniken: "
            "parkering och kollektivtrafik i stadskärnan är det man frågar oss mest om.",
        ),
        DemoComment(
            "anna",
            "Håller med. Glöm inte tillgängligheten: en smart tjänst som inte fungerar med "
            "skärmläsare är inte smart för alla. Lagkraven gäller redan våra e-tjänster.",
            reply_to=0,
        ),
    ),
)


def _report_thread(published: PublishedReport) -> DemoThread:
    with translation.override("sv"):
        month = formats.date_format(published.cycle.month, "F Y")
    return DemoThread(
        by="anna",
        title=f"Omvärldsrapporten för {month}: vad betyder den för oss?",
        body=REPORT_BODY,
        comments=REPORT_COMMENTS,
    )


def _memberships(organization: Organization) -> dict[str, Membership]:
    memberships = Membership.objects.filter(
        organization=organization, accepted_at__isnull=False
    ).select_related("organization", "user")
    return {membership.user.get_username(): membership for membership in memberships}


def _comment(members: dict[str, Membership], thread: Thread, demo: DemoThread) -> None:
    posted: list[Comment | None] = []
    for comment in demo.comments:
        membership = members.get(comment.by)
        parent = posted[comment.reply_to] if comment.reply_to is not None else None
        if membership is None or (comment.reply_to is not None and parent is None):
            posted.append(None)
            continue
        posted.append(
            comment_post(
                membership=membership,
                thread=thread,
                body=comment.body,
                parent=parent,
                base_url=DEMO_BASE_URL,
            )
        )


@transaction.atomic
def seed_discussions(organization: Organization, published: PublishedReport | None) -> int:
    """Open the demo's theme discussion and the discussion of ``published`` (last month's
    report), each with its comments, unless it is there already. Returns how many were
    opened."""
    members = _memberships(organization)
    opened = _seed_theme_thread(members)
    if published is not None:
        opened += _seed_report_thread(members, published)
    return opened


def _seed_theme_thread(members: dict[str, Membership]) -> int:
    opener = members.get(THEME_THREAD.by)
    if opener is None:
        return 0
    there = visible_threads(opener).filter(theme__name__iexact=DEMO_THEME, title=THEME_THREAD.title)
    if there.exists():
        return 0
    thread = thread_open(
        membership=opener,
        title=THEME_THREAD.title,
        body=THEME_THREAD.body,
        theme_name=DEMO_THEME,
        base_url=DEMO_BASE_URL,
    )
    _comment(members, thread, THEME_THREAD)
    _backdate(thread, THEME_THREAD_AGES)
    if "mats" in members and thread.theme is not None:
        # After the opening, so that his one unread notification is Anna's mention.
        theme_follow(membership=members["mats"], theme=thread.theme)
    return 1


# How long ago the theme discussion was opened and each of its comments posted: it started
# before the theme day, days ago. (The report's discussion starts when the demo publishes the
# report, so it is as new as the seeding.)
THEME_THREAD_AGES = (timedelta(days=3, hours=2), timedelta(days=2, hours=5), timedelta(days=1))


def _backdate(thread: Thread, ages: tuple[timedelta, ...]) -> None:
    """Move the thread's opening (the first age) and its comments (the next ones), with what
    they notified, back in time, as if they had been written over the last days."""
    now = timezone.now()
    comments = list(Comment.objects.filter(thread=thread).order_by("created_at", "pk"))
    opened, *later = (now - age for age in ages)
    latest = opened
    for comment, when in zip(comments, later, strict=False):
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        Notification.objects.filter(comment=comment).update(created_at=when)
        latest = when
    Thread.objects.filter(pk=thread.pk).update(created_at=opened, last_activity_at=latest)
    Notification.objects.filter(thread=thread, comment__isnull=True).update(created_at=opened)


def _seed_report_thread(members: dict[str, Membership], published: PublishedReport) -> int:
    demo = _report_thread(published)
    opener = members.get(demo.by)
    if opener is None or existing_thread(report_cycle=published.cycle) is not None:
        return 0
    thread = thread_open(
        membership=opener,
        title=demo.title,
        body=demo.body,
        report_cycle=published.cycle,
        base_url=DEMO_BASE_URL,
    )
    _comment(members, thread, demo)
    return 1
