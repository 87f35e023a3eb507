"""How a person is named wherever Spaning shows or exports one.

An account may belong to several organisations. Its own name (``display_name``) is the one the
person chose; an organisation that invited them keeps the name its admin typed until then
(``name_in_organization``), so no organisation's spelling reaches another.
"""


def display_name(user) -> str:
    """The account's own name, else the username; "" for no user (an account that has been
    removed)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def name_in_organization(user, typed_name: str = "") -> str:
    """How an organisation names one of its people: their own name once they have set one, else
    the name the organisation typed when it invited them, else the username."""
    if user is None:
        return ""
    return user.get_full_name() or typed_name or user.get_username()
