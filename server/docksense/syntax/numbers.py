"""Numbers read from document text, bounded by length before any ``int()``.

Python refuses ``int()`` of a string past 4,300 digits (``ValueError``), and ``str.isdigit()``
accepts characters ``int()`` rejects (``"²"``) or reads differently (Arabic-Indic digits). A
Dockerfile is hostile input, so every number taken from it goes through :func:`parse_int_bounded`:
ASCII digits only, leading zeros dropped, and any value with more significant digits than
``MAX_DIGITS`` returned as :data:`TOO_LARGE`, a value larger than every limit BuildKit checks
(ports, signals, uids, durations, retries), so range checks still reject it the way Go's
``strconv`` does with "value out of range", without converting thousands of digits.
"""

from __future__ import annotations

from typing import Optional

# More significant digits than any limit the checks compare against (2**64 has 20 digits).
MAX_DIGITS = 40
# Stands for every number with more than MAX_DIGITS significant digits.
TOO_LARGE = 10**MAX_DIGITS

_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def is_ascii_digits(text: str, base: int = 10) -> bool:
    """``text`` is non-empty and made only of ASCII digits of ``base`` (no sign, no ``_``)."""
    if not text:
        return False
    allowed = _DIGITS[base]
    if base == 10:
        return text.isascii() and text.isdigit()
    return all(ch in allowed for ch in text)


def parse_int_bounded(text: str, base: int = 10) -> Optional[int]:
    """The value of ``text`` (ASCII digits of ``base``), :data:`TOO_LARGE` when it has more
    than :data:`MAX_DIGITS` significant digits, ``None`` when it is not a plain number."""
    if not is_ascii_digits(text, base):
        return None
    significant = text.lstrip("0")
    if not significant:
        return 0
    if len(significant) > MAX_DIGITS:
        return TOO_LARGE
    return int(significant, base)


def parse_signed_int_bounded(text: str, base: int = 10) -> Optional[int]:
    """As :func:`parse_int_bounded`, with an optional leading ``+`` or ``-``."""
    sign = 1
    if text[:1] in ("+", "-"):
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    value = parse_int_bounded(text, base)
    return None if value is None else sign * value
