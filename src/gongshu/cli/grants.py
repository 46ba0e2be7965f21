"""`gongshu apply`, `gongshu review ...`, `gongshu agreement ...` and `gongshu disclosure`: authorized operation
(授权运营) from the command line: 一场景一申请, 一需求一审核, 一场景一授权 and the public disclosure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from gongshu.cli.common import AS_USER, acting, handled, platform, print_json
from gongshu.errors import Invalid
from gongshu.grants import agreements, applications, disclosure, odrl, signatures
from gongshu.grants.models import Agreement
from gongshu.grants.states import LABELS
from gongshu.grants.vocab import OUTPUT_KINDS, PURPOSES
from gongshu.identity import Actor
from gongshu.platform import UnitOfWork

review_app = typer.Typer(
    help="审核 the review chain: the bureau's first instance (初审), then each department's part (一需求一审核)",
    no_args_is_help=True,
)
agreement_app = typer.Typer(
    help="授权协议 agreements (一场景一授权): make, sign, show, suspend, revoke, renew, export and verify offline",
    no_args_is_help=True,
)

JSON_OUT = typer.Option(False, "--json", help="print JSON")


def _label(status: str) -> str:
    return f"{LABELS[status][0]} {status}"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise Invalid(f"无法读取 JSON 文件 {path}：{e}", f"cannot read the JSON file {path}: {e}") from e


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as e:
        raise Invalid(f"无法写入 {path}：{e}", f"cannot write {path}: {e}") from e


# -- gongshu apply ------------------------------------------------------------------------------


@handled
def apply(
    file: Path | None = typer.Argument(
        None,
        exists=True,
        dir_okay=False,
        metavar="FILE.json",
        help="the application: scenario, description, domain, purpose, resources [{code, items}], start, end "
        "(YYYY-MM-DD), output_kinds, security_measures",
    ),
    edit: str | None = typer.Option(None, "--edit", metavar="NUMBER", help="save FILE.json as the content of NUMBER"),
    withdraw: str | None = typer.Option(None, "--withdraw", metavar="NUMBER", help="withdraw NUMBER"),
    list_: bool = typer.Option(False, "--list", help="the applications you may see"),
    show: str | None = typer.Option(None, "--show", metavar="NUMBER", help="show NUMBER"),
    version: int | None = typer.Option(None, "--version", metavar="N", help="with --show: an earlier version"),
    attach: list[Path] = typer.Option(
        [], "--attach", exists=True, dir_okay=False, metavar="DOC", help="a qualification document (PDF, PNG, JPEG)"
    ),
    submit: bool = typer.Option(False, "--submit", help="submit for first instance (初审) once saved"),
    json_out: bool = JSON_OUT,
    as_user: str | None = AS_USER,
) -> None:
    """一场景一申请: apply for data for one scenario (as a developer's user).

    \b
    gongshu apply FILE.json [--attach DOC]... [--submit]
        save a new draft (then attach, then submit); prints its number
    gongshu apply --edit NUMBER [FILE.json] [--attach DOC]... [--submit]
        change a draft or a returned application (a returned one gets a new version)
    gongshu apply --withdraw NUMBER
    gongshu apply --list [--json]
    gongshu apply --show NUMBER [--version N] [--json]
    """
    modes = [
        m for m, given in (("--edit", edit), ("--withdraw", withdraw), ("--list", list_), ("--show", show)) if given
    ]
    if len(modes) > 1:
        raise typer.BadParameter(f"use one of {', '.join(modes)}")
    if modes in (["--withdraw"], ["--list"], ["--show"]) and (file or attach or submit):
        raise typer.BadParameter(f"FILE.json, --attach and --submit do not go with {modes[0]}")
    actor = acting(as_user)
    if list_:
        _list_applications(actor, json_out)
    elif show:
        _show_application(actor, show, version, json_out)
    elif withdraw:
        with platform().uow(write=True) as uow:
            app = applications.withdraw(uow, actor, withdraw)
        typer.echo(f"{app.number} {_label(app.status)}")
    elif edit:
        _edit(actor, edit, file, attach, submit)
    elif file is None:
        raise typer.BadParameter("give FILE.json, or one of --edit, --withdraw, --list, --show")
    else:
        with platform().uow(write=True) as uow:
            number = applications.create_draft(uow, actor, _read_json(file)).number
        typer.echo(number)
        _attach_and_submit(actor, number, attach, submit)


def _edit(actor: Actor, number: str, file: Path | None, attach: list[Path], submit: bool) -> None:
    if file is not None:
        with platform().uow(write=True) as uow:
            app = applications.update_draft(uow, actor, number, _read_json(file))
        typer.echo(f"{number} v{app.version} 已保存 / saved", err=True)
    _attach_and_submit(actor, number, attach, submit)
    typer.echo(number)


def _attach_and_submit(actor: Actor, number: str, attach: list[Path], submit: bool) -> None:
    for doc in attach:
        with platform().uow(write=True) as uow:
            att = applications.add_attachment(uow, actor, number, doc, doc.name)
        typer.echo(f"已上传材料 {att.filename}（{att.size} 字节，sha256 {att.sha256[:16]}）/ attached", err=True)
    if submit:
        with platform().uow(write=True) as uow:
            app = applications.submit(uow, actor, number)
        due = f"{app.first_instance_due:%Y-%m-%d %H:%M} UTC" if app.first_instance_due else "-"
        typer.echo(f"{number} 已提交，初审期限 {due} / submitted for first instance", err=True)


def _list_applications(actor: Actor, json_out: bool) -> None:
    with platform().uow() as uow:
        rows: list[dict[str, Any]] = [
            {
                "number": a.number,
                "org": a.org.code,
                "status": a.status,
                "version": a.version,
                "updated_at": a.updated_at,
            }
            for a in applications.list_applications(uow, actor)
        ]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        when = f"{r['updated_at']:%Y-%m-%d}"
        typer.echo(f"{r['number']}  {r['org']:<12} {_label(r['status']):<24} v{r['version']}  {when}")


def _application(v: applications.ApplicationView) -> dict[str, Any]:
    a = v.application
    reviews = [
        {
            "id": r.id,
            "version": r.version,
            "stage": r.stage,
            "org": r.org.code,
            "resources": json.loads(r.resources),
            "decision": r.decision,
            "comment": r.comment,
            "approved_items": json.loads(r.approved_items) if r.approved_items else None,
            "due_at": r.due_at,
            "decided_by": r.decided_by,
            "decided_at": r.decided_at,
        }
        for r in v.reviews
    ]
    documents = [
        {"filename": t.filename, "media_type": t.media_type, "size": t.size, "sha256": t.sha256} for t in v.attachments
    ]
    return {
        "number": a.number,
        "org": a.org.code,
        "org_name": a.org.name,
        "status": a.status,
        "status_label": LABELS[a.status][0],
        "version": v.version,
        "versions": v.versions,
        "frozen": v.frozen,
        "first_instance_due": a.first_instance_due,
        "content": v.content,
        "reviews": reviews,
        "attachments": documents,
    }


def _show_application(actor: Actor, number: str, version: int | None, json_out: bool) -> None:
    with platform().uow() as uow:
        data = _application(applications.view(uow, actor, number, version))
    if json_out:
        print_json(data)
        return
    c = data["content"]
    frozen = "已冻结 frozen" if data["frozen"] else "可修改 editable"
    typer.echo(f"{data['number']} {_label(data['status'])}  v{data['version']} ({frozen})")
    typer.echo(f"申请单位 {data['org']} {data['org_name']}")
    typer.echo(f"场景 {c.get('scenario', '')}（{c.get('domain', '')}，{PURPOSES.get(c.get('purpose'), ('-',))[0]}）")
    typer.echo(f"期限 {c.get('start', '')} — {c.get('end', '')}")
    for r in c.get("resources") or []:
        typer.echo(f"数据 {r.get('code')}: {'、'.join(map(str, r.get('items') or []))}")
    typer.echo(f"产出 {'、'.join(OUTPUT_KINDS.get(k, (k,))[0] for k in c.get('output_kinds') or [])}")
    typer.echo(f"安全措施 {c.get('security_measures', '')}")
    for r in data["reviews"]:
        items = f" {json.dumps(r['approved_items'], ensure_ascii=False)}" if r["approved_items"] else ""
        typer.echo(
            f"  审核 #{r['id']} v{r['version']} {r['stage']:<9} {r['org']:<10} {_label(r['decision'])}"
            f"  期限 {r['due_at']:%Y-%m-%d}{items}{'  ' + r['comment'] if r['comment'] else ''}"
        )
    for t in data["attachments"]:
        typer.echo(f"  材料 {t['filename']} {t['media_type']} {t['size']} 字节 sha256 {t['sha256'][:16]}")


# -- gongshu review -----------------------------------------------------------------------------


@review_app.command("first")
@handled
def first(
    number: str,
    approve: bool = typer.Option(False, "--approve", help="pass it on to each provider (and --regulator)"),
    return_: bool = typer.Option(False, "--return", help="return it for revision (needs --comment)"),
    reject: bool = typer.Option(False, "--reject", help="reject it (needs --comment)"),
    comment: str = typer.Option("", help="the reason; required to return or reject"),
    regulator: str | None = typer.Option(None, metavar="CODE", help="the industry regulator to consult"),
    as_user: str | None = AS_USER,
) -> None:
    """初审: the bureau approves, returns or rejects a submitted application."""
    chosen = [d for d, given in (("approve", approve), ("return", return_), ("reject", reject)) if given]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --approve, --return, --reject")
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        applications.first_instance(uow, actor, number, decision=chosen[0], comment=comment, regulator=regulator)
        v = applications.view(uow, actor, number)
    typer.echo(f"{number} {_label(v.application.status)}")
    for r in v.reviews:
        if r.stage != "bureau" and r.version == v.version:
            typer.echo(f"  审核 #{r.id} {r.stage:<9} {r.org.code:<10} 期限 {r.due_at:%Y-%m-%d %H:%M} UTC")


def _items(pairs: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for pair in pairs:
        code, sep, item = pair.partition("=")
        if not (sep and code and item):
            raise typer.BadParameter(f"--item takes CODE=ITEM, not {pair!r}")
        out.setdefault(code, []).append(item)
    return out


@review_app.command("part")
@handled
def part(
    review_id: int,
    decision: str = typer.Option(..., help="approved | partial | rejected | returned"),
    comment: str = typer.Option("", help="required unless approved"),
    item: list[str] = typer.Option([], "--item", metavar="CODE=ITEM", help="with partial: an item you approve"),
    as_user: str | None = AS_USER,
) -> None:
    """一需求一审核: a provider decides its part (or the consulted regulator the whole) of an application."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        r = applications.review_part(
            uow, actor, review_id, decision=decision, comment=comment, approved_items=_items(item) or None
        )
    typer.echo(f"审核 #{r.id} {_label(r.decision)}")


