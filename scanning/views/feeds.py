"""The organisation's feeds: list with health, add by address, edit, pause, remove, fetch now,
OPML export and import, and keyword rules with a try-out.

Every page needs ``manage_feeds``; one subscription is fetched through the member's
visibility, so another organisation's feed is a 404. Changes are POST-only and made by
``feed_services``; a refusal goes back onto the form.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.forms import attach_errors
from organizations.access import get_visible_or_404, organization_required

from .. import feed_services as services
from ..feed_forms import FeedAddForm, FeedEditForm, OPMLImportForm, RuleForm
from ..feed_selectors import followed_addresses, rule_tryout, subscriptions_with_health
from ..models import FeedState, RuleKind
from ..opml import OPMLError, opml_document, parse_opml
from ..visibility import visible_keyword_rules, visible_subscriptions

MANAGE = "manage_feeds"


def _to_feeds(request):
    return redirect("scanning:feeds", request.organization.slug)


# A message tagged so is said on its feed's card (``feeds``), where the action was taken.
CARD_TAG = "feed-card-"


def _back_to_card(request, subscription, level, text):
    """Back to the feeds page at the feed's card, which says ``text``: pausing the fifth
    feed of twenty does not send a keyboard user to the top of the page, nor leave the
    answer there out of sight."""
    messages.add_message(request, level, text, extra_tags=f"{CARD_TAG}{subscription.pk}")
    url = reverse("scanning:feeds", args=[request.organization.slug])
    return redirect(f"{url}#feed-{subscription.pk}")


def _subscription(request, pk):
    return get_visible_or_404(
        visible_subscriptions(request.membership).select_related("feed"), pk=pk
    )


@organization_required(MANAGE)
def feeds(request):
    subscriptions = subscriptions_with_health(request.membership)
    said, rest = {}, []
    for message in messages.get_messages(request):
        tags = (message.extra_tags or "").split()
        tag = next((t for t in tags if t.startswith(CARD_TAG)), None)
        if tag is None:
            rest.append(message)
        else:
            said[tag.removeprefix(CARD_TAG)] = message
    for subscription in subscriptions:
        subscription.said = said.pop(str(subscription.pk), None)
    # A card's message for a feed no longer listed is said at the top, as any other.
    context = {"subscriptions": subscriptions, "messages": [*rest, *said.values()]}
    return render(request, "scanning/feeds.html", context)


@organization_required(MANAGE)
def feed_add(request):
    form = FeedAddForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = services.subscription_add(
                organization=request.organization,
                url=data["url"],
                name=data["name"],
                area=data["area"],
                level=data["level"],
                created_by=request.user,
            )
        except services.FeedChoiceNeeded as page:
            return _feed_choice(request, form, page, data["url"])
        except ValidationError as refused:
            attach_errors(refused, form)
        else:
            messages.success(
                request,
                _("Your organisation now follows “%(name)s”; its items appear in the queue.")
                % {"name": subscription.name},
            )
            return _to_feeds(request)
    return render(request, "scanning/feeds_form.html", {"form": form, "adding": True})


def _feed_choice(request, form, page: services.FeedChoiceNeeded, page_url: str):
    """The feeds a page announces, to choose one: each with the page's title for it, those
    already followed shown but not offered, the first one not followed chosen."""
    followed = followed_addresses(request.membership)
    choices = [
        {
            "url": link,
            "title": page.feed_titles.get(link, ""),
            "followed": services.feed_address(link) in followed,
        }
        for link in page.feed_links
    ]
    first = next((choice for choice in choices if not choice["followed"]), None)
    if first is not None:
        first["checked"] = True
    context = {
        "form": form,
        "choices": choices,
        "can_choose": first is not None,
        "more": page.more,
        "page_url": page_url,
    }
    return render(request, "scanning/feeds_choice.html", context)


@organization_required(MANAGE)
def feed_edit(request, pk):
    subscription = _subscription(request, pk)
    initial = {"name": subscription.name, "area": subscription.area, "level": subscription.level}
    form = FeedEditForm(request.POST or None, initial=initial, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_update(
                subscription=subscription, name=data["name"], area=data["area"], level=data["level"]
            )
        except ValidationError as refused:
            attach_errors(refused, form)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": subscription.name})
            return _to_feeds(request)
    return render(
        request,
        "scanning/feeds_form.html",
        {"form": form, "adding": False, "subscription": subscription},
    )


@organization_required(MANAGE)
@require_POST
def feed_pause(request, pk):
    subscription = _subscription(request, pk)
    services.subscription_set_paused(subscription=subscription, paused=True)
    return _back_to_card(
        request,
        subscription,
        messages.SUCCESS,
        _("“%(name)s” is paused: its new items stay out of the queue until you resume it.")
        % {"name": subscription.name},
    )


@organization_required(MANAGE)
@require_POST
def feed_resume(request, pk):
    subscription = _subscription(request, pk)
    services.subscription_set_paused(subscription=subscription, paused=False)
    return _back_to_card(
        request,
        subscription,
        messages.SUCCESS,
        _("“%(name)s” is followed again: its new items reach the queue.")
        % {"name": subscription.name},
    )


@organization_required(MANAGE)
def feed_remove(request, pk):
    subscription = _subscription(request, pk)
    if request.method == "POST":
        services.subscription_remove(subscription=subscription)
        messages.success(
            request,
            _("Your organisation no longer follows “%(name)s”.") % {"name": subscription.name},
        )
        return _to_feeds(request)
    rules = visible_keyword_rules(request.membership).filter(subscription=subscription)
    context = {"subscription": subscription, "rules": list(rules.order_by("phrase"))}
    return render(request, "scanning/feeds_remove.html", context)


@organization_required(MANAGE)
@require_POST
def feed_fetch_now(request, pk):
    subscription = _subscription(request, pk)
    names = {"name": subscription.name}
    started = services.feed_fetch_now(feed=subscription.feed)
    if subscription.paused:
        # Its items are kept out of the queue while it is paused (the list says so).
        if started:
            message = _(
                "Fetching “%(name)s” now. It is paused, so its new items stay out of the "
                "queue until you resume it."
            )
        else:
            message = _("“%(name)s” is already being fetched.")
        return _back_to_card(request, subscription, messages.INFO, message % names)
    if started:
        return _back_to_card(
            request,
            subscription,
            messages.SUCCESS,
            _("Fetching “%(name)s” now; new items appear in the queue.") % names,
        )
    return _back_to_card(
        request,
        subscription,
        messages.INFO,
        _("“%(name)s” is already being fetched; new items appear in the queue shortly.") % names,
    )


@organization_required(MANAGE)
@require_POST
def feed_resume_polling(request, pk):
    subscription = _subscription(request, pk)
    if subscription.feed.state != FeedState.ACTIVE:
        services.feed_resume_polling(feed=subscription.feed)
        services.feed_fetch_now(feed=subscription.feed)
    return _back_to_card(
        request,
        subscription,
        messages.SUCCESS,
        _("“%(name)s” is polled again.") % {"name": subscription.name},
    )


# --- OPML ------------------------------------------------------------------------------------


@organization_required(MANAGE)
def opml_export(request):
    subscriptions = visible_subscriptions(request.membership).select_related("feed")
    title = _("Feeds of %(organization)s") % {"organization": request.organization.name}
    response = HttpResponse(
        opml_document(subscriptions.order_by("name", "pk"), title=title),
        content_type="text/x-opml; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="feeds-{request.organization.slug}.opml"'
    )
    return response


@organization_required(MANAGE)
def opml_import(request):
    form = OPMLImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            outlines = parse_opml(form.cleaned_data["file"].read())
        except OPMLError as unreadable:
            form.add_error("file", str(unreadable))
        else:
            result = services.subscriptions_import(
                organization=request.organization, outlines=outlines, created_by=request.user
            )
    context = {"form": form, "result": result, "import_limit": services.IMPORT_LIMIT}
    return render(request, "scanning/opml_import.html", context)


# --- Keyword rules ---------------------------------------------------------------------------


def _tryout_text(tryout) -> str:
    if tryout.kind == RuleKind.INCLUDE:
        return ngettext(
            "Would keep only %(count)d item of %(total)d from the last 30 days.",
            "Would keep only %(count)d items of %(total)d from the last 30 days.",
            tryout.affected,
        ) % {"count": tryout.affected, "total": tryout.considered}
    text = ngettext(
        "Would hide %(count)d item of %(total)d from the last 30 days.",
        "Would hide %(count)d items of %(total)d from the last 30 days.",
        tryout.affected,
    ) % {"count": tryout.affected, "total": tryout.considered}
    if tryout.already_hidden:
        # "0 of 98" alone would read as a rule that matches nothing.
        text += " " + ngettext(
            "It also matches %(count)d item your other rules already hide.",
            "It also matches %(count)d items your other rules already hide.",
            tryout.already_hidden,
        ) % {"count": tryout.already_hidden}
    return text


def _queue_change_text(queue) -> str:
    """What applying the rules again did to the items waiting in the queue, in words: a
    rule's effect is seen at once, not found out later as a queue that looks short."""
    if not queue.hidden and not queue.restored:
        return _("No item waiting in the queue changed.")
    said = []
    if queue.hidden:
        said.append(
            ngettext(
                "%(count)d item waiting in the queue is now hidden.",
                "%(count)d items waiting in the queue are now hidden.",
                queue.hidden,
            )
            % {"count": queue.hidden}
        )
    if queue.restored:
        said.append(
            ngettext(
                "%(count)d hidden item is back in the queue.",
                "%(count)d hidden items are back in the queue.",
                queue.restored,
            )
            % {"count": queue.restored}
        )
    return " ".join(said)


