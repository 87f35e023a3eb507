"""Path converters shared by every app's URLs."""


class IdConverter:
    """A database id: 1 to 18 digits, so every id in a URL fits a 64-bit integer column and an
    id like 99999999999999999999 is a plain 404 instead of an overflow in the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
