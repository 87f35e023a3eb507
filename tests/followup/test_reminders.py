"""Three and twelve months after a report is first published, its editors are reminded to
review what came of it: on their start page and by e-mail, once, however often the periodic
task runs; a review of every signal answers the reminder."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from discussions.notification_services import notification_settings_set
from followup import services
from followup.models import Outcome, ReviewReminder
from followup.reminder_services import add_months, milestone, review_reminder_email_send
from followup.tasks import remind_reviews
from organizations.roles import Role

from ..factories import (
    CandidateFactory,
    PublishedReportFactory,
    ReportCycleFactory,
    ReviewReminderFactory,
)
from .conftest import last_month

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PUBLISHED = datetime(2026, 1, 15, 10, 0, tzinfo=STOCKHOLM)


def at(year, month, day, hour=8):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=STOCKHOLM), tick=False)


@pytest.fixture
def published_in_january(report, members):
    report.published_at = PUBLISHED
    report.save()
    for user in members.values():
        user.email = f"{user.username}@kungsbacka.example"
        user.save()
    return report


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the periodic task as beat would, with the e-mails its commit sends."""

    def once() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return remind_reviews.delay().get()

    return once


def test_months_are_calendar_months():
    assert add_months(PUBLISHED, 3) == datetime(2026, 4, 15, 10, 0, tzinfo=STOCKHOLM)
    assert add_months(PUBLISHED, 12) == datetime(2027, 1, 15, 10, 0, tzinfo=STOCKHOLM)
    last_of_may = datetime(2026, 5, 31, 12, tzinfo=STOCKHOLM)
    assert add_months(last_of_may, 3).day == 31
    assert add_months(datetime(2026, 11, 30, tzinfo=STOCKHOLM), 3).date().isoformat() == (
        "2027-02-28"
    )


def test_the_milestone_is_the_latest_reached_and_only_for_a_while():
    def on(*day):
        return milestone(PUBLISHED, datetime(*day, 12, tzinfo=STOCKHOLM))

    assert on(2026, 4, 14) is None
    assert on(2026, 4, 15)[0] == 3
    assert on(2026, 5, 14)[0] == 3
    assert on(2026, 5, 16) is None  # more than 30 days late: let be
    assert on(2027, 1, 20)[0] == 12
    assert on(2027, 3, 1) is None


def test_three_months_on_the_editors_are_reminded_once(
    published_in_january, members, run, settings
):
    settings.SITE_URL = "https://spaning.kungsbacka.se"
    with at(2026, 4, 14):
        assert run() == 0
    with at(2026, 4, 16):
        assert run() == 2
        assert run() == 0  # twice: no more
    reminders = ReviewReminder.objects.order_by("recipient_id")
    assert {r.recipient for r in reminders} == {members["editor"], members["admin"]}
    assert {r.months for r in reminders} == {3}
    assert all(r.emailed_at for r in reminders)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [members["editor"].email, members["admin"].email]
    )
    message = mail.outbox[0]
    month = published_in_january.cycle.month
    assert "Utvärdera vad rapporten" in message.subject
    assert "3 månader" in message.subject
    url = f"https://spaning.kungsbacka.se/kungsbacka/followup/reports/{published_in_january.pk}/"
    assert url in message.body
    assert str(month.year) in message.subject


def test_twelve_months_on_they_are_reminded_again(published_in_january, run):
    with at(2026, 4, 20):
        run()
    with at(2027, 1, 16):
        assert run() == 2
        assert run() == 0
    assert sorted(ReviewReminder.objects.values_list("months", flat=True)) == [3, 3, 12, 12]
    assert len(mail.outbox) == 4


def test_a_report_published_long_ago_is_let_be(published_in_january, run):
    with at(2028, 6, 1):
        assert run() == 0


def test_a_correction_does_not_restart_the_clock(published_in_january, run):
    PublishedReportFactory(
        cycle=published_in_january.cycle,
        version=2,
        published_at=datetime(2026, 3, 1, tzinfo=STOCKHOLM),
    )
    with at(2026, 4, 16):
        assert run() == 2


