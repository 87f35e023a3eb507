"""Whether a request comes from one of our own pages.

For endpoints that only our own scripts call and that do something on the server's side for
the caller (the title suggestion fetches a page): another site must not be able to make a
signed-in user's browser use them. Browsers say where a request comes from in
``Sec-Fetch-Site``; older ones only in ``Origin`` or, failing that, ``Referer``
(``SECURE_REFERRER_POLICY`` is "same-origin", so our own pages always send it to us).
A request that says nothing is not from our pages.
"""

from urllib.parse import urlsplit


def is_same_origin(request) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    own = (request.scheme, request.get_host().lower())
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value:
            parts = urlsplit(value)
            return (parts.scheme, parts.netloc.lower()) == own
    return False
