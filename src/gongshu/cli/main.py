"""The `gongshu` command: one sub-app per context, plus db, serve and demo."""

from __future__ import annotations

import typer

from gongshu.cli import catalog, classify, grading, grants, identity, ledger, quality, sandbox, sharing
from gongshu.cli.common import handled, platform

app = typer.Typer(help="公数 gongshu — 公共数据资源开发利用平台 / public data platform", no_args_is_help=True)
db_app = typer.Typer(help="数据库 database schema", no_args_is_help=True)

app.add_typer(db_app, name="db")
app.add_typer(identity.org_app, name="org")
app.add_typer(identity.user_app, name="user")
app.add_typer(identity.token_app, name="token")
app.add_typer(catalog.app, name="resource")
app.command("scan")(classify.scan)
app.add_typer(grading.app, name="classify")
app.add_typer(grading.desens_app, name="desensitize")
app.add_typer(quality.app, name="quality")
app.add_typer(quality.objection_app, name="objection")
app.add_typer(sharing.app, name="share")
app.add_typer(sharing.open_app, name="open")
app.command("apply")(grants.apply)
app.add_typer(grants.review_app, name="review")
app.add_typer(grants.agreement_app, name="agreement")
app.command("disclosure")(grants.disclose)
app.command("sample")(sandbox.sample)
app.add_typer(sandbox.job_app, name="job")
app.command("worker")(sandbox.worker)
app.add_typer(ledger.app, name="ledger")


@db_app.command("upgrade")
@handled
def db_upgrade() -> None:
    """Create or migrate the schema to the latest revision."""
    from gongshu.migrate import upgrade

    upgrade(platform().settings.db_url)
    typer.echo("数据库已是最新 / database schema is up to date")


@app.command()
@handled
def serve(host: str | None = None, port: int | None = None) -> None:
    """Serve the API (/api/v1) and the console (/) with uvicorn, with GONGSHU_JOB_WORKERS job workers
    running in this process until it shuts down."""
    import uvicorn

    from gongshu.api.app import create_app

    p = platform()
    with sandbox.job_workers(p):
        uvicorn.run(create_app(platform=p), host=host or p.settings.host, port=port or p.settings.port)


@app.command()
@handled
def demo(scale: float = typer.Option(1.0, help="row-count factor (1.0: the largest table has 1e6 rows)")) -> None:
    """Load the demo city 示例市 (safe to run again: an existing demo is left as it is)."""
    from gongshu.demo.load import load_demo

    load_demo(platform(), scale=scale, echo=typer.echo)
