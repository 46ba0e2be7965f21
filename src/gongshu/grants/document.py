"""The agreement (授权协议) as a readable document: HTML from a Jinja2 template, PDF with reportlab.

Both render one view (``agreement_view``): the same sections, labels and values in the same order, so the
HTML a party reads before signing and the PDF it downloads cannot say different things. Signature states
are checked here (``signatures.entry_ok``), never taken on trust from the caller.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gongshu.grants.signatures import content_hash, entry_ok
from gongshu.grants.states import LABELS as STATUS_LABELS
from gongshu.grants.vocab import OUTPUT_KINDS, PURPOSES

PARTIES = ("bureau", "operator", "developer")
TEMPLATES = Path(__file__).parent / "templates"
CJK_FONT = "STSong-Light"  # Adobe's built-in CID font: nothing to embed, every PDF reader has it
MONO_FONT = "Courier"

TEXT: dict[str, tuple[str, str]] = {
    "title": ("公共数据授权运营协议", "Public Data Authorized Operation Agreement"),
    "number": ("协议编号", "Agreement No."),
    "status": ("协议状态", "Status"),
    "issued_at": ("签发时间", "Issued at"),
    "application": ("依据申请", "Application"),
    "application_value": ("{number}（第 {version} 版）", "{number} (version {version})"),
    "renews": ("续期自", "Renews"),
    "bureau": ("甲方（数据主管部门）", "Party A (data authority)"),
    "operator": ("乙方（运营机构）", "Party B (operator)"),
    "developer": ("丙方（开发利用者）", "Party C (developer)"),
    "preamble": (
        "甲、乙、丙三方依据申请 {application}（第 {version} 版）的审核结果，就下列公共数据的授权运营达成如下协议。",
        "Following the review of application {application} (version {version}), the three parties agree on "
        "the authorized operation of the public data below.",
    ),
    "s1": ("一、授权场景", "1. Scenario"),
    "scenario_name": ("场景名称", "Name"),
    "domain": ("场景领域", "Domain"),
    "purpose": ("用途", "Purpose"),
    "description": ("场景描述", "Description"),
    "s2": ("二、授权数据", "2. Data granted"),
    "resource": ("数据资源", "Resource"),
    "provider": ("提供单位", "Provider"),
    "items": ("信息项", "Items"),
    "version_policy": ("版本策略", "Version"),
    "latest": ("使用最新版本", "latest version"),
    "pinned": ("固定为第 {n} 版", "pinned to version {n}"),
    "s3": ("三、授权期限", "3. Period"),
    "period": ("自 {start} 起至 {end} 止（含起止当日）。", "From {start} to {end}, both days included."),
    "renewal": ("本协议为协议 {number} 的续期。", "This agreement renews agreement {number}."),
    "s4": ("四、允许的产出形式", "4. Permitted outputs"),
    "outputs_note": (
        "丙方只可取得以下形式的产出，且须经输出控制与审核：",
        "Party C may only obtain outputs of these kinds, after output control and review:",
    ),
    "s5": ("五、隐私与披露控制", "5. Privacy and disclosure control"),
    "epsilon": ("差分隐私预算", "Differential privacy budget"),
    "epsilon_value": ("ε ≤ {eps}（协议期内累计）", "ε ≤ {eps} (for the whole period)"),
    "min_cell": ("最小单元格计数", "Minimum cell count"),
    "personal_release": ("涉及个人信息的结果", "Results over personal information"),
    "person_dp": (
        "仅以按人差分隐私发布（每人贡献有上限，注明误差）",
        "released only with person-level differential privacy (bounded contributions, stated error)",
    ),
    "without_dp": (
        "经数据主管部门明确同意，可不加差分隐私发布，由单元格计数与跨查询审计控制",
        "may be released without differential privacy, as the bureau explicitly agreed: cell counts and the "
        "cross-query audit control them",
    ),
    "min_cell_value": ("每个单元格至少 {n} 个统计对象", "at least {n} contributors per cell"),
    "dominance": ("优势规则", "Dominance rule"),
    "dominance_value": (
        "（{n}, {k}）规则：任一单元格中最大的 {n} 个贡献者合计不得超过总量的 {k}",
        "({n}, {k}) rule: the {n} largest contributors to a cell may not exceed {k} of its total",
    ),
    "not_applied": ("不适用", "not applied"),
    "auto_release": ("差分隐私结果的发布", "Release of differentially private results"),
    "auto_release_on": (
        "经输出控制的差分隐私 SQL 结果免人工审定即发布（本协议明示条款）",
        "differentially private SQL results that passed output control are released without manual review "
        "(an explicit term of this agreement)",
    ),
    "auto_release_off": ("每项产出均经人工审定（一模型一审定）后发布", "every output is released after manual review"),
    "s6": ("六、价格条款", "6. Price"),
    "price_mode": ("收费方式", "Charging"),
    "free": ("公共治理/公益事业无偿使用", "free of charge (public governance / public welfare)"),
    "paid": ("有偿使用", "paid"),
    "price_terms": ("价格条款", "Terms"),
    "fee_cap": ("收费上限", "Fee cap"),
    "s7": ("七、安全义务", "7. Security obligations"),
    "s8": ("八、签署", "8. Signatures"),
    "party": ("签署方", "Party"),
    "org": ("单位", "Organization"),
    "sig_state": ("签署状态", "State"),
    "signer": ("签署人", "Signed by"),
    "key_id": ("密钥标识", "Key id"),
    "signed_at": ("签署时间", "Signed at"),
    "valid": ("已签署，签名有效", "signed, valid"),
    "invalid": ("签名无效", "signature INVALID"),
    "unsigned": ("未签署", "not signed"),
    "hash": ("协议内容哈希（SHA-256）", "Content hash (SHA-256)"),
    "hash_note": (
        "各方签名的对象是协议内容的规范 JSON 编码；其 SHA-256 即上述哈希。协议文件可下载后离线验证。",
        "Each party signs the canonical JSON of the agreement content, whose SHA-256 is the hash above. "
        "The agreement bundle can be downloaded and verified offline.",
    ),
    "page": ("第 {page} 页 / 共 {pages} 页", "Page {page} of {pages}"),
}


def _t(key: str, lang: str, **values: Any) -> str:
    text = TEXT[key][1 if lang == "en" else 0]
    return text.format(**values) if values else text


def _label(table: Mapping[str, Sequence[Any]], key: str, lang: str) -> str:
    """A vocabulary value's label from a ``{value: (zh, en, ...)}`` table; the value itself when unknown."""
    pair = table.get(key)
    return str(pair[1 if lang == "en" else 0]) if pair else key


