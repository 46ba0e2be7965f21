"""The agreement as an ODRL 2.2 Agreement policy in JSON-LD."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from gongshu.grants import odrl

BASE = "https://gongshu.example.cn"
SAMPLE: dict[str, Any] = {
    "number": "XY-2026-00001",
    "application": "SQ-2026-00001",
    "application_version": 2,
    "scenario": {
        "name": "小微企业普惠信贷风控",
        "description": "在可信环境中构建信用评估模型，原始数据不出域。",
        "domain": "普惠金融",
        "purpose": "industry",
    },
    "parties": {
        "bureau": {"code": "SJJ", "name": "示例市大数据局"},
        "operator": {"code": "SJJT", "name": "示例市数据集团有限公司"},
        "developer": {"code": "ZHJR", "name": "示例市智慧金融科技有限公司"},
    },
    "resources": [
        {
            "code": "SCJGJ-2026-00001",
            "title": "企业登记信息",
            "provider": {"code": "SCJGJ", "name": "示例市市场监督管理局"},
            "items": ["统一社会信用代码", "登记状态"],
            "version_policy": "latest",
        },
        {
            "code": "SWJ-2026-00003",
            "title": "纳税信用等级",
            "provider": {"code": "SWJ", "name": "示例市税务局"},
            "items": ["统一社会信用代码", "纳税信用等级"],
            "version_policy": "pinned:3",
        },
    ],
    "period": {"start": "2026-12-01", "end": "2027-11-30"},
    "output_kinds": ["aggregate_table", "model", "api_product"],
    "privacy": {"epsilon": 1.0, "min_cell_count": 10, "dominance": {"n": 2, "threshold": 0.9}},
    "price": {"mode": "paid", "terms": "按调用计费，单价不高于 0.1 元/次", "fee_cap": "0.1 元/次"},
    "obligations": [
        "原始数据不出域",
        "成果经审核后方可使用",
        "不得识别特定自然人",
        "定期报告数据使用情况",
        "安全保障措施：专人专岗、身份识别、安全审计",
    ],
    "renews": None,
    "issued_at": "2026-11-22T09:00:00Z",
}


def make_content(**changes: Any) -> dict[str, Any]:
    content = copy.deepcopy(SAMPLE)
    content.update(changes)
    return content


def policy(content: dict[str, Any] | None = None, status: str = "active") -> dict[str, Any]:
    return odrl.to_odrl(content or SAMPLE, base_url=BASE + "/", status=status)


def constraint(doc: dict[str, Any], left: str, operator: str) -> Any:
    found = [c for c in doc["permission"][0]["constraint"] if c["leftOperand"] == left and c["operator"] == operator]
    assert len(found) == 1, (left, operator)
    return found[0]["rightOperand"]


def test_the_policy_is_an_odrl_agreement_between_bureau_and_developer() -> None:
    doc = policy()
    assert doc["@context"][0] == "http://www.w3.org/ns/odrl.jsonld"
    assert doc["@context"][1]["gongshu"] == odrl.GONGSHU_NS
    assert doc["@type"] == "Agreement"
    assert doc["uid"] == f"{BASE}/api/v1/agreements/XY-2026-00001/odrl"
    assert doc["profile"] == odrl.PROFILE
    assert doc["conflict"] == "prohibit"
    assert doc["assigner"]["uid"] == f"{BASE}/api/v1/orgs/SJJ"
    assert doc["assigner"]["vcard:fn"] == "示例市大数据局"
    assert doc["assignee"]["uid"] == f"{BASE}/api/v1/orgs/ZHJR"
    assert doc["gongshu:operator"]["gongshu:code"] == "SJJT"
    assert doc["gongshu:status"] == "active"


def test_each_resource_gets_one_permission_on_its_granted_items() -> None:
    doc = policy()
    assert [p["target"]["uid"] for p in doc["permission"]] == [
        f"{BASE}/api/v1/resources/SCJGJ-2026-00001",
        f"{BASE}/api/v1/resources/SWJ-2026-00003",
    ]
    assert doc["permission"][1]["target"]["gongshu:items"] == ["统一社会信用代码", "纳税信用等级"]
    assert doc["permission"][1]["target"]["gongshu:versionPolicy"] == "pinned:3"


@pytest.mark.parametrize(
    ("kinds", "actions"),
    [
        (["aggregate_table"], ["use", "aggregate"]),
        (["model"], ["use", "derive"]),
        (["api_product", "report"], ["use", "derive"]),
        (["aggregate_table", "model", "api_product"], ["use", "aggregate", "derive"]),
        ([], ["use"]),
    ],
)
def test_output_kinds_map_to_odrl_actions(kinds: list[str], actions: list[str]) -> None:
    doc = policy(make_content(output_kinds=kinds))
    assert {tuple(p["action"]) for p in doc["permission"]} == {tuple(actions)}


def test_constraints_carry_purpose_period_output_kinds_and_privacy() -> None:
    doc = policy()
    assert constraint(doc, "purpose", "isA") == {"@id": "gongshu:industry"}
    assert constraint(doc, "dateTime", "gteq") == {"@value": "2026-12-01T00:00:00Z", "@type": "xsd:dateTime"}
    assert constraint(doc, "dateTime", "lt") == {"@value": "2027-12-01T00:00:00Z", "@type": "xsd:dateTime"}
    assert constraint(doc, "gongshu:outputKind", "isAnyOf") == [
        {"@id": "gongshu:aggregate_table"},
        {"@id": "gongshu:model"},
        {"@id": "gongshu:api_product"},
    ]
    assert constraint(doc, "gongshu:epsilon", "lteq") == 1.0
    assert constraint(doc, "gongshu:minCellCount", "gteq") == 10
    assert constraint(doc, "gongshu:dominanceShare", "lteq") == 0.9


def test_the_period_ends_at_the_instant_after_its_last_day() -> None:
    doc = policy(make_content(period={"start": "2027-03-01", "end": "2028-02-28"}))
    assert constraint(doc, "dateTime", "lt")["@value"] == "2028-02-29T00:00:00Z"


def test_privacy_terms_the_agreement_leaves_out_add_no_constraints() -> None:
    doc = policy(make_content(privacy={"epsilon": None, "min_cell_count": None, "dominance": None}))
    lefts = [c["leftOperand"] for c in doc["permission"][0]["constraint"]]
    assert lefts == ["purpose", "dateTime", "dateTime", "gongshu:outputKind"]


def test_obligations_become_duties_that_keep_their_text() -> None:
    duties = policy()["permission"][0]["duty"]
    assert [(d["action"], d["gongshu:obligation"]) for d in duties] == [
        ("gongshu:keepInDomain", "原始数据不出域"),
        ("obtainConsent", "成果经审核后方可使用"),
        ("anonymize", "不得识别特定自然人"),
        ("inform", "定期报告数据使用情况"),
        ("gongshu:comply", "安全保障措施：专人专岗、身份识别、安全审计"),
    ]
    assert duties[3]["informedParty"] == f"{BASE}/api/v1/orgs/SJJ"


def test_a_paid_agreement_owes_compensation_capped_by_its_fee() -> None:
    doc = policy()
    assert doc["gongshu:priceMode"] == "paid"
    [duty] = doc["obligation"]
    assert duty["compensatedParty"] == f"{BASE}/api/v1/orgs/SJJT"
    assert duty["gongshu:priceTerms"] == "按调用计费，单价不高于 0.1 元/次"
    assert duty["gongshu:per"] == "次"
    [action] = duty["action"]
    assert action["rdf:value"] == {"@id": "odrl:compensate"}
    assert action["refinement"] == [
        {
            "leftOperand": "payAmount",
            "operator": "lteq",
            "rightOperand": {"@value": "0.1", "@type": "xsd:decimal"},
            "unit": odrl.RENMINBI,
        }
    ]


@pytest.mark.parametrize(
    ("fee_cap", "amount", "per"),
    [
        ("0.1 元/次", "0.1", "次"),
        ("5元", "5", None),
        ("200 元 / 月", "200", "月"),
        ("另行约定", None, None),
        ("", None, None),
    ],
)
def test_a_fee_cap_that_reads_as_an_amount_refines_the_compensation(
    fee_cap: str, amount: str | None, per: str | None
) -> None:
    doc = policy(make_content(price={"mode": "paid", "terms": "按运营机构公示价格有偿使用", "fee_cap": fee_cap}))
    [duty] = doc["obligation"]
    assert duty["gongshu:priceTerms"] == "按运营机构公示价格有偿使用"
    assert duty.get("gongshu:feeCap") == (fee_cap or None)
    assert duty.get("gongshu:per") == per
    if amount is None:
        assert duty["action"] == "compensate"
    else:
        assert duty["action"][0]["refinement"][0]["rightOperand"]["@value"] == amount


def test_a_free_agreement_owes_no_compensation() -> None:
    content = make_content(
        scenario=SAMPLE["scenario"] | {"purpose": "public_governance"},
        price={"mode": "free", "terms": "公共治理、公益事业用途，无偿使用", "fee_cap": ""},
    )
    doc = policy(content)
    assert doc["gongshu:priceMode"] == "free"
    assert "obligation" not in doc
    assert constraint(doc, "purpose", "isA") == {"@id": "gongshu:public_governance"}


def test_raw_data_may_not_be_distributed_nor_people_reidentified() -> None:
    prohibitions = policy()["prohibition"]
    assert [p["action"] for p in prohibitions] == ["distribute", "gongshu:reidentify"]
    for p in prohibitions:
        assert p["target"] == [f"{BASE}/api/v1/resources/SCJGJ-2026-00001", f"{BASE}/api/v1/resources/SWJ-2026-00003"]


def test_a_renewal_links_the_agreement_it_renews() -> None:
    assert policy(make_content(renews="XY-2025-00007"))["gongshu:renews"] == (
        f"{BASE}/api/v1/agreements/XY-2025-00007/odrl"
    )
    assert "gongshu:renews" not in policy()


def test_the_policy_is_plain_json_and_the_same_for_the_same_input() -> None:
    doc = policy()
    text = json.dumps(doc, ensure_ascii=False, sort_keys=False)
    assert json.loads(text) == doc
    assert json.dumps(odrl.to_odrl(copy.deepcopy(SAMPLE), base_url=BASE, status="active"), ensure_ascii=False) == text
