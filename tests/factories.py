"""factory_boy factories for every model, the one way tests make data.

Rows are written straight to the database (fast, and independent of the forms and services),
but a signal is stored the way ``signals.services.signal_create`` stores it: its sources,
trends and tags set, ``search_document`` composed by ``build_search_document`` after them, and
one history record ("+") attributed to ``created_by`` at ``created_at``, and the organisation's
data version raised (so no cached count or filter choice outlives it), so history, search and
list tests read what the write side would have left.

    OrganizationFactory()                       # with the default catalogue (as every real one)
    OrganizationFactory(catalogue=False)        # no areas, trends or driving forces
    MembershipFactory(organization=o, role=Role.EDITOR).user
    SignalFactory(organization=o, area="Digitalisering", trends=[trend], tags=["skola", tag],
                  sources=[("https://skr.se/", "SKR")])  # area and trends also by name
"""

from dataclasses import replace
from datetime import timedelta

import factory
from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory, Password

from discussions.models import Comment, Notification, NotificationKind, Theme, Thread, ThreadKind
from followup.models import Action, ActionKind, ReportedSignal, ReviewReminder
from organizations.models import Membership, Organization
from organizations.roles import Role
from organizations.services import organization_data_changed
from reports.assembly import document_for_cycle
from reports.document import document_to_dict
from reports.models import Candidate, PublishedReport, ReportCycle, Score
from scanning.models import (
    Entry,
    Feed,
    KeywordRule,
    RuleKind,
    Subscription,
    TriageItem,
    TriageItemEntry,
)
from signals.catalogue import install_default_catalogue
from signals.models import Area, AreaWatch, DrivingForce, Level, Signal, Source, Status, Tag, Trend
from signals.services import build_search_document

TEST_PASSWORD = "pw-for-tests"


class OrganizationFactory(DjangoModelFactory):
    """An organisation. ``catalogue=False`` leaves out the default catalogue (SKR's driving
    forces and trends, and the demo's areas); ``catalogue__areas=()`` keeps only the trends."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True

    perspective_name = factory.Sequence(lambda n: f"Testort{n}")
    name = factory.LazyAttribute(lambda o: f"{o.perspective_name} kommun")
    slug = factory.LazyAttribute(lambda o: slugify(o.perspective_name))

    @factory.post_generation
    def catalogue(organization, create, extracted, **kwargs):
        if create and extracted is not False:
            install_default_catalogue(organization, **kwargs)


class UserFactory(DjangoModelFactory):
    """A user who logs in with ``TEST_PASSWORD``, named after the username ("Anna" for "anna")."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"anvandare{n}")
    first_name = factory.LazyAttribute(lambda u: u.username.capitalize())
    password = Password(TEST_PASSWORD)


