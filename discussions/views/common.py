"""What the discussion views share: fetching a thread or a comment the member may read."""

from organizations.access import get_visible_or_404

from ..models import Comment, Thread
from ..visibility import visible_comments, visible_threads


def get_thread(request, pk: int) -> Thread:
    threads = visible_threads(request.membership).select_related(
        "organization", "theme", "report_cycle", "signal", "opened_by", "closed_by"
    )
    return get_visible_or_404(threads, pk=pk)


def get_comment(request, pk: int) -> Comment:
    comments = visible_comments(request.membership).select_related("thread__organization", "parent")
    return get_visible_or_404(comments, pk=pk)


def base_url(request) -> str:
    """Where links in e-mails point: this site, as the person reached it."""
    return request.build_absolute_uri("/")
