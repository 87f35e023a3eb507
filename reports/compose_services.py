"""Writing the report's text: the analysis of each chosen signal and the introduction.

The compose page saves as the editor types, so two editors on the same month can each be
mid-sentence in the same text. Every save carries the version the editor's page holds and
claims the next one with one ``UPDATE … WHERE version = expected``: a save against an older
version stores nothing and raises a conflict carrying the text as it is now, so the editor
chooses between the colleague's text and their own instead of one silently replacing the
other.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.lib.text import strip_bidi_controls

from .models import Candidate, ReportCycle
from .services import require_capability, require_open

# Long enough for a page of careful prose, short enough that no field can swamp the PDF.
MAX_TEXT_LENGTH = 5000
ANALYSIS_FIELDS = ("meaning", "consequences", "audience")

NOT_COMPOSER = _("Only the editor writes the report.")
TEXT_TOO_LONG = _("Keep this to at most %(max)d characters (it has %(length)d).")
NOT_TEXT = _("Send the text as text.")


class CompositionConflict(Exception):
    """Someone saved the text after the editor's page was opened. ``current`` is the row as
    it is now; its ``version`` is what a deliberate overwrite must carry."""

    def __init__(self, current: Candidate | ReportCycle):
        super().__init__(f"{type(current).__name__} {current.pk} is at version {current.version}.")
        self.current = current


class AnalysisConflict(CompositionConflict):
    current: Candidate


class IntroductionConflict(CompositionConflict):
    current: ReportCycle


def _clean(name: str, value, errors: dict[str, list]) -> str:
    if not isinstance(value, str):
        errors[name] = [NOT_TEXT]
        return ""
    # Browsers send textarea line breaks as CRLF; stored as LF, so lengths count what is seen.
    text = strip_bidi_controls(value.replace("\r\n", "\n")).strip()
    if len(text) > MAX_TEXT_LENGTH:
        errors[name] = [TEXT_TOO_LONG % {"max": MAX_TEXT_LENGTH, "length": len(text)}]
    return text


@transaction.atomic
def candidate_analysis_save(
    *,
    candidate: Candidate,
    user,
    expected_version: int,
    meaning: str | None = None,
    consequences: str | None = None,
    audience: str | None = None,
) -> Candidate:
    """Store the analysis fields given (``None`` leaves a field as it is) and bump the
    candidate's version. Raises ``AnalysisConflict`` when the candidate has been saved (or
    decided) since ``expected_version``."""
    require_capability(user, candidate.organization_id, "compose_reports", NOT_COMPOSER)
    require_open(candidate.cycle)
    given = {"meaning": meaning, "consequences": consequences, "audience": audience}
    errors: dict[str, list] = {}
    changes = {
        name: _clean(name, value, errors) for name, value in given.items() if value is not None
    }
    if errors:
        raise ValidationError(errors)
    rows = Candidate.objects.filter(pk=candidate.pk, version=expected_version)
    if not rows.update(**changes, version=F("version") + 1, updated_at=timezone.now()):
        raise AnalysisConflict(
            Candidate.objects.select_related("cycle", "signal").get(pk=candidate.pk)
        )
    for name, value in changes.items():
        setattr(candidate, name, value)
    candidate.version = expected_version + 1
    return candidate


@transaction.atomic
def cycle_introduction_save(
    *, cycle: ReportCycle, user, expected_version: int, introduction: str
) -> ReportCycle:
    """Store the report's introduction and bump the cycle's version. Raises
    ``IntroductionConflict`` when the cycle has been saved since ``expected_version``."""
    require_capability(user, cycle.organization_id, "compose_reports", NOT_COMPOSER)
    require_open(cycle)
    errors: dict[str, list] = {}
    text = _clean("introduction", introduction, errors)
    if errors:
        raise ValidationError(errors)
    rows = ReportCycle.objects.filter(pk=cycle.pk, version=expected_version)
    if not rows.update(introduction=text, version=F("version") + 1, updated_at=timezone.now()):
        raise IntroductionConflict(ReportCycle.objects.get(pk=cycle.pk))
    cycle.introduction = text
    cycle.version = expected_version + 1
    return cycle