class MembershipFactory(DjangoModelFactory):
    """A user's accepted role in an organisation; ``pending=True`` for an invitation not yet
    accepted (by logging in)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.SCANNER

    class Params:
        pending = factory.Trait(accepted_at=None)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    organization = factory.SubFactory(OrganizationFactory, catalogue=False)
    name = factory.Sequence(lambda n: f"Testområde {n}")


class AreaWatchFactory(DjangoModelFactory):
    """An area a membership watches; the area is by default a new one of its organisation."""

    class Meta:
        model = AreaWatch

    membership = factory.SubFactory(MembershipFactory)
    organization = factory.SelfAttribute("membership.organization")
    area = factory.SubFactory(AreaFactory, organization=factory.SelfAttribute("..organization"))


class DrivingForceFactory(DjangoModelFactory):
    class Meta:
        model = DrivingForce

    organization = factory.SubFactory(OrganizationFactory, catalogue=False)
    name = factory.Sequence(lambda n: f"Testdrivkraft {n}")


class TrendFactory(DjangoModelFactory):
    class Meta:
        model = Trend

    organization = factory.SubFactory(OrganizationFactory, catalogue=False)
    name = factory.Sequence(lambda n: f"Testtrend {n}")


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag

    organization = factory.SubFactory(OrganizationFactory, catalogue=False)
    name = factory.Sequence(lambda n: f"testtagg {n}")


def _trend(organization, trend: Trend | str) -> Trend:
    if isinstance(trend, str):
        return Trend.objects.get(organization=organization, name=trend)
    return trend


def _tags(organization, tags) -> list[Tag]:
    """Tags as objects or names; a name is the organisation's tag of that name ignoring case
    (as the write side matches them), created if it has none."""
    by_name = {tag.name.casefold(): tag for tag in Tag.objects.filter(organization=organization)}
    resolved = []
    for tag in tags:
        if isinstance(tag, str):
            if tag.casefold() not in by_name:
                by_name[tag.casefold()] = TagFactory(organization=organization, name=tag)
            tag = by_name[tag.casefold()]
        resolved.append(tag)
    return resolved


def _source_fields(source) -> dict:
    """A source given as ``(url, name)`` or as ``signals.services.SourceData``."""
    if isinstance(source, tuple):
        url, name = source
        return {"url": url, "name": name}
    return {"url": source.url, "name": source.name, "published_on": source.published_on}


class SignalFactory(DjangoModelFactory):
    """A signal as the write side stores it (see the module's docstring).

    ``area`` and each of ``trends`` may be an object or a name within the organisation;
    ``tags`` objects or names (missing names are created, as the write side does);
    ``sources`` a list of ``(url, name)`` or ``SourceData``, by default one (SKR).
    """

    class Meta:
        model = Signal
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Signal nummer {n}")
    description = ""
    motivation = "Därför är detta intressant för oss: det påverkar våra verksamheter."
    level = Level.OUTER
    status = Status.LOGGED
    area = None
    created_by = None
    created_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if isinstance(kwargs.get("area"), str):
            kwargs["area"] = Area.objects.get(
                organization=kwargs["organization"], name=kwargs["area"]
            )
        return kwargs

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The one history record is written once everything is set (_after_postgeneration).
        signal = model_class(*args, **kwargs)
        signal.save_without_historical_record()
        return signal

    @factory.post_generation
    def sources(signal, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            extracted = [("https://www.skr.se/", "SKR")]
        for position, source in enumerate(extracted):
            row = Source(signal=signal, position=position, **_source_fields(source))
            row._history_user, row._history_date = signal.created_by, signal.created_at
            row.save()

    @factory.post_generation
    def trends(signal, create, extracted, **kwargs):
        if create and extracted:
            signal.skip_history_when_saving = True
            try:
                signal.trends.set(_trend(signal.organization, trend) for trend in extracted)
            finally:
                del signal.skip_history_when_saving

    @factory.post_generation
    def tags(signal, create, extracted, **kwargs):
        if create and extracted:
            signal.skip_history_when_saving = True
            try:
                signal.tags.set(_tags(signal.organization, extracted))
            finally:
                del signal.skip_history_when_saving

    @classmethod
    def _after_postgeneration(cls, signal, create, results=None):
        """Compose the search document and write the history record, as the write side does."""
        if not create:
            return
        signal.search_document = build_search_document(signal)
        signal._history_user, signal._history_date = signal.created_by, signal.created_at
        signal.save(update_fields=["search_document", "updated_at"])
        del signal._history_user, signal._history_date
        # Written by an update, so simple-history typed it "changed"; it is the creation.
        signal.history.filter(history_type="~").update(history_type="+")
        organization_data_changed(organization_id=signal.organization_id)


class SourceFactory(DjangoModelFactory):
    """One more source of a signal (by default of a new signal with none other). The signal's
    search document is composed again to include it."""

    class Meta:
        model = Source
        skip_postgeneration_save = True

    signal = factory.SubFactory(SignalFactory, sources=[])
    url = factory.Sequence(lambda n: f"https://example.se/artikel-{n}")
    name = factory.Sequence(lambda n: f"Källa {n}")
    position = factory.LazyAttribute(lambda o: o.signal.sources.count() if o.signal.pk else 0)

    @factory.post_generation
    def search_document(source, create, extracted, **kwargs):
        if create:
            signal = source.signal
            signal.search_document = build_search_document(signal)
            Signal.objects.filter(pk=signal.pk).update(search_document=signal.search_document)
            organization_data_changed(organization_id=signal.organization_id)


# --- scanning ----------------------------------------------------------------------------------


class FeedFactory(DjangoModelFactory):
    class Meta:
        model = Feed

    url = factory.Sequence(lambda n: f"https://example.se/flode-{n}.xml")
    title = factory.Sequence(lambda n: f"Flöde {n}")


class EntryFactory(DjangoModelFactory):
    class Meta:
        model = Entry

    feed = factory.SubFactory(FeedFactory)
    key = factory.Sequence(lambda n: f"id:entry-{n}")
    title = factory.Sequence(lambda n: f"Nyhet {n} om kommunens omvärld")
    link = factory.Sequence(lambda n: f"https://example.se/nyheter/{n}")
    canonical_url = factory.LazyAttribute(lambda o: o.link.split(":", 1)[-1])
    title_fingerprint = factory.LazyAttribute(lambda o: o.title.casefold())
    summary_html = "<p>En sammanfattning.</p>"
    summary_text = "En sammanfattning."
    search_document = factory.LazyAttribute(lambda o: f"{o.title}\n{o.summary_text}".lower())
    published_at = factory.LazyFunction(timezone.now)


class SubscriptionFactory(DjangoModelFactory):
    """An organisation following a feed (by default a new one)."""

    class Meta:
        model = Subscription

    organization = factory.SubFactory(OrganizationFactory, catalogue=False)
    feed = factory.SubFactory(FeedFactory)
    name = factory.LazyAttribute(lambda o: o.feed.title or o.feed.url)
    level = Level.OUTER


class KeywordRuleFactory(DjangoModelFactory):
    class Meta:
        model = KeywordRule

    organization = factory.SubFactory(OrganizationFactory, catalogue=False)
    kind = RuleKind.EXCLUDE
    phrase = "sport"


class TriageItemFactory(DjangoModelFactory):
    """An item in an organisation's queue, with its entry (of a feed the organisation
    follows, by default a new subscription) recorded as it would be at ingest."""

    class Meta:
        model = TriageItem
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory, catalogue=False)
    subscription = factory.SubFactory(
        SubscriptionFactory, organization=factory.SelfAttribute("..organization")
    )
    entry = factory.SubFactory(EntryFactory, feed=factory.SelfAttribute("..subscription.feed"))
    published_at = factory.LazyAttribute(lambda o: o.entry.published_at or o.entry.fetched_at)

    @factory.post_generation
    def item_entry(item, create, extracted, **kwargs):
        if create:
            TriageItemEntry.objects.create(
                organization=item.organization,
                item=item,
                entry=item.entry,
                canonical_url=item.entry.canonical_url,
                title_fingerprint=item.entry.title_fingerprint,
                published_at=item.published_at,
            )


class ReportCycleFactory(DjangoModelFactory):
    """A report cycle, open, for the current month by default."""

    class Meta:
        model = ReportCycle

    organization = factory.SubFactory(OrganizationFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))


class CandidateFactory(DjangoModelFactory):
    """A candidate of a cycle; its signal is a new logged signal of the cycle's organisation."""

    class Meta:
        model = Candidate

    cycle = factory.SubFactory(ReportCycleFactory)
    organization = factory.SelfAttribute("cycle.organization")
    signal = factory.SubFactory(
        SignalFactory, organization=factory.SelfAttribute("..cycle.organization")
    )


