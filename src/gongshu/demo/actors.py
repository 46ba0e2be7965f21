"""The demo's accounts as actors, for the workflows that act through the real services."""

from __future__ import annotations

from gongshu.identity import Actor
from gongshu.identity import services as identity
from gongshu.platform import Platform


def demo_actor(platform: Platform, username: str) -> Actor:
    with platform.uow() as uow:
        return identity.actor_for(identity.get_user(uow, username))
