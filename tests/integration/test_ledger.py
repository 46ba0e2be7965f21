"""The ledger on a real database: appends in the change's transaction, proofs, tamper detection."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update

from gongshu.identity import SYSTEM
from gongshu.identity import services as identity
from gongshu.identity.models import Organization
from gongshu.ledger import merkle
from gongshu.ledger import services as ledger
from gongshu.ledger.events import EventDraft
from gongshu.ledger.export import export_log, verify_database, verify_file
from gongshu.ledger.format import event_leaf_data
from gongshu.ledger.models import LedgerEvent, LedgerHead
from gongshu.ledger.signing import Ed25519Signer
from gongshu.platform import Platform


def _orgs(platform: Platform, n: int, prefix: str = "ORG") -> None:
    for i in range(n):
        with platform.uow(write=True) as uow:
            identity.create_org(uow, SYSTEM, code=f"{prefix}{i}", name=f"单位{i}", kind="provider")


def _verify(platform: Platform):  # type: ignore[no-untyped-def]
    with platform.uow() as uow:
        return verify_database(
            uow.session, algo=platform.settings.ledger_hash, keys={platform.signer.key_id: platform.signer.public_b64}
        )


def _export(platform: Platform, path: Path) -> Path:
    with platform.uow() as uow, path.open("w", encoding="utf-8") as fh:
        export_log(
            uow.session,
            fh,
            algo=platform.settings.ledger_hash,
            key_id=platform.signer.key_id,
            public_b64=platform.signer.public_b64,
        )
    return path


def _tamper(platform: Platform, sql: str, **params: object) -> None:
    with platform.db.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_every_service_change_appends_a_signed_event_in_the_same_transaction(platform: Platform, backend: str) -> None:
    _orgs(platform, 3)
    with platform.uow() as uow:
        events = ledger.list_events(uow.session)
        head = ledger.latest_head(uow.session)
    assert [e.action for e in events] == ["org.create"] * 3
    assert [e.object_id for e in reversed(events)] == ["ORG0", "ORG1", "ORG2"]
    assert head is not None and head.tree_size == 3
    assert _verify(platform).ok


def test_a_change_that_fails_before_commit_leaves_neither_change_nor_event(platform: Platform, backend: str) -> None:
    _orgs(platform, 1)
    with pytest.raises(Exception, match="ORG0"), platform.uow(write=True) as uow:
        identity.create_org(uow, SYSTEM, code="ORG0", name="重复", kind="provider")
    with platform.uow() as uow:
        assert ledger.state_size(uow.session) == 1
        assert len(uow.session.execute(select(Organization)).all()) == 1


def test_an_event_whose_append_fails_rolls_back_the_change_with_it(platform: Platform, backend: str) -> None:
    class Broken:
        key_id, public_b64 = "x", "x"

        def sign(self, message: bytes) -> str:
            raise RuntimeError("signer unavailable")

    platform.ledger.signer = Broken()
    with pytest.raises(RuntimeError), platform.uow(write=True) as uow:
        identity.create_org(uow, SYSTEM, code="LOST", name="不应存在", kind="provider")
    with platform.uow() as uow:
        assert identity.find_org(uow, "LOST") is None
        assert ledger.state_size(uow.session) == 0


def test_a_write_without_an_event_is_refused_at_commit(platform: Platform) -> None:
    with pytest.raises(RuntimeError, match="ledger event"), platform.uow(write=True) as uow:
        uow.session.add(Organization(code="SILENT", name="无事件", kind="provider", created_at=uow.clock.now()))
        uow.commit()


def test_inclusion_and_consistency_proofs_verify_against_the_signed_heads(platform: Platform, backend: str) -> None:
    _orgs(platform, 13)
    hasher = merkle.Hasher(platform.settings.ledger_hash)
    with platform.uow() as uow:
        for index in (0, 5, 12):
            proof = ledger.inclusion_proof(uow.session, index, None, "sha256")
            ev = ledger.event_dict(ledger.get_event(uow.session, index))
            leaf = hasher.leaf(event_leaf_data(ev))
            assert proof["leaf_hash"] == leaf.hex()
            assert merkle.verify_inclusion(
                leaf,
                index,
                13,
                [bytes.fromhex(h) for h in proof["audit_path"]],
                bytes.fromhex(proof["head"]["root_hash"]),
                hasher,
            )
        cons = ledger.consistency_proof(uow.session, 7, 13, "sha256")
        old_root = ledger.get_head(uow.session, 7).root_hash
        assert merkle.verify_consistency(
            7,
            13,
            bytes.fromhex(old_root),
            bytes.fromhex(cons["second"]["root_hash"]),
            [bytes.fromhex(h) for h in cons["proof"]],
            hasher,
        )


def test_a_proof_for_an_event_past_the_head_is_refused(platform: Platform) -> None:
    _orgs(platform, 2)
    with platform.uow() as uow, pytest.raises(Exception, match="outside"):
        ledger.inclusion_proof(uow.session, 5, None, "sha256")


TAMPERS = {
    "modified": ("UPDATE ledger_event SET actor = 'mallory' WHERE seq = 3", 3),
    "deleted": ("DELETE FROM ledger_event WHERE seq = 4", 4),
    "deleted_tail": ("DELETE FROM ledger_event WHERE seq = 7", 7),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_tampering_with_stored_events_is_detected_by_both_verifiers(
    platform: Platform, backend: str, tmp_path: Path, case: str
) -> None:
    _orgs(platform, 8)
    sql, bad = TAMPERS[case]
    _tamper(platform, sql)
    report = _verify(platform)
    assert not report.ok and report.first_bad_seq == bad, report.problem
    offline = verify_file(_export(platform, tmp_path / "log.jsonl"))
    assert not offline.ok and offline.first_bad_seq == bad


def test_a_modified_event_with_a_recomputed_leaf_hash_is_caught_by_the_signed_head(
    platform: Platform, backend: str, tmp_path: Path
) -> None:
    _orgs(platform, 6)
    with platform.uow() as uow:
        ev = ledger.event_dict(ledger.get_event(uow.session, 2))
    ev["actor"] = "mallory"
    forged = merkle.Hasher().leaf(event_leaf_data(ev)).hex()
    _tamper(platform, "UPDATE ledger_event SET actor='mallory', leaf_hash=:h WHERE seq=2", h=forged)
    report = _verify(platform)
    assert not report.ok and report.first_bad_seq == 2
    assert not verify_file(_export(platform, tmp_path / "log.jsonl")).ok


def test_reordered_events_are_detected(platform: Platform, backend: str, tmp_path: Path) -> None:
    _orgs(platform, 6)
    with platform.db.engine.begin() as conn:  # swap the contents of events 1 and 2, keeping seq order
        rows = {r.seq: dict(r._mapping) for r in conn.execute(select(LedgerEvent).where(LedgerEvent.seq.in_([1, 2])))}
        for seq, other in ((1, 2), (2, 1)):
            values = {k: v for k, v in rows[other].items() if k != "seq"}
            conn.execute(update(LedgerEvent).where(LedgerEvent.seq == seq).values(**values))
    report = _verify(platform)
    assert not report.ok and report.first_bad_seq == 1
    assert not verify_file(_export(platform, tmp_path / "log.jsonl")).ok


def test_an_inserted_event_is_detected(platform: Platform, backend: str, tmp_path: Path) -> None:
    _orgs(platform, 4)
    with platform.uow() as uow:
        ev = ledger.event_dict(ledger.get_event(uow.session, 3))
    ev.update(seq=4, actor="mallory", detail=json.dumps(ev["detail"]))
    ev["leaf_hash"] = merkle.Hasher().leaf(event_leaf_data(ev)).hex()
    with platform.db.engine.begin() as conn:
        conn.execute(LedgerEvent.__table__.insert().values(**ev))
    report = _verify(platform)
    assert not report.ok and report.first_bad_seq == 4
    assert not verify_file(_export(platform, tmp_path / "log.jsonl")).ok


def test_a_forged_head_signature_is_detected(platform: Platform, backend: str) -> None:
    _orgs(platform, 3)
    with platform.db.engine.begin() as conn:
        conn.execute(update(LedgerHead).where(LedgerHead.tree_size == 2).values(signature="A" * 88))
    report = _verify(platform)
    assert not report.ok and "signature" in report.problem


def test_an_export_verifies_offline_and_a_pinned_wrong_key_fails_it(platform: Platform, tmp_path: Path) -> None:
    _orgs(platform, 5)
    path = _export(platform, tmp_path / "log.jsonl")
    assert verify_file(path).ok
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    other = Ed25519Signer.from_dir(tmp_path / "other-keys").public_b64
    assert not verify_file(path, trusted_keys={next(iter(header["keys"])): other}).ok


def test_concurrent_writers_get_consecutive_sequence_numbers(platform: Platform, backend: str) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(10):
                with platform.uow(write=True) as uow:
                    uow.record(
                        EventDraft(
                            actor=f"w{worker}",
                            org="",
                            role="system",
                            action="test.tick",
                            object_type="test",
                            object_id=f"{worker}-{i}",
                        )
                    )
                    uow.commit()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = _verify(platform)
    assert report.ok and report.events == 60 and report.heads == 60


def test_deleting_every_event_after_a_head_is_reported_as_deletion(platform: Platform) -> None:
    _orgs(platform, 3)
    with platform.db.engine.begin() as conn:
        conn.execute(delete(LedgerEvent).where(LedgerEvent.seq >= 1))
    report = _verify(platform)
    assert not report.ok and report.first_bad_seq == 1