def test_management_scanners_and_staff_are_not_reminded(published_in_january, members, run):
    with at(2026, 4, 16):
        run()
    reminded = set(ReviewReminder.objects.values_list("recipient__memberships__role", flat=True))
    assert reminded == {Role.EDITOR, Role.ADMIN}


def test_each_organisation_reminds_its_own(published_in_january, other_kommun, other_members, run):
    cycle = ReportCycleFactory(organization=other_kommun, month=last_month(), state="published")
    CandidateFactory(cycle=cycle, decision="in", position=1)
    PublishedReportFactory(cycle=cycle, published_at=PUBLISHED)
    with at(2026, 4, 16):
        assert run() == 4
    for reminder in ReviewReminder.objects.select_related("cycle"):
        assert reminder.recipient.memberships.get().organization_id == reminder.organization_id
        assert reminder.cycle.organization_id == reminder.organization_id


def test_who_turned_e_mails_off_is_reminded_on_the_start_page_only(
    published_in_january, members, run, client_for
):
    notification_settings_set(user=members["editor"], email=False)
    with at(2026, 4, 16):
        run()
    assert [m.to[0] for m in mail.outbox] == [members["admin"].email]
    assert ReviewReminder.objects.filter(recipient=members["editor"]).exists()
    html = client_for(members["editor"]).get("/kungsbacka/").content.decode()
    assert f"/kungsbacka/followup/reports/{published_in_january.pk}/" in html


def test_the_e_mail_task_run_twice_sends_once(published_in_january, members):
    with at(2026, 4, 16):
        reminder = ReviewReminderFactory(
            cycle=published_in_january.cycle, recipient=members["editor"]
        )
        assert review_reminder_email_send(reminder_id=reminder.pk)
        assert not review_reminder_email_send(reminder_id=reminder.pk)
    assert len(mail.outbox) == 1


def test_reviewing_every_signal_answers_the_reminder(
    published_in_january, chosen, members, run, client_for
):
    with at(2026, 4, 16):
        run()
        editor = client_for(members["editor"])
        assert "Utvärdera vad rapporten" in editor.get("/kungsbacka/").content.decode()
        for signal in chosen[:-1]:
            services.reported_signal_review(
                cycle=published_in_january.cycle,
                signal=signal,
                user=members["management"],
                outcome=Outcome.NOT_YET,
            )
        assert not ReviewReminder.objects.filter(done_at__isnull=False).exists()
        services.reported_signal_review(
            cycle=published_in_january.cycle,
            signal=chosen[-1],
            user=members["editor"],
            outcome=Outcome.NOT_AT_ALL,
        )
        assert ReviewReminder.objects.filter(done_at__isnull=True).count() == 0
        assert "Utvärdera vad rapporten" not in editor.get("/kungsbacka/").content.decode()


def test_a_review_before_the_milestone_does_not_answer_it(
    published_in_january, chosen, members, run
):
    with at(2026, 3, 1):
        for signal in chosen:
            services.reported_signal_review(
                cycle=published_in_january.cycle,
                signal=signal,
                user=members["editor"],
                outcome=Outcome.NOT_YET,
            )
    with at(2026, 4, 16):
        run()
        services.reported_signal_review(
            cycle=published_in_january.cycle,
            signal=chosen[0],
            user=members["editor"],
            outcome=Outcome.NOT_YET,
        )
    assert ReviewReminder.objects.filter(done_at__isnull=True).count() == 2


def test_a_done_reminder_is_not_e_mailed(published_in_january, members):
    reminder = ReviewReminderFactory(
        cycle=published_in_january.cycle, recipient=members["editor"], done_at=timezone.now()
    )
    assert not review_reminder_email_send(reminder_id=reminder.pk)
    assert mail.outbox == []


def test_the_beat_schedule_runs_it_daily_expiring_within_the_day(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remind-followup-reviews"]
    assert entry["task"] == "followup.tasks.remind_reviews"
    assert entry["options"]["expires"] < 24 * 60 * 60
