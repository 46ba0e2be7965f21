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
SORTED_FIELDS = tuple(sorted(EVENT_FIELDS))
EXPORT_FORMAT = "gongshu-ledger-export/1"


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_quote = json.encoder.encode_basestring  # what _CANONICAL uses for strings (ensure_ascii=False)


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no insignificant whitespace (one shared encoder: this is on
    the path of every ledger append)."""
    return _CANONICAL.encode(value).encode()


def leaf_data_fast(fields: Mapping[str, Any], detail_json: str) -> bytes:
    """``event_leaf_data`` assembled by hand for the append path: the keys of EVENT_FIELDS are fixed,
    so their sorted order is too; ``detail_json`` is ``canonical_json(detail)`` already made for
    storage. Byte-identical to ``canonical_json`` (pinned by a property test)."""
    parts = []
    for key in SORTED_FIELDS:
        value = fields[key]
        if key == "detail":
            text = detail_json
        elif type(value) is str:
            text = _quote(value)
        else:
            text = _CANONICAL.encode(value)
        parts.append(f'"{key}":{text}')
    return ("{" + ",".join(parts) + "}").encode()


def event_leaf_data(event: Mapping[str, Any]) -> bytes:
    """The bytes hashed into an event's leaf: canonical JSON of EVENT_FIELDS (detail parsed)."""
    fields = {name: event[name] for name in EVENT_FIELDS}
    if isinstance(fields["detail"], str):
        fields["detail"] = json.loads(fields["detail"])
    return canonical_json(fields)


def tree_head_message(algo: str, tree_size: int, ts: str, root_hex: str) -> bytes:
    """The exact bytes a tree head signature covers."""
    return f"gongshu-sth-v1\n{algo}\n{tree_size}\n{ts}\n{root_hex}\n".encode()
