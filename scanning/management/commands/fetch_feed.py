"""`manage.py fetch_feed URL [--org SLUG]`: poll one feed now, through the same pipeline as the
Celery task, and say in one line what came of it (for operators, and for trying a feed)."""

import sys

from django.core.management.base import BaseCommand

from organizations.models import Organization
from scanning.feed_admin import feed_for_url, name_from_feed, subscribe_for_command
from scanning.polling import poll_feed


class Command(BaseCommand):
    help = "Fetch one feed now and put its new items in the queues that follow it."

    def add_arguments(self, parser):
        parser.add_argument("url", help="The feed's address (http or https).")
        parser.add_argument(
            "--org", metavar="SLUG", help="Subscribe this organisation to the feed first."
        )

    def handle(self, *args, url, org=None, **options):
        try:
            feed = feed_for_url(url)
        except ValueError as exc:
            self._fail(f"error: {exc}")
        subscription = None
        if org:
            organization = Organization.objects.filter(slug=org).first()
            if organization is None:
                self._fail(f"error: no organisation has the slug {org!r}")
            subscription = subscribe_for_command(organization=organization, feed=feed)
        outcome = poll_feed(feed.pk, force=True)
        if subscription is not None:
            name_from_feed(subscription)
        if outcome.failed:
            self._fail(outcome.line())
        self.stdout.write(outcome.line())

    def _fail(self, line: str):
        # One line, as promised, without Django's "CommandError:" in front; exit status 1.
        self.stderr.write(line)
        sys.exit(1)
