"""The register, read: the list with filters, search, sorting and counts, and the same list as
CSV. The state lives in the URL's query string, so every view of the list can be bookmarked.
"""

import re
from dataclasses import fields
from datetime import date
from operator import attrgetter

from django import forms
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_htmx.http import push_url

from core.forms import QuickBoundField, QuickCheckboxInput, QuickSelect, QuickTextInput
from core.lib.text import strip_bidi_controls
from organizations.access import organization_required
from organizations.people import MemberNames

from .. import csv_export
from ..models import Level
from ..search import MAX_QUERY_LENGTH
from ..selectors import (
    SignalFilters,
    Sort,
    authors,
    filter_choices,
    find_signals,
    signal_listing,
    tags_in_use,
)
from ..visibility import visible_areas, visible_statuses, visible_trends

PER_PAGE_CHOICES = (25, 50, 100)
DEFAULT_PER_PAGE = PER_PAGE_CHOICES[0]
# One default: the best match for a search, and without a search (where every signal matches
# equally well) the newest first.
SORT_CHOICES = [
    ("", _("Best match")),
    (Sort.NEWEST, _("Newest first")),
    (Sort.OLDEST, _("Oldest first")),
    (Sort.TITLE, _("Title A–Z")),
    (Sort.IMPACT, _("Largest impact first")),
]
FORM_ID = "signal-filters"
# Shown beside the results rather than among the filters: they order the list, not narrow it.
RESULT_OPTIONS = ("sort", "per_page")
# Behind "More filters": everything but the search and the level.
FOLDED_FILTERS = ("area", "trend", "tag", "month", "status", "author")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
# The months the list can be filtered by. A register of what was seen needs nothing earlier
# or much later, and a year like 9999 would end past the last date Python can represent.
FIRST_MONTH = date(1900, 1, 1)
LAST_MONTH = date(2100, 12, 1)


def _choices(empty_label, options):
    return [("", empty_label), *options]


