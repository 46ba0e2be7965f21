"""The ASGI application: API under /api/v1, the console at /, static assets served locally."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from gongshu import __version__
from gongshu.api import errors
from gongshu.api.routers import catalog, classify, grants, identity, ledger, sandbox, sharing
from gongshu.config import Settings
from gongshu.platform import Platform

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, *, platform: Platform | None = None) -> FastAPI:
    """Build the app for ``settings`` (or an already-built ``platform``, as tests do)."""
    platform = platform or Platform(settings or Settings())
    app = FastAPI(
        title="gongshu 公数 API",
        version=__version__,
        description="公共数据资源开发利用平台 API — public data development and utilization platform",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.platform = platform
    api = APIRouter(prefix=API_PREFIX)
    for module in (identity, catalog, classify, sharing, grants, sandbox, ledger):
        api.include_router(module.router)
    app.include_router(api)
    errors.install(app)
    from gongshu.web import mount  # the console is an adapter of its own

    mount(app)
    return app
