"""Every form of the product, sent what an attacker or a broken client sends, answers without
a 500: the organisation's pages are walked from the URL configuration (like
test_url_access.py), so a new view is covered the day it is added, and so are the pages
outside the organisations (signing in, the person's own account, the language switch).

Each role posts (and gets) a set of malformed bodies to every page under /<organisation>/:
empty, without the sources' management form, huge, negative and non-numeric ids, overlong
text, NUL bytes, bidirectional controls, JSON, URL-encoded and multipart bodies, and repeated
keys. A role without access gets its 403 or 404; what matters is that nobody gets a 500.
"""

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from analysis.forms import AnalysisForm, InputForm, MergeForm, NewTrendForm, StartForm
from analysis.forms import TrendForm as AnalysisTrendForm
from analysis.models import AnalysisInput, AnalysisTrend
from analysis.services import analysis_start
from discussions.forms import CommentForm, HideForm, ThemeThreadForm
from followup.forms import NewActionForm, QuestionsForm, ReviewForm, StatusForm
from organizations.forms import MemberAddForm, MembershipRoleForm
from organizations.models import Membership
from organizations.roles import Role
from organizations.services import membership_add
from scanning.queue_forms import QueueFilterForm, ShortcutForm
from signals.forms import SignalForm, SourceForm
from signals.models import Area, Trend
from signals.taxonomy_forms import AreaForm, DrivingForceForm, TagForm, TagMergeForm, TrendForm
from signals.views.browse import SignalFilterForm

from .factories import (
    ActionFactory,
    CandidateFactory,
    CommentFactory,
    DrivingForceFactory,
    KeywordRuleFactory,
    NotificationFactory,
    PublishedReportFactory,
    ReportCycleFactory,
    ReportedSignalFactory,
    SubscriptionFactory,
    TagFactory,
    ThreadFactory,
    TriageItemFactory,
)
from .test_url_access import product_views, walk

HUGE = "9999999999999999999999999"
# Longer than int() converts (4,300 digits): a ValueError, where HUGE is only out of range.
ENDLESS = "9" * 5_000
MANAGEMENT_FORM = [f"sources-{name}" for name in ("TOTAL_FORMS", "INITIAL_FORMS")]


def _field_names() -> list[str]:
    """Every field any of the product's forms reads, the source rows' with their prefix."""
    names = {
        "page",
        "url",
        "sources-0-DELETE",
        "items",
        "before",
        "after",
        "next",
        # The discussions' forms and query strings.
        "parent",
        "follow",
        "reply",
        "edit",
        "delete",
        "hide",
        "kind",
        "theme",
        "report",
        "signal",
        *MANAGEMENT_FORM,
    }
    for form in (
        CommentForm,
        HideForm,
        ThemeThreadForm,
        QueueFilterForm,
        ShortcutForm,
        SignalForm,
        SignalFilterForm,
        AreaForm,
        TrendForm,
        DrivingForceForm,
        TagForm,
        TagMergeForm,
        MemberAddForm,
        MembershipRoleForm,
        NewActionForm,
        StatusForm,
        QuestionsForm,
        ReviewForm,
        StartForm,
        AnalysisForm,
        AnalysisTrendForm,
        NewTrendForm,
        MergeForm,
        InputForm,
    ):
        names.update(form.base_fields)
    names.update(f"sources-0-{name}" for name in SourceForm.base_fields)
    return sorted(names)


FIELDS = _field_names()

PLAUSIBLE = {
    "title": "Ny lag om förskola",
    "motivation": "Våra förskolor behöver förbereda sig.",
    "level": "outer",
    "status": "logged",
    "version": "1",
    "name": "Nytt namn",
    "email": "ny.person@example.se",
    "role": "staff",
    "sources-0-url": "https://www.regeringen.se/forslag",
    "sources-0-name": "Regeringen",
}


def _every_field(value) -> dict:
    return dict.fromkeys(FIELDS, value)


# name → (data, content type): a dict is sent as the test client's multipart form.
BODIES = {
    "empty": ({}, None),
    "without management form": (PLAUSIBLE, None),
    "huge ints": (_every_field(HUGE), None),
    "endless ints": (_every_field(ENDLESS), None),
    "negative ints": (_every_field("-1"), None),
    "strings for ints": (_every_field("abc"), None),
    "overlong strings": (_every_field("å" * 5_000), None),
    "NUL bytes": (_every_field("a\x00b"), None),
    "bidi controls": (_every_field("\u202efdp.exe"), None),
    "repeated keys": ({name: [HUGE, "abc", "1"] for name in FIELDS}, None),
    "JSON": (json.dumps({**PLAUSIBLE, "trends": [HUGE]}), "application/json"),
    "broken JSON": ('{"title": ', "application/json"),
    "URL-encoded": (
        urlencode({**PLAUSIBLE, "sources-TOTAL_FORMS": "-1", "trends": HUGE}),
        "application/x-www-form-urlencoded",
    ),
    "multipart": ({**PLAUSIBLE, "sources-TOTAL_FORMS": "abc", "area": HUGE}, None),
}


