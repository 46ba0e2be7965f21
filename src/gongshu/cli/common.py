"""What every command shares: the platform from settings, the acting user, clean error exits."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer

from gongshu.config import Settings
from gongshu.errors import GongshuError
from gongshu.identity import SYSTEM, Actor
from gongshu.identity.services import actor_for, get_user
from gongshu.platform import Platform

P = ParamSpec("P")
R = TypeVar("R")

_platform: Platform | None = None


def platform() -> Platform:
    """The platform for this process, built from GONGSHU_* settings on first use."""
    global _platform
    if _platform is None:
        _platform = Platform(Settings())
    return _platform


def use_platform(p: Platform | None) -> None:
    """Make commands act on ``p`` (tests and the demo loader); None resets to settings."""
    global _platform
    _platform = p


def acting(username: str | None) -> Actor:
    """The user named by ``--as``, or the local system operator when none is named."""
    if not username:
        return SYSTEM
    with platform().uow() as uow:
        return actor_for(get_user(uow, username))


def handled(fn: Callable[P, R]) -> Callable[P, R]:
    """Print a domain error as ``错误：… / error: …`` on stderr and exit 1 instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except GongshuError as e:
            typer.echo(f"错误：{e.zh}\nerror: {e.en}", err=True)
            raise typer.Exit(1) from e

    return wrapper


def print_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


AS_USER = typer.Option(None, "--as", help="act as this user (default: the local system operator)")
