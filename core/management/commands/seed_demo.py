from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from analysis.demo import seed_trend_analyses
from discussions.demo import seed_discussions
from discussions.models import Thread
from followup.demo import seed_followup
from organizations.demo import DEMO_USERS, OTHER_ORGANIZATION, seed_people
from organizations.models import Organization
from overview.demo import seed_history
from reports.demo import seed_cycle, seed_published_report
from scanning.demo import seed_feeds
from signals.catalogue import install_default_catalogue
from signals.demo import seed_signals, seed_watches
from signals.models import Signal


class Command(BaseCommand):
    help = (
        "Create or refresh the demo organisation (Kungsbacka kommun (demo)). Safe to run twice. "
        "Resets the demo users' passwords and makes `admin` a superuser, so with DEBUG off it "
        "refuses unless given --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (a demo installation run in production mode).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a production database. seed_demo would set "
                "the password of the users anna, bertil, lena, mats and admin to "
                f"{settings.SPANING_DEMO_PASSWORD!r} and make admin a superuser. "
                "Nothing was changed. If this really is a demo installation, run "
                "`manage.py seed_demo --force`."
            )
        organization, users = seed_people()
        install_default_catalogue(organization)
        install_default_catalogue(Organization.objects.get(slug=OTHER_ORGANIZATION["slug"]))
        signals_added = seed_signals(organization, users)
        signals_added += seed_history(organization, users)
        seed_watches(organization)
        entries_added = seed_feeds(organization)
        # Solby follows one of the same feeds: one fetch serves both organisations.
        seed_feeds(
            Organization.objects.get(slug=OTHER_ORGANIZATION["slug"]), only=("skr-nyheter.rss",)
        )

        published = seed_published_report(organization, users)
        actions_added = seed_followup(published, users)
        candidates = seed_cycle(organization, users)
        discussions_opened = seed_discussions(organization, published)
        # After the follow-up: last year's analysis records what came of the reported signals.
        analysis, _year_signals = seed_trend_analyses(organization, users)

        if published is not None:
            published.refresh_from_db()  # the PDF was built after the publishing committed
        # The console speaks English (the labels below are translated, and the default
        # language is Swedish); what was seeded stays as the services wrote it.
        with translation.override("en"):
            self._report(
                organization,
                signals_added,
                published,
                candidates,
                entries_added,
                discussions_opened,
                actions_added,
                analysis,
            )

    def _report(
        self,
        organization,
        signals_added,
        published,
        candidates,
        entries_added,
        discussions_opened,
        actions_added,
        analysis,
    ):
        self.stdout.write(self.style.SUCCESS(f"Demo organisation ready: {organization.name}"))
        self.stdout.write(
            f"Signals: {signals_added} demo signals added, "
            f"{Signal.objects.filter(organization=organization).count()} in the register."
        )
        if published is not None:
            self.stdout.write(
                f"Report: last month's is published (version {published.version}, "
                f"PDF {published.get_pdf_state_display().lower()})."
            )
        self.stdout.write(f"Report: this month's cycle is open with {candidates} candidates.")
        self.stdout.write(
            f"Discussions: {discussions_opened} demo discussions opened, "
            f"{Thread.objects.filter(organization=organization).count()} in the forum."
        )
        self.stdout.write(f"Follow-up: {actions_added} demo actions added to last month's report.")
        if analysis is not None:
            self.stdout.write(
                f"Trend analysis: {analysis.title} is published (PDF on its page); "
                "this year's is begun."
            )
        self.stdout.write(f"Feeds: {entries_added} new entries from the bundled sample feeds.")
        self.stdout.write(f"Log in with any of these (password: {settings.SPANING_DEMO_PASSWORD}):")
        for username, first_name, last_name, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {first_name} {last_name} – {role.label}")
