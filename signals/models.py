from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization


class Area(models.Model):
    """A field the scanning group watches (bevakningsområde), configurable per organisation."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="areas", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_area_name")
        ]

    def __str__(self):
        return self.name


class DrivingForce(models.Model):
    """A driving force (drivkraft) above trends: globalisering, demografi, klimat, …"""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="driving_forces",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("driving force")
        verbose_name_plural = _("driving forces")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="unique_driving_force_name"
            )
        ]

    def __str__(self):
        return self.name


class Trend(models.Model):
    """A long-running societal trend a signal is evidence of. SKR's catalogue is the default."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="trends", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    driving_force = models.ForeignKey(
        DrivingForce,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trends",
        verbose_name=_("driving force"),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trend")
        verbose_name_plural = _("trends")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_trend_name")
        ]

    def __str__(self):
        return self.name