class ScoreFactory(DjangoModelFactory):
    """One member's score of a candidate (relevance 2, urgency 2 unless given)."""

    class Meta:
        model = Score

    candidate = factory.SubFactory(CandidateFactory)
    organization = factory.SelfAttribute("candidate.organization")
    user = factory.SubFactory(UserFactory)
    relevance = 2
    urgency = 2


class PublishedReportFactory(DjangoModelFactory):
    """A published version of a cycle's report: the cycle's report as it stands, frozen,
    with its PDF not built yet."""

    class Meta:
        model = PublishedReport

    cycle = factory.SubFactory(ReportCycleFactory, state="published")
    organization = factory.SelfAttribute("cycle.organization")
    version = 1
    published_at = factory.LazyFunction(timezone.now)
    document = factory.LazyAttribute(
        lambda report: document_to_dict(
            replace(
                document_for_cycle(report.cycle),
                published_on=timezone.localdate(),
                version=report.version,
            )
        )
    )


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Tema {n}")


class ThreadFactory(DjangoModelFactory):
    """A discussion on a theme of its organisation, unless a report cycle or a signal is given
    (with ``kind`` to match)."""

    class Meta:
        model = Thread

    organization = factory.SubFactory(OrganizationFactory)
    kind = ThreadKind.THEME
    title = factory.Sequence(lambda n: f"Diskussion {n}")
    theme = factory.Maybe(
        factory.LazyAttribute(lambda thread: thread.kind == ThreadKind.THEME),
        yes_declaration=factory.SubFactory(
            ThemeFactory, organization=factory.SelfAttribute("..organization")
        ),
        no_declaration=None,
    )


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Kommentar {n}")


class NotificationFactory(DjangoModelFactory):
    """A mention of ``recipient`` in a comment on ``thread`` (give both)."""

    class Meta:
        model = Notification

    organization = factory.SelfAttribute("thread.organization")
    kind = NotificationKind.MENTION
    comment = factory.SubFactory(CommentFactory, thread=factory.SelfAttribute("..thread"))
    actor = factory.SelfAttribute("comment.author")


class ReportedSignalFactory(DjangoModelFactory):
    """The follow-up of a signal a published report names (give ``cycle`` and ``signal``)."""

    class Meta:
        model = ReportedSignal

    organization = factory.SelfAttribute("cycle.organization")


class ActionFactory(DjangoModelFactory):
    """An action on a reported signal, proposed, due in a fortnight, owned by a department
    unless an ``owner`` is given."""

    class Meta:
        model = Action

    organization = factory.SelfAttribute("reported.organization")
    kind = ActionKind.INVESTIGATION
    title = factory.Sequence(lambda n: f"Åtgärd {n}")
    owner_department = "Förskoleförvaltningen"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class ReviewReminderFactory(DjangoModelFactory):
    class Meta:
        model = ReviewReminder

    organization = factory.SelfAttribute("cycle.organization")
    months = 3
    due_at = factory.LazyFunction(timezone.now)
