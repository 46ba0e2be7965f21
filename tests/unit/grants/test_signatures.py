"""Agreement signatures: the signed bytes, sign/verify, and offline bundle verification."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import unicodedata
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from factories import agreement_content
from gongshu.errors import Invalid
from gongshu.grants import signatures
from gongshu.ledger.signing import Ed25519Signer

SAMPLE: dict[str, Any] = agreement_content()
ORGS = {"bureau": "SJJ", "operator": "SJJT", "developer": "ZHJR"}


def make_content(**changes: Any) -> dict[str, Any]:
    content = copy.deepcopy(SAMPLE)
    content.update(changes)
    return content


def signer(seed: int) -> Ed25519Signer:
    return Ed25519Signer(Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


def make_bundle(content: dict[str, Any]) -> dict[str, Any]:
    entries = [
        {
            "party": party,
            "org": org,
            "signer": f"{org.lower()}_admin",
            "signed_at": "2026-11-23T10:00:00Z",
            **signatures.sign(content, signer(n)),
        }
        for n, (party, org) in enumerate(ORGS.items(), 1)
    ]
    return signatures.make_bundle(content, entries)


def test_the_signed_bytes_are_the_canonical_json_of_the_content() -> None:
    data = signatures.agreement_bytes(SAMPLE)
    assert data == json.dumps(SAMPLE, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert "小微企业".encode() in data
    assert signatures.content_hash(SAMPLE) == hashlib.sha256(data).hexdigest()


def test_the_signed_bytes_do_not_depend_on_key_order() -> None:
    reordered = dict(reversed(list(SAMPLE.items())))
    assert signatures.agreement_bytes(reordered) == signatures.agreement_bytes(SAMPLE)


def test_a_signature_made_by_a_party_verifies() -> None:
    s = signer(1)
    record = signatures.sign(SAMPLE, s)
    assert record["algorithm"] == "ed25519"
    assert record["key_id"] == s.key_id
    assert record["public_key"] == s.public_b64
    assert len(base64.b64decode(record["signature"])) == 64
    assert signatures.verify(SAMPLE, record)


def _end_moved(c: dict[str, Any]) -> None:
    c["period"]["end"] = "2027-12-01"


def _item_added(c: dict[str, Any]) -> None:
    c["resources"][0]["items"].append("法定代表人")


def _description_nfkc(c: dict[str, Any]) -> None:
    c["scenario"]["description"] = unicodedata.normalize("NFKC", c["scenario"]["description"])


def _name_nfd(c: dict[str, Any]) -> None:
    c["parties"]["developer"]["name"] = unicodedata.normalize("NFD", c["parties"]["developer"]["name"])


def _epsilon_as_int(c: dict[str, Any]) -> None:
    c["privacy"]["epsilon"] = 1


def _obligation_dropped(c: dict[str, Any]) -> None:
    c["obligations"].pop()


@pytest.mark.parametrize(
    "change", [_end_moved, _item_added, _description_nfkc, _name_nfd, _epsilon_as_int, _obligation_dropped]
)
def test_any_change_to_the_content_breaks_the_signature(change: Any) -> None:
    content = make_content()
    content["parties"]["developer"]["name"] = unicodedata.normalize("NFC", "Café 数据科技有限公司")
    record = signatures.sign(content, signer(1))
    changed = copy.deepcopy(content)
    change(changed)
    assert signatures.agreement_bytes(changed) != signatures.agreement_bytes(content)
    assert not signatures.verify(changed, record)


def test_a_signature_by_another_key_presented_as_the_partys_fails() -> None:
    genuine, forger = signatures.sign(SAMPLE, signer(1)), signatures.sign(SAMPLE, signer(2))
    forged = genuine | {"signature": forger["signature"]}
    assert not signatures.verify(SAMPLE, forged)


def test_a_signature_with_one_bit_flipped_fails() -> None:
    record = signatures.sign(SAMPLE, signer(1))
    raw = bytearray(base64.b64decode(record["signature"]))
    raw[10] ^= 1
    assert not signatures.verify(SAMPLE, record | {"signature": base64.b64encode(bytes(raw)).decode()})


def test_a_record_whose_key_id_does_not_name_its_key_fails() -> None:
    record = signatures.sign(SAMPLE, signer(1))
    assert not signatures.verify(SAMPLE, record | {"key_id": signer(2).key_id})


GOOD = signatures.sign(SAMPLE, signer(1))


@pytest.mark.parametrize(
    "record",
    [
        None,
        "ed25519",
        {},
        GOOD | {"algorithm": "sm2"},
        GOOD | {"algorithm": ["ed25519"]},
        GOOD | {"public_key": "not base64 at all!"},
        GOOD | {"signature": "%%%"},
        GOOD | {"public_key": base64.b64encode(b"\x01" * 31).decode()},
        GOOD | {"signature": base64.b64encode(b"\x01" * 63).decode()},
        GOOD | {"public_key": 12345},
        GOOD | {"signature": None},
        GOOD | {"signature": GOOD["signature"] + "\n!"},
        GOOD | {"signature": "签名"},
    ],
)
def test_verify_says_false_to_junk_and_never_raises(record: Any) -> None:
    assert signatures.verify(SAMPLE, record) is False


def test_verify_says_false_for_content_that_is_not_json() -> None:
    assert signatures.verify({"number": {1, 2}}, GOOD) is False


def test_a_bundle_reports_every_party_valid() -> None:
    assert signatures.verify_bundle(make_bundle(SAMPLE)) == [("bureau", True), ("operator", True), ("developer", True)]


def test_a_bundle_still_verifies_after_a_json_round_trip() -> None:
    bundle = json.loads(json.dumps(make_bundle(SAMPLE), ensure_ascii=False, indent=2))
    assert all(ok for _, ok in signatures.verify_bundle(bundle))


def test_a_changed_byte_in_the_bundle_content_fails_every_signature() -> None:
    bundle = make_bundle(SAMPLE)
    bundle["content"]["price"]["fee_cap"] = "0.2 元/次"
    assert signatures.verify_bundle(bundle) == [("bureau", False), ("operator", False), ("developer", False)]


def test_a_tampered_signature_fails_only_that_party() -> None:
    bundle = make_bundle(SAMPLE)
    bundle["signatures"][1]["signature"] = bundle["signatures"][0]["signature"]
    assert signatures.verify_bundle(bundle) == [("bureau", True), ("operator", False), ("developer", True)]


def test_a_signature_relabelled_as_another_partys_fails() -> None:
    bundle = make_bundle(SAMPLE)
    bundle["signatures"][2]["party"] = "operator"
    assert signatures.verify_bundle(bundle)[2] == ("operator", False)


def test_a_key_the_org_is_not_known_to_hold_fails_when_keys_are_given() -> None:
    bundle = make_bundle(SAMPLE)
    keys = {org: {signer(n).key_id} for n, org in enumerate(ORGS.values(), 1)}
    assert all(ok for _, ok in signatures.verify_bundle(bundle, keys_of=keys))
    keys["SJJT"] = {signer(9).key_id}
    assert signatures.verify_bundle(bundle, keys_of=keys)[1] == ("operator", False)


def test_a_junk_entry_fails_without_hiding_the_others() -> None:
    bundle = make_bundle(SAMPLE)
    bundle["signatures"].insert(0, "junk")
    bundle["signatures"].append({"party": "auditor", "org": "X"})
    assert signatures.verify_bundle(bundle) == [
        ("?", False),
        ("bureau", True),
        ("operator", True),
        ("developer", True),
        ("auditor", False),
    ]


@pytest.mark.parametrize(
    "bundle",
    [
        None,
        {},
        {"format": "gongshu-ledger-export/1"},
        {"format": "gongshu-agreement/1", "content": "x", "signatures": []},
        {"format": "gongshu-agreement/1", "content": {}, "signatures": {}},
    ],
)
def test_something_that_is_not_an_agreement_bundle_is_refused(bundle: Any) -> None:
    with pytest.raises(Invalid):
        signatures.verify_bundle(bundle)


def test_verify_says_false_for_content_nested_too_deep_to_encode() -> None:
    deep: dict[str, Any] = {}
    for _ in range(100_000):
        deep = {"x": deep}
    assert signatures.verify(deep, GOOD) is False
