"""Identity services on a real database: organizations, users, sign-in throttling, tokens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factories import PASSWORD, make_user
from gongshu.clock import FakeClock
from gongshu.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied, TooManyRequests
from gongshu.identity import SYSTEM
from gongshu.identity import services as identity
from gongshu.identity.models import ApiToken, User
from gongshu.ledger import services as ledger
from gongshu.platform import Platform


def _ledger_size(platform: Platform) -> int:
    with platform.uow() as uow:
        return ledger.state_size(uow.session)


def test_a_user_takes_the_role_of_its_organization_and_its_password_is_stored_as_argon2(
    platform: Platform, backend: str
) -> None:
    actor = make_user(platform, username="rsj", org="RSJ", kind="provider")
    assert actor.role.value == "provider" and actor.org_code == "RSJ"
    with platform.uow() as uow:
        user = uow.session.execute(select(User).where(User.username == "rsj")).scalar_one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


@pytest.mark.parametrize(("code", "kind"), [("bad code!", "provider"), ("OK", "emperor"), ("X", "provider")])
def test_an_invalid_organization_is_refused_and_nothing_is_recorded(platform: Platform, code: str, kind: str) -> None:
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        identity.create_org(uow, SYSTEM, code=code, name="某单位", kind=kind)
    assert _ledger_size(platform) == 0


def test_a_duplicate_organization_is_a_conflict(platform: Platform) -> None:
    make_user(platform, org="SCJGJ")
    with pytest.raises(Conflict), platform.uow(write=True) as uow:
        identity.create_org(uow, SYSTEM, code="SCJGJ", name="重复", kind="provider")


def test_a_weak_password_is_refused(platform: Platform) -> None:
    with pytest.raises(Invalid, match="10"):
        make_user(platform, password="short1")


def test_only_the_bureau_creates_organizations(platform: Platform) -> None:
    provider = make_user(platform, admin=True)
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        identity.create_org(uow, provider, code="NEW", name="新单位", kind="developer")


def test_an_org_admin_adds_users_to_its_own_org_but_not_to_another(platform: Platform) -> None:
    admin = make_user(platform, username="boss", org="SCJGJ", admin=True)
    make_user(platform, username="other", org="RSJ")
    with platform.uow(write=True) as uow:
        identity.add_user(uow, admin, username="clerk", password=PASSWORD, org_code="SCJGJ")
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        identity.add_user(uow, admin, username="spy", password=PASSWORD, org_code="RSJ")
    plain = make_user(platform, username="plain", org="SCJGJ")
    with pytest.raises(PermissionDenied), platform.uow(write=True) as uow:
        identity.add_user(uow, plain, username="clerk2", password=PASSWORD, org_code="SCJGJ")


def test_sign_in_opens_a_session_that_resolves_to_the_actor(platform: Platform, backend: str) -> None:
    make_user(platform)
    with platform.uow(write=True) as uow:
        signed = identity.sign_in(uow, username="scjgj", password=PASSWORD, ip="127.0.0.1")
    with platform.uow() as uow:
        found = identity.resolve_session(uow, signed.session_token)
    assert found is not None and found[0].username == "scjgj" and found[1] == signed.csrf_token


def test_a_session_expires_and_sign_out_ends_it(platform: Platform, clock: FakeClock) -> None:
    make_user(platform)
    with platform.uow(write=True) as uow:
        signed = identity.sign_in(uow, username="scjgj", password=PASSWORD, ip="127.0.0.1")
    with platform.uow(write=True) as uow:
        identity.sign_out(uow, signed.session_token)
    with platform.uow() as uow:
        assert identity.resolve_session(uow, signed.session_token) is None
    with platform.uow(write=True) as uow:
        again = identity.sign_in(uow, username="scjgj", password=PASSWORD, ip="127.0.0.1")
    clock.advance(hours=platform.settings.session_hours + 1)
    with platform.uow() as uow:
        assert identity.resolve_session(uow, again.session_token) is None


def test_wrong_passwords_lock_the_account_and_the_lock_ends_after_its_time(
    platform: Platform, backend: str, clock: FakeClock
) -> None:
    make_user(platform)
    for _ in range(platform.settings.login_max_failures):
        with pytest.raises(NotAuthenticated), platform.uow(write=True) as uow:
            identity.sign_in(uow, username="scjgj", password="wrong-password-1", ip="10.0.0.1")
    with pytest.raises(TooManyRequests), platform.uow(write=True) as uow:
        identity.sign_in(uow, username="scjgj", password=PASSWORD, ip="10.0.0.1")
    clock.advance(minutes=platform.settings.login_lock_minutes + 1)
    with platform.uow(write=True) as uow:
        assert identity.sign_in(uow, username="scjgj", password=PASSWORD, ip="10.0.0.1").actor.username == "scjgj"
    with platform.uow() as uow:
        actions = [e.action for e in ledger.list_events(uow.session, action="user.sign_in_failed")]
    assert len(actions) == platform.settings.login_max_failures


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(platform: Platform) -> None:
    make_user(platform)
    messages = []
    for name, pw in (("nobody", PASSWORD), ("scjgj", "wrong-password-1")):
        with pytest.raises(NotAuthenticated) as err, platform.uow(write=True) as uow:
            identity.sign_in(uow, username=name, password=pw, ip="127.0.0.1")
        messages.append(err.value.en)
    assert messages[0] == messages[1]


def test_api_tokens_are_stored_hashed_and_stop_working_when_revoked(platform: Platform, backend: str) -> None:
    actor = make_user(platform)
    with platform.uow(write=True) as uow:
        row, text = identity.create_token(uow, actor, username="scjgj", name="脚本")
    with platform.uow() as uow:
        stored = uow.session.get(ApiToken, row.id)
        assert stored is not None and text not in stored.token_hash and stored.prefix == text[:10]
        assert identity.resolve_token(uow, text).username == "scjgj"
    with platform.uow(write=True) as uow:
        identity.revoke_token(uow, actor, row.id)
    with pytest.raises(NotAuthenticated), platform.uow() as uow:
        identity.resolve_token(uow, text)


def test_a_user_cannot_revoke_or_create_another_users_token(platform: Platform) -> None:
    alice = make_user(platform, username="alice", org="SCJGJ")
    bob = make_user(platform, username="bob", org="RSJ")
    with platform.uow(write=True) as uow:
        row, _ = identity.create_token(uow, alice, username="alice", name="a")
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        identity.revoke_token(uow, bob, row.id)
    with pytest.raises(Invalid), platform.uow(write=True) as uow:
        identity.create_token(uow, bob, username="alice", name="steal")


def test_an_expired_token_is_refused(platform: Platform, clock: FakeClock) -> None:
    actor = make_user(platform)
    with platform.uow(write=True) as uow:
        _, text = identity.create_token(uow, actor, username="scjgj", name="短期", days=1)
    clock.advance(days=2)
    with pytest.raises(NotAuthenticated), platform.uow() as uow:
        identity.resolve_token(uow, text)
