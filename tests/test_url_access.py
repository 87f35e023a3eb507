"""Every page of the product declares who may open it.

A view is let in only through ``organizations.access.organization_required(capability)``, which
marks it with ``required_capability``. This walks the whole URL configuration, so a new view
that forgets the decorator fails here instead of being open to every signed-in user (or to
anyone). The few views that rightly do without it are listed with the reason.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from organizations.roles import CAPABILITIES

# Whole sections that are not the product's pages, by their prefix.
OUTSIDE_THE_PRODUCT = {
    "admin/": "Django's admin, behind its own staff login",
    "accounts/": "sign-in, sign-out and password reset: for people not (yet) signed in",
    "i18n/": "the language switch, which works before signing in",
    "static/": "static files (served like this only in development)",
}

# Product views without a capability, by URL name, and why.
ALLOWED_WITHOUT_CAPABILITY = {
    "healthz": "the load balancer's health check: no session, no organisation data",
    "home": (
        "/ chooses the organisation to go to, so it cannot be inside one; it is login_required "
        "and only redirects to the start page of one of the user's own organisations"
    ),
    "invitations": (
        "the signed-in person's own invitations: to organisations they have not joined, so it "
        "cannot be inside one; login_required and reads only the user's own pending memberships"
    ),
    "invitation_accept": "answers one of the user's own invitations: login_required, POST only",
    "invitation_decline": "answers one of the user's own invitations: login_required, POST only",
    "account": (
        "the signed-in person's own name, shown in all their organisations: login_required, "
        "changes only the user's own account"
    ),
    "report_feed_settings": (
        "the signed-in person's own feed address, for all their organisations: login_required, "
        "changes only the user's own token"
    ),
    "report_feed_create": "makes the user's own feed address: login_required, POST only",
    "report_feed_revoke": "revokes the user's own feed address: login_required, POST only",
    "report_feed": (
        "a feed reader cannot log in: the secret address is the key (only its SHA-256 is "
        "stored), and each organisation's reports are read through the membership's rule"
    ),
    "notifications": (
        "the signed-in person's own notifications from all their organisations: login_required, "
        "each organisation's read through the membership's rule"
    ),
    "notification_open": (
        "opens one of the user's own notifications (marks it read), then the discussion's page "
        "checks the organisation: login_required"
    ),
    "notifications_read": "marks the user's own notifications read: login_required, POST only",
    "notification_settings": "the user's own e-mail choice: login_required",
    "moved_signals_root": "old address: login_required, GET only, redirects into the URL",
    "moved_signals": "old address: login_required, GET only, redirects into the URL",
    "moved_organisation": "old address: login_required, GET only, redirects into the URL",
}


def walk(patterns, prefix="", skip=OUTSIDE_THE_PRODUCT):
    """(route, URL name with namespace, view) for every pattern, includes followed, except
    the sections in ``skip``."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route in skip:
                continue
            nested = walk(pattern.url_patterns, route, skip)
            namespace = pattern.namespace
            for sub_route, name, view in nested:
                yield sub_route, f"{namespace}:{name}" if namespace else name, view
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name, pattern.callback


def product_views():
    return list(walk(get_resolver().url_patterns))


def test_every_product_view_requires_a_capability():
    missing = [
        f"/{route} ({name})"
        for route, name, view in product_views()
        if name not in ALLOWED_WITHOUT_CAPABILITY
        and getattr(view, "required_capability", None) not in CAPABILITIES
    ]
    assert not missing, (
        "These views are not wrapped in organization_required(capability): "
        + ", ".join(missing)
        + ". Add the decorator, or list the view in ALLOWED_WITHOUT_CAPABILITY with the reason."
    )


def test_the_walk_sees_the_product_and_not_the_sections_outside_it():
    names = {name for _, name, _ in product_views()}
    assert {"start", "signals:list", "signals:detail", "settings:members"} <= names
    assert not any(name and name.startswith("admin:") for name in names)
    assert "login" not in names
    assert "set_language" not in names


def test_the_allow_list_names_only_views_that_exist_and_lack_a_capability():
    """A stale entry would quietly let a future view of that name through."""
    views = {name: view for _, name, view in product_views()}
    for name in ALLOWED_WITHOUT_CAPABILITY:
        assert name in views, f"{name} is allowed but no longer exists"
        assert not hasattr(views[name], "required_capability"), (
            f"{name} now requires a capability; take it off the allow-list"
        )


def test_every_product_view_names_its_organisation_in_the_url():
    """organization_required resolves the organisation from the URL; a product page outside
    /<organisation>/ would have none and answer 404 to everyone."""
    outside = [
        f"/{route} ({name})"
        for route, name, view in product_views()
        if hasattr(view, "required_capability")
        and not route.startswith("<slug:organization_slug>/")
    ]
    assert not outside, "Product views outside /<organisation>/: " + ", ".join(outside)


def test_every_id_in_a_url_fits_64_bits():
    """Ids are <id:…> (1 to 18 digits): a longer number is a 404, never a database overflow."""
    unbounded = [f"/{route} ({name})" for route, name, _view in product_views() if "<int:" in route]
    assert not unbounded, "Use <id:…> instead of <int:…>: " + ", ".join(unbounded)
