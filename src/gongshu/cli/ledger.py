"""`gongshu ledger ...`: verify the log (database or export file), print proofs, export."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import typer

from gongshu.cli.common import handled, platform, print_json
from gongshu.ledger import services
from gongshu.ledger.export import export_log, verify_database, verify_file
from gongshu.ledger.signing import key_id
from gongshu.ledger.verify import VerifyReport

app = typer.Typer(help="账本 the tamper-evident ledger", no_args_is_help=True)


def _finish(report: VerifyReport) -> None:
    if report.ok:
        typer.echo(
            f"账本完好：{report.events} 条事件，{report.heads} 个签名树头均验证通过 / "
            f"ledger intact: {report.events} events, {report.heads} signed heads verified"
        )
        return
    typer.echo(
        f"账本验证失败，第一个问题条目：{report.first_bad_seq}\n{report.problem}\n"
        f"LEDGER VERIFICATION FAILED at entry {report.first_bad_seq}",
        err=True,
    )
    raise typer.Exit(2)


@app.command("verify")
@handled
def verify(
    file: Path | None = typer.Option(None, "--file", help="verify an export file offline, no database"),
    pubkey: str | None = typer.Option(None, help="trusted Ed25519 public key (base64) to pin"),
) -> None:
    """Recompute the Merkle tree and check every signed tree head. Exit 0 when intact, 2 when not."""
    if file is not None:
        keys = {_key_id(pubkey): pubkey} if pubkey else None
        _finish(verify_file(file, trusted_keys=keys))
        return
    p = platform()
    with p.uow() as uow:
        report = verify_database(uow.session, algo=p.settings.ledger_hash, keys={p.signer.key_id: p.signer.public_b64})
    _finish(report)


def _key_id(pubkey: str) -> str:
    return key_id(base64.b64decode(pubkey))


@app.command("proof")
@handled
def proof(index: int, tree_size: int | None = typer.Option(None, help="default: the latest head")) -> None:
    """Print the inclusion proof of event INDEX as JSON."""
    p = platform()
    with p.uow() as uow:
        print_json(services.inclusion_proof(uow.session, index, tree_size, p.settings.ledger_hash))


@app.command("head")
@handled
def head() -> None:
    """Print the latest signed tree head."""
    with platform().uow() as uow:
        h = services.latest_head(uow.session)
        print_json(services.head_dict(h) if h else {"tree_size": 0})


@app.command("export")
@handled
def export(out: Path | None = typer.Option(None, "--out", help="file to write (default: standard output)")) -> None:
    """Write every event and signed head as JSON Lines, verifiable with `gongshu ledger verify --file`."""
    p = platform()
    with p.uow() as uow:
        if out is None:
            export_log(
                uow.session,
                sys.stdout,
                algo=p.settings.ledger_hash,
                key_id=p.signer.key_id,
                public_b64=p.signer.public_b64,
            )
            return
        with out.open("w", encoding="utf-8") as fh:
            n = export_log(
                uow.session, fh, algo=p.settings.ledger_hash, key_id=p.signer.key_id, public_b64=p.signer.public_b64
            )
    typer.echo(f"已导出 {n} 条事件到 {out} / exported {n} events", err=True)
