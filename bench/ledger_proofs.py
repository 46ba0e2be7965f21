"""Inclusion proofs on SQLite: generated and verified per second at 1e6 and 1e4 events (O(log n))."""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from typing import Any

from bench.common import Result, Target, count_label, ratio, temp_platform
from bench.ledger_append import BATCH, BATCH_TARGET, MEETS, append_events
from gongshu.ledger import merkle
from gongshu.ledger.services import inclusion_proof
from gongshu.platform import Platform

NAME = "ledger_proofs"
EVENTS = 1_000_000
SMALL_SHARE = 100  # the small tree has 1/100 of the events: 1e4 at scale 1
MIN_SMALL = 1_000
PROOFS = 1_000
GENERATE_BUDGET_S = 10.0  # per repetition: proofs stop early when they are slow
VERIFICATIONS = 20_000
REPEATS = 3


@dataclass(frozen=True)
class Proof:
    """An inclusion proof as a client holds it after decoding the API's hex."""

    index: int
    size: int
    leaf: bytes
    path: list[bytes]
    root: bytes


@dataclass(frozen=True)
class Speed:
    """Seconds per proof generated and per proof verified in one tree, and how it was filled."""

    events: int
    fill_rate: float
    generate: float
    served: int
    verify: float


def run(scale: float) -> list[Result]:
    big = max(int(EVENTS * scale), 10 * MIN_SMALL)
    small = max(big // SMALL_SHARE, MIN_SMALL)
    proofs = max(int(PROOFS * scale), 100)
    return _results(_speed(small, proofs), _speed(big, proofs))


def _speed(events: int, proofs: int) -> Speed:
    with temp_platform(None, f"ledger-proofs-{events}") as platform:
        fill = append_events(platform, iter(range(events)), events, BATCH)
        indices = random.Random(events).sample(range(events), proofs)
        generate, made = min((_generate(platform, indices) for _ in range(REPEATS)), key=lambda run: run[0])
    hasher = merkle.Hasher(platform.settings.ledger_hash)
    rounds = max(VERIFICATIONS // len(made), 1)
    verify = min(_verify(made, hasher, rounds) for _ in range(REPEATS))
    return Speed(events, events / fill, generate, len(made), verify / (len(made) * rounds))


def _generate(platform: Platform, indices: list[int]) -> tuple[float, list[Proof]]:
    """Seconds per proof, and the proofs, for the indices served within the time budget.

    Each proof is made in its own read unit of work, as the API serves them.
    """
    algo = platform.settings.ledger_hash
    made: list[Proof] = []
    start = time.perf_counter()
    for i in indices:
        with platform.uow() as uow:
            made.append(_decoded(inclusion_proof(uow.session, i, None, algo)))
        if time.perf_counter() - start > GENERATE_BUDGET_S:
            break
    return (time.perf_counter() - start) / len(made), made


def _decoded(p: dict[str, Any]) -> Proof:
    path = [bytes.fromhex(h) for h in p["audit_path"]]
    return Proof(p["index"], p["tree_size"], bytes.fromhex(p["leaf_hash"]), path, bytes.fromhex(p["head"]["root_hash"]))


def _verify(proofs: list[Proof], hasher: merkle.Hasher, rounds: int) -> float:
    """Seconds to verify every proof ``rounds`` times; raises if one does not verify."""
    start = time.perf_counter()
    ok = [
        merkle.verify_inclusion(p.leaf, p.index, p.size, p.path, p.root, hasher) for _ in range(rounds) for p in proofs
    ]
    seconds = time.perf_counter() - start
    if not all(ok):
        raise RuntimeError("an inclusion proof from the ledger did not verify")
    return seconds


def _results(small: Speed, big: Speed) -> list[Result]:
    """Rates at both sizes; the big tree's ratio is its time per proof over the small tree's."""
    logs = math.log2(big.events) / math.log2(small.events)
    bound = Target("<=", round(2 * logs, 1))
    growth = f"log2 ratio {logs:.2f}, linear would be {big.events // small.events}x"
    s, b = count_label(small.events), count_label(big.events)
    per = f"time/proof vs {s}"

    def served(speed: Speed) -> str:
        return f"{speed.served:,} random indices, one read unit of work each, best of {REPEATS}"

    return [
        Result(NAME, f"fill {b} events, batches of {BATCH:,}", big.fill_rate, "events/s",
               f"target {BATCH_TARGET:,}/s", ratio(big.fill_rate, BATCH_TARGET), MEETS),
        Result(NAME, f"proof generation, {s} events", 1 / small.generate, "proofs/s", note=served(small)),
        Result(NAME, f"proof generation, {b} events", 1 / big.generate, "proofs/s", per,
               ratio(big.generate, small.generate), bound, f"{served(big)}; {growth}"),
        Result(NAME, f"proof verification, {s} events", 1 / small.verify, "proofs/s"),
        Result(NAME, f"proof verification, {b} events", 1 / big.verify, "proofs/s", per,
               ratio(big.verify, small.verify), bound, growth),
    ]  # fmt: skip