@review_app.command("list")
@handled
def list_reviews(
    overdue: bool = typer.Option(False, "--overdue", help="every overdue review (bureau and regulators)"),
    json_out: bool = JSON_OUT,
    as_user: str | None = AS_USER,
) -> None:
    """Your organization's pending reviews, oldest deadline first (or, with --overdue, everyone's late ones)."""
    actor = acting(as_user)
    with platform().uow() as uow:
        tasks = applications.overdue_reviews(uow, actor) if overdue else applications.my_reviews(uow, actor)
        rows = [
            {
                "id": t.review.id,
                "application": t.application.number,
                "stage": t.review.stage,
                "org": t.review.org.code,
                "due_at": t.review.due_at,
                "overdue": t.overdue,
            }
            for t in tasks
        ]
    if json_out:
        print_json(rows)
        return
    for r in rows:
        late = "  已逾期 overdue" if r["overdue"] else ""
        typer.echo(
            f"#{r['id']:<5} {r['application']}  {r['stage']:<9} {r['org']:<10} 期限 {r['due_at']:%Y-%m-%d %H:%M}{late}"
        )
    if not rows:
        typer.echo("没有待办审核 / no pending reviews", err=True)


# -- gongshu agreement --------------------------------------------------------------------------


def _epsilon(value: float | None) -> float | None:
    if value is not None and not 0 < value <= 100:
        raise typer.BadParameter("ε must be greater than 0 and at most 100")
    return value


