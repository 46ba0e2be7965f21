"""Authorized operation API: applications, the review chain, agreements and their signatures,
the public disclosure (授权运营)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from gongshu.api.deps import ActorDep, ReadUow, WriteUow
from gongshu.api.uploads import received
from gongshu.grants import agreements, applications, disclosure, document, odrl
from gongshu.grants.models import Agreement, Review
from gongshu.grants.states import LABELS
from gongshu.grants.vocab import OUTPUT_KINDS, PURPOSES, SCENARIO_DOMAINS

router = APIRouter(tags=["grants"])


class ApplicationOut(BaseModel):
    number: str
    org: str
    status: str
    status_label: str
    version: int
    versions: list[int]
    frozen: bool
    content: dict[str, Any]
    reviews: list[dict[str, Any]]
    attachments: list[dict[str, Any]]
    first_instance_due: datetime | None


def _review(r: Review) -> dict[str, Any]:
    return {
        "id": r.id,
        "version": r.version,
        "stage": r.stage,
        "org": r.org.code,
        "org_name": r.org.name,
        "resources": json.loads(r.resources),
        "decision": r.decision,
        "comment": r.comment,
        "approved_items": json.loads(r.approved_items) if r.approved_items else None,
        "due_at": r.due_at,
        "decided_by": r.decided_by,
        "decided_at": r.decided_at,
    }


def _app_out(v: applications.ApplicationView) -> ApplicationOut:
    a = v.application
    return ApplicationOut(
        number=a.number,
        org=a.org.code,
        status=a.status,
        status_label=LABELS[a.status][0],
        version=v.version,
        versions=v.versions,
        frozen=v.frozen,
        content=v.content,
        reviews=[_review(r) for r in v.reviews],
        attachments=[
            {
                "id": t.id,
                "filename": t.filename,
                "media_type": t.media_type,
                "size": t.size,
                "sha256": t.sha256,
                "version": t.version,
            }
            for t in v.attachments
        ],
        first_instance_due=a.first_instance_due,
    )


class FirstInstanceIn(BaseModel):
    decision: Literal["approve", "return", "reject"]
    comment: str = ""
    regulator: str | None = Field(default=None, description="code of the industry regulator to consult")


class ReviewIn(BaseModel):
    decision: Literal["approved", "partial", "rejected", "returned"]
    comment: str = ""
    approved_items: dict[str, list[str]] | None = None


class TermsIn(BaseModel):
    operator: str | None = None
    epsilon: float | None = Field(default=None, gt=0, le=100)
    min_cell_count: int | None = Field(default=None, ge=1, le=10_000)
    dominance_n: int = Field(default=2, ge=1, le=10)
    dominance_threshold: float = Field(default=0.9, gt=0, le=1)
    dp_required: bool = False
    auto_release_dp: bool = Field(
        default=False, description="release DP SQL results that passed output control without manual review"
    )
    personal_without_dp: bool = Field(
        default=False, description="results over data about persons may be released without DP (explicit term)"
    )
    price_terms: str = ""
    fee_cap: str = ""


class ReasonIn(BaseModel):
    reason: str


class RenewIn(BaseModel):
    end: str = Field(description="new end date, YYYY-MM-DD")


class AgreementOut(BaseModel):
    number: str
    status: str
    status_label: str
    in_force: bool
    content: dict[str, Any]
    content_hash: str
    signatures: list[dict[str, Any]]
    renews: str
    reason: str


def _agreement_out(uow: ReadUow, a: Agreement) -> AgreementOut:
    now = uow.clock.now()
    status = agreements.effective_status(a, now)
    return AgreementOut(
        number=a.number,
        status=status,
        status_label=LABELS[status][0],
        in_force=agreements.in_force(a, now),
        content=json.loads(a.content),
        content_hash=a.content_hash,
        signatures=agreements.bundle(uow, a)["signatures"],
        renews=a.renews,
        reason=a.reason,
    )


@router.get("/grants/vocabularies")
def vocabularies() -> dict[str, Any]:
    """Scenario domains (with the industry regulator consulted), purposes and output kinds."""
    return {
        "domains": SCENARIO_DOMAINS,
        "purposes": {k: {"zh": v[0], "en": v[1], "free": v[2]} for k, v in PURPOSES.items()},
        "output_kinds": {k: {"zh": v[0], "en": v[1]} for k, v in OUTPUT_KINDS.items()},
    }


@router.post("/applications", response_model=ApplicationOut, status_code=201)
def create(content: dict[str, Any], uow: WriteUow, actor: ActorDep) -> ApplicationOut:
    """Save a new application as a draft (一场景一申请)."""
    app = applications.create_draft(uow, actor, content)
    return _app_out(applications.view(uow, actor, app.number))


@router.get("/applications", response_model=list[dict[str, Any]])
def list_applications(uow: ReadUow, actor: ActorDep) -> list[dict[str, Any]]:
    return [
        {
            "number": a.number,
            "org": a.org.code,
            "status": a.status,
            "status_label": LABELS[a.status][0],
            "version": a.version,
            "updated_at": a.updated_at,
        }
        for a in applications.list_applications(uow, actor)
    ]


@router.get("/applications/{number}", response_model=ApplicationOut)
def show(number: str, uow: ReadUow, actor: ActorDep, version: int | None = None) -> ApplicationOut:
    return _app_out(applications.view(uow, actor, number, version))


@router.put("/applications/{number}", response_model=ApplicationOut)
def edit(number: str, content: dict[str, Any], uow: WriteUow, actor: ActorDep) -> ApplicationOut:
    applications.update_draft(uow, actor, number, content)
    return _app_out(applications.view(uow, actor, number))


@router.post("/applications/{number}/attachments", status_code=201)
def attach(number: str, uow: WriteUow, actor: ActorDep, file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Upload a qualification document (PDF, PNG or JPEG; size-capped; malware-checked)."""
    with received(file, uow.settings.tmp_dir, uow.settings.max_attachment_mb + 1) as (path, name):
        att = applications.add_attachment(uow, actor, number, path, name)
    return {"id": att.id, "filename": att.filename, "sha256": att.sha256, "size": att.size}


