"""Which areas each member of the scanning group watches (bevakningsområden).

The only write path for ``AreaWatch``: the member's own page and the admin's page per member
both call ``areas_watched_set``, which enforces the rules for every caller and refuses with a
``ValidationError`` keyed by field before it stores anything: only a member of the scanning
group watches areas, and only areas of their own organisation that are in use. An area that
was retired after it was chosen may be kept (unticking it is the member's decision), but not
newly chosen.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from organizations.models import Membership

from .models import Area, AreaWatch

# Checked early by the forms (as their "not a valid choice"), enforced here: written once.
AREAS_INVALID = _("Choose among your organisation's areas in use.")
NOT_A_WATCHER = _("Only members of the scanning group watch areas.")


@transaction.atomic
def areas_watched_set(*, membership: Membership, areas: Iterable[Area]) -> list[Area]:
    """Make ``areas`` exactly the areas ``membership`` watches. Returns them by name."""
    chosen = {area.pk: area for area in areas}
    if not membership.can("watch_areas"):
        raise ValidationError({"membership": [NOT_A_WATCHER]})
    watches = AreaWatch.objects.filter(membership=membership)
    already = set(watches.values_list("area_id", flat=True))
    for area in chosen.values():
        foreign = area.organization_id != membership.organization_id
        if foreign or (not area.is_active and area.pk not in already):
            raise ValidationError({"areas": [AREAS_INVALID]})
    watches.exclude(area_id__in=chosen).delete()
    # ignore_conflicts: the same area chosen in two tabs at once is one watch, not an error.
    AreaWatch.objects.bulk_create(
        [
            AreaWatch(organization_id=membership.organization_id, membership=membership, area=area)
            for pk, area in chosen.items()
            if pk not in already
        ],
        ignore_conflicts=True,
    )
    return sorted(chosen.values(), key=lambda area: area.name.casefold())
