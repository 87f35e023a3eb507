from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class SwedishFirstLocaleMiddleware:
    """Swedish unless the user has chosen English with the language switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on many
    municipal PCs says English although the staff read Swedish; an explicit choice (the
    language cookie set by ``set_language``) is the only thing that changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # The language depends on the cookie; patch_vary_headers adds it only once.
        patch_vary_headers(response, ["Cookie"])
        return response


class PrivateNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user.

    Pages and exports carry an organisation's signals, drafts and member lists: neither a
    shared proxy nor the browser's disk (a shared municipal PC, the back button after logging
    out) should keep them. Responses to anonymous requests (the login page, static files,
    which WhiteNoise serves before this runs) keep the caching they had.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class MethodNotAllowedPageMiddleware:
    """A page in words for a 405: Django's ``require_POST`` answers with an empty body, which
    a browser shows as its own error page, in English. A person meets it by opening the
    address of a button (a bookmark, a link pasted from the address bar after a form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method == "GET":
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