@agreement_app.command("make")
@handled
def make(
    number: str,
    operator: str | None = typer.Option(None, metavar="CODE", help="the operator (default: the first one)"),
    epsilon: float | None = typer.Option(
        None, callback=lambda v: _epsilon(v), help="privacy budget ε over the period, in (0, 100] (default: settings)"
    ),
    min_cell: int | None = typer.Option(None, "--min-cell", min=1, max=10_000, help="minimum cell count"),
    price_terms: str = typer.Option("", "--price-terms", help="price terms of a paid use"),
    fee_cap: str = typer.Option("", "--fee-cap", help="the fee cap (收费上限) of a paid use"),
    dp_required: bool = typer.Option(False, "--dp-required", help="answer every query with differential privacy"),
    auto_release_dp: bool = typer.Option(
        False, "--auto-release-dp", help="release DP SQL results that passed output control without manual review"
    ),
    personal_without_dp: bool = typer.Option(
        False,
        "--personal-without-dp",
        help="let results over data about persons out without DP (cell counts and the query audit only)",
    ),
    as_user: str | None = AS_USER,
) -> None:
    """The bureau turns an approved application into an agreement awaiting three signatures; prints its number."""
    terms = agreements.Terms(
        operator=operator,
        epsilon=epsilon,
        min_cell_count=min_cell,
        dp_required=dp_required,
        auto_release_dp=auto_release_dp,
        personal_without_dp=personal_without_dp,
        price_terms=price_terms,
        fee_cap=fee_cap,
    )
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        a = agreements.make_agreement(uow, actor, number, terms)
    typer.echo(a.number)
    typer.echo(f"待签署：bureau、operator、developer；内容摘要 sha256 {a.content_hash} / awaiting signatures", err=True)


