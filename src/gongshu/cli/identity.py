"""`gongshu org|user|token`: organizations, users and API tokens."""

from __future__ import annotations

import typer

from gongshu.cli.common import AS_USER, acting, handled, platform, print_json
from gongshu.identity import services

org_app = typer.Typer(help="单位 organizations", no_args_is_help=True)
user_app = typer.Typer(help="用户 users", no_args_is_help=True)
token_app = typer.Typer(help="API 令牌 tokens", no_args_is_help=True)


@org_app.command("add")
@handled
def org_add(
    code: str,
    name: str,
    kind: str = typer.Option(..., help="bureau|provider|operator|developer|consumer|regulator"),
    as_user: str | None = AS_USER,
) -> None:
    """Add an organization (单位)."""
    with platform().uow(write=True) as uow:
        org = services.create_org(uow, acting(as_user), code=code, name=name, kind=kind)
        typer.echo(f"已添加单位 {org.code} {org.name} ({org.kind}) / organization added")


@org_app.command("list")
@handled
def org_list(kind: str | None = None, json_out: bool = typer.Option(False, "--json")) -> None:
    """List organizations."""
    with platform().uow() as uow:
        orgs = services.list_orgs(uow, acting(None), kind)
        if json_out:
            print_json([{"code": o.code, "name": o.name, "kind": o.kind} for o in orgs])
            return
        for o in orgs:
            typer.echo(f"{o.code:<14} {o.kind:<10} {o.name}")


@user_app.command("add")
@handled
def user_add(
    username: str,
    org: str = typer.Option(..., help="organization code"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    name: str = typer.Option("", help="display name"),
    admin: bool = False,
    as_user: str | None = AS_USER,
) -> None:
    """Add a user to an organization; the role is the organization's kind."""
    with platform().uow(write=True) as uow:
        user = services.add_user(
            uow, acting(as_user), username=username, password=password, org_code=org, display_name=name, is_admin=admin
        )
        typer.echo(f"已添加用户 {user.username}（{user.role}，{org}）/ user added")


@user_app.command("list")
@handled
def user_list() -> None:
    """List users."""
    with platform().uow() as uow:
        for u in services.list_users(uow, acting(None)):
            typer.echo(
                f"{u.username:<24} {u.role:<10} {u.org.code:<14} {u.display_name}{' [admin]' if u.is_admin else ''}"
            )


@token_app.command("create")
@handled
def token_create(
    username: str,
    name: str = typer.Option("cli", help="what the token is for"),
    days: int = typer.Option(365, help="lifetime in days"),
) -> None:
    """Create an API token for a user and print it once (use as `Authorization: Bearer <token>`)."""
    with platform().uow(write=True) as uow:
        _, text = services.create_token(uow, acting(None), username=username, name=name, days=days)
    typer.echo(text)
