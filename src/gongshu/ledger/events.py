"""What a service hands the ledger: an event draft, sequenced and hashed at commit."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from gongshu.ledger.format import canonical_json


@dataclass(frozen=True)
class EventDraft:
    """An event before it has a place in the log.

    ``payload`` is hashed and never stored; ``detail`` is stored in clear and must hold
    nothing sensitive (names of things, counts, hashes — never a cell value).
    """

    actor: str
    org: str
    role: str
    action: str
    object_type: str
    object_id: str
    payload: Any = None
    agreement: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def payload_hash(payload: Any, algo: str) -> str:
    return _hash(algo)(canonical_json(payload)).hexdigest()


@functools.cache
def _hash(algo: str) -> Any:
    """hashlib's own constructor where it has one (faster than hashlib.new on every call)."""
    return getattr(hashlib, algo, None) or functools.partial(hashlib.new, algo)
