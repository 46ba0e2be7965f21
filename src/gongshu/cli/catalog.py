"""`gongshu resource ...`: publish, list, show, search and export catalog resources."""

from __future__ import annotations

from pathlib import Path

import typer

from gongshu.catalog import dcat, services
from gongshu.catalog.attributes import OpenAttr, ShareAttr, UpdateCycle
from gongshu.catalog.models import Resource
from gongshu.cli.common import AS_USER, acting, handled, platform, print_json

app = typer.Typer(help="数据资源 resources in the catalog", no_args_is_help=True)


def _items(authoritative: list[str], describe: list[str]) -> dict[str, services.ItemMeta]:
    descs = dict(d.split("=", 1) for d in describe if "=" in d)
    names = set(authoritative) | set(descs)
    return {n: services.ItemMeta(descs.get(n, ""), n in authoritative) for n in names}


def _line(r: Resource) -> str:
    return (
        f"{r.code:<22} {r.title:<20}\t{r.provider.name}\t{r.domain}\t"
        f"{ShareAttr(r.share).zh}\t{OpenAttr(r.open).zh}\tv{r.current_version}"
    )


@app.command("add")
@handled
def add(
    file: Path | None = typer.Argument(None, help="CSV, XLSX, Parquet or JSON Lines file"),
    title: str = typer.Option(..., help="资源名称"),
    summary: str = typer.Option("", help="摘要"),
    domain: str = typer.Option("其他", help="领域分类"),
    share: str = typer.Option("conditional", help="unconditional|conditional|none 共享属性"),
    share_condition: str = typer.Option("", help="共享条件"),
    open_: str = typer.Option("none", "--open", help="unconditional|conditional|none 开放属性"),
    cycle: str = typer.Option("irregular", help="更新周期: " + "|".join(c.value for c in UpdateCycle)),
    authoritative: list[str] = typer.Option([], help="an item this department is the authoritative source of"),
    describe: list[str] = typer.Option([], help="ITEM=description"),
    db_url: str | None = typer.Option(None, help="ingest a table of this SQLAlchemy URL instead of a file"),
    table: str | None = typer.Option(None, help="table name with --db-url"),
    as_user: str | None = AS_USER,
) -> None:
    """Publish a new data resource from a file or a database table (as a provider's user)."""
    meta = services.ResourceMeta(
        title=title,
        summary=summary,
        domain=domain,
        share=share,
        share_condition=share_condition,
        open=open_,
        update_cycle=cycle,
        items=_items(authoritative, describe),
    )
    source = _source(file, db_url, table)
    with platform().uow(write=True) as uow:
        res = services.publish_resource(uow, acting(as_user), meta, source)
        typer.echo(f"已发布 {res.code}「{res.title}」v{res.current_version} / published")


def _source(file: Path | None, db_url: str | None, table: str | None) -> services.Source:
    if db_url:
        if not table:
            raise typer.BadParameter("--table is required with --db-url")
        return services.DatabaseSource(db_url, table)
    if file is None:
        raise typer.BadParameter("give a FILE or --db-url and --table")
    return services.FileSource(file, file.name)


@app.command("version")
@handled
def version(code: str, file: Path, as_user: str | None = AS_USER) -> None:
    """Ingest a new version of a resource."""
    with platform().uow(write=True) as uow:
        v = services.add_version(uow, acting(as_user), code, services.FileSource(file, file.name))
        typer.echo(f"{code} v{v.number}: {v.rows} rows, sha256 {v.sha256}")


@app.command("list")
@handled
def list_(
    provider: str | None = None,
    domain: str | None = None,
    json_out: bool = typer.Option(False, "--json"),
    as_user: str | None = AS_USER,
) -> None:
    """List catalog resources."""
    _print_found("", services.Filters(provider=provider, domain=domain), json_out, as_user)


@app.command("search")
@handled
def search(
    query: str,
    provider: str | None = None,
    domain: str | None = None,
    share: str | None = None,
    open_: str | None = typer.Option(None, "--open"),
    json_out: bool = typer.Option(False, "--json"),
    as_user: str | None = AS_USER,
) -> None:
    """Search titles, summaries and item names (Chinese word-aware)."""
    _print_found(query, services.Filters(provider, domain, share, open_), json_out, as_user)


def _print_found(query: str, filters: services.Filters, json_out: bool, as_user: str | None) -> None:
    with platform().uow() as uow:
        found, total = services.search(uow, acting(as_user), query, filters, limit=200)
        if json_out:
            print_json(
                {
                    "total": total,
                    "results": [
                        {"code": r.code, "title": r.title, "provider": r.provider.code, "domain": r.domain}
                        for r in found
                    ],
                }
            )
            return
        for r in found:
            typer.echo(_line(r))
        typer.echo(f"共 {total} 条 / {total} found")


@app.command("show")
@handled
def show(
    code: str, dcat_out: bool = typer.Option(False, "--dcat", help="print DCAT JSON-LD"), as_user: str | None = AS_USER
) -> None:
    """Show a resource's catalog entry, items and versions."""
    with platform().uow() as uow:
        actor = acting(as_user)
        res = services.get_resource(uow, actor, code)
        vs = services.versions(uow, actor, code)
        if dcat_out:
            print_json(dcat.dataset(res, vs[0] if vs else None, f"http://{uow.settings.host}:{uow.settings.port}"))
            return
        overdue = "（更新超期 overdue）" if services.is_overdue(res, uow.clock.now()) else ""
        typer.echo(
            f"{res.code}  {res.title}\n提供单位 {res.provider.name}  领域 {res.domain}  "
            f"{ShareAttr(res.share).zh}  {OpenAttr(res.open).zh}  {UpdateCycle(res.update_cycle).zh}{overdue}"
        )
        typer.echo(f"摘要 {res.summary}")
        conflicts = services.conflicting_items(uow, actor, res)
        for i in res.items:
            flag = " [权威来源]" if i.authoritative else ""
            flag += " [一数一源冲突]" if i.name in conflicts else ""
            typer.echo(f"  - {i.name} ({i.data_type}){flag} {i.description}")
        for v in vs:
            typer.echo(f"  v{v.number} {v.created_at:%Y-%m-%d %H:%M} {v.rows} rows {v.source_format} sha256 {v.sha256}")


@app.command("conflicts")
@handled
def conflicts() -> None:
    """List 一数一源 conflicts: items claimed authoritative by more than one department."""
    with platform().uow() as uow:
        found = services.source_conflicts(uow, acting(None))
        for c in found:
            typer.echo(f"{c.item}: " + "; ".join(f"{code} {t}（{p}）" for code, t, p in c.claims))
        typer.echo(f"共 {len(found)} 处冲突 / {len(found)} conflicts")
