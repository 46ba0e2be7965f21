"""Identity errors."""

from __future__ import annotations

from gongshu.errors import Conflict, Invalid, NotFound


class OrganizationNotFound(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__(f"单位 {code} 不存在", f"organization {code} does not exist", code=code)


class UserNotFound(NotFound):
    def __init__(self, username: str) -> None:
        super().__init__(f"用户 {username} 不存在", f"user {username} does not exist", username=username)


class AlreadyExists(Conflict):
    def __init__(self, what_zh: str, what_en: str, key: str) -> None:
        super().__init__(f"{what_zh} {key} 已存在", f"{what_en} {key} already exists", key=key)


class WeakPassword(Invalid):
    def __init__(self) -> None:
        super().__init__(
            "密码至少 10 个字符，且须同时包含字母和数字",
            "a password needs at least 10 characters, with both letters and digits",
        )
