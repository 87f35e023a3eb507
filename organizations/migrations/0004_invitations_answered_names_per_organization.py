import django.utils.timezone
from django.db import migrations, models

# An account created by an invitation used to take the name its admin typed: the first
# organisation to invite an address named the person for every organisation. A name is now the
# person's own, so such names go back to the memberships, which keep them as typed.
SAME_REQUEST = 60  # seconds between creating the account and its first membership


def return_typed_names(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Membership = apps.get_model("organizations", "Membership")
    first_of_user = {}
    for user_id, pk in Membership.objects.order_by("pk").values_list("user_id", "pk"):
        first_of_user.setdefault(user_id, pk)
    invitations = Membership.objects.filter(pk__in=first_of_user.values()).exclude(
        invited_email=""
    )
    for membership in invitations.select_related("user"):
        user = membership.user
        created_by_it = (
            abs((membership.created_at - user.date_joined).total_seconds()) < SAME_REQUEST
        )
        named_by_it = f"{user.first_name} {user.last_name}".strip() == membership.invited_name
        if created_by_it and named_by_it and membership.invited_name:
            User.objects.filter(pk=user.pk).update(first_name="", last_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0003_organization_owned"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterField(
            model_name="membership",
            name="accepted_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                help_text="Empty while the invitation is pending: until the person accepts it.",
                null=True,
                verbose_name="accepted",
            ),
        ),
        migrations.RunPython(return_typed_names, migrations.RunPython.noop),
    ]
