from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models import OrganizationOwned


class Area(OrganizationOwned):
    """A field the scanning group watches (bevakningsområde), configurable per organisation."""

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


class DrivingForce(OrganizationOwned):
    """A driving force (drivkraft) above trends: globalisering, demografi, klimat, …"""

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


class Trend(OrganizationOwned):
    """A long-running societal trend a signal is evidence of. SKR's catalogue is the default."""

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


class Tag(OrganizationOwned):
    """A free tag. Created on the fly by scanners, tidied by admins."""

    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organization", name="unique_tag_name_case_insensitive"
            )
        ]

    def __str__(self):
        return self.name


class Level(models.TextChoices):
    """Where a signal comes from. Every signal has exactly one."""

    INNER = "inner", _("Inner world")
    NEAR = "near", _("Near world")
    OUTER = "outer", _("Outer world")

    @property
    def explanation(self):
        return LEVEL_EXPLANATIONS[self]


LEVEL_EXPLANATIONS = {
    Level.INNER: _("Inside our own organisation."),
    Level.NEAR: _("Our region: neighbouring municipalities, the county, the regional bodies."),
    Level.OUTER: _("Sweden, the EU and the world."),
}


class TimeHorizon(models.TextChoices):
    NOW = "now", _("Now")
    SHORT = "1-3", _("1–3 years")
    MEDIUM = "3-10", _("3–10 years")
    LONG = "10+", _("Beyond 10 years")


class Impact(models.IntegerChoices):
    LOW = 1, _("Small")
    MODERATE = 2, _("Moderate")
    HIGH = 3, _("Large")
    VERY_HIGH = 4, _("Very large")


class Certainty(models.IntegerChoices):
    LOW = 1, _("Uncertain")
    MODERATE = 2, _("Fairly certain")
    HIGH = 3, _("Certain")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LOGGED = "logged", _("Logged")
    ARCHIVED = "archived", _("Archived")


# The fields people edit on a signal, in the order they are shown (detail page, history).
# Sources are edited alongside them but live in their own model.
EDITABLE_FIELDS = (
    "title",
    "description",
    "motivation",
    "level",
    "area",
    "trends",
    "tags",
    "time_horizon",
    "impact",
    "certainty",
    "status",
)


