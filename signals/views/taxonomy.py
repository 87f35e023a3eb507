"""Settings pages: the organisation admin manages its areas, trends, driving forces and tags.

Every view needs ``manage_organization`` and reads through ``visibility``, so another
organisation's area, trend or tag is a 404. Changes are POST-only, made by
``taxonomy_services``, and redirect back to the list with a message (post/redirect/get); a
refused change shows the form again with the reason, nothing stored.

Areas and trends are never deleted, only retired: they stay on the signals that have them but
are no longer offered for new ones. A driving force is deleted only when no trend belongs to it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.forms import attach_errors
from organizations.access import get_visible_or_404, organization_required
from organizations.services import member_name

from .. import taxonomy_services as services
from ..selectors import areas_with_watchers
from ..taxonomy_forms import AreaForm, DrivingForceForm, TagForm, TagMergeForm, TrendForm
from ..visibility import (
    visible_areas,
    visible_driving_forces,
    visible_tags,
    visible_trends,
)

MANAGE = "manage_organization"


def _to(request, name: str, *args):
    return redirect(f"settings:{name}", request.organization.slug, *args)


def _split_by_use(objects):
    objects = list(objects)
    return [o for o in objects if o.is_active], [o for o in objects if not o.is_active]


def _form_page(request, form, *, section, title, submit, cancel, intro=""):
    return render(
        request,
        "settings/form.html",
        {
            "form": form,
            "section": section,
            "title": title,
            "intro": intro,
            "submit": submit,
            "cancel_url": f"settings:{cancel}",
        },
    )


def _save_page(request, form, save, *, section, done, title, submit, intro=""):
    """A create or edit page: on a valid POST, ``save(cleaned_data)`` (a service call) and back
    to the ``section`` list with ``done`` (%(name)s); a refusal goes onto the form's fields."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as refused:
            attach_errors(refused, form)
        else:
            messages.success(request, done % {"name": obj.name})
            return _to(request, section)
    return _form_page(
        request, form, section=section, title=title, intro=intro, submit=submit, cancel=section
    )


def _set_active(request, visible, pk, *, active: bool, section: str):
    item = get_visible_or_404(visible(request.membership), pk=pk)
    services.catalogue_item_set_active(item=item, active=active)
    if active:
        message = _("“%(name)s” is in use again.")
    else:
        message = _(
            "“%(name)s” is retired: it stays on earlier signals "
            "but is no longer offered for new ones."
        )
    messages.success(request, message % {"name": item.name})
    return _to(request, section)


# --- Areas ---------------------------------------------------------------------------------


@organization_required(MANAGE)
def areas(request):
    """The areas, who of the scanning group watches each, and the areas in use that nobody
    watches: the group's blind spots."""
    active, retired = _split_by_use(areas_with_watchers(request.membership))
    for area in active:
        area.watchers = sorted(
            (member_name(watch.membership) for watch in area.watch_list), key=str.casefold
        )
    return render(
        request,
        "settings/areas.html",
        {
            "section": "areas",
            "active": active,
            "retired": retired,
            "unwatched": [area for area in active if not area.watchers],
        },
    )


@organization_required(MANAGE)
def area_create(request):
    return _save_page(
        request,
        AreaForm(request.POST or None),
        lambda data: services.area_create(organization=request.organization, **data),
        section="areas",
        done=_("The area “%(name)s” was added."),
        title=_("Add an area"),
        submit=_("Add area"),
    )


@organization_required(MANAGE)
def area_edit(request, pk):
    area = get_visible_or_404(visible_areas(request.membership), pk=pk)
    return _save_page(
        request,
        AreaForm(request.POST or None, instance=area),
        lambda data: services.area_update(area=area, **data),
        section="areas",
        done=_("The area “%(name)s” was saved."),
        title=_("Edit the area “%(name)s”") % {"name": area.name},
        intro=_("Renaming an area renames it on every signal that has it."),
        submit=_("Save area"),
    )


@organization_required(MANAGE)
@require_POST
def area_retire(request, pk):
    return _set_active(request, visible_areas, pk, active=False, section="areas")


@organization_required(MANAGE)
@require_POST
def area_reactivate(request, pk):
    return _set_active(request, visible_areas, pk, active=True, section="areas")


# --- Trends --------------------------------------------------------------------------------


@organization_required(MANAGE)
def trends(request):
    all_trends = (
        visible_trends(request.membership)
        .select_related("driving_force")
        .annotate(signal_count=Count("signals"))
        # By name explicitly: Django drops Meta.ordering from a query with an aggregate.
        .order_by("name")
    )
    active, retired = _split_by_use(all_trends)
    return render(
        request,
        "settings/trends.html",
        {"section": "trends", "active": active, "retired": retired},
    )


@organization_required(MANAGE)
def trend_create(request):
    return _save_page(
        request,
        TrendForm(request.POST or None, membership=request.membership),
        lambda data: services.trend_create(organization=request.organization, **data),
        section="trends",
        done=_("The trend “%(name)s” was added."),
        title=_("Add a trend"),
        submit=_("Add trend"),
    )


@organization_required(MANAGE)
def trend_edit(request, pk):
    trend = get_visible_or_404(visible_trends(request.membership), pk=pk)
    return _save_page(
        request,
        TrendForm(request.POST or None, instance=trend, membership=request.membership),
        lambda data: services.trend_update(trend=trend, **data),
        section="trends",
        done=_("The trend “%(name)s” was saved."),
        title=_("Edit the trend “%(name)s”") % {"name": trend.name},
        intro=_("Renaming a trend renames it on every signal that has it."),
        submit=_("Save trend"),
    )


