"""The signal list's level links and page links, written out in Python.

Drawn by the template, they were some fifty variable lookups, a dozen ``querystring`` tags
and as many translations per page: a tenth of drawing the list. The markup here is the
template's, character for character (``templates/signals/list.html`` calls
``{% level_links %}`` and ``{% page_links %}`` where it had the elements), with every value
escaped as the template's autoescaping did, and the template's line breaks and indentation
between the elements (where its tags stood), so the page is the same to the byte.
"""

from html import escape

from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


def _query(params: QueryDict, **changes) -> str:
    """Django's ``{% querystring params key=value %}``: ``params`` with each value set (or, for
    None, removed), as "?…", or nothing when there is nothing to write."""
    query = params.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    if not query and not params:
        return ""
    return f"?{query.urlencode()}"


def level_links(
    *, list_url: str, params: QueryDict, chosen: str, level_counts, level_total: int, more: bool
) -> SafeString:
    """The list for all levels and for each one, with its count (None: not counted)."""
    all_levels = escape(f"{list_url}{_query(params, level=None)}")
    current = "" if chosen else ' aria-current="true"'
    html = [
        f'<nav class="level-counts" aria-label="{escape(gettext("Signals per level"))}">\n'
        f"    <ul>\n"
        f'      <li><a href="{all_levels}"{current}>{escape(gettext("All levels"))}'
        f' <span class="level-counts__n">({level_total}{"+" if more else ""})</span></a></li>\n'
        f"      "
    ]
    for level, count in level_counts:
        href = escape(f"{list_url}{_query(params, level=level.value)}")
        current = ' aria-current="true"' if chosen == level.value else ""
        figure = "" if count is None else f' <span class="level-counts__n">({count})</span>'
        html.append(
            f'\n        <li><a class="level level--{escape(level.value)}" href="{href}"{current}>'
            f"{escape(str(level.label))}{figure}</a></li>\n      "
        )
    html.append("\n    </ul>\n  </nav>")
    return mark_safe("".join(html))


def page_links(*, list_url: str, params: QueryDict, page, page_range) -> SafeString:
    """Previous, the elided range of page numbers (``Paginator.get_elided_page_range``), next."""
    html = [f'<nav class="pagination" aria-label="{escape(gettext("Pages"))}">\n    <ul>\n      ']

    def step(number: int, name: str, rel: str, label: str) -> str:
        """The link to the previous or the next page."""
        href = escape(f"{list_url}{_query(params, page=number)}")
        return (
            f'\n        \n        <li><a id="page-{name}" rel="{rel}" href="{href}"'
            f' hx-get="{href}" hx-target="#results" hx-push-url="true">'
            f"{escape(label)}</a></li>\n      "
        )

    if page.has_previous():
        html.append(step(page.previous_page_number(), "previous", "prev", gettext("Previous")))
    html.append("\n      ")
    hidden_page = escape(gettext("Page"))
    for number in page_range:
        if number == page.paginator.ELLIPSIS:
            gap = '<li><span class="pagination__gap">…</span></li>'
            html.append(f"\n        \n          {gap}\n        \n      ")
            continue
        href = escape(f"{list_url}{_query(params, page=number)}")
        current = ' aria-current="page"' if number == page.number else ""
        html.append(
            f'\n        \n          \n          <li><a id="page-{number}" href="{href}"'
            f' hx-get="{href}" hx-target="#results" hx-push-url="true"{current}>'
            f'<span class="visually-hidden">{hidden_page} </span>{number}</a></li>'
            "\n        \n      "
        )
    html.append("\n      ")
    if page.has_next():
        html.append(step(page.next_page_number(), "next", "next", gettext("Next")))
    html.append("\n    </ul>\n  </nav>")
    return mark_safe("".join(html))