def _agreement(uow: UnitOfWork, a: Agreement) -> dict[str, Any]:
    now = uow.clock.now()
    status = agreements.effective_status(a, now)
    return {
        "number": a.number,
        "status": status,
        "status_label": LABELS[status][0],
        "in_force": agreements.in_force(a, now),
        "content": json.loads(a.content),
        "content_hash": a.content_hash,
        "signatures": agreements.bundle(uow, a)["signatures"],
        "renews": a.renews,
        "reason": a.reason,
    }


@agreement_app.command("show")
@handled
def show(
    number: str,
    json_out: bool = JSON_OUT,
    html: bool = typer.Option(False, "--html", help="print the agreement as an HTML document"),
    pdf: Path | None = typer.Option(None, "--pdf", metavar="OUT", dir_okay=False, help="write it as a PDF to OUT"),
    lang: str = typer.Option("zh", help="language of --html and --pdf: zh | en"),
    as_user: str | None = AS_USER,
) -> None:
    """Show an agreement: a summary, its JSON (--json), the document (--html) or a PDF file (--pdf OUT)."""
    if sum((json_out, html, pdf is not None)) > 1:
        raise typer.BadParameter("use one of --json, --html, --pdf")
    actor = acting(as_user)
    with platform().uow() as uow:
        data = _agreement(uow, agreements.get_agreement(uow, actor, number))
    if json_out:
        print_json(data)
    elif html or pdf is not None:
        from gongshu.grants import document  # reportlab takes half a second to import: only when asked

        args = (data["content"], data["signatures"])
        if pdf is None:
            typer.echo(document.render_html(*args, status=data["status"], lang=lang))
        else:
            _write(pdf, document.render_pdf(*args, status=data["status"], lang=lang))
            typer.echo(f"已写入 {pdf} / written", err=True)
    else:
        _print_agreement(data)


