"""The agreement as a readable document: HTML (zh and en) and a deterministic PDF."""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from factories import agreement_content
from gongshu.grants import document, signatures
from gongshu.ledger.signing import Ed25519Signer

SAMPLE: dict[str, Any] = agreement_content()


def make_content(**changes: Any) -> dict[str, Any]:
    content = copy.deepcopy(SAMPLE)
    content.update(changes)
    return content


def signed_by(content: dict[str, Any], *parties: str) -> list[dict[str, Any]]:
    out = []
    for n, party in enumerate(parties, 1):
        key = Ed25519Signer(Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32))
        out.append(
            {
                "party": party,
                "org": content["parties"][party]["code"],
                "signer": f"{party}_admin",
                "signed_at": "2026-11-23T10:00:00Z",
                **signatures.sign(content, key),
            }
        )
    return out


def test_html_shows_the_key_facts_of_the_agreement() -> None:
    html = document.render_html(SAMPLE, signed_by(SAMPLE, "bureau"), status="signing")
    for fact in (
        "公共数据授权运营协议",
        "XY-2026-00001",
        "SQ-2026-00001（第 2 版）",
        "待签署",
        "甲方（数据主管部门）",
        "示例市大数据局（SJJ）",
        "乙方（运营机构）",
        "丙方（开发利用者）",
        "一、授权场景",
        "小微企业普惠信贷风控",
        "普惠金融",
        "产业发展",
        "二、授权数据",
        "企业登记信息（SCJGJ-2026-00001）",
        "示例市市场监督管理局",
        "统一社会信用代码、登记状态",
        "使用最新版本",
        "三、授权期限",
        "自 2026-12-01 起至 2027-11-30 止",
        "四、允许的产出形式",
        "统计汇总表",
        "模型",
        "数据接口产品",
        "五、隐私与披露控制",
        "ε ≤ 1.0",
        "最小单元格计数",
        "至少 10 个",
        "（2, 90%）规则",
        "六、价格条款",
        "有偿使用",
        "按调用计费，单价不高于 0.1 元/次",
        "七、安全义务",
        "原始数据不出域",
        "成果经审核后方可使用",
        "八、签署",
        signatures.content_hash(SAMPLE),
        "bureau_admin",
    ):
        assert fact in html, fact
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html


def test_html_escapes_a_script_tag_in_the_scenario_name() -> None:
    content = make_content(
        scenario=SAMPLE["scenario"] | {"name": '<script>alert("x")</script>'},
        obligations=["<img src=x onerror=alert(1)>"],
    )
    html = document.render_html(content, [], status="signing")
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_html_has_english_labels_when_asked_for_english() -> None:
    html = document.render_html(SAMPLE, [], status="active", lang="en")
    for label in (
        "Public Data Authorized Operation Agreement",
        "Party A (data authority)",
        "Party B (operator)",
        "Party C (developer)",
        "1. Scenario",
        "2. Data granted",
        "3. Period",
        "4. Permitted outputs",
        "aggregate tables",
        "API products",
        "5. Privacy and disclosure control",
        "6. Price",
        "7. Security obligations",
        "8. Signatures",
        "in force",
        "industrial development",
        "From 2026-12-01 to 2027-11-30",
        "not signed",
    ):
        assert label in html, label
    assert "甲方" not in html
    assert '<html lang="en">' in html


def test_a_free_agreement_reads_as_free_use_for_public_purposes() -> None:
    content = make_content(
        scenario=SAMPLE["scenario"] | {"purpose": "public_welfare"}, price={"mode": "free", "terms": "", "fee_cap": ""}
    )
    html = document.render_html(content, [], status="active")
    assert "公共治理/公益事业无偿使用" in html
    assert "公益事业" in html
    assert "收费上限" not in html


def test_signature_states_are_checked_not_taken_on_trust() -> None:
    sigs = signed_by(SAMPLE, "bureau", "operator")
    sigs[1]["signature"] = sigs[0]["signature"]
    html = document.render_html(SAMPLE, sigs, status="signing")
    assert html.count("已签署，签名有效") == 1
    assert html.count("签名无效") == 1
    assert html.count("未签署") == 1
    assert sigs[0]["key_id"] in html


def test_pinned_versions_renewals_and_missing_privacy_terms_are_shown() -> None:
    content = make_content(
        resources=[SAMPLE["resources"][0] | {"version_policy": "pinned:3"}],
        renews="XY-2025-00007",
        privacy={"epsilon": None, "min_cell_count": 10, "dominance": None},
    )
    html = document.render_html(content, [], status="signing")
    assert "固定为第 3 版" in html
    assert "本协议为协议 XY-2025-00007 的续期" in html
    assert html.count("不适用") == 2


@pytest.mark.parametrize(
    ("policy", "lang", "shown"),
    [("latest", "en", "latest version"), ("pinned:3", "en", "pinned to version 3"), ("v2024", "zh", "v2024")],
)
def test_version_policies_read_as_words(policy: str, lang: str, shown: str) -> None:
    content = make_content(resources=[SAMPLE["resources"][0] | {"version_policy": policy}])
    assert f"<td>{shown}</td>" in document.render_html(content, [], status="signing", lang=lang)


def test_pdf_is_an_a4_pdf_and_the_same_input_gives_the_same_bytes() -> None:
    sigs = signed_by(SAMPLE, "bureau", "operator", "developer")
    first = document.render_pdf(SAMPLE, sigs, status="active")
    assert first.startswith(b"%PDF-")
    assert first.rstrip().endswith(b"%%EOF")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in first
    assert b"STSong-Light" in first
    assert 3_000 < len(first) < 60_000
    assert document.render_pdf(SAMPLE, copy.deepcopy(sigs), status="active") == first


def test_pdf_changes_when_the_content_changes() -> None:
    changed = make_content(period={"start": "2026-12-01", "end": "2027-11-29"})
    assert document.render_pdf(SAMPLE, [], status="active") != document.render_pdf(changed, [], status="active")


def test_a_long_agreement_wraps_onto_more_pages_and_markup_in_values_is_text() -> None:
    resources = [
        SAMPLE["resources"][0]
        | {"code": f"R-{i:03d}", "title": f"数据资源<b>{i}</b>&", "items": [f"信息项{j}" for j in range(20)]}
        for i in range(30)
    ]
    content = make_content(resources=resources, scenario=SAMPLE["scenario"] | {"description": "很长的描述。" * 300})
    pdf = document.render_pdf(content, [], status="signing")
    pages = re.search(rb"/Count (\d+)", pdf)
    assert pages is not None
    assert int(pages[1]) > 3


def test_pdf_text_carries_the_content_hash_and_the_agreement_number() -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf is not installed; the PDF's text is checked when it is")
    pdf = document.render_pdf(SAMPLE, signed_by(SAMPLE, "bureau"), status="signing")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert signatures.content_hash(SAMPLE) in text.replace("\n", "")
    assert "XY-2026-00001" in text
    assert reader.metadata.subject == signatures.content_hash(SAMPLE)