def _join(values: Sequence[str], lang: str) -> str:
    return (", " if lang == "en" else "、").join(values)


def _party(p: Mapping[str, Any]) -> str:
    return f"{p['name']}（{p['code']}）"


# -- the view both renderers draw ------------------------------------------------------------------


def agreement_view(
    content: Mapping[str, Any], signatures: Sequence[Mapping[str, Any]], *, status: str, lang: str = "zh"
) -> dict[str, Any]:
    """Everything the document shows, as labelled strings in document order.

    ``sections`` is a list of ``{"title", "blocks"}``; a block is ``{"kind": "rows", "rows": [(k, v)]}``,
    ``{"kind": "table", "head": [...], "rows": [[...]]}``, ``{"kind": "text", "text"}`` or
    ``{"kind": "items", "items": [...]}``.
    """
    facts = [
        (_t("number", lang), content["number"]),
        (_t("status", lang), _label(STATUS_LABELS, status, lang)),
        (_t("issued_at", lang), content.get("issued_at", "")),
        (
            _t("application", lang),
            _t(
                "application_value",
                lang,
                number=content.get("application", ""),
                version=content.get("application_version", ""),
            ),
        ),
    ]
    if content.get("renews"):
        facts.append((_t("renews", lang), content["renews"]))
    digest = content_hash(content)
    return {
        "lang": lang,
        "title": _t("title", lang),
        "number": content["number"],
        "facts": facts,
        "parties": [(_t(p, lang), _party(content["parties"][p])) for p in PARTIES],
        "preamble": _t(
            "preamble", lang, application=content.get("application", ""), version=content.get("application_version", "")
        ),
        "sections": [
            _scenario(content, lang),
            _data(content, lang),
            _period(content, lang),
            _outputs(content, lang),
            _privacy(content, lang),
            _price(content, lang),
            _obligations(content, lang),
            _signing(content, signatures, digest, lang),
        ],
        "hash_label": _t("hash", lang),
        "content_hash": digest,
        "page_label": TEXT["page"][1 if lang == "en" else 0],
    }


