"""Identity API: who am I, organizations, users, API tokens."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from gongshu.api.deps import ActorDep, ReadUow, WriteUow
from gongshu.identity import services
from gongshu.identity.models import Organization, User

router = APIRouter(tags=["identity"])


class OrgOut(BaseModel):
    code: str
    name: str
    kind: str

    @classmethod
    def of(cls, o: Organization) -> OrgOut:
        return cls(code=o.code, name=o.name, kind=o.kind)


class OrgIn(BaseModel):
    code: str = Field(examples=["SCJGJ"])
    name: str = Field(examples=["示例市市场监督管理局"])
    kind: str = Field(examples=["provider"])


class UserOut(BaseModel):
    username: str
    display_name: str
    org: str
    role: str
    is_admin: bool

    @classmethod
    def of(cls, u: User) -> UserOut:
        return cls(username=u.username, display_name=u.display_name, org=u.org.code, role=u.role, is_admin=u.is_admin)


class UserIn(BaseModel):
    username: str
    password: str
    org: str
    display_name: str = ""
    is_admin: bool = False


class MeOut(BaseModel):
    username: str
    role: str
    org: str
    org_name: str
    display_name: str
    is_admin: bool


class TokenIn(BaseModel):
    name: str
    days: int | None = Field(default=365, ge=1, le=3650)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked: bool
    token: str | None = Field(default=None, description="shown once, at creation")


@router.get("/me", response_model=MeOut)
def me(actor: ActorDep) -> MeOut:
    return MeOut(
        username=actor.username,
        role=actor.role.value,
        org=actor.org_code,
        org_name=actor.org_name,
        display_name=actor.display_name,
        is_admin=actor.is_admin,
    )


@router.get("/orgs", response_model=list[OrgOut])
def list_orgs(uow: ReadUow, actor: ActorDep, kind: str | None = None) -> list[OrgOut]:
    return [OrgOut.of(o) for o in services.list_orgs(uow, actor, kind)]


@router.post("/orgs", response_model=OrgOut, status_code=201)
def create_org(body: OrgIn, uow: WriteUow, actor: ActorDep) -> OrgOut:
    return OrgOut.of(services.create_org(uow, actor, code=body.code, name=body.name, kind=body.kind))


@router.get("/users", response_model=list[UserOut])
def list_users(uow: ReadUow, actor: ActorDep) -> list[UserOut]:
    return [UserOut.of(u) for u in services.list_users(uow, actor)]


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: UserIn, uow: WriteUow, actor: ActorDep) -> UserOut:
    user = services.add_user(
        uow,
        actor,
        username=body.username,
        password=body.password,
        org_code=body.org,
        display_name=body.display_name,
        is_admin=body.is_admin,
    )
    return UserOut.of(user)


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(uow: ReadUow, actor: ActorDep) -> list[TokenOut]:
    return [TokenOut.model_validate(t, from_attributes=True) for t in services.list_tokens(uow, actor)]


@router.post("/tokens", response_model=TokenOut, status_code=201)
def create_token(body: TokenIn, uow: WriteUow, actor: ActorDep) -> TokenOut:
    row, text = services.create_token(uow, actor, username=actor.username, name=body.name, days=body.days)
    out = TokenOut.model_validate(row, from_attributes=True)
    out.token = text
    return out


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, uow: WriteUow, actor: ActorDep) -> None:
    services.revoke_token(uow, actor, token_id)