@organization_required(MANAGE)
def rules(request):
    """The rules, and the form to add one. "Try it" (a submit button, or htmx) shows what the
    unsaved rule would do; "Add rule" saves it and applies the rules again to the queue."""
    form = RuleForm(request.POST or None, membership=request.membership)
    tryout = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "try" in request.POST:
                phrase = services.rule_phrase(data["phrase"])
                services.rule_refuse_if_contradicting(
                    organization=request.organization,
                    kind=data["kind"],
                    phrase=phrase,
                    subscription=data["subscription"],
                )
                tryout = rule_tryout(
                    request.membership,
                    kind=data["kind"],
                    phrase=phrase,
                    subscription=data["subscription"],
                )
                tryout.text = _tryout_text(tryout)
            else:
                added = services.rule_create(
                    organization=request.organization,
                    kind=data["kind"],
                    phrase=data["phrase"],
                    subscription=data["subscription"],
                )
                done = _("The rule “%(phrase)s” was added.") % {"phrase": added.rule.phrase}
                messages.success(request, f"{done} {_queue_change_text(added.queue)}")
                return redirect("scanning:rules", request.organization.slug)
        except ValidationError as refused:
            attach_errors(refused, form)
    if request.htmx and "try" in request.POST:
        # Swapped in alone, the try-out says what is wrong with the rule; on a whole page
        # the form's summary and fields already do.
        context = {"tryout": tryout, "form": form, "swapped": True}
        return render(request, "scanning/rules.html#tryout", context)
    all_rules = visible_keyword_rules(request.membership).select_related("subscription")
    general = [rule for rule in all_rules if rule.subscription_id is None]
    per_feed = sorted(
        (rule for rule in all_rules if rule.subscription_id is not None),
        key=lambda rule: (rule.subscription.name.casefold(), rule.kind, rule.phrase.casefold()),
    )
    return render(
        request,
        "scanning/rules.html",
        {"form": form, "tryout": tryout, "general": general, "per_feed": per_feed},
    )


@organization_required(MANAGE)
@require_POST
def rule_delete(request, pk):
    rule = get_visible_or_404(visible_keyword_rules(request.membership), pk=pk)
    queue = services.rule_delete(rule=rule)
    done = _("The rule “%(phrase)s” was removed.") % {"phrase": rule.phrase}
    messages.success(request, f"{done} {_queue_change_text(queue)}")
    return redirect("scanning:rules", request.organization.slug)