@router.get("/applications/{number}/attachments/{attachment_id}", response_class=FileResponse)
def attachment(number: str, attachment_id: int, uow: ReadUow, actor: ActorDep) -> FileResponse:
    """A qualification document, for the applicant's organization and the bureau."""
    att, path = applications.get_attachment(uow, actor, number, attachment_id)
    return FileResponse(path, media_type=att.media_type, filename=att.filename)


@router.post("/applications/{number}/submit", response_model=ApplicationOut)
def submit(number: str, uow: WriteUow, actor: ActorDep) -> ApplicationOut:
    applications.submit(uow, actor, number)
    return _app_out(applications.view(uow, actor, number))


@router.post("/applications/{number}/withdraw", response_model=ApplicationOut)
def withdraw(number: str, uow: WriteUow, actor: ActorDep) -> ApplicationOut:
    applications.withdraw(uow, actor, number)
    return _app_out(applications.view(uow, actor, number))


@router.post("/applications/{number}/first-instance", response_model=ApplicationOut)
def first_instance(number: str, body: FirstInstanceIn, uow: WriteUow, actor: ActorDep) -> ApplicationOut:
    """初审 by the bureau."""
    applications.first_instance(
        uow, actor, number, decision=body.decision, comment=body.comment, regulator=body.regulator
    )
    return _app_out(applications.view(uow, actor, number))


@router.get("/reviews")
def my_reviews(uow: ReadUow, actor: ActorDep, overdue_only: bool = False) -> list[dict[str, Any]]:
    """My organization's pending reviews; with ``overdue_only`` (bureau, regulators) every overdue one."""
    tasks = applications.overdue_reviews(uow, actor) if overdue_only else applications.my_reviews(uow, actor)
    return [{**_review(t.review), "application": t.application.number, "overdue": t.overdue} for t in tasks]


@router.post("/reviews/{review_id}")
def review(review_id: int, body: ReviewIn, uow: WriteUow, actor: ActorDep) -> dict[str, Any]:
    """A provider decides its part, or the consulted regulator the whole (一需求一审核)."""
    r = applications.review_part(
        uow, actor, review_id, decision=body.decision, comment=body.comment, approved_items=body.approved_items
    )
    return _review(r)


