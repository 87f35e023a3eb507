"""How a person is named wherever Spaning shows or exports one."""


def display_name(user) -> str:
    """The full name, else the username; "" for no user (an account that has been removed)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