def _print_agreement(data: dict[str, Any]) -> None:
    c = data["content"]
    force = "有效 in force" if data["in_force"] else "不可使用 not in force"
    typer.echo(f"{data['number']} {_label(data['status'])}（{force}）")
    typer.echo(f"申请 {c['application']} v{c['application_version']}")
    s = c["scenario"]
    typer.echo(f"场景 {s['name']}（{s['domain']}，{PURPOSES[s['purpose']][0]}）")
    for party, zh in (("bureau", "甲方"), ("operator", "乙方"), ("developer", "丙方")):
        typer.echo(f"{zh} {c['parties'][party]['code']} {c['parties'][party]['name']}")
    typer.echo(f"期限 {c['period']['start']} — {c['period']['end']}")
    for r in c["resources"]:
        typer.echo(f"数据 {r['code']} {r['title']}（{r['provider']['name']}）：{'、'.join(r['items'])}")
    typer.echo(f"产出 {'、'.join(OUTPUT_KINDS[k][0] for k in c['output_kinds'])}")
    p = c["privacy"]
    typer.echo(f"隐私 ε={p['epsilon']}  最小单元格 {p['min_cell_count']}")
    cap = f"  上限 {c['price']['fee_cap']}" if c["price"].get("fee_cap") else ""
    typer.echo(f"价格 {c['price']['terms']}{cap}")
    if data["renews"]:
        typer.echo(f"续期自 {data['renews']}")
    if data["reason"]:
        typer.echo(f"理由 {data['reason']}")
    typer.echo(f"内容摘要 sha256 {data['content_hash']}")
    signed = {s["party"]: s for s in data["signatures"]}
    for party in agreements.PARTIES:
        sig = signed.get(party)
        state = f"{sig['org']} {sig['signer']} {sig['signed_at']} 密钥 {sig['key_id']}" if sig else "未签署 not signed"
        typer.echo(f"  签署 {party:<9} {state}")


@agreement_app.command("sign")
@handled
def sign(
    number: str,
    as_user: str = typer.Option(..., "--as", help="a user of the bureau, the operator or the developer"),
) -> None:
    """Sign an agreement for your organization's party; the third signature puts it in force."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        sig = agreements.sign(uow, actor, number)
        status = agreements.get_agreement(uow, actor, number).status
    typer.echo(f"{number} {sig.party} 已签署 signed（{actor.org_code} {actor.username}，密钥 {sig.key_id}）")
    typer.echo(f"{number} {_label(status)}")


@agreement_app.command("suspend")
@handled
def suspend(number: str, reason: str = typer.Option(..., help="why"), as_user: str | None = AS_USER) -> None:
    """Suspend an agreement at once (the bureau); resume it later."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        a = agreements.suspend(uow, actor, number, reason)
    typer.echo(f"{a.number} {_label(a.status)}")


@agreement_app.command("resume")
@handled
def resume(number: str, as_user: str | None = AS_USER) -> None:
    """Put a suspended agreement back in force (the bureau)."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        a = agreements.resume(uow, actor, number)
    typer.echo(f"{a.number} {_label(a.status)}")


@agreement_app.command("revoke")
@handled
def revoke(number: str, reason: str = typer.Option(..., help="why"), as_user: str | None = AS_USER) -> None:
    """Revoke an agreement at once and for good (the bureau)."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        a = agreements.revoke(uow, actor, number, reason)
    typer.echo(f"{a.number} {_label(a.status)}")


@agreement_app.command("renew")
@handled
def renew(
    number: str, end: str = typer.Option(..., metavar="YYYY-MM-DD", help="the new end"), as_user: str | None = AS_USER
) -> None:
    """Make the renewal of an agreement: the same terms from the day after its end; it needs three new
    signatures. Prints the new number."""
    actor = acting(as_user)
    with platform().uow(write=True) as uow:
        a = agreements.renew(uow, actor, number, end=end)
    typer.echo(a.number)
    typer.echo(f"续期 {number} → {a.number}，待签署 / renewal awaiting signatures", err=True)


