"""`gongshu quality ...` and `gongshu objection ...`: quality rules and reports, the objection loop."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from gongshu.catalog import objections, quality, services
from gongshu.cli.common import AS_USER, acting, handled, platform, print_json

app = typer.Typer(help="数据质量 quality rules and reports", no_args_is_help=True)
objection_app = typer.Typer(help="异议 objections: 异议 → 核实 → 补正", no_args_is_help=True)


@app.command("show")
@handled
def show(code: str, as_user: str | None = AS_USER) -> None:
    """Print the latest quality report of a resource."""
    with platform().uow() as uow:
        rec = quality.latest_report(uow, services.get_resource(uow, acting(as_user), code))
        print_json(json.loads(rec.report) if rec else {"score": None})


@app.command("rules")
@handled
def rules(
    code: str, file: Path = typer.Argument(..., help="JSON list of rules"), as_user: str | None = AS_USER
) -> None:
    """Declare a resource's quality rules and check the current version against them."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        res = services.get_resource(uow, actor, code)
        report = quality.set_rules(
            uow, actor, res, json.loads(file.read_text("utf-8")), services.current_version(uow, actor, code)
        )
    typer.echo(f"{code} 质量得分 {report.score} / quality score")


@objection_app.command("raise")
@handled
def raise_(code: str, text: str, item: str = "", as_user: str | None = AS_USER) -> None:
    """Raise an objection (异议) on a resource or one of its items."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        o = objections.raise_objection(uow, actor, services.get_resource(uow, actor, code), text=text, item=item)
    typer.echo(f"已提出异议 {o.number}，核实期限 {o.verify_due:%Y-%m-%d} / objection raised")


@objection_app.command("verify")
@handled
def verify(
    number: str, response: str, reject: bool = typer.Option(False, "--reject"), as_user: str | None = AS_USER
) -> None:
    """核实: accept the objection (correction due) or --reject it with a reason."""
    with platform().uow(write=True) as uow:
        o = objections.verify(uow, acting(as_user), number, accept=not reject, response=response)
    typer.echo(f"{number}: {o.status}")


@objection_app.command("correct")
@handled
def correct(number: str, version: int, as_user: str | None = AS_USER) -> None:
    """补正: link the objection to the corrected version published after it."""
    with platform().uow(write=True) as uow:
        o = objections.correct(uow, acting(as_user), number, version=version)
    typer.echo(f"{number}: {o.status} v{o.corrected_version}")


@objection_app.command("list")
@handled
def list_(open_only: bool = typer.Option(False, "--open"), as_user: str | None = AS_USER) -> None:
    """List objections you may see, with overdue ones flagged."""
    with platform().uow() as uow:
        for v in objections.list_objections(uow, acting(as_user), open_only=open_only):
            o = v.objection
            flag = " [逾期 overdue]" if v.overdue else ""
            typer.echo(f"{o.number} {v.resource_code} {o.item or '-'} {o.status}{flag} {o.text[:40]}")