class SignalFilterForm(forms.Form):
    """Reads the list's query string. A value it does not understand (another organisation's
    area, a forged level, a month like 2024-13) is reported and left out of the filtering."""

    bound_field_class = QuickBoundField

    q = forms.CharField(
        label=_("Search"),
        required=False,
        strip=True,
        widget=QuickTextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    level = forms.ChoiceField(label=_("Level"), required=False, widget=QuickSelect)
    area = forms.TypedChoiceField(
        label=_("Area"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    trend = forms.TypedChoiceField(
        label=_("Trend"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    tag = forms.TypedChoiceField(
        label=_("Tag"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        help_text=_("Year and month, e.g. 2025-03."),
        widget=QuickTextInput(attrs={"type": "month"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    author = forms.TypedChoiceField(
        label=_("Logged by"), required=False, coerce=int, empty_value=None, widget=QuickSelect
    )
    # Only for members who watch areas (the scanning group); rendered by its own include.
    mine = forms.BooleanField(
        label=_("Only my areas"),
        required=False,
        widget=QuickCheckboxInput(attrs={"value": "1"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=SORT_CHOICES, widget=QuickSelect
    )
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        empty_value=DEFAULT_PER_PAGE,
        choices=[(n, str(n)) for n in PER_PAGE_CHOICES],
        widget=QuickSelect,
    )

    # The order of the query string we write back: the fields' order, then the page.
    PARAMS = (
        "q",
        "level",
        "area",
        "trend",
        "tag",
        "month",
        "status",
        "author",
        "mine",
        "sort",
        "per_page",
    )

    def __init__(self, data, *, membership, all_choices=True):
        """``all_choices=False`` is for a response that shows no form (the htmx results, the
        CSV): the dropdowns are not filled. A submitted area, trend, tag or author is still
        checked against the member's own options, with one query on just that id."""
        if data.get("sort") == Sort.RELEVANCE:
            # Bookmarks from when "Best match" was an option of its own: it is the default now.
            data = data.copy()
            data["sort"] = ""
        super().__init__(data, label_suffix="")
        self.membership = membership
        if not membership.can("watch_areas"):
            del self.fields["mine"]
        self.fields["level"].choices = _choices(_("All levels"), Level.choices)
        self.fields["status"].choices = _choices(
            _("All statuses"), [(s.value, s.label) for s in visible_statuses(membership)]
        )
        # Sort and page size sit beside the results, outside the <form>, yet belong to it.
        for name in RESULT_OPTIONS:
            self.fields[name].widget.attrs["form"] = FORM_ID
        cached = filter_choices(membership) if all_choices else {}
        for name, (empty_label, read) in _options(membership).items():
            if name in cached:
                self.fields[name].choices = _choices(empty_label, cached[name])
                continue
            options, label = read()
            if not all_choices:
                submitted = self._submitted_id(name)
                options = options.none() if submitted is None else options.filter(pk=submitted)
            # An <option> cannot isolate its text: no bidirectional controls in it at all.
            named = [(option.pk, strip_bidi_controls(label(option))) for option in options]
            if name == "author":
                # By the name shown, which may be one this organisation typed, not the
                # account's (the query orders by the account's).
                named.sort(key=lambda choice: choice[1].casefold())
            self.fields[name].choices = _choices(empty_label, named)

    def _submitted_id(self, name) -> int | None:
        try:
            return int(self.data.get(name) or "")
        except ValueError:
            return None

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise forms.ValidationError(_("Write the month as year-month, e.g. 2025-03."))
        month = date(int(match[1]), int(match[2]), 1)
        if not FIRST_MONTH <= month <= LAST_MONTH:
            raise forms.ValidationError(
                _("Choose a month from %(first)s to %(last)s."),
                params={"first": f"{FIRST_MONTH:%Y-%m}", "last": f"{LAST_MONTH:%Y-%m}"},
            )
        return month

    def _value(self, name):
        """The cleaned value, or empty when the field was missing, not understood or not
        offered to this member."""
        if name not in self.fields or name in self.errors:
            return None
        return self.cleaned_data.get(name)

    @cached_property
    def filters(self) -> SignalFilters:
        return SignalFilters(
            level=self._value("level") or "",
            area=self._value("area"),
            trend=self._value("trend"),
            tag=self._value("tag"),
            month=self._value("month"),
            status=self._value("status") or "",
            author=self._value("author"),
            watched_by=self.membership.pk if self._value("mine") else None,
            q=self._value("q") or "",
            sort=self._value("sort") or "",
        )

    @property
    def page_size(self) -> int:
        return self._value("per_page") or DEFAULT_PER_PAGE

    @property
    def params(self) -> QueryDict:
        """The understood, non-empty parameters: what the address bar and links carry."""
        params = QueryDict(mutable=True)
        for name in self.PARAMS:
            raw = self.data.get(name, "").strip()
            if raw and self._value(name) not in (None, ""):
                params[name] = raw
        if params.get("per_page") == str(DEFAULT_PER_PAGE):
            del params["per_page"]
        return params

    @property
    def is_filtered(self) -> bool:
        filters = self.filters
        return any(getattr(filters, f.name) for f in fields(SignalFilters) if f.name != "sort")

    @property
    def is_search_only(self) -> bool:
        """Only a search narrows the list: the page then speaks of the search, not filters."""
        return bool(self.filters.q) and self.active_folded == 0 and not self.filters.level

    @property
    def active_folded(self) -> int:
        """How many of the filters behind "More filters" narrow the list."""
        return sum(1 for name in FOLDED_FILTERS if getattr(self.filters, name))

    def fields_named(self, names):
        return [self[name] for name in names]

    @property
    def main_fields(self):
        return self.fields_named(("level",))

    @property
    def folded_fields(self):
        return self.fields_named(FOLDED_FILTERS)

    @property
    def result_option_fields(self):
        return self.fields_named(RESULT_OPTIONS)


def _options(membership) -> dict:
    """Per dropdown of the organisation's own rows: the empty choice, and a function giving
    the options and how each is named (called only when they are not cached: building the
    querysets alone took a twentieth of a request). Areas and trends are the organisation's
    configuration; tags and authors come from the signals the member can see, so no name from
    a draft reaches someone who may not read drafts."""
    by_name = attrgetter("name")
    # Only the names of the areas, trends and tags: their dates alone were most of the reading.
    return {
        "area": (_("All areas"), lambda: (visible_areas(membership).only("name"), by_name)),
        "trend": (_("All trends"), lambda: (visible_trends(membership).only("name"), by_name)),
        "tag": (_("All tags"), lambda: (tags_in_use(membership).only("name"), by_name)),
        "author": (_("Anyone"), lambda: (authors(membership), MemberNames(membership))),
    }


@organization_required("view_signals")
def signal_list(request):
    # An htmx filter change swaps only the results: the form stays on the page, so its
    # dropdowns are not filled again.
    results_only = bool(request.htmx) and not request.htmx.history_restore_request
    form = SignalFilterForm(
        request.GET, membership=request.membership, all_choices=not results_only
    )
    listing = signal_listing(request.membership, form.filters)
    paginator = Paginator(listing.signals, form.page_size)
    # The level counts already give the total: no separate COUNT query.
    paginator.count = listing.total
    page = paginator.get_page(request.GET.get("page"))
    params = form.params
    context = {
        "form": form,
        "filters": form.filters,
        "params": params,
        "page": page,
        "signals": list(page.object_list),
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        # Without counts per level (a search with too many matches to count) the levels are
        # links without figures, and all levels together "more than" the limit.
        "level_counts": [
            (level, None if listing.level_counts is None else listing.level_counts[level.value])
            for level in Level
        ],
        "level_total": listing.level_total,
        "total": listing.total,
        "more": listing.more,
        "levels_more": listing.level_counts is None,
    }
    if results_only:
        # Only the results; the count is swapped out-of-band into the page's live region so
        # screen readers hear it, and the address bar gets the tidy URL. After a page link
        # (whose element is gone after the swap) focus moves to the new page's table; after
        # a filter it stays in the form, where the user is.
        context["count_oob"] = True
        context["focus_results"] = (request.htmx.trigger or "").startswith("page-")
        response = render(request, "signals/list.html#results", context)
        query = params.copy()
        if page.number > 1:
            query["page"] = page.number
        list_url = reverse("signals:list", args=[request.organization.slug])
        push_url(response, list_url + (f"?{query.urlencode()}" if query else ""))
    else:
        response = render(request, "signals/list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@organization_required("view_signals")
def signal_export(request):
    """The filtered list as CSV, in the list's order, streamed row by row."""
    form = SignalFilterForm(request.GET, membership=request.membership, all_choices=False)
    signals = find_signals(request.membership, form.filters)
    filename = f"signals-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_export.streaming_response(
        signals, filename=filename, people=MemberNames(request.membership)
    )
