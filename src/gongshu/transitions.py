"""One check for every state machine: is ``current → target`` in its TRANSITIONS table?"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from gongshu.errors import InvalidTransition


def check_move(
    table: Mapping[Any, frozenset[Any]], current: str, target: str, what: str, labels: Mapping[str, str]
) -> None:
    """Raise InvalidTransition, naming both states in Chinese and English, unless the move is allowed."""
    allowed = {
        s.value if isinstance(s, StrEnum) else s for key, s_set in table.items() if str(key) == current for s in s_set
    }
    if target not in allowed:
        raise InvalidTransition(
            f"{what} 当前为「{labels.get(current, current)}」，不能变为「{labels.get(target, target)}」",
            f"{what} is {current}; it cannot become {target}",
            current=current,
            target=target,
        )
