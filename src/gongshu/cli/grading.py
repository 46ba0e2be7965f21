"""`gongshu classify ...` and `gongshu desensitize`: grades, tags, rescans and derived versions."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from gongshu.catalog import classification, desensitization, services
from gongshu.catalog.attributes import GRADE_ZH
from gongshu.classify.desensitize import Plan
from gongshu.cli.common import AS_USER, acting, handled, platform, print_json

app = typer.Typer(help="分类分级 classification and grading of resources", no_args_is_help=True)


@app.command("show")
@handled
def show(code: str, as_user: str | None = AS_USER) -> None:
    """Show each item's tags (with recognizer, share, score) and its suggested and confirmed grade."""
    with platform().uow() as uow:
        res = services.get_resource(uow, acting(as_user), code)
        v = classification.view(uow, res)
        if v.resource:
            e = classification.effective(v.resource)
            typer.echo(
                f"{code} 资源等级 {GRADE_ZH[e.grade]}（建议 {v.resource.suggested}）"
                f"{' 个人信息' if e.personal else ''}{' 敏感个人信息' if e.sensitive_personal else ''}"
            )
        for c in v.columns:
            g = classification.effective(c.grade) if c.grade else None
            mark = "" if not c.grade or not c.grade.changed else " [待确认变化 changed]"
            typer.echo(
                f"  {c.name}: {GRADE_ZH[g.grade] if g else '-'}{' 已确认' if g and g.confirmed else ' 建议'}{mark}"
            )
            for t in c.tags:
                typer.echo(
                    f"      {t.type:<18} {t.status:<9} share {t.share:.3f} score {t.score:.2f} "
                    f"{t.recognizer}@{t.recognizer_version}{' [changed]' if t.changed else ''}"
                )
        if v.outdated:
            typer.echo("识别器已更新，请运行 gongshu classify rescan / recognizers changed: rescan")


@app.command("confirm")
@handled
def confirm(
    code: str,
    grade: str,
    column: str = typer.Option("", help="item; empty: the whole resource"),
    personal: bool | None = typer.Option(None, "--personal/--not-personal"),
    sensitive: bool | None = typer.Option(None, "--sensitive/--not-sensitive"),
    reason: str = typer.Option("", help="required when overriding the suggestion"),
    as_user: str | None = AS_USER,
) -> None:
    """Confirm or override a grade (core|important|general-4..general-1)."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        res = services.get_resource(uow, actor, code)
        classification.confirm_grade(
            uow, actor, res, column=column, grade=grade, personal=personal, sensitive_personal=sensitive, reason=reason
        )
    typer.echo(f"已确认 {code} {column or '整个资源'} = {grade} / confirmed")


@app.command("tag")
@handled
def tag(
    code: str,
    column: str,
    type: str,
    remove: bool = typer.Option(False, "--remove"),
    reason: str = "",
    as_user: str | None = AS_USER,
) -> None:
    """Confirm a tag, or remove it as a false positive (with --reason)."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        res = services.get_resource(uow, actor, code)
        classification.decide_tag(uow, actor, res, column=column, type=type, keep=not remove, reason=reason)
    typer.echo(f"{'已移除' if remove else '已确认'} {column} {type}")


@app.command("rescan")
@handled
def rescan(
    code: str | None = typer.Argument(None, help="a resource; omit with --outdated"),
    outdated: bool = typer.Option(False, "--outdated", help="every resource scanned with older recognizers"),
    as_user: str | None = AS_USER,
) -> None:
    """Scan the current version again with the current recognizers; differences wait for the provider."""
    if code is None and not outdated:
        raise typer.BadParameter("give a CODE or --outdated")
    with platform().uow() as uow:
        codes = [code] if code else classification.outdated_codes(uow)
    for c in codes:
        with platform().uow(write=True) as uow:
            n = services.rescan(uow, acting(as_user), c)
        typer.echo(f"{c}: {n} 处变化待确认 / {n} changes to review")


@app.command("accept")
@handled
def accept(code: str, as_user: str | None = AS_USER) -> None:
    """Accept the differences the last rescan showed."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        n = classification.accept_changes(uow, actor, services.get_resource(uow, actor, code))
    typer.echo(f"已确认 {n} 处变化 / {n} changes accepted")


desens_app = typer.Typer(help="脱敏 desensitized versions", no_args_is_help=True)


@desens_app.command("apply")
@handled
def apply(
    code: str,
    plan: Path = typer.Option(..., help="plan JSON: {steps: [{column, operator, params}], drop}"),
    qi: list[str] = typer.Option([], "--qi", help="quasi-identifier for k-anonymity (repeat)"),
    sensitive: str | None = typer.Option(None, help="sensitive item for l-diversity"),
    as_user: str | None = AS_USER,
) -> None:
    """Derive a desensitized version of the current version and report its k-anonymity."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        res = services.get_resource(uow, actor, code)
        v = desensitization.desensitize(
            uow,
            actor,
            res,
            Plan.from_json(json.loads(plan.read_text("utf-8"))),
            quasi_identifiers=qi,
            sensitive=sensitive,
        )
        print_json(
            {
                "version": v.number,
                "derived_from": v.derived_from,
                "rows": v.rows,
                "k": v.k,
                "anonymity": json.loads(v.anonymity) if v.anonymity else None,
            }
        )


@desens_app.command("open")
@handled
def mark_open(
    code: str, version: int, withdraw: bool = typer.Option(False, "--withdraw"), as_user: str | None = AS_USER
) -> None:
    """Mark a derived version 可开放 (refused while k is below the minimum)."""
    with platform().uow(write=True) as uow:
        actor = acting(as_user)
        desensitization.mark_openable(uow, actor, services.get_resource(uow, actor, code), version, not withdraw)
    typer.echo(f"{code} v{version} {'撤销可开放' if withdraw else '已标记可开放'}")
