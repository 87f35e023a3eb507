from django.conf import settings
from django.core.management.base import BaseCommand

from organizations.demo import DEMO_USERS, OTHER_ORGANIZATION, seed_people
from organizations.models import Organization
from signals.catalogue import install_default_catalogue
from signals.demo import seed_signals


class Command(BaseCommand):
    help = "Create or refresh the demo organisation (Kungsbacka kommun (demo)). Safe to run twice."

    def handle(self, *args, **options):
        organization, users = seed_people()
        install_default_catalogue(organization)
        install_default_catalogue(Organization.objects.get(slug=OTHER_ORGANIZATION["slug"]))
        signals_added = seed_signals(organization, users)

        self.stdout.write(self.style.SUCCESS(f"Demo organisation ready: {organization.name}"))
        self.stdout.write(
            f"Signals: {signals_added} demo signals added, "
            f"{organization.signals.count()} in the register."
        )
        self.stdout.write(f"Log in with any of these (password: {settings.SPANING_DEMO_PASSWORD}):")
        for username, first_name, last_name, role in DEMO_USERS:
            self.stdout.write(f"  {username:<8} {first_name} {last_name} – {role.label}")
