"""Settings pages: the organisation admin manages its areas, trends, driving forces and tags.

Every view needs ``manage_organization`` and fetches objects with ``get_for_organization``, so
another organisation's area, trend or tag is a 404. Changes are POST-only and redirect back to
the list with a message (post/redirect/get); a form with errors is shown again, nothing stored.

Areas and trends are never deleted, only retired: they stay on the signals that have them but
are no longer offered for new ones. A driving force is deleted only when no trend belongs to it.
"""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from organizations.access import get_for_organization, organization_required

from .. import taxonomy_services
from ..catalogue import install_default_catalogue
from ..models import Area, DrivingForce, Tag, Trend
from ..taxonomy_forms import AreaForm, DrivingForceForm, TagForm, TagMergeForm, TrendForm

MANAGE = "manage_organization"


def _split_by_use(objects):
    objects = list(objects)
    return [o for o in objects if o.is_active], [o for o in objects if not o.is_active]


def _form_page(request, form, *, section, title, submit, cancel_url, intro=""):
    return render(
        request,
        "signals/settings/form.html",
        {
            "form": form,
            "section": section,
            "title": title,
            "intro": intro,
            "submit": submit,
            "cancel_url": cancel_url,
        },
    )


def _create_page(request, form_class, *, section, list_url, added, title, submit):
    """Add an area, trend or driving force; ``added`` is the success message (%(name)s)."""
    form = form_class(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid() and (obj := form.save()):
        messages.success(request, added % {"name": obj.name})
        return redirect(list_url)
    return _form_page(
        request, form, section=section, title=title, submit=submit, cancel_url=list_url
    )


def _edit_page(request, model, form_class, pk, *, section, list_url, saved, title, intro, submit):
    """Edit one of the organisation's areas, trends or driving forces. ``title`` names it as it
    was when the page opened (%(name)s), even if a rejected rename is in the form."""
    obj = get_for_organization(model, request, pk=pk)
    name = obj.name
    form = form_class(request.POST or None, instance=obj, organization=request.organization)
    if request.method == "POST" and form.is_valid() and form.save():
        messages.success(request, saved % {"name": obj.name})
        return redirect(list_url)
    return _form_page(
        request,
        form,
        section=section,
        title=title % {"name": name},
        intro=intro,
        submit=submit,
        cancel_url=list_url,
    )


def _set_active(request, model, pk, *, active: bool, list_url: str):
    obj = get_for_organization(model, request, pk=pk)
    obj.is_active = active
    obj.save(update_fields=["is_active"])
    if active:
        message = _("“%(name)s” is in use again.")
    else:
        message = _(
            "“%(name)s” is retired: it stays on earlier signals "
            "but is no longer offered for new ones."
        )
    messages.success(request, message % {"name": obj.name})
    return redirect(list_url)


# --- Areas ---------------------------------------------------------------------------------


@organization_required(MANAGE)
def areas(request):
    all_areas = Area.objects.filter(organization=request.organization).annotate(
        signal_count=Count("signals")
    )
    active, retired = _split_by_use(all_areas)
    return render(
        request,
        "signals/settings/areas.html",
        {"section": "areas", "active": active, "retired": retired},
    )


@organization_required(MANAGE)
def area_create(request):
    return _create_page(
        request,
        AreaForm,
        section="areas",
        list_url="signals:areas",
        added=_("The area “%(name)s” was added."),
        title=_("Add an area"),
        submit=_("Add area"),
    )


@organization_required(MANAGE)
def area_edit(request, pk):
    return _edit_page(
        request,
        Area,
        AreaForm,
        pk,
        section="areas",
        list_url="signals:areas",
        saved=_("The area “%(name)s” was saved."),
        title=_("Edit the area “%(name)s”"),
        intro=_("Renaming an area renames it on every signal that has it."),
        submit=_("Save area"),
    )


@organization_required(MANAGE)
@require_POST
def area_retire(request, pk):
    return _set_active(request, Area, pk, active=False, list_url="signals:areas")


@organization_required(MANAGE)
@require_POST
def area_reactivate(request, pk):
    return _set_active(request, Area, pk, active=True, list_url="signals:areas")


# --- Trends --------------------------------------------------------------------------------


@organization_required(MANAGE)
def trends(request):
    all_trends = (
        Trend.objects.filter(organization=request.organization)
        .select_related("driving_force")
        .annotate(signal_count=Count("signals"))
    )
    active, retired = _split_by_use(all_trends)
    return render(
        request,
        "signals/settings/trends.html",
        {"section": "trends", "active": active, "retired": retired},
    )


@organization_required(MANAGE)
def trend_create(request):
    return _create_page(
        request,
        TrendForm,
        section="trends",
        list_url="signals:trends",
        added=_("The trend “%(name)s” was added."),
        title=_("Add a trend"),
        submit=_("Add trend"),
    )


@organization_required(MANAGE)
def trend_edit(request, pk):
    return _edit_page(
        request,
        Trend,
        TrendForm,
        pk,
        section="trends",
        list_url="signals:trends",
        saved=_("The trend “%(name)s” was saved."),
        title=_("Edit the trend “%(name)s”"),
        intro=_("Renaming a trend renames it on every signal that has it."),
        submit=_("Save trend"),
    )


@organization_required(MANAGE)
@require_POST
def trend_retire(request, pk):
    return _set_active(request, Trend, pk, active=False, list_url="signals:trends")


@organization_required(MANAGE)
@require_POST
def trend_reactivate(request, pk):
    return _set_active(request, Trend, pk, active=True, list_url="signals:trends")


@organization_required(MANAGE)
@require_POST
def trends_restore(request):
    """Add what SKR's catalogue has and ours lacks; change nothing that exists."""
    organization = request.organization
    before = organization.trends.count()
    install_default_catalogue(organization, areas=())
    added = organization.trends.count() - before
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
    return redirect("signals:trends")


# --- Driving forces ------------------------------------------------------------------------


@organization_required(MANAGE)
def driving_forces(request):
    all_forces = DrivingForce.objects.filter(organization=request.organization).annotate(
        trend_count=Count("trends")
    )
    return render(
        request,
        "signals/settings/driving_forces.html",
        {"section": "driving_forces", "driving_forces": all_forces},
    )


@organization_required(MANAGE)
def driving_force_create(request):
    return _create_page(
        request,
        DrivingForceForm,
        section="driving_forces",
        list_url="signals:driving_forces",
        added=_("The driving force “%(name)s” was added."),
        title=_("Add a driving force"),
        submit=_("Add driving force"),
    )


@organization_required(MANAGE)
def driving_force_edit(request, pk):
    return _edit_page(
        request,
        DrivingForce,
        DrivingForceForm,
        pk,
        section="driving_forces",
        list_url="signals:driving_forces",
        saved=_("The driving force “%(name)s” was saved."),
        title=_("Rename the driving force “%(name)s”"),
        intro=_("Renaming a driving force renames it on every trend that belongs to it."),
        submit=_("Save driving force"),
    )


@organization_required(MANAGE)
@require_POST
def driving_force_delete(request, pk):
    force = get_for_organization(DrivingForce, request, pk=pk)
    try:
        taxonomy_services.driving_force_delete(driving_force=force)
    except taxonomy_services.DrivingForceInUseError:
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
    return redirect("signals:driving_forces")


# --- Tags ----------------------------------------------------------------------------------


@organization_required(MANAGE)
def tags(request):
    all_tags = Tag.objects.filter(organization=request.organization).annotate(
        signal_count=Count("signals")
    )
    return render(request, "signals/settings/tags.html", {"section": "tags", "tags": all_tags})


def _tag_page(request, tag, *, form=None, merge_form=None):
    signal_count = tag.signals.count()
    return render(
        request,
        "signals/settings/tag.html",
        {
            "section": "tags",
            "tag": tag,
            "signal_count": signal_count,
            "form": form or TagForm(instance=tag, organization=request.organization),
            "merge_form": merge_form or TagMergeForm(tag=tag),
        },
    )


@organization_required(MANAGE)
def tag_edit(request, pk):
    """The tag's page: rename it, merge it into another, or delete it when no signal has it."""
    tag = get_for_organization(Tag, request, pk=pk)
    if request.method != "POST":
        return _tag_page(request, tag)
    old_name = tag.name
    form = TagForm(request.POST, instance=tag, organization=request.organization)
    if form.is_valid():
        try:
            taxonomy_services.tag_rename(tag=tag, name=form.cleaned_data["name"])
        except taxonomy_services.NameTakenError:
            form.add_error("name", form.duplicate_message % {"name": form.cleaned_data["name"]})
        else:
            messages.success(
                request,
                _("The tag “%(old)s” is now called “%(new)s”.")
                % {"old": old_name, "new": tag.name},
            )
            return redirect("signals:tags")
    tag.name = old_name  # the form wrote the rejected name onto the instance
    return _tag_page(request, tag, form=form)


@organization_required(MANAGE)
@require_POST
def tag_merge(request, pk):
    tag = get_for_organization(Tag, request, pk=pk)
    form = TagMergeForm(request.POST, tag=tag)
    if not form.is_valid():
        return _tag_page(request, tag, merge_form=form)
    name = tag.name
    into = taxonomy_services.tag_merge(source=tag, target=form.cleaned_data["into"])
    messages.success(
        request,
        _("“%(old)s” was merged into “%(new)s”: its signals now have “%(new)s”.")
        % {"old": name, "new": into.name},
    )
    return redirect("signals:tags")


@organization_required(MANAGE)
@require_POST
def tag_delete(request, pk):
    tag = get_for_organization(Tag, request, pk=pk)
    if tag.signals.exists():
        messages.error(
            request,
            _("“%(name)s” is on signals and was not deleted. Merge it into another tag instead.")
            % {"name": tag.name},
        )
        return redirect("signals:tag_edit", pk=tag.pk)
    tag.delete()
    messages.success(request, _("The tag “%(name)s” was deleted.") % {"name": tag.name})
    return redirect("signals:tags")
