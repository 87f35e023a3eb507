from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .middleware import SESSION_KEY
from .selectors import memberships_for


@login_required
@require_POST
def switch_organization(request):
    """Work in another of the user's organisations from now on."""
    membership = (
        memberships_for(request.user)
        .filter(organization__slug=request.POST.get("organization"))
        .first()
    )
    if membership is None:
        messages.error(request, _("You are not a member of that organisation."))
    else:
        request.session[SESSION_KEY] = membership.organization_id
        messages.success(
            request, _("You are now working in %(name)s.") % {"name": membership.organization}
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "home"
    return redirect(target)