@agreement_app.command("sweep")
@handled
def sweep() -> None:
    """Record the expiry of every agreement past its end (run daily; an agreement stops at its end anyway)."""
    with platform().uow(write=True) as uow:
        done = agreements.expire_due(uow)
    for number in done:
        typer.echo(f"{number} {_label('expired')}")
    if not done:
        typer.echo("没有到期的协议 / nothing expired", err=True)


@agreement_app.command("export")
@handled
def export(number: str, out: Path = typer.Argument(..., dir_okay=False), as_user: str | None = AS_USER) -> None:
    """Write the agreement and its signatures to OUT.json, verifiable offline with `gongshu agreement verify`."""
    actor = acting(as_user)
    with platform().uow() as uow:
        doc = agreements.bundle(uow, agreements.get_agreement(uow, actor, number))
    _write(out, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode())
    typer.echo(f"已导出 {number}（{len(doc['signatures'])} 个签名）到 {out} / exported", err=True)


def _pinned(keys: list[str]) -> dict[str, set[str]] | None:
    pinned: dict[str, set[str]] = {}
    for pair in keys:
        code, sep, key = pair.partition("=")
        if not (sep and code and key):
            raise typer.BadParameter(f"--key takes ORG=KEY_ID, not {pair!r}")
        pinned.setdefault(code, set()).add(key)
    return pinned or None


@agreement_app.command("verify")
@handled
def verify(
    bundle: Path = typer.Argument(..., exists=True, dir_okay=False, help="a file written by `agreement export`"),
    key: list[str] = typer.Option(
        [], "--key", metavar="ORG=KEY_ID", help="pin the key id an organization publishes; pin every party's"
    ),
) -> None:
    """Check an exported agreement offline, without the database: every party (bureau, operator, developer)
    must have signed exactly these bytes. Exit 0 when all three signatures verify, 2 naming the party whose
    signature is bad or missing."""
    doc = _read_json(bundle)
    results = signatures.verify_bundle(doc, _pinned(key))
    content, entries = doc["content"], doc["signatures"]
    typer.echo(f"{content.get('number', '?')} 内容摘要 sha256 {signatures.content_hash(content)}")
    for (party, good), entry in zip(results, entries, strict=True):
        entry = entry if isinstance(entry, dict) else {}
        who = f"{entry.get('org', '?')} {entry.get('signer', '?')} 密钥 {entry.get('key_id', '?')}"
        typer.echo(f"  {party:<9} {who}  {'签名有效 valid' if good else '签名无效 INVALID'}")
    bad = [party for party, good in results if not good]
    signed = {party for party, good in results if good}
    missing = [p for p in agreements.PARTIES if p not in signed and p not in bad]
    for party in missing:
        typer.echo(f"  {party:<9} 未签署 missing")
    if bad or missing:
        names = ", ".join([*bad, *missing])
        typer.echo(f"协议验证失败：{names} 的签名无效或缺失", err=True)
        typer.echo(f"VERIFICATION FAILED: bad or missing signature of {names}", err=True)
        raise typer.Exit(2)
    typer.echo("三方签名均有效 / all three signatures verify")


@agreement_app.command("odrl")
@handled
def to_odrl(
    number: str,
    base_url: str | None = typer.Option(None, help="the platform's address (default: http://HOST:PORT of settings)"),
    as_user: str | None = AS_USER,
) -> None:
    """Print the agreement as an ODRL 2.2 policy (JSON-LD), for dataspace connectors and auditors."""
    actor = acting(as_user)
    p = platform()
    with p.uow() as uow:
        a = agreements.get_agreement(uow, actor, number)
        status = agreements.effective_status(a, uow.clock.now())
    base = (base_url or f"http://{p.settings.host}:{p.settings.port}").rstrip("/")
    print_json(odrl.to_odrl(json.loads(a.content), base_url=base, status=status))


# -- gongshu disclosure -------------------------------------------------------------------------


@handled
def disclose(year: int | None = typer.Option(None, help="the annual disclosure report of YEAR instead")) -> None:
    """公开授权对象、内容、范围和时限: every agreement in force and ended, as the public sees it (JSON)."""
    with platform().uow() as uow:
        print_json(disclosure.annual_report(uow, year) if year else disclosure.public_list(uow))