@organization_required(MANAGE)
@require_POST
def trend_retire(request, pk):
    return _set_active(request, visible_trends, pk, active=False, section="trends")


@organization_required(MANAGE)
@require_POST
def trend_reactivate(request, pk):
    return _set_active(request, visible_trends, pk, active=True, section="trends")


@organization_required(MANAGE)
@require_POST
def trends_restore(request):
    """Add what SKR's catalogue has and ours lacks; change nothing that exists."""
    added = services.trends_restore_default(organization=request.organization)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d trend from SKR's catalogue was added.",
                "%(count)d trends from SKR's catalogue were added.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.info(
            request,
            _(
                "Nothing to add: every trend of SKR's catalogue is already here. "
                "Retired ones stay retired until you put them back in use."
            ),
        )
    return _to(request, "trends")


# --- Driving forces ------------------------------------------------------------------------


@organization_required(MANAGE)
def driving_forces(request):
    all_forces = visible_driving_forces(request.membership).annotate(trend_count=Count("trends"))
    return render(
        request,
        "settings/driving_forces.html",
        {"section": "driving_forces", "driving_forces": all_forces},
    )


@organization_required(MANAGE)
def driving_force_create(request):
    return _save_page(
        request,
        DrivingForceForm(request.POST or None),
        lambda data: services.driving_force_create(organization=request.organization, **data),
        section="driving_forces",
        done=_("The driving force “%(name)s” was added."),
        title=_("Add a driving force"),
        submit=_("Add driving force"),
    )


@organization_required(MANAGE)
def driving_force_edit(request, pk):
    force = get_visible_or_404(visible_driving_forces(request.membership), pk=pk)
    return _save_page(
        request,
        DrivingForceForm(request.POST or None, instance=force),
        lambda data: services.driving_force_rename(driving_force=force, **data),
        section="driving_forces",
        done=_("The driving force “%(name)s” was saved."),
        title=_("Rename the driving force “%(name)s”") % {"name": force.name},
        intro=_("Renaming a driving force renames it on every trend that belongs to it."),
        submit=_("Save driving force"),
    )


@organization_required(MANAGE)
@require_POST
def driving_force_delete(request, pk):
    force = get_visible_or_404(visible_driving_forces(request.membership), pk=pk)
    try:
        services.driving_force_delete(driving_force=force)
    except services.DrivingForceInUseError:
        messages.error(
            request,
            _(
                "“%(name)s” was not deleted: trends belong to it. "
                "Give them another driving force first."
            )
            % {"name": force.name},
        )
    else:
        messages.success(
            request, _("The driving force “%(name)s” was deleted.") % {"name": force.name}
        )
    return _to(request, "driving_forces")


# --- Tags ----------------------------------------------------------------------------------


@organization_required(MANAGE)
def tags(request):
    all_tags = visible_tags(request.membership).annotate(signal_count=Count("signals"))
    return render(request, "settings/tags.html", {"section": "tags", "tags": all_tags})


def _tag_page(request, tag, *, form=None, merge_form=None):
    return render(
        request,
        "settings/tag.html",
        {
            "section": "tags",
            "tag": tag,
            "signal_count": tag.signals.count(),
            "form": form or TagForm(instance=tag),
            "merge_form": merge_form or TagMergeForm(tag=tag, membership=request.membership),
        },
    )


def _get_tag(request, pk):
    return get_visible_or_404(visible_tags(request.membership), pk=pk)


@organization_required(MANAGE)
def tag_edit(request, pk):
    """The tag's page: rename it, merge it into another, or delete it when no signal has it."""
    tag = _get_tag(request, pk)
    if request.method != "POST":
        return _tag_page(request, tag)
    old_name = tag.name
    form = TagForm(request.POST, instance=tag)
    if form.is_valid():
        try:
            services.tag_rename(tag=tag, name=form.cleaned_data["name"])
        except ValidationError as refused:
            attach_errors(refused, form)
        else:
            messages.success(
                request,
                _("The tag “%(old)s” is now called “%(new)s”.")
                % {"old": old_name, "new": tag.name},
            )
            return _to(request, "tags")
    tag.name = old_name  # the form wrote the rejected name onto the instance
    return _tag_page(request, tag, form=form)


@organization_required(MANAGE)
@require_POST
def tag_merge(request, pk):
    tag = _get_tag(request, pk)
    form = TagMergeForm(request.POST, tag=tag, membership=request.membership)
    if not form.is_valid():
        return _tag_page(request, tag, merge_form=form)
    name = tag.name
    into = services.tag_merge(source=tag, target=form.cleaned_data["into"])
    messages.success(
        request,
        _("“%(old)s” was merged into “%(new)s”: its signals now have “%(new)s”.")
        % {"old": name, "new": into.name},
    )
    return _to(request, "tags")


@organization_required(MANAGE)
@require_POST
def tag_delete(request, pk):
    tag = _get_tag(request, pk)
    name = tag.name
    try:
        services.tag_delete(tag=tag)
    except services.TagInUseError:
        messages.error(
            request,
            _("“%(name)s” is on signals and was not deleted. Merge it into another tag instead.")
            % {"name": name},
        )
        return _to(request, "tag_edit", tag.pk)
    messages.success(request, _("The tag “%(name)s” was deleted.") % {"name": name})
    return _to(request, "tags")
