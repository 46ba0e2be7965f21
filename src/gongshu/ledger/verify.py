"""Recompute the log from its events and check every signed tree head (pure; used on DB and file)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gongshu.ledger import merkle
from gongshu.ledger.format import event_leaf_data, tree_head_message
from gongshu.ledger.signing import verify_ed25519


@dataclass
class VerifyReport:
    """Outcome of a verification: ``ok`` or the first problem found, naming the entry."""

    ok: bool = True
    events: int = 0
    heads: int = 0
    first_bad_seq: int | None = None
    problem_zh: str = ""
    problem_en: str = ""

    @property
    def problem(self) -> str:
        return f"{self.problem_zh} / {self.problem_en}" if not self.ok else ""

    def fail(self, seq: int | None, zh: str, en: str) -> None:
        if self.ok:
            self.ok, self.first_bad_seq, self.problem_zh, self.problem_en = False, seq, zh, en


def verify_log(
    events: Iterable[Mapping[str, Any]],
    heads: Sequence[Mapping[str, Any]],
    public_keys: Mapping[str, str],
    algo: str,
) -> VerifyReport:
    """Check that ``events`` are numbered 0..n-1, each matches its leaf hash, every head's root
    matches the recomputed tree at its size and carries a valid signature, and that the last
    head covers every event. Stops at the first problem in event order."""
    report = VerifyReport()
    hasher = merkle.Hasher(algo)
    pending = sorted(heads, key=lambda h: h["tree_size"])
    frontier: list[bytes] = []
    size = 0
    last_good = 0
    for ev in events:
        if not _check_event(report, ev, size, hasher):
            return report
        frontier, _ = merkle.frontier_append(frontier, size, bytes.fromhex(ev["leaf_hash"]), hasher)
        size += 1
        while pending and pending[0]["tree_size"] == size:
            head = pending.pop(0)
            if not _check_head(report, head, frontier, hasher, public_keys, last_good):
                return report
            report.heads += 1
            last_good = size
        report.events = size
    _check_tail(report, pending, size, last_good)
    return report


def _check_event(report: VerifyReport, ev: Mapping[str, Any], expected: int, hasher: merkle.Hasher) -> bool:
    seq = ev.get("seq")
    if seq != expected:
        kind = (
            ("缺失", "missing")
            if isinstance(seq, int) and seq > expected
            else ("重复或乱序", "duplicated or out of order")
        )
        report.fail(
            expected,
            f"第 {expected} 条事件{kind[0]}（读到序号 {seq}）",
            f"event {expected} is {kind[1]} (found seq {seq})",
        )
        return False
    try:
        recomputed = hasher.leaf(event_leaf_data(ev)).hex()
    except (KeyError, ValueError, TypeError) as e:
        report.fail(expected, f"第 {expected} 条事件无法解析：{e}", f"event {expected} cannot be parsed: {e}")
        return False
    if recomputed != ev.get("leaf_hash"):
        report.fail(
            expected,
            f"第 {expected} 条事件内容与其叶哈希不符（被修改）",
            f"event {expected} does not match its leaf hash (modified)",
        )
        return False
    return True


def _check_head(
    report: VerifyReport,
    head: Mapping[str, Any],
    frontier: list[bytes],
    hasher: merkle.Hasher,
    keys: Mapping[str, str],
    last_good: int,
) -> bool:
    size = head["tree_size"]
    root = merkle.frontier_root(frontier, hasher).hex()
    if root != head["root_hash"]:
        report.fail(
            last_good,
            f"第 {last_good}–{size - 1} 条事件与大小为 {size} 的签名树头不符（被修改、插入或重排）",
            f"events {last_good}..{size - 1} do not match the signed head of size {size} "
            "(modified, inserted or reordered)",
        )
        return False
    pub = keys.get(head["key_id"])
    msg = tree_head_message(head["algo"], size, head["ts"], head["root_hash"])
    if pub is None or not verify_ed25519(pub, msg, head["signature"]):
        report.fail(
            last_good, f"大小为 {size} 的树头签名无效", f"the signature of the tree head of size {size} is invalid"
        )
        return False
    return True


def _check_tail(report: VerifyReport, pending: list[Mapping[str, Any]], size: int, last_good: int) -> None:
    if pending:
        n = pending[0]["tree_size"]
        report.fail(
            size,
            f"签名树头大小为 {n}，但只有 {size} 条事件（事件被删除）",
            f"a signed head covers {n} events but only {size} exist (events deleted)",
        )
    elif last_good != size:
        report.fail(
            last_good,
            f"第 {last_good} 条起的事件没有签名树头覆盖（被插入）",
            f"events from {last_good} on are not covered by any signed tree head (inserted)",
        )
