from django import template

from .. import queue_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_item(context, item):
    """``{% queue_item item %}``: the queue's ``<li>`` for ``item`` (``scanning.queue_rows``),
    its Dismiss returning to the page it is on (``here``, else the queue); what the items
    share is read at the first item of each rendering."""
    items = context.render_context.get(queue_item)
    if items is None:
        items = context.render_context[queue_item] = queue_rows.QueueItems(
            organization_slug=context["current_organization"].slug,
            csrf_token=str(context.get("csrf_token", "")),
            back_to=context.get("here") or context["queue_url"],
        )
    return items.item(item)
