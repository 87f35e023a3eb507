"""`manage.py fetch_feed URL [--org SLUG]`: poll one feed now, through the same pipeline as the
Celery task, and say in one line what came of it (for operators, and for trying a feed)."""

from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from scanning.feed_admin import feed_for_url, subscribe_for_command
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
            raise CommandError(f"error: {exc}") from None
        if org:
            try:
                organization = Organization.objects.get(slug=org)
            except Organization.DoesNotExist:
                raise CommandError(f"error: no organisation has the slug {org!r}") from None
            subscribe_for_command(organization=organization, feed=feed)
        outcome = poll_feed(feed.pk, force=True)
        if outcome.failed:
            raise CommandError(outcome.line())
        self.stdout.write(outcome.line())
