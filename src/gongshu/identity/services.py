"""Identity use cases: organizations, users, sign-in with throttling, sessions, API tokens."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from gongshu.errors import Invalid, NotAuthenticated, TooManyRequests
from gongshu.identity import passwords
from gongshu.identity.errors import AlreadyExists, OrganizationNotFound, UserNotFound, WeakPassword
from gongshu.identity.models import ApiToken, ConsoleSession, LoginAttempt, Organization, User
from gongshu.identity.policy import PUBLIC, Actor, Permission, check, check_same_org
from gongshu.identity.roles import ORG_KINDS, Role
from gongshu.ledger.events import EventDraft
from gongshu.platform import UnitOfWork

ORG_CODE = re.compile(r"^[A-Za-z0-9_-]{2,32}$")
USERNAME = re.compile(r"^[a-z0-9_.@-]{3,64}$")


def event(
    actor: Actor, action: str, object_type: str, object_id: str, payload: object = None, **detail: object
) -> EventDraft:
    """An event draft attributed to ``actor`` (the helper every context uses)."""
    return EventDraft(
        actor=actor.username,
        org=actor.org_code,
        role=actor.ledger_role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        payload=payload,
        detail=dict(detail),
    )


def actor_for(user: User) -> Actor:
    return Actor(
        username=user.username,
        role=Role(user.role),
        user_id=user.id,
        org_id=user.org_id,
        org_code=user.org.code,
        org_name=user.org.name,
        display_name=user.display_name,
        is_admin=user.is_admin,
    )


# -- organizations -------------------------------------------------------------------------


def create_org(uow: UnitOfWork, actor: Actor, *, code: str, name: str, kind: str) -> Organization:
    check(actor, Permission.ORG_MANAGE)
    if not ORG_CODE.match(code):
        raise Invalid(
            f"单位代码 {code!r} 只能含字母、数字、- 和 _（2–32 位）",
            f"organization code {code!r} must be 2-32 letters, digits, - or _",
        )
    if kind not in {k.value for k in ORG_KINDS}:
        raise Invalid(
            f"未知的单位类型 {kind}",
            f"unknown organization kind {kind}; use one of " + ", ".join(k.value for k in ORG_KINDS),
        )
    if not name.strip():
        raise Invalid("单位名称不能为空", "the organization name is empty")
    if find_org(uow, code):
        raise AlreadyExists("单位", "organization", code)
    org = Organization(code=code, name=name.strip(), kind=kind, created_at=uow.clock.now())
    uow.session.add(org)
    uow.session.flush()
    uow.record(
        event(actor, "org.create", "organization", code, {"name": org.name, "kind": kind}, name=org.name, kind=kind)
    )
    uow.commit()
    return org


def find_org(uow: UnitOfWork, code: str) -> Organization | None:
    return uow.session.execute(select(Organization).where(Organization.code == code)).scalar_one_or_none()


def get_org(uow: UnitOfWork, code: str) -> Organization:
    org = find_org(uow, code)
    if org is None:
        raise OrganizationNotFound(code)
    return org


def list_orgs(uow: UnitOfWork, actor: Actor, kind: str | None = None) -> list[Organization]:
    check(actor, Permission.DIRECTORY_READ)
    q = select(Organization).order_by(Organization.kind, Organization.code)
    if kind:
        q = q.where(Organization.kind == kind)
    return list(uow.session.execute(q).scalars())


# -- users ---------------------------------------------------------------------------------


def check_password_strength(password: str) -> None:
    if len(password) < 10 or not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        raise WeakPassword()


def add_user(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    password: str,
    org_code: str,
    display_name: str = "",
    is_admin: bool = False,
) -> User:
    check(actor, Permission.USER_MANAGE)
    org = get_org(uow, org_code)
    if actor.role is not Role.BUREAU:
        check_same_org(actor, org.id, f"单位 {org_code}")
    if not USERNAME.match(username):
        raise Invalid(
            f"用户名 {username!r} 只能含小写字母、数字和 _.@-（3–64 位）",
            f"username {username!r} must be 3-64 lowercase letters, digits or _.@-",
        )
    check_password_strength(password)
    if find_user(uow, username):
        raise AlreadyExists("用户", "user", username)
    user = User(
        username=username,
        display_name=display_name or username,
        org_id=org.id,
        role=org.kind,
        is_admin=is_admin,
        password_hash=passwords.hash_password(password),
        created_at=uow.clock.now(),
        active=True,
    )
    uow.session.add(user)
    uow.session.flush()
    uow.record(
        event(
            actor,
            "user.create",
            "user",
            username,
            {"org": org_code, "admin": is_admin},
            org=org_code,
            role=org.kind,
            admin=is_admin,
        )
    )
    uow.commit()
    return user


def find_user(uow: UnitOfWork, username: str) -> User | None:
    return uow.session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def get_user(uow: UnitOfWork, username: str) -> User:
    user = find_user(uow, username)
    if user is None:
        raise UserNotFound(username)
    return user


def list_users(uow: UnitOfWork, actor: Actor) -> list[User]:
    check(actor, Permission.DIRECTORY_READ)
    q = select(User).order_by(User.username)
    if not (actor.is_system or actor.role in (Role.BUREAU, Role.REGULATOR)):
        q = q.where(User.org_id == actor.org_id)
    return list(uow.session.execute(q).scalars())


# -- sign-in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    session_token: str
    csrf_token: str
    expires_at: datetime


def _recent_failures(uow: UnitOfWork, since: datetime, *, username: str | None = None, ip: str | None = None) -> int:
    q = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.at >= since, LoginAttempt.ok.is_(False))
    if username is not None:
        q = q.where(LoginAttempt.username == username)
    if ip is not None:
        q = q.where(LoginAttempt.ip == ip)
    return int(uow.session.execute(q).scalar_one())


def _check_not_throttled(uow: UnitOfWork, user: User | None, ip: str, now: datetime) -> None:
    window = now - timedelta(minutes=uow.settings.login_lock_minutes)
    if user is not None and user.locked_until and user.locked_until > now:
        until = user.locked_until.strftime("%H:%M UTC")
        raise TooManyRequests(
            f"登录失败次数过多，账户锁定至 {until}", f"too many failed sign-ins; the account is locked until {until}"
        )
    if _recent_failures(uow, window, ip=ip) >= uow.settings.login_max_failures * 4:
        raise TooManyRequests(
            "此地址登录失败次数过多，请稍后再试", "too many failed sign-ins from this address; try again later"
        )


def sign_in(uow: UnitOfWork, *, username: str, password: str, ip: str) -> SignedIn:
    """Check the password (argon2), throttle repeated failures, open a console session."""
    now = uow.clock.now()
    username = username.strip().lower()[:64]
    user = find_user(uow, username)
    _check_not_throttled(uow, user, ip, now)
    ok = user is not None and user.active and passwords.verify_password(user.password_hash, password)
    uow.session.add(LoginAttempt(username=username, ip=ip[:64], ok=ok, at=now))
    if not ok or user is None:
        _after_failure(uow, user, username, ip, now)
        raise NotAuthenticated("用户名或密码错误", "wrong username or password")
    token, csrf = passwords.new_token("gss"), secrets.token_urlsafe(24)
    expires = now + timedelta(hours=uow.settings.session_hours)
    uow.session.add(
        ConsoleSession(
            token_hash=passwords.token_hash(token), user_id=user.id, csrf_token=csrf, created_at=now, expires_at=expires
        )
    )
    actor = actor_for(user)
    uow.record(event(actor, "user.sign_in", "user", username, {"ip": ip}))
    uow.commit()
    return SignedIn(actor, token, csrf, expires)


def _after_failure(uow: UnitOfWork, user: User | None, username: str, ip: str, now: datetime) -> None:
    window = now - timedelta(minutes=uow.settings.login_lock_minutes)
    failures = _recent_failures(uow, window, username=username)  # includes this attempt (autoflush)
    locked = user is not None and failures >= uow.settings.login_max_failures
    if locked and user is not None:
        user.locked_until = now + timedelta(minutes=uow.settings.login_lock_minutes)
    uow.record(
        EventDraft(
            actor=username,
            org="",
            role="public",
            action="user.sign_in_failed",
            object_type="user",
            object_id=username,
            payload={"ip": ip},
            detail={"locked": locked},
        )
    )
    uow.commit()


def resolve_session(uow: UnitOfWork, token: str | None) -> tuple[Actor, str] | None:
    """The actor and CSRF token of a live console session, or None."""
    if not token:
        return None
    row = uow.session.get(ConsoleSession, passwords.token_hash(token))
    if row is None or row.revoked or row.expires_at <= uow.clock.now():
        return None
    user = uow.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    return actor_for(user), row.csrf_token


def sign_out(uow: UnitOfWork, token: str) -> None:
    row = uow.session.get(ConsoleSession, passwords.token_hash(token))
    if row is None or row.revoked:
        return
    row.revoked = True
    user = uow.session.get(User, row.user_id)
    if user is not None:
        uow.record(event(actor_for(user), "user.sign_out", "user", user.username))
    uow.commit()


# -- API tokens ----------------------------------------------------------------------------


def create_token(
    uow: UnitOfWork, actor: Actor, *, username: str, name: str, days: int | None = 365
) -> tuple[ApiToken, str]:
    """Create an API token for ``username`` (oneself, or anyone for the system actor).

    Returns the row and the token text, which is shown once and stored only as a hash.
    """
    check(actor, Permission.TOKEN_MANAGE)
    user = get_user(uow, username)
    if not actor.is_system and actor.user_id != user.id:
        raise Invalid("只能为自己创建令牌", "you can only create tokens for yourself")
    if not name.strip():
        raise Invalid("令牌名称不能为空", "the token name is empty")
    text = passwords.new_token("gst")
    now = uow.clock.now()
    row = ApiToken(
        user_id=user.id,
        name=name.strip()[:100],
        prefix=text[:10],
        token_hash=passwords.token_hash(text),
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    uow.session.add(row)
    uow.session.flush()
    uow.record(
        event(
            actor,
            "token.create",
            "api_token",
            str(row.id),
            {"user": username, "name": name},
            user=username,
            name=row.name,
            prefix=row.prefix,
        )
    )
    uow.commit()
    return row, text


def resolve_token(uow: UnitOfWork, text: str | None) -> Actor:
    """The actor behind a bearer token; PUBLIC when there is no token, an error when it is bad."""
    if not text:
        return PUBLIC
    row = uow.session.execute(
        select(ApiToken).where(ApiToken.token_hash == passwords.token_hash(text))
    ).scalar_one_or_none()
    if row is None or row.revoked or (row.expires_at and row.expires_at <= uow.clock.now()):
        raise NotAuthenticated("API 令牌无效、已撤销或已过期", "the API token is invalid, revoked or expired")
    user = uow.session.get(User, row.user_id)
    if user is None or not user.active:
        raise NotAuthenticated("令牌所属用户已停用", "the token's user is disabled")
    return actor_for(user)


def list_tokens(uow: UnitOfWork, actor: Actor) -> list[ApiToken]:
    check(actor, Permission.TOKEN_MANAGE)
    q = select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id.desc())
    return list(uow.session.execute(q).scalars())


def revoke_token(uow: UnitOfWork, actor: Actor, token_id: int) -> None:
    check(actor, Permission.TOKEN_MANAGE)
    row = uow.session.get(ApiToken, token_id)
    if row is None or (not actor.is_system and row.user_id != actor.user_id):
        raise Invalid(f"令牌 {token_id} 不存在", f"token {token_id} does not exist")
    row.revoked = True
    uow.record(event(actor, "token.revoke", "api_token", str(token_id)))
    uow.commit()
