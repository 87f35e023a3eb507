"""The demo organisation and its people, for `manage.py seed_demo`."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Membership, Organization
from .roles import Role

DEMO_ORGANIZATION = {
    "slug": "kungsbacka",
    "name": "Kungsbacka kommun (demo)",
    "perspective_name": "Kungsbacka",
}
# A second, unrelated organisation: shows that nothing crosses between municipalities and
# gives the admin an organisation to switch to. Its name sorts after Kungsbacka, so the
# admin starts in Kungsbacka.
OTHER_ORGANIZATION = {
    "slug": "solby",
    "name": "Solby kommun (demo)",
    "perspective_name": "Solby",
}

DEMO_USERS = [
    # username, first name, last name, role
    ("anna", "Anna", "Ekström", Role.EDITOR),
    ("bertil", "Bertil", "Sjöberg", Role.SCANNER),
    ("lena", "Lena", "Holm", Role.MANAGEMENT),
    ("mats", "Mats", "Lindqvist", Role.STAFF),
    ("admin", "Alva", "Admin", Role.ADMIN),
]


@transaction.atomic
def seed_people() -> tuple[Organization, dict]:
    """Create (or reset) the demo organisations and users. Returns the main one and its users."""
    organization = _organization(DEMO_ORGANIZATION)
    other = _organization(OTHER_ORGANIZATION)
    User = get_user_model()
    users = {}
    for username, first_name, last_name, role in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first_name, last_name
        user.email = f"{username}@kungsbacka.example"
        user.is_staff = user.is_superuser = username == "admin"
        user.is_active = True
        user.set_password(settings.SPANING_DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
        users[username] = user
    Membership.objects.update_or_create(
        user=users["admin"], organization=other, defaults={"role": Role.ADMIN}
    )
    return organization, users


def _organization(fields: dict) -> Organization:
    organization, _created = Organization.objects.update_or_create(
        slug=fields["slug"], defaults=fields
    )
    return organization
