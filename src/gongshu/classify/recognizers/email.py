"""E-mail addresses (the common dot-atom form)."""

from __future__ import annotations

from gongshu.classify.recognizers.base import ASCII, PLAIN

CODE = "email"
VERSION = "1"
_ADDRESS = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}"
PATTERN = rf"\b{_ADDRESS}\b"
CELL = rf"^{_ADDRESS}$"
FORM = PLAIN
SCRIPT = ASCII
LENGTHS = (6, 254)
HINTS = ("邮箱", "电子邮件", "电子信箱", "邮件地址", "email", "e_mail", "mail", "yx", "dzyx")


def validate(value: str) -> bool:
    """True for local@domain within the length limits, without empty labels or dot runs."""
    if not isinstance(value, str) or len(value) > 254 or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    if not 0 < len(local) <= 64 or local[0] == "." or local[-1] == "." or ".." in local:
        return False
    labels = domain.split(".")
    return len(labels) >= 2 and all(0 < len(x) <= 63 and x[0] != "-" and x[-1] != "-" for x in labels)
