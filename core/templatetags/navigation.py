"""``{% main_nav %}``: the site's main menu, written out in Python.

The menu was a template of its own (a dozen ``{% url %}`` and ``{% translate %}`` tags and
twenty conditions on every page) that cost every page about a millisecond and a half. The
items, their order, their ``aria-current`` and the line breaks between them are the
template's, to the byte.
"""

from html import escape

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    """The ``<li>`` items of the menu: each part of the organisation the member's role may
    open (``can``), the site's administration for a superuser."""
    request = context["request"]
    path = request.path
    match = request.resolver_match
    namespace = match.namespace if match is not None else ""
    can = context.get("can") or {}
    organization = context.get("current_organization")
    slug = organization.slug if organization is not None else ""

    def url(name: str) -> str:
        # As ``{% url … as name %}``: an address that cannot be made is empty.
        try:
            return reverse(name, args=[slug])
        except NoReverseMatch:
            return ""

    def item(href: str, label: str, current: str = "") -> str:
        return f'<li><a href="{escape(href)}"{current}>{escape(gettext(label))}</a></li>'

    def current(href: str, section: bool) -> str:
        if path == href:
            return ' aria-current="page"'
        return ' aria-current="true"' if section else ""

    lines = []
    start = url("start")
    lines.append(item(start, "Start", ' aria-current="page"' if path == start else ""))
    if can.get("view_signals"):
        href = url("signals:list")
        lines.append(item(href, "Signals", current(href, namespace == "signals")))
        href = url("overview:dashboard")
        lines.append(item(href, "Overview", current(href, namespace == "overview")))
    else:
        lines += ["", ""]
    if can.get("triage"):
        href, feeds = url("scanning:queue"), url("scanning:feeds")
        section = namespace == "scanning" and feeds not in path
        lines.append(item(href, "Triage queue", current(href, section)))
    else:
        lines.append("")
    if can.get("manage_feeds"):
        href = url("scanning:feeds")
        lines.append(item(href, "Feeds", current(href, href in path)))
    else:
        lines.append("")
    if can.get("read_reports") or can.get("score_reports"):
        href = url("reports:list" if can.get("score_reports") else "reports:archive")
        lines.append(item(href, "Reports", current(href, namespace == "reports")))
    else:
        lines.append("")
    if can.get("follow_up"):
        href = url("followup:list")
        lines.append(item(href, "Follow-up", current(href, namespace == "followup")))
    else:
        lines.append("")
    if can.get("discuss"):
        href = url("discussions:forum")
        lines.append(item(href, "Discussions", current(href, namespace == "discussions")))
    else:
        lines.append("")
    if can.get("manage_organization"):
        href = reverse("settings:areas", args=[slug])
        section = ' aria-current="true"' if namespace == "settings" else ""
        lines.append(item(href, "Settings", section))
    else:
        lines.append("")
    user = context.get("user")
    if user is not None and user.is_superuser:
        lines.append(item(reverse("admin:index"), "Site administration"))
    else:
        lines.append("")
    # The template's line breaks: one after its first line, one after each item's line and
    # one after its last.
    return mark_safe("\n" + "".join(f"{line}\n" for line in lines) + "\n")