@router.post("/applications/{number}/agreement", response_model=AgreementOut, status_code=201)
def make_agreement(number: str, body: TermsIn, uow: WriteUow, actor: ActorDep) -> AgreementOut:
    """The bureau turns an approved application into an agreement (一场景一授权)."""
    a = agreements.make_agreement(uow, actor, number, agreements.Terms(**body.model_dump()))
    return _agreement_out(uow, a)


@router.get("/agreements", response_model=list[AgreementOut])
def list_agreements(uow: ReadUow, actor: ActorDep) -> list[AgreementOut]:
    return [_agreement_out(uow, a) for a in agreements.list_agreements(uow, actor)]


@router.get("/agreements/{number}", response_model=AgreementOut)
def show_agreement(number: str, uow: ReadUow, actor: ActorDep) -> AgreementOut:
    return _agreement_out(uow, agreements.get_agreement(uow, actor, number))


@router.get("/agreements/{number}/bundle")
def agreement_bundle(number: str, uow: ReadUow, actor: ActorDep) -> dict[str, Any]:
    """Content and signatures in one document, verifiable offline (`gongshu agreement verify`)."""
    return agreements.bundle(uow, agreements.get_agreement(uow, actor, number))


@router.get("/agreements/{number}/document", response_class=Response)
def agreement_document(
    number: str, uow: ReadUow, actor: ActorDep, request: Request, format: Literal["html", "pdf"] = "html"
) -> Response:
    """The agreement as a readable document (HTML or PDF)."""
    a = agreements.get_agreement(uow, actor, number)
    sigs = agreements.bundle(uow, a)["signatures"]
    status = agreements.effective_status(a, uow.clock.now())
    content = json.loads(a.content)
    if format == "pdf":
        return Response(
            document.render_pdf(content, sigs, status=status),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{number}.pdf"'},
        )
    lang = "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"
    return HTMLResponse(document.render_html(content, sigs, status=status, lang=lang))


@router.get("/agreements/{number}/odrl")
def agreement_odrl(number: str, uow: ReadUow, actor: ActorDep, request: Request) -> JSONResponse:
    """The agreement as an ODRL 2.2 policy in JSON-LD, for dataspace connectors and auditors."""
    a = agreements.get_agreement(uow, actor, number)
    doc = odrl.to_odrl(
        json.loads(a.content),
        base_url=str(request.base_url).rstrip("/"),
        status=agreements.effective_status(a, uow.clock.now()),
    )
    return JSONResponse(doc, media_type="application/ld+json")


@router.post("/agreements/{number}/sign", response_model=AgreementOut)
def sign(number: str, uow: WriteUow, actor: ActorDep) -> AgreementOut:
    agreements.sign(uow, actor, number)
    return _agreement_out(uow, agreements.get_agreement(uow, actor, number))


@router.post("/agreements/{number}/suspend", response_model=AgreementOut)
def suspend(number: str, body: ReasonIn, uow: WriteUow, actor: ActorDep) -> AgreementOut:
    return _agreement_out(uow, agreements.suspend(uow, actor, number, body.reason))


@router.post("/agreements/{number}/resume", response_model=AgreementOut)
def resume(number: str, uow: WriteUow, actor: ActorDep) -> AgreementOut:
    return _agreement_out(uow, agreements.resume(uow, actor, number))


@router.post("/agreements/{number}/revoke", response_model=AgreementOut)
def revoke(number: str, body: ReasonIn, uow: WriteUow, actor: ActorDep) -> AgreementOut:
    return _agreement_out(uow, agreements.revoke(uow, actor, number, body.reason))


@router.post("/agreements/{number}/renew", response_model=AgreementOut, status_code=201)
def renew(number: str, body: RenewIn, uow: WriteUow, actor: ActorDep) -> AgreementOut:
    return _agreement_out(uow, agreements.renew(uow, actor, number, end=body.end))


@router.get("/disclosure/agreements")
def disclosed(uow: ReadUow) -> list[dict[str, Any]]:
    """Public: every agreement in force and ended — who, which scenario, which data, scope, period, fees."""
    return disclosure.public_list(uow)


@router.get("/disclosure/reports/{year}")
def annual_report(year: int, uow: ReadUow) -> dict[str, Any]:
    """Public: the annual disclosure report of the implementing body and the operators."""
    return disclosure.annual_report(uow, year)