def _scenario(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    s = content["scenario"]
    rows = [
        (_t("scenario_name", lang), s["name"]),
        (_t("domain", lang), s.get("domain", "")),
        (_t("purpose", lang), _label(PURPOSES, s.get("purpose", ""), lang)),
        (_t("description", lang), s.get("description", "")),
    ]
    return {"title": _t("s1", lang), "blocks": [{"kind": "rows", "rows": rows}]}


def _version_policy(policy: str, lang: str) -> str:
    if policy == "latest":
        return _t("latest", lang)
    if policy.startswith("pinned:"):
        return _t("pinned", lang, n=policy.removeprefix("pinned:"))
    return policy


def _data(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    head = [_t(k, lang) for k in ("resource", "provider", "items", "version_policy")]
    rows = [
        [
            f"{r['title']}（{r['code']}）",
            r["provider"]["name"],
            _join(r["items"], lang),
            _version_policy(str(r.get("version_policy", "latest")), lang),
        ]
        for r in content["resources"]
    ]
    return {"title": _t("s2", lang), "blocks": [{"kind": "table", "head": head, "rows": rows}]}


def _period(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    blocks = [{"kind": "text", "text": _t("period", lang, **content["period"])}]
    if content.get("renews"):
        blocks.append({"kind": "text", "text": _t("renewal", lang, number=content["renews"])})
    return {"title": _t("s3", lang), "blocks": blocks}


def _outputs(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    kinds = [_label(OUTPUT_KINDS, k, lang) for k in content.get("output_kinds", [])]
    return {
        "title": _t("s4", lang),
        "blocks": [{"kind": "text", "text": _t("outputs_note", lang)}, {"kind": "items", "items": kinds}],
    }


def _privacy(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    p = content.get("privacy") or {}
    none = _t("not_applied", lang)
    eps, cells, dom = p.get("epsilon"), p.get("min_cell_count"), p.get("dominance")
    rows = [
        (_t("epsilon", lang), _t("epsilon_value", lang, eps=eps) if eps is not None else none),
        (_t("min_cell", lang), _t("min_cell_value", lang, n=cells) if cells else none),
        (
            _t("dominance", lang),
            _t("dominance_value", lang, n=dom["n"], k=f"{float(dom['threshold']) * 100:g}%") if dom else none,
        ),
        (
            _t("auto_release", lang),
            _t("auto_release_on" if p.get("auto_release_dp") is True else "auto_release_off", lang),
        ),
        (_t("personal_release", lang), _t("without_dp" if p.get("personal_without_dp") else "person_dp", lang)),
    ]
    return {"title": _t("s5", lang), "blocks": [{"kind": "rows", "rows": rows}]}


def _price(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    price = content.get("price") or {}
    rows = [(_t("price_mode", lang), _t("free" if price.get("mode") == "free" else "paid", lang))]
    if price.get("terms"):
        rows.append((_t("price_terms", lang), price["terms"]))
    if price.get("fee_cap"):
        rows.append((_t("fee_cap", lang), price["fee_cap"]))
    return {"title": _t("s6", lang), "blocks": [{"kind": "rows", "rows": rows}]}


def _obligations(content: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {"title": _t("s7", lang), "blocks": [{"kind": "items", "items": list(content.get("obligations", []))}]}


def _signature_row(
    content: Mapping[str, Any], signatures: Sequence[Mapping[str, Any]], party: str, lang: str
) -> list[str]:
    entries = [s for s in signatures if s.get("party") == party]
    good = [s for s in entries if entry_ok(content, s)]
    chosen = good[0] if good else entries[0] if entries else None
    state = "valid" if good else "invalid" if entries else "unsigned"
    shown = chosen or {}
    return [
        _t(party, lang),
        content["parties"][party]["name"],
        _t(state, lang),
        str(shown.get("signer", "")),
        str(shown.get("key_id", "")),
        str(shown.get("signed_at", "")),
    ]


def _signing(
    content: Mapping[str, Any], signatures: Sequence[Mapping[str, Any]], digest: str, lang: str
) -> dict[str, Any]:
    head = [_t(k, lang) for k in ("party", "org", "sig_state", "signer", "key_id", "signed_at")]
    rows = [_signature_row(content, signatures, p, lang) for p in PARTIES]
    return {
        "title": _t("s8", lang),
        "blocks": [
            {"kind": "table", "head": head, "rows": rows},
            {"kind": "rows", "rows": [(_t("hash", lang), digest)], "mono": True},
            {"kind": "text", "text": _t("hash_note", lang)},
        ],
    }


# -- HTML ------------------------------------------------------------------------------------------


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(
    content: Mapping[str, Any], signatures: Sequence[Mapping[str, Any]], *, status: str, lang: str = "zh"
) -> str:
    """The agreement as a standalone HTML page (Chinese, or English labels with ``lang="en"``); every value
    is escaped."""
    view = agreement_view(content, signatures, status=status, lang="en" if lang.startswith("en") else "zh")
    return _environment().get_template("agreement.html").render(view=view)


# -- PDF -------------------------------------------------------------------------------------------


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    body = ParagraphStyle("body", fontName=CJK_FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontSize=12.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
            textColor=colors.HexColor("#8b1a1a"),
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=13.5),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=11.5),
        "head": ParagraphStyle("head", parent=body, fontSize=9.5, leading=13.5, textColor=colors.HexColor("#333333")),
    }


def _p(text: Any, style: str, *, mono: bool = False) -> Paragraph:
    markup = escape(str(text))
    if mono:
        markup = f'<font name="{MONO_FONT}" size="9">{markup}</font>'
    return Paragraph(markup, _styles()[style])


GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
)
HEADED = TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))], parent=GRID)
LABELLED = TableStyle([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f5f5f5"))], parent=GRID)
WIDTH = A4[0] - 40 * mm
COLUMNS = {4: [0.28, 0.22, 0.32, 0.18], 6: [0.185, 0.235, 0.15, 0.125, 0.14, 0.165]}


def _rows_table(rows: Sequence[tuple[str, str]], *, mono: bool = False) -> Table:
    data = [[_p(k, "cell"), _p(v, "cell", mono=mono)] for k, v in rows]
    return Table(data, colWidths=[WIDTH * 0.26, WIDTH * 0.74], style=LABELLED)


def _grid_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    style = "small" if len(head) > 4 else "cell"
    data = [[_p(h, "head") for h in head]] + [[_p(v, style) for v in row] for row in rows]
    widths = [WIDTH * f for f in COLUMNS.get(len(head), [1 / len(head)] * len(head))]
    return Table(data, colWidths=widths, style=HEADED, repeatRows=1)


def _block(block: Mapping[str, Any]) -> list[Flowable]:
    kind = block["kind"]
    if kind == "rows":
        return [_rows_table(block["rows"], mono=block.get("mono", False))]
    if kind == "table":
        return [_grid_table(block["head"], block["rows"])]
    if kind == "items":
        return [_p(f"{i}. {item}", "body") for i, item in enumerate(block["items"], 1)]
    return [_p(block["text"], "body")]


def _story(view: Mapping[str, Any]) -> list[Flowable]:
    story: list[Flowable] = [
        _p(view["title"], "title"),
        Spacer(1, 4 * mm),
        _rows_table(view["facts"]),
        Spacer(1, 3 * mm),
        _rows_table(view["parties"]),
        Spacer(1, 3 * mm),
        _p(view["preamble"], "body"),
    ]
    for section in view["sections"]:
        story.append(_p(section["title"], "heading"))
        for block in section["blocks"]:
            story += _block(block)
            story.append(Spacer(1, 1.5 * mm))
    return story


class _FooterCanvas(Canvas):
    """Draws the footer once the page count is known: number and content hash left, "page x of y" right."""

    def __init__(self, *args: Any, footer: str, page_label: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer, self._page_label = footer, page_label
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for page in self._pages:
            self.__dict__.update(page)
            self._draw_footer(len(self._pages))
            super().showPage()
        super().save()

    def _draw_footer(self, pages: int) -> None:
        self.setStrokeColor(colors.HexColor("#999999"))
        self.line(20 * mm, 14 * mm, A4[0] - 20 * mm, 14 * mm)
        self.setFont(MONO_FONT, 7)
        self.drawString(20 * mm, 10 * mm, self._footer)
        self.setFont(CJK_FONT, 8)
        self.drawRightString(A4[0] - 20 * mm, 10 * mm, self._page_label.format(page=self._pageNumber, pages=pages))


def render_pdf(
    content: Mapping[str, Any], signatures: Sequence[Mapping[str, Any]], *, status: str, lang: str = "zh"
) -> bytes:
    """The agreement as an A4 PDF in the built-in STSong-Light font, with page numbers and the content hash in
    every footer. The same input gives the same bytes (reportlab's invariant mode)."""
    view = agreement_view(content, signatures, status=status, lang="en" if lang.startswith("en") else "zh")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        invariant=1,
        title=f"{view['title']} {view['number']}",
        author="gongshu",
        creator="gongshu",
        subject=view["content_hash"],
    )
    footer = f"{view['number']}  SHA-256 {view['content_hash']}"
    doc.build(_story(view), canvasmaker=functools.partial(_FooterCanvas, footer=footer, page_label=view["page_label"]))
    return buf.getvalue()
