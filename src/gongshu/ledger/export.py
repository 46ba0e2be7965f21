"""Export the log with its signed heads as JSON Lines, and verify a database or an export offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session

from gongshu.errors import Invalid
from gongshu.ledger.format import EXPORT_FORMAT
from gongshu.ledger.services import all_heads, iter_events, state_size
from gongshu.ledger.verify import VerifyReport, verify_log


def export_log(session: Session, out: TextIO, *, algo: str, key_id: str, public_b64: str) -> int:
    """Write the header, every event and every head (after the event it covers); returns events written."""
    header = {"format": EXPORT_FORMAT, "hash": algo, "signature": "ed25519", "keys": {key_id: public_b64}}
    out.write(json.dumps(header, ensure_ascii=False) + "\n")
    heads = all_heads(session)
    hi = n = 0
    for ev in iter_events(session):
        out.write(json.dumps({"type": "event", **ev}, ensure_ascii=False) + "\n")
        n += 1
        while hi < len(heads) and heads[hi]["tree_size"] == n:
            out.write(json.dumps({"type": "head", **heads[hi]}, ensure_ascii=False) + "\n")
            hi += 1
    for head in heads[hi:]:  # heads past the last event: kept so that the verifier sees the deletion
        out.write(json.dumps({"type": "head", **head}, ensure_ascii=False) + "\n")
    return n


def verify_database(session: Session, *, algo: str, keys: dict[str, str]) -> VerifyReport:
    report = verify_log(iter_events(session), all_heads(session), keys, algo)
    size = state_size(session)
    if report.ok and size != report.events:
        report.fail(
            min(size, report.events),
            f"账本状态记录 {size} 条事件，实际 {report.events} 条",
            f"the ledger state says {size} events but {report.events} are stored",
        )
    return report


def verify_file(path: Path, *, trusted_keys: dict[str, str] | None = None) -> VerifyReport:
    """Verify an export without any database, in two streaming passes (heads, then events).

    ``trusted_keys`` overrides the keys in the file's header: a verifier should pin the platform's
    published key rather than trust the file.
    """
    with path.open(encoding="utf-8") as fh:
        header = _header(fh)
        heads = [rec for kind, rec in _records(fh) if kind == "head"]
    with path.open(encoding="utf-8") as fh:
        _header(fh)
        events = (rec for kind, rec in _records(fh) if kind == "event")
        return verify_log(events, heads, trusted_keys or header["keys"], header["hash"])


def _header(fh: TextIO) -> dict[str, Any]:
    try:
        header = json.loads(fh.readline())
    except json.JSONDecodeError as e:
        raise Invalid("不是 gongshu 账本导出文件", "not a gongshu ledger export") from e
    if not isinstance(header, dict) or header.get("format") != EXPORT_FORMAT:
        raise Invalid("不是 gongshu 账本导出文件（格式标识不符）", f"not a {EXPORT_FORMAT} file")
    return header


def _records(fh: TextIO) -> Iterator[tuple[str, dict[str, Any]]]:
    for lineno, line in enumerate(fh, start=2):
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            raise Invalid(f"第 {lineno} 行不是 JSON", f"line {lineno} is not JSON") from e
        kind = rec.pop("type", None) if isinstance(rec, dict) else None
        if kind not in ("head", "event"):
            raise Invalid(f"第 {lineno} 行类型未知", f"line {lineno} has an unknown type")
        yield kind, rec
