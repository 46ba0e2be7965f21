"""`gongshu share ...` and `gongshu open ...`: access requests, reading shared data, open downloads."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import typer

from gongshu.catalog import opendata, services, sharing
from gongshu.cli.common import AS_USER, acting, handled, platform, print_json

app = typer.Typer(help="共享与开放申请 access requests", no_args_is_help=True)
open_app = typer.Typer(help="开放数据 open data", no_args_is_help=True)


def _date(text: str) -> datetime:
    """An ISO date or date-time; without a zone it is read as UTC."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@app.command("request")
@handled
def request(
    code: str,
    reason: str = typer.Option(...),
    fields: list[str] = typer.Option(..., "--field"),
    kind: str = typer.Option("share", help="share | open"),
    start: str = typer.Option(...),
    end: str = typer.Option(...),
    as_user: str | None = AS_USER,
) -> None:
    """Apply for a resource's items for a period (dates as YYYY-MM-DD)."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        res = services.get_resource(uow, actor, code)
        req = sharing.request_access(
            uow, actor, res, kind=kind, reason=reason, fields=fields, starts_at=_date(start), ends_at=_date(end)
        )
    typer.echo(f"{req.number} {req.status}")


@app.command("decide")
@handled
def decide(
    number: str,
    approve: bool = typer.Option(..., "--approve/--reject"),
    comment: str = "",
    as_user: str | None = AS_USER,
) -> None:
    """Approve (default desensitization rule) or reject a request for your resource."""
    with platform().uow(write=True) as uow:
        req = sharing.decide(uow, acting(as_user), number, approve=approve, comment=comment)
    typer.echo(f"{number} {req.status}")


@app.command("read")
@handled
def read(number: str, limit: int = 20, offset: int = 0, as_user: str | None = AS_USER) -> None:
    """Read granted rows inside the platform (graded items desensitized)."""
    with platform().uow(write=True) as uow:
        page = sharing.read(uow, acting(as_user), number, limit=limit, offset=offset)
    print_json({"columns": page.columns, "rows": page.rows, "total": page.total, "desensitized": page.desensitized})


@app.command("list")
@handled
def list_(to_review: bool = typer.Option(False, "--to-review"), as_user: str | None = AS_USER) -> None:
    """Requests your organization made (or, with --to-review, requests for its resources)."""
    with platform().uow() as uow:
        for r, res in sharing.list_requests(uow, acting(as_user), mine=not to_review):
            typer.echo(f"{r.number} {r.kind} {res.code} {res.title} {r.status} {r.requester}")


@open_app.command("download")
@handled
def download(
    code: str, out: Path, format: str = typer.Option("csv", help="csv | json | parquet"), as_user: str | None = AS_USER
) -> None:
    """Download open data (as the public unless --as names a user)."""
    with platform().uow(write=True) as uow:
        got = opendata.download(uow, acting(as_user) if as_user else opendata.PUBLIC, code, format)
    shutil.move(got.path, out)
    typer.echo(f"已下载 {out} / downloaded")


@open_app.command("list")
@handled
def list_open(query: str = "") -> None:
    """The open catalog."""
    with platform().uow() as uow:
        found, total = opendata.catalog(uow, query, limit=200)
        print_json({"total": total, "results": [opendata.entry(uow, r) for r in found]})