@pytest.fixture
def world(kommun, members, signal):
    """One row of every kind a product URL names by id, in `kommun`."""
    return {
        "signal": signal.pk,
        "area": Area.objects.filter(organization=kommun).first().pk,
        "trend": Trend.objects.filter(organization=kommun).first().pk,
        "driving_force": DrivingForceFactory(organization=kommun, name="Oanvänd").pk,
        "tag": TagFactory(organization=kommun, name="oanvänd").pk,
        "member": Membership.objects.get(user=members["staff"]).pk,
        "feed": SubscriptionFactory(organization=kommun).pk,
        "rule": KeywordRuleFactory(organization=kommun).pk,
        "triage_item": TriageItemFactory(organization=kommun).pk,
        "cycle": (cycle := ReportCycleFactory(organization=kommun)).pk,
        "candidate": CandidateFactory(cycle=cycle, signal=signal).pk,
        "thread": (thread := ThreadFactory(organization=kommun)).pk,
        "comment": CommentFactory(thread=thread, author=members["staff"]).pk,
        "theme": thread.theme_id,
        # Last month's published report, naming the signal, with an action on it.
        "report": (report := _published_report(kommun, signal)).pk,
        "action": ActionFactory(
            reported=ReportedSignalFactory(cycle=report.cycle, signal=signal),
            owner=members["staff"],
        ).pk,
        # Last year's trend analysis, a draft, with a trend and an input.
        **_trend_analysis(kommun, members),
    }


def _trend_analysis(kommun, members) -> dict:
    analysis = analysis_start(
        organization=kommun, user=members["scanner"], year=timezone.localdate().year - 1
    )
    entry = AnalysisTrend.objects.filter(analysis=analysis).first()
    line = AnalysisInput.objects.create(
        organization=kommun, analysis=analysis, trend=entry, source="Socialnämnden", text="Inspel"
    )
    return {"analysis": analysis.pk, "analysis_trend": entry.pk, "analysis_input": line.pk}


def _published_report(kommun, signal):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    cycle = ReportCycleFactory(organization=kommun, month=last_month, state="published")
    CandidateFactory(cycle=cycle, signal=signal, decision="in", position=1)
    return PublishedReportFactory(cycle=cycle)


# The scanning views that name a triage item by id.
TRIAGE_ITEM_VIEWS = {"scanning:dismiss", "scanning:promote"}


def _pk_for(name: str, world: dict) -> int:
    namespace, _, view = name.partition(":")
    if namespace == "signals":
        return world["signal"]
    if name in TRIAGE_ITEM_VIEWS:
        return world["triage_item"]
    if namespace == "reports":
        return world["candidate" if view.startswith("candidate_") else "cycle"]
    if namespace == "followup":
        names_an_action = view.startswith("action") and view != "action_new"
        return world["action" if names_an_action else "report"]
    if namespace == "analysis":
        if view.startswith("entry_") and view not in ("entry_add", "entry_merge"):
            return world["analysis_trend"]
        return world["analysis_input" if view == "input_delete" else "analysis"]
    if namespace == "discussions":
        if view.startswith("comment_"):
            return world["comment"]
        return world["theme" if view == "follow" else "thread"]
    for kind in ("driving_force", "area", "trend", "tag", "member", "feed", "rule"):
        if view.startswith(kind):
            return world[kind]
    raise AssertionError(f"{name} names a row by id: say which one in _pk_for")


def organization_urls(kommun, world) -> list[str]:
    urls = []
    for route, name, _view in product_views():
        if not route.startswith("<slug:organization_slug>/"):
            continue
        kwargs = {"organization_slug": kommun.slug}
        for parameter in re.findall(r"<(?:\w+:)?(\w+)>", route)[1:]:
            if parameter == "pk":
                kwargs["pk"] = _pk_for(name, world)
            elif parameter == "signal_pk":
                kwargs["signal_pk"] = world["signal"]
            elif parameter == "field":
                kwargs["field"] = "trends"
            else:
                raise AssertionError(f"{route}: what should <{parameter}> be?")
        urls.append(reverse(name, kwargs=kwargs))
    return urls


