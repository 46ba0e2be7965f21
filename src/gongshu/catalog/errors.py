"""Catalog errors."""

from __future__ import annotations

from gongshu.errors import Invalid, NotFound


class ResourceNotFound(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__(
            f"数据资源 {code} 不存在或您无权查看", f"resource {code} does not exist or is not visible to you", code=code
        )


class InvalidMetadata(Invalid):
    pass
