"""The error root every context derives from; messages are bilingual, zh-CN first."""

from __future__ import annotations


class GongshuError(Exception):
    """Base of every error gongshu raises on purpose.

    ``zh`` and ``en`` carry the same message in Chinese and English; ``str()`` gives both.
    Subclasses name the values the caller needs to fix the problem.
    """

    code = "error"

    def __init__(self, zh: str, en: str | None = None, **values: object) -> None:
        self.zh = zh
        self.en = en or zh
        self.values = values
        super().__init__(f"{self.zh} / {self.en}")

    def message(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


class NotFound(GongshuError):
    code = "not_found"


class PermissionDenied(GongshuError):
    code = "permission_denied"


class NotAuthenticated(GongshuError):
    code = "not_authenticated"


class InvalidTransition(GongshuError):
    code = "invalid_transition"


class Conflict(GongshuError):
    code = "conflict"


class Invalid(GongshuError):
    code = "invalid"


class TooManyRequests(GongshuError):
    code = "too_many_requests"