# Every body is posted; the ones that matter most also as an htmx request (some views answer
# those with a fragment) and as a query string (the list's filters, the CSV's).
AS_HTMX = {"empty", "without management form", "huge ints"}
AS_QUERY = {"huge ints", "endless ints", "strings for ints", "NUL bytes", "repeated keys"}


# A refused request is refused before anything reads its body: another organisation's admin
# everywhere (404), a role without the capability on a page (403). Such a page is sent these
# few bodies, and the walk asserts that each is refused the same way, rather than only "no 500".
AS_REFUSED = {"empty", "huge ints", "JSON", "multipart"}
REFUSED = {403, 404}


def _ways(body: str):
    yield "post", {}
    if body in AS_HTMX:
        yield "post", {"HX-Request": "true"}
    if body in AS_QUERY:
        yield "get", {}


def _send(client, method, url, data, content_type, headers):
    if method == "get":
        return client.get(url, data if isinstance(data, dict) else {}, headers=headers)
    if content_type is None:
        return client.post(url, data, headers=headers)
    return client.post(url, data, content_type=content_type, headers=headers)


@pytest.mark.parametrize("role", [*Role.values, "other organisation"])
def test_no_malformed_request_is_a_500(kommun, members, other_members, world, role):
    client = Client()
    user = other_members["admin"] if role == "other organisation" else members[role]
    client.force_login(user)
    urls = organization_urls(kommun, world)
    assert len(urls) > 30  # the walk found the product
    failures = []
    for url in urls:
        refused = _send(client, "post", url, {}, None, {}).status_code
        if role == "other organisation" and refused != 404:
            failures.append(f"POST {url} as another organisation: {refused}, not 404")
        for body, (data, content_type) in BODIES.items():
            if refused in REFUSED and body not in AS_REFUSED:
                continue
            for method, headers in _ways(body):
                try:
                    response = _send(client, method, url, data, content_type, headers)
                    if response.streaming:  # the CSV: its rows are made as it is read
                        b"".join(response.streaming_content)
                    status = response.status_code
                except Exception as error:  # the test client re-raises what a view raised
                    status = f"{type(error).__name__}: {error}"[:200]
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{method.upper()} {url} ({body}, {headers}): {status}")
                elif refused in REFUSED and method == "post" and status != refused:
                    failures.append(
                        f"POST {url} ({body}, {headers}): {status}, but {refused} when empty"
                    )
    assert failures == [], "\n".join(failures)


# Walked too: the sections outside the product but not Django's admin or static files
# (neither is ours to answer for).
NOT_OURS = {"admin/", "static/"}


def outside_urls(invitation, notification) -> list[str]:
    """Every page outside /<organisation>/ (signing in, the person's own account, their
    invitations and notifications, the language switch, old addresses), its ids filled."""
    resolver_urls = []
    for route, name, _view in walk(get_resolver().url_patterns, skip=NOT_OURS):
        if route.startswith("<slug:organization_slug>/") or name is None:
            continue
        kwargs = {}
        for parameter in re.findall(r"<(?:\w+:)?(\w+)>", route):
            kwargs[parameter] = {
                "pk": notification.pk if name.startswith("notification") else invitation.pk,
                "uidb64": "MQ",
                "token": "set-password",
                "rest": "1/",
            }[parameter]
        resolver_urls.append(reverse(name, kwargs=kwargs))
    return sorted(set(resolver_urls))


@pytest.mark.parametrize("signed_in", [True, False], ids=["signed in", "signed out"])
def test_no_malformed_request_outside_the_organisations_is_a_500(
    kommun, members, other_kommun, signed_in
):
    person = members[Role.STAFF]
    invitation = membership_add(organization=other_kommun, email=person.email, role="staff")
    thread = ThreadFactory(organization=kommun)
    notification = NotificationFactory(thread=thread, recipient=person)
    urls = outside_urls(invitation, notification)
    assert {reverse("login"), reverse("account"), reverse("set_language")} <= set(urls)
    failures = []
    for url in urls:
        for body, (data, content_type) in BODIES.items():
            for method, headers in _ways(body):
                client = Client()
                if signed_in:  # again each time: a body may have signed the person out
                    client.force_login(person)
                try:
                    status = _send(client, method, url, data, content_type, headers).status_code
                except Exception as error:  # the test client re-raises what a view raised
                    status = f"{type(error).__name__}: {error}"[:200]
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{method.upper()} {url} ({body}, {headers}): {status}")
    assert failures == [], "\n".join(failures)
