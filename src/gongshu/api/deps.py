"""What every route takes: the platform, the acting user, and a unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from gongshu.identity import PUBLIC, Actor
from gongshu.identity.services import resolve_session, resolve_token
from gongshu.platform import Platform, UnitOfWork

SESSION_COOKIE = "gongshu_session"


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def get_actor(request: Request, platform: Annotated[Platform, Depends(get_platform)]) -> Actor:
    """Bearer token for programs; otherwise the console session cookie; otherwise the public.

    A cookie only counts on safe methods or with the session's CSRF token in ``X-CSRF-Token``.
    """
    auth = request.headers.get("authorization", "")
    with platform.uow() as uow:
        if auth.lower().startswith("bearer "):
            return resolve_token(uow, auth[7:].strip())
        found = resolve_session(uow, request.cookies.get(SESSION_COOKIE))
    if found is None:
        return PUBLIC
    actor, csrf = found
    if request.method in ("GET", "HEAD", "OPTIONS") or request.headers.get("x-csrf-token") == csrf:
        return actor
    return PUBLIC


def read_uow(platform: Annotated[Platform, Depends(get_platform)]) -> Iterator[UnitOfWork]:
    with platform.uow() as uow:
        yield uow


def write_uow(platform: Annotated[Platform, Depends(get_platform)]) -> Iterator[UnitOfWork]:
    with platform.uow(write=True) as uow:
        yield uow


ActorDep = Annotated[Actor, Depends(get_actor)]
ReadUow = Annotated[UnitOfWork, Depends(read_uow)]
WriteUow = Annotated[UnitOfWork, Depends(write_uow)]
PlatformDep = Annotated[Platform, Depends(get_platform)]
