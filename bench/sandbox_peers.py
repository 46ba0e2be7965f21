"""Sandbox DP query against the DP peers at 1e6 rows: gongshu's full protected path vs SmartNoise SQL
and OpenDP's Polars context, the same query (COUNT, SUM, AVG GROUP BY two items) and the same (ε, δ).

Each peer runs in its own virtual environment (bench/peers/peers.mk builds them) as a subprocess that
loads the data untimed, times its query and release, and prints JSON. A missing or failing peer gives
a row "peer unavailable" with the reason, never a number. Ratios are the peer's time over gongshu's.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import Result, Target, count_label, ratio
from bench.sandbox_query import (
    BOUNDS,
    DELTA,
    ENTITY,
    EPSILON,
    GROUPS,
    VALUE,
    described,
    protected,
    raw,
    runs_each,
    table_parquet,
)

NAME = "sandbox_peers"
ROWS = 1_000_000
REPEATS = 5
PEER_REPEATS = 3
PEER_TIMEOUT = 1800.0
TARGET = Target(">=", 50.0)
PEERS_DIR = Path(__file__).resolve().parent / "peers"
BUILD = "make -f bench/peers/peers.mk peers"


@dataclass(frozen=True)
class Peer:
    """A peer's script, the virtual environment it runs in, the label of its row and its setup."""

    label: str
    venv: str
    script: str
    setup_key: str  # the JSON key of the untimed per-run setup seconds, reported in the note
    setup_what: str
    args: tuple[str, ...] = ()
    target: Target | None = TARGET  # None: shown for information (not the same protection as gongshu's)


PEERS = (
    Peer("smartnoise-sql 1.0.10 from pandas, execute", ".venv", "smartnoise_run.py", "from_df_seconds",
         "from_df (frame into SQLite)"),
    Peer("opendp 0.16 Polars context, private keys", ".venv-opendp", "opendp_polars_run.py", "context_seconds",
         "Context.compositor"),
    Peer("opendp 0.16 Polars context, public keys (weaker)", ".venv-opendp", "opendp_polars_run.py",
         "context_seconds", "Context.compositor", ("--public-keys",), None),
)  # fmt: skip


def run(scale: float) -> list[Result]:
    rows = max(int(ROWS * scale), 10_000)
    path = table_parquet(rows)
    ours_fn = protected(path, rows, dp=True)
    spent = described(ours_fn().report)
    t = runs_each({"gongshu": ours_fn, "raw": raw(path)}, REPEATS)
    ours = t["gongshu"].best
    what = f"{count_label(rows)} rows, eps={EPSILON:g}, delta={DELTA:g}"
    note = f"best of {REPEATS}, median {t['gongshu'].median:.3f} s; {spent}"
    return [
        Result(NAME, f"gongshu run_query, DP, {what}", ours, "s", note=note),
        Result(NAME, "duckdb raw query (no protection)", t["raw"].best, "s", "gongshu", ratio(t["raw"].best, ours)),
        *(peer_result(peer, path, ours) for peer in PEERS),
    ]


def peer_result(peer: Peer, path: Path, ours: float) -> Result:
    """The peer's row: its best time against gongshu's, or "peer unavailable" and why."""
    try:
        info = run_peer(peer, path)
    except PeerUnavailable as e:
        return Result(NAME, f"{peer.label}: peer unavailable", None, "s", "gongshu", target=peer.target, note=str(e))
    theirs, setup = float(info["seconds"]), min(info.get(peer.setup_key) or [0.0])
    with_setup = theirs + setup
    note = (
        f"{info['peer']}; best of {len(info['runs'])}, median {statistics.median(info['runs']):.2f} s; "
        f"{info['rows']} groups released; untimed {peer.setup_what} {setup:.2f} s, "
        f"with it {with_setup:.2f} s = {with_setup / ours:.0f}x"
    )
    if peer.target is None:
        note += "; group keys declared public: released without DP, so not the same protection"
    return Result(NAME, peer.label, theirs, "s", "gongshu", ratio(theirs, ours), peer.target, note)


class PeerUnavailable(Exception):
    """The peer's environment is missing or its run failed; the message says why."""


def run_peer(peer: Peer, path: Path) -> dict[str, Any]:
    """Run the peer's script with its venv's python; its JSON line (debug rows go to our stderr)."""
    python = PEERS_DIR / peer.venv / "bin" / "python"
    if not python.exists():
        raise PeerUnavailable(f"{python.relative_to(PEERS_DIR.parent.parent)} is missing; `{BUILD}` builds it")
    debug = ("--debug",) if os.environ.get("GONGSHU_BENCH_DEBUG") else ()
    command = [str(python), str(PEERS_DIR / peer.script), "--data", str(path), *peer.args, *debug]
    command += [
        "--groups",
        ",".join(GROUPS),
        "--value",
        VALUE,
        "--lower",
        f"{BOUNDS[0]:g}",
        "--upper",
        f"{BOUNDS[1]:g}",
    ]
    command += ["--epsilon", f"{EPSILON:g}", "--delta", f"{DELTA:g}", "--repeats", str(PEER_REPEATS)]
    if peer.script.startswith("smartnoise"):
        command += ["--entity", ENTITY]
    return peer_json(command, PEER_TIMEOUT, debug)


def peer_json(command: list[str], timeout: float, debug: bool, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a peer's runner and read the JSON of its last line, or PeerUnavailable and why."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise PeerUnavailable(f"no answer within {timeout:g} s") from None
    if debug or done.returncode:
        print(done.stderr, file=sys.stderr, end="")
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise PeerUnavailable(f"exit {done.returncode}: {last[:300]}")
    try:
        info: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise PeerUnavailable(f"no JSON result line in its output: {done.stdout[-300:]!r}") from None
    return info
