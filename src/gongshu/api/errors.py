"""The one table from domain errors to HTTP status, and the one JSON error shape."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from gongshu.errors import (
    Conflict,
    GongshuError,
    Invalid,
    InvalidTransition,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooManyRequests,
)
from gongshu.sandbox.errors import EngineError, IsolationError

STATUS: dict[type[GongshuError], int] = {
    NotFound: 404,
    PermissionDenied: 403,
    NotAuthenticated: 401,
    InvalidTransition: 409,
    Conflict: 409,
    Invalid: 422,
    TooManyRequests: 429,
    EngineError: 422,  # the engine stopped the query (a limit or a refused operation): change the query
    IsolationError: 422,  # the program broke a limit or the isolation: change the program
}


def status_for(err: GongshuError) -> int:
    for cls in type(err).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def prefers_english(request: Request) -> bool:
    lang = request.cookies.get("lang") or request.headers.get("accept-language", "zh")
    return lang.lower().startswith("en")


def error_body(code: str, zh: str, en: str, english: bool, values: dict[str, Any] | None = None) -> dict[str, Any]:
    """``{"error": {"code", "message", "message_zh", "message_en", "values"}}`` — the only error shape."""
    return {
        "error": {
            "code": code,
            "message": en if english else zh,
            "message_zh": zh,
            "message_en": en,
            "values": {k: v if isinstance(v, int | float | bool) else str(v) for k, v in (values or {}).items()},
        }
    }


def install(app: FastAPI) -> None:
    @app.exception_handler(GongshuError)
    async def _domain(request: Request, exc: GongshuError) -> JSONResponse:
        body = error_body(exc.code, exc.zh, exc.en, prefers_english(request), exc.values)
        return JSONResponse(body, status_code=status_for(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()]
        detail = "; ".join(parts)
        body = error_body("invalid", f"请求参数有误：{detail}", f"invalid request: {detail}", prefers_english(request))
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh = {404: "找不到该地址", 405: "不支持该请求方法"}.get(exc.status_code, "请求失败")
        body = error_body("http_error", zh, str(exc.detail), prefers_english(request))
        return JSONResponse(body, status_code=exc.status_code)
