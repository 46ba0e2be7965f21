"""The ledger's byte formats: canonical event encoding and signed-tree-head message (v1).

Documented in docs/reference/ledger-format.md; changing anything here breaks every stored log.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

EVENT_FIELDS = (
    "seq",
    "ts",
    "actor",
    "org",
    "role",
    "action",
    "object_type",
    "object_id",
    "agreement",
    "payload_hash",
    "detail",
)
EXPORT_FORMAT = "gongshu-ledger-export/1"


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no insignificant whitespace."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_leaf_data(event: Mapping[str, Any]) -> bytes:
    """The bytes hashed into an event's leaf: canonical JSON of EVENT_FIELDS (detail parsed)."""
    fields = {name: event[name] for name in EVENT_FIELDS}
    if isinstance(fields["detail"], str):
        fields["detail"] = json.loads(fields["detail"])
    return canonical_json(fields)


def tree_head_message(algo: str, tree_size: int, ts: str, root_hex: str) -> bytes:
    """The exact bytes a tree head signature covers."""
    return f"gongshu-sth-v1\n{algo}\n{tree_size}\n{ts}\n{root_hex}\n".encode()
