"""The bytes each party signs of an agreement (授权协议), signing them, and checking signatures offline.

What is signed
    ``agreement_bytes(content)``: the agreement content as canonical JSON (``ledger.format.canonical_json``):
    UTF-8, keys sorted by code point at every level, separators ``,`` and ``:`` with no whitespace, non-ASCII
    characters written as themselves (not ``\\uXXXX``), lists in their given order, numbers as Python's
    ``json`` writes them (``1.0`` stays ``1.0``). No Unicode normalization is applied: the signature covers
    the exact code points stored, so an NFC → NFD change of a name is a change of the agreement.
    ``content_hash`` is the hex SHA-256 of the same bytes, shown on the document and in the ledger.

What is not signed
    The bundle's per-signature ``party``, ``org``, ``signer`` and ``signed_at`` are bookkeeping around the
    signature, not under it. ``verify_bundle`` therefore also checks that each signature's ``org`` is the code
    of the party it claims to sign for, and, given ``keys_of``, that its key is one the org is known to hold.

Algorithms
    ``ed25519`` only (RFC 8032; public key 32 raw bytes, signature 64, both base64). ``key_id`` is the first
    16 hex digits of SHA-256 of the raw public key (``ledger.signing.key_id``). The record's ``algorithm``
    field leaves room for ``sm2``: add a verifier to ``VERIFIERS``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Protocol

from gongshu.errors import Invalid
from gongshu.ledger.format import canonical_json
from gongshu.ledger.signing import key_id, verify_ed25519

BUNDLE_FORMAT = "gongshu-agreement/1"
ED25519 = "ed25519"


class AgreementSigner(Protocol):
    """Signs bytes with one organization's key (``ledger.signing.Ed25519Signer`` is one).

    ``sign`` returns the base64 signature; ``public_b64`` is the base64 raw public key.
    """

    key_id: str

    def sign(self, message: bytes) -> str: ...

    @property
    def public_b64(self) -> str: ...


def agreement_bytes(content: Mapping[str, Any]) -> bytes:
    """The exact bytes every party signs: the content as canonical JSON (see the module docstring)."""
    return canonical_json(content)


def content_hash(content: Mapping[str, Any]) -> str:
    """Hex SHA-256 of ``agreement_bytes(content)``."""
    return hashlib.sha256(agreement_bytes(content)).hexdigest()


def sign(content: Mapping[str, Any], signer: AgreementSigner) -> dict[str, str]:
    """A signature record over ``agreement_bytes(content)``: algorithm, key id, public key, signature."""
    return {
        "algorithm": getattr(signer, "algorithm", ED25519),
        "key_id": signer.key_id,
        "public_key": signer.public_b64,
        "signature": signer.sign(agreement_bytes(content)),
    }


def _b64(value: Any, length: int) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == length else None


def _verify_ed25519(message: bytes, record: Mapping[str, Any]) -> bool:
    public, sig = _b64(record.get("public_key"), 32), _b64(record.get("signature"), 64)
    if public is None or sig is None or record.get("key_id") != key_id(public):
        return False
    return verify_ed25519(record["public_key"], message, record["signature"])


VERIFIERS: dict[str, Callable[[bytes, Mapping[str, Any]], bool]] = {ED25519: _verify_ed25519}


def verify(content: Mapping[str, Any], signature_record: Mapping[str, Any]) -> bool:
    """True when the record is a valid signature over ``agreement_bytes(content)`` by the key it names.

    The key id must match the public key. Never raises: junk of any kind is False.
    """
    try:
        algorithm = signature_record.get("algorithm")
        verifier = VERIFIERS.get(algorithm) if isinstance(algorithm, str) else None
        return verifier is not None and verifier(agreement_bytes(content), signature_record)
    except (AttributeError, TypeError, ValueError, KeyError, RecursionError):
        return False


def make_bundle(content: Mapping[str, Any], signatures: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """An offline bundle: the content and its signature entries (party, org, signer, signed_at + record)."""
    return {"format": BUNDLE_FORMAT, "content": dict(content), "signatures": [dict(s) for s in signatures]}


def entry_ok(
    content: Mapping[str, Any], entry: Mapping[str, Any], keys_of: Mapping[str, Collection[str]] | None = None
) -> bool:
    """One bundle entry holds: its org is the code of the party it signs for, its key (when ``keys_of``
    maps org codes to known key ids) is the org's, and the signature verifies. Never raises."""
    try:
        party = content["parties"][entry["party"]]
        if entry.get("org") != party["code"]:
            return False
        if keys_of is not None and entry.get("key_id") not in keys_of.get(party["code"], ()):
            return False
    except (KeyError, TypeError, AttributeError):
        return False
    return verify(content, entry)


def verify_bundle(
    bundle: Mapping[str, Any], keys_of: Mapping[str, Collection[str]] | None = None
) -> list[tuple[str, bool]]:
    """``(party, ok)`` for each signature of an offline bundle, in bundle order.

    A changed byte anywhere in the content fails every signature; a tampered entry fails only itself.
    Raises ``Invalid`` when the bundle is not a ``gongshu-agreement/1`` document at all.
    """
    if not isinstance(bundle, Mapping) or bundle.get("format") != BUNDLE_FORMAT:
        raise Invalid(f"不是 {BUNDLE_FORMAT} 格式的协议文件", f"not a {BUNDLE_FORMAT} agreement bundle")
    content, entries = bundle.get("content"), bundle.get("signatures")
    if not isinstance(content, Mapping) or not isinstance(entries, list):
        raise Invalid("协议文件缺少 content 或 signatures", "the bundle lacks its content or signatures list")
    return [
        (
            str(e.get("party", "?")) if isinstance(e, Mapping) else "?",
            isinstance(e, Mapping) and entry_ok(content, e, keys_of),
        )
        for e in entries
    ]
