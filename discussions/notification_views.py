"""A person's notifications, across the organisations they belong to: the list, opening one
(which marks it read and goes to the discussion in its own organisation), marking all read,
and turning e-mails off or on. Outside any organisation, like the account page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.lib.people import name_in_organization

from .display import describe
from .notification_services import (
    notification_settings_set,
    notifications_mark_read,
    thread_url,
    wants_email,
)
from .selectors import (
    NOTIFICATIONS_PAGE_SIZE,
    notification_of,
    notifications_list,
    unread_count,
)


class EmailForm(forms.Form):
    label_suffix = ""  # a checkbox's label reads as a sentence, without a colon

    email = forms.BooleanField(
        label=gettext_lazy("Send me my notifications by e-mail too"), required=False
    )


def _memberships(request):
    return getattr(request, "memberships", None) or []


@login_required
@never_cache
@require_GET
def notifications(request):
    memberships = _memberships(request)
    paginator = Paginator(notifications_list(request.user, memberships), NOTIFICATIONS_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    items = [
        {
            "notification": n,
            "text": describe(n, name_in_organization(n.actor, "") if n.actor else ""),
            "organization": n.thread.organization,
        }
        for n in rows
    ]
    context = {
        "items": items,
        "page": page,
        # Of every page: "Mark all as read" is offered while any is unread, shown here or not.
        "unread": unread_count(request.user, memberships),
        "several_organizations": len(memberships) > 1,
        "email_form": EmailForm(initial={"email": wants_email(request.user)}),
    }
    return render(request, "discussions/notifications.html", context)


@login_required
@require_GET
def notification_open(request, pk: int):
    notification = notification_of(request.user, _memberships(request), pk)
    if notification is None:
        raise Http404
    notifications_mark_read(user=request.user, notifications=[notification])
    return redirect(thread_url(notification.thread, notification.comment, ""))


@login_required
@require_POST
def notifications_read(request):
    count = notifications_mark_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked read."))
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if request.method == "POST":
        form = EmailForm(request.POST)
        if form.is_valid():
            notification_settings_set(user=request.user, email=form.cleaned_data["email"])
            if form.cleaned_data["email"]:
                messages.success(request, _("You get your notifications by e-mail too."))
            else:
                messages.success(request, _("You get no more notification e-mails."))
            return redirect("notifications")
    # The e-mails' "turn them off" link: the choice is on the notifications page.
    return redirect(f"{redirect('notifications').url}#email-settings")
