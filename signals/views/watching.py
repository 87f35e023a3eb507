"""The areas a member watches (bevakningsområden): each member of the scanning group chooses
their own, and the organisation admin can set them for any member of the group.

Both pages are the same form over the same service; the admin's is under the settings, beside
the members list. The member being set is fetched through the admin's visible memberships, so
another organisation's membership is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import attach_errors
from organizations.access import get_visible_or_404, organization_required
from organizations.services import member_name
from organizations.visibility import visible_memberships

from ..selectors import watched_areas
from ..watch_forms import WatchedAreasForm
from ..watch_services import areas_watched_set


def _names(areas) -> str:
    return ", ".join(area.name for area in areas)


def _data(request):
    # A POST with every box unticked has no "areas" at all: still a choice, of no area.
    return request.POST if request.method == "POST" else None


def _save(request, form, watcher):
    """The chosen areas, stored; None when the form or the service refused them (the reason
    is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return areas_watched_set(membership=watcher, areas=form.cleaned_data["areas"])
    except ValidationError as refused:
        attach_errors(refused, form)
        return None


@organization_required("watch_areas")
def my_areas(request):
    membership = request.membership
    watched = watched_areas(membership, membership)
    form = WatchedAreasForm(_data(request), membership=membership, watched=watched)
    areas = _save(request, form, membership)
    if areas is not None:
        if areas:
            messages.success(request, _("You now watch: %(areas)s.") % {"areas": _names(areas)})
        else:
            messages.success(request, _("You watch no area now."))
        return redirect("start", request.organization.slug)
    return render(request, "signals/my_areas.html", {"form": form})


@organization_required("manage_organization")
def member_areas(request, pk):
    watcher = get_visible_or_404(
        visible_memberships(request.membership).select_related("user"), pk=pk
    )
    name = member_name(watcher)
    context = {"section": "members", "watcher": watcher, "name": name}
    if not watcher.can("watch_areas"):
        # Management and staff read; they have no areas of their own to watch.
        return render(request, "settings/member_areas.html", context)
    watched = watched_areas(request.membership, watcher)
    form = WatchedAreasForm(
        _data(request),
        membership=request.membership,
        watched=watched,
        label=_("Areas %(name)s watches") % {"name": name},
    )
    areas = _save(request, form, watcher)
    if areas is not None:
        if areas:
            message = _("%(name)s now watches: %(areas)s.")
        else:
            message = _("%(name)s watches no area now.")
        messages.success(request, message % {"name": name, "areas": _names(areas)})
        return redirect("settings:members", request.organization.slug)
    return render(request, "settings/member_areas.html", {**context, "form": form})
