"""Grants errors."""

from __future__ import annotations

from gongshu.errors import Invalid, NotFound


class ApplicationNotFound(NotFound):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"申请 {number} 不存在或您无权查看",
            f"application {number} does not exist or is not yours to see",
            number=number,
        )


class AgreementNotFound(NotFound):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"协议 {number} 不存在或您无权查看",
            f"agreement {number} does not exist or is not yours to see",
            number=number,
        )


class ReviewNotFound(NotFound):
    def __init__(self, review_id: int) -> None:
        super().__init__(
            f"审核 {review_id} 不存在或不归您审核",
            f"review {review_id} does not exist or is not yours",
            review=review_id,
        )


class IncompleteApplication(Invalid):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("；".join(p[0] for p in problems), "; ".join(p[1] for p in problems), count=len(problems))
