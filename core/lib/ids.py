"""The range of a database id, for input that names a row by a number a person could forge.

Every id column is a 64-bit integer (``BigAutoField``). A larger number in a form or a query
string must read as "no such row", never reach the database: SQLite raises OverflowError on
it and PostgreSQL an out-of-range error.
"""

MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id a submitted value names, or None when it cannot name a row (empty, not a whole
    number, zero or negative, or beyond 64 bits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        # Length first: int() refuses a string of over 4,300 digits (ValueError), and no id
        # has more than 19.
        if len(text) > 19 or not text.isascii() or not text.isdigit():
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None
