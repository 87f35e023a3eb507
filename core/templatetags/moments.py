"""``{{ moment|ago }}``: how long ago something happened, as a phrase that reads well in both
languages: "just now" rather than "0 minutes ago" in the first minute."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(value: datetime | None) -> str:
    if not value:
        return ""
    if timezone.now() - value < JUST_NOW:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(value)}