class Signal(OrganizationOwned):
    """Something observed that may matter for the organisation, and why it matters here.

    Writes go through ``signals.services`` (which keeps ``search_document`` and ``version``
    right); the audit trail is django-simple-history's ``history``.
    """

    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Plain text or simple Markdown.")
    )
    motivation = models.TextField(_("why this is interesting for us"))
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signals",
        verbose_name=_("area"),
    )
    trends = models.ManyToManyField(
        Trend, blank=True, related_name="signals", verbose_name=_("trends")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="signals", verbose_name=_("tags"))
    time_horizon = models.CharField(
        _("time horizon"), max_length=10, choices=TimeHorizon.choices, blank=True
    )
    impact = models.PositiveSmallIntegerField(
        _("estimated impact"), choices=Impact.choices, null=True, blank=True
    )
    certainty = models.PositiveSmallIntegerField(
        _("certainty"), choices=Certainty.choices, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LOGGED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="signals_logged",
        verbose_name=_("logged by"),
    )
    # When it was logged: settable, because a signal promoted or imported later keeps its date.
    created_at = models.DateTimeField(_("logged"), default=timezone.now, db_index=True)
    # Optimistic locking: a form carries the version it was opened at, and a save against an
    # older version is refused as a conflict instead of overwriting a colleague's change.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Lower-cased text of title, description, motivation, sources and tags: what search reads
    # (PostgreSQL: a Swedish full-text GIN index over it; SQLite: substring matching).
    search_document = models.TextField(blank=True, editable=False)
    # Set when a published report names the signal (signals_share_with_staff): the staff then
    # read it too. Not an edit of the signal, so it is kept out of its history.
    shared_with_staff = models.BooleanField(_("shared with the staff"), default=False)

    history = HistoricalRecords(
        m2m_fields=[trends, tags], excluded_fields=["search_document", "shared_with_staff"]
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        # The list's reads, organisation first. With the id in the date indexes a page's ids
        # come from the index alone (deep pages, see selectors.SignalPage); the level indexes
        # let the counts per level be taken from the index alone. The title sort's index is
        # made by migration 0004, in Swedish collation where PostgreSQL has it.
        indexes = [
            models.Index(fields=["organization", "created_at", "id"], name="signal_org_date"),
            models.Index(
                fields=["organization", "status", "created_at", "id"],
                name="signal_org_status_date",
            ),
            models.Index(fields=["organization", "level"], name="signal_org_level"),
            models.Index(
                fields=["organization", "status", "level"], name="signal_org_status_level"
            ),
            # The list filtered by area and level, newest first, read in the index's order.
            models.Index(
                fields=["organization", "area", "level", "created_at", "id"],
                name="signal_org_area_level_date",
            ),
            # Whether a person logged any signal the member sees (the author filter's choices).
            models.Index(fields=["created_by", "organization", "status"], name="signal_author"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("signals:detail", args=[self.organization.slug, self.pk])


class Source(models.Model):
    """Where a signal was seen. A signal has one or more."""

    signal = models.ForeignKey(
        Signal, on_delete=models.CASCADE, related_name="sources", verbose_name=_("signal")
    )
    url = models.URLField(_("address (URL)"), max_length=2000, blank=True)
    name = models.CharField(_("source"), max_length=200, blank=True)
    published_on = models.DateField(_("published"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", name=""), name="source_has_url_or_name"
            )
        ]

    def __str__(self):
        return self.name or self.url


class AreaWatch(OrganizationOwned):
    """An area a member of the scanning group watches (bevakar): the method gives each member
    their own areas, so that together the group covers them all.

    Owned by the signals app (it points at ``Membership``; ``organizations`` knows nothing of
    areas). Written only by ``watch_services.areas_watched_set``.
    """

    membership = models.ForeignKey(
        "organizations.Membership",
        on_delete=models.CASCADE,
        related_name="area_watches",
        verbose_name=_("member"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="watches", verbose_name=_("area")
    )

    class Meta:
        ordering = ["area__name"]
        verbose_name = _("watched area")
        verbose_name_plural = _("watched areas")
        constraints = [
            models.UniqueConstraint(fields=["membership", "area"], name="unique_area_watch")
        ]

    def __str__(self):
        return f"{self.membership} – {self.area}"


class LevelCount(models.Model):
    """How many signals an organisation has per area, author, status, level and sharing with
    the staff: the list's counts per level, unfiltered or by area or status, and who has logged
    signals (the author filter's choices), read from a few hundred rows at most instead of
    taken from the register (10–30 ms each for 100,000 signals).

    Kept by triggers on the signal table (migration 0011), in the same statement as the write,
    whatever makes it: the services, a bulk load, the admin, a cascade. Python never writes it.
    Not ``OrganizationOwned``: a row is a running figure, not something anyone made or changed.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    # The area's id, 0 for none: a key column without NULLs, so one row per combination on
    # both databases (a NULL would make every row with no area distinct).
    area_key = models.PositiveBigIntegerField()
    author_key = models.PositiveBigIntegerField()  # who logged the signals (``created_by``), or 0
    status = models.CharField(max_length=20, choices=Status.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    shared_with_staff = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "area_key",
                    "author_key",
                    "status",
                    "level",
                    "shared_with_staff",
                ],
                name="unique_level_count",
            )
        ]

    def __str__(self):
        return f"{self.organization_id} {self.area_key} {self.status} {self.level}: {self.n}"


class SearchEntry(models.Model):
    """A signal's stored Swedish vector beside only what the list's visibility and order read
    of the signal (organisation, status, sharing, level, date), on PostgreSQL.

    Ranking a common word (one signal in eight) reads every match's vector: from the signal
    table that was a visit to 7,700 of its pages for 100,000 signals, rows of 850 bytes of
    which the vector is a third; this table holds the same matches in 4,100 pages, and a
    search that only narrows by level or status ranks here (``selectors.search_matches``).

    Kept by triggers on the signal table (migration 0013), in the same statement as the write,
    whatever makes it, like ``LevelCount``; Python never writes it. SQLite has the table but
    leaves it empty: its search is the trigram index (``signals.search``).
    """

    signal = models.OneToOneField(
        Signal, on_delete=models.DO_NOTHING, primary_key=True, related_name="+"
    )
    # Found through the vector's index, never by organisation alone: no index of its own.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    level = models.CharField(max_length=10, choices=Level.choices)
    shared_with_staff = models.BooleanField()
    created_at = models.DateTimeField()
    search_vector = SearchVectorField(null=True)

    def __str__(self):
        return str(self.signal_id)
