from django import template

from .. import display, list_links, rows

register = template.Library()


@register.filter
def shown(signal, name: str) -> str:
    """``{{ signal|shown:"level" }}``: the field as every page reads it (``display.text``)."""
    return display.text(signal, name)


@register.filter
def short_date(value) -> str:
    """``{{ signal.created_at|short_date }}``: "28 nov 2026", as lists show a date."""
    return display.short_date(value)


@register.filter
def date_time(value) -> str:
    """``{{ entry.when|date_time }}``: "4 March 2025, 08:15", as pages show a moment."""
    return display.date_time(value)


@register.simple_tag(takes_context=True)
def signal_row(context, signal):
    """``{% signal_row signal %}``: the signal list's row for ``signal`` (``signals.rows``),
    with the list's address (``list_url``) and parameters (``params``) and the organisation's
    names for people; what the rows share is read at the first row of each rendering."""
    page_rows = context.render_context.get(signal_row)
    if page_rows is None:
        page_rows = context.render_context[signal_row] = rows.ListRows(
            organization_slug=context["current_organization"].slug,
            list_url=context["list_url"],
            params=context["params"],
            people=context.get("people"),
        )
    return page_rows.row(signal)


@register.simple_tag(takes_context=True)
def level_links(context):
    """``{% level_links %}``: the list's links per level (``signals.list_links``)."""
    return list_links.level_links(
        list_url=context["list_url"],
        params=context["params"],
        chosen=context["filters"].level,
        level_counts=context["level_counts"],
        level_total=context["level_total"],
        more=context["levels_more"],
    )


@register.simple_tag(takes_context=True)
def page_links(context):
    """``{% page_links %}``: the list's page links (``signals.list_links``)."""
    return list_links.page_links(
        list_url=context["list_url"],
        params=context["params"],
        page=context["page"],
        page_range=context["page_range"],
    )
