"""The agreement (授权协议) as an ODRL 2.2 ``Agreement`` policy in JSON-LD, for dataspace connectors and auditors.

Mapping (ODRL terms unprefixed, our own under ``gongshu:``, declared by ``profile``):

- policy ``uid`` ``{base}/api/v1/agreements/{number}/odrl``; ``assigner`` the bureau (甲方), ``assignee`` the
  developer (丙方), ``gongshu:operator`` the operator (乙方); parties are ``{base}/api/v1/orgs/{code}``.
- one ``permission`` per resource, ``target`` ``{base}/api/v1/resources/{code}`` with ``gongshu:items`` (the
  granted 信息项) and ``gongshu:versionPolicy``. Its ``action`` list (ODRL's compact form: one atomic rule per
  action, same constraints) is ``use`` — processing inside the trusted environment — plus one action per
  permitted output kind (``OUTPUT_ACTIONS``): ``aggregate_table`` → ``aggregate``; ``model``, ``api_product``,
  ``report`` → ``derive`` (each is a new asset made from the data). ``use`` already includes both in ODRL's
  action hierarchy; they are listed so a reader sees what may come out, and ``gongshu:outputKind`` pins it.
- ``constraint`` (all must hold): ``purpose isA gongshu:<purpose>``; ``dateTime gteq`` the start and ``lt`` the
  day after the end at 00:00 UTC (the instants ``agreements`` enforces; period dates are inclusive);
  ``gongshu:outputKind isAnyOf``; ``gongshu:epsilon lteq`` (total ε over the period), ``gongshu:minCellCount
  gteq`` and ``gongshu:dominanceShare lteq`` with ``gongshu:dominanceN`` when the agreement sets them.
- ``duty`` on each permission: one per security obligation, the text verbatim in ``gongshu:obligation`` and
  the action picked by an anchored pattern (``OBLIGATION_ACTIONS``: ``keepInDomain``, ``obtainConsent``,
  ``anonymize``, ``inform``; ``gongshu:comply`` when none fits).
- price: ``gongshu:priceMode`` free/paid on the policy; when paid, one policy-level ``obligation`` (owed once
  per agreement, not per resource) ``compensate`` to the operator with ``gongshu:priceTerms``, refined by
  ``payAmount lteq`` in Renminbi when the fee cap reads like ``0.1 元/次`` (``gongshu:per`` keeps ``次``).
- ``prohibition``: ``distribute`` the resources (raw data never leaves) and ``gongshu:reidentify``; ``conflict``
  is ``prohibit`` so the prohibitions win over the broad ``use``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld"
GONGSHU_NS = "https://gongshu.dev/ns#"  # the namespace catalog.dcat uses for gongshu terms
PROFILE = "https://gongshu.dev/ns/odrl"
CONTEXT: list[Any] = [
    ODRL_CONTEXT,
    {
        "gongshu": GONGSHU_NS,
        "dct": "http://purl.org/dc/terms/",
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
    },
]
RENMINBI = "http://dbpedia.org/resource/Renminbi"
OUTPUT_ACTIONS = {"aggregate_table": "aggregate", "model": "derive", "api_product": "derive", "report": "derive"}
ACTION_ORDER = ("use", "aggregate", "derive")
OBLIGATION_ACTIONS = (  # the first pattern matching the obligation's text gives its action; anchored so that
    # free text such as a developer's declared security measures falls through to gongshu:comply
    (re.compile(r"^原始数据不出域"), "gongshu:keepInDomain"),
    (re.compile(r"^(产出|成果|输出).*(审核|审定)"), "obtainConsent"),
    (re.compile(r"^不得.*识别"), "anonymize"),
    (re.compile(r"^(定期|按期|及时).*(报告|报送|告知)"), "inform"),
)
FEE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*元\s*(?:/\s*(\S.*?))?\s*$")


def to_odrl(content: Mapping[str, Any], *, base_url: str, status: str) -> dict[str, Any]:
    """The agreement as an ODRL 2.2 Agreement (JSON-LD, plain JSON types, deterministic for the same input)."""
    base = base_url.rstrip("/")
    parties = {role: _party(base, p) for role, p in content["parties"].items()}
    uris = [f"{base}/api/v1/resources/{r['code']}" for r in content["resources"]]
    price = content.get("price") or {}
    policy: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Agreement",
        "uid": f"{base}/api/v1/agreements/{content['number']}/odrl",
        "profile": PROFILE,
        "conflict": "prohibit",
        "dct:identifier": content["number"],
        "dct:title": {"@value": content["scenario"]["name"], "@language": "zh"},
        "dct:issued": {"@value": content.get("issued_at", ""), "@type": "xsd:dateTime"},
        "gongshu:status": status,
        "gongshu:application": content.get("application"),
        "gongshu:domain": content["scenario"].get("domain"),
        "gongshu:priceMode": price.get("mode", "paid"),
        "assigner": parties["bureau"],
        "assignee": parties["developer"],
        "gongshu:operator": parties["operator"],
        "permission": [
            _permission(content, r, uri, parties) for r, uri in zip(content["resources"], uris, strict=True)
        ],
        "prohibition": [
            {"target": uris, "action": "distribute", "gongshu:obligation": "原始数据不出域，不得对外提供"},
            {"target": uris, "action": "gongshu:reidentify", "gongshu:obligation": "不得识别特定自然人或企业"},
        ],
    }
    if content.get("renews"):
        policy["gongshu:renews"] = f"{base}/api/v1/agreements/{content['renews']}/odrl"
    if price.get("mode") != "free":
        policy["obligation"] = [_compensate(price, parties["operator"])]
    return policy


def _party(base: str, p: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "@type": ["Party", "vcard:Organization"],
        "uid": f"{base}/api/v1/orgs/{p['code']}",
        "vcard:fn": p["name"],
        "gongshu:code": p["code"],
    }


def _actions(output_kinds: list[str]) -> list[str]:
    wanted = {"use"} | {OUTPUT_ACTIONS[k] for k in output_kinds if k in OUTPUT_ACTIONS}
    return [a for a in ACTION_ORDER if a in wanted]


def _permission(
    content: Mapping[str, Any], resource: Mapping[str, Any], uri: str, parties: Mapping[str, Any]
) -> dict[str, Any]:
    target = {
        "@type": "Asset",
        "uid": uri,
        "dct:title": {"@value": resource["title"], "@language": "zh"},
        "gongshu:provider": resource["provider"]["code"],
        "gongshu:items": list(resource["items"]),
        "gongshu:versionPolicy": resource.get("version_policy", "latest"),
    }
    return {
        "target": target,
        "action": _actions(content.get("output_kinds", [])),
        "constraint": _constraints(content),
        "duty": [_duty(text, parties["bureau"]) for text in content.get("obligations", [])],
    }


def _instant(day: str, *, after: bool = False) -> dict[str, str]:
    d = date.fromisoformat(day) + timedelta(days=1 if after else 0)
    return {"@value": f"{d.isoformat()}T00:00:00Z", "@type": "xsd:dateTime"}


def _constraints(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    period, privacy = content["period"], content.get("privacy") or {}
    out: list[dict[str, Any]] = [
        {
            "leftOperand": "purpose",
            "operator": "isA",
            "rightOperand": {"@id": f"gongshu:{content['scenario']['purpose']}"},
        },
        {"leftOperand": "dateTime", "operator": "gteq", "rightOperand": _instant(period["start"])},
        {"leftOperand": "dateTime", "operator": "lt", "rightOperand": _instant(period["end"], after=True)},
        {
            "leftOperand": "gongshu:outputKind",
            "operator": "isAnyOf",
            "rightOperand": [{"@id": f"gongshu:{k}"} for k in content.get("output_kinds", [])],
        },
    ]
    if privacy.get("epsilon") is not None:
        out.append({"leftOperand": "gongshu:epsilon", "operator": "lteq", "rightOperand": privacy["epsilon"]})
    if privacy.get("min_cell_count"):
        out.append(
            {"leftOperand": "gongshu:minCellCount", "operator": "gteq", "rightOperand": privacy["min_cell_count"]}
        )
    if privacy.get("dominance"):
        dom = privacy["dominance"]
        out.append(
            {
                "leftOperand": "gongshu:dominanceShare",
                "operator": "lteq",
                "rightOperand": dom["threshold"],
                "gongshu:dominanceN": dom["n"],
            }
        )
    return out


def _duty(text: str, bureau: Mapping[str, Any]) -> dict[str, Any]:
    action = next((a for pattern, a in OBLIGATION_ACTIONS if pattern.search(text)), "gongshu:comply")
    duty: dict[str, Any] = {"action": action, "gongshu:obligation": text}
    if action == "inform":
        duty["informedParty"] = bureau["uid"]
    return duty


def _compensate(price: Mapping[str, Any], operator: Mapping[str, Any]) -> dict[str, Any]:
    duty: dict[str, Any] = {
        "action": "compensate",
        "compensatedParty": operator["uid"],
        "gongshu:priceTerms": price.get("terms", ""),
    }
    match = FEE.match(str(price.get("fee_cap") or ""))
    if match:
        duty["action"] = [
            {
                "rdf:value": {"@id": "odrl:compensate"},
                "refinement": [
                    {
                        "leftOperand": "payAmount",
                        "operator": "lteq",
                        "rightOperand": {"@value": match[1], "@type": "xsd:decimal"},
                        "unit": RENMINBI,
                    }
                ],
            }
        ]
        if match[2]:
            duty["gongshu:per"] = match[2]
    if price.get("fee_cap"):
        duty["gongshu:feeCap"] = price["fee_cap"]
    return duty
