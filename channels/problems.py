"""Errors as RFC 9457 `application/problem+json`, each naming the field at fault."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["Problem", "problem_response", "install_problem_handlers", "request_id_of"]

log = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"


class Problem(Exception):
    """An error a client can act on: status, a title, the field at fault and extra headers."""

    def __init__(
        self,
        status: int,
        title: str,
        *,
        field: str | None = None,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(f"{field}: {title}" if field else title)
        self.status = status
        self.title = title
        self.field = field
        self.detail = detail or title
        self.headers = dict(headers or {})
        self.code = code


def request_id_of(scope_or_request: Any) -> str | None:
    """The request id the edge gave this request (None outside a request)."""
    scope = getattr(scope_or_request, "scope", scope_or_request)
    return (scope.get("state") or {}).get("request_id") if isinstance(scope, dict) else None


def problem_response(
    status: int,
    title: str,
    *,
    detail: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    code: str | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_TYPE, headers=headers)


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def _cors_headers(request: Request) -> dict[str, str]:
    # Routes that resolved an allowed origin put its headers here, so the widget can read the error.
    return dict(getattr(request.state, "cors_headers", None) or {})


def install_problem_handlers(app: FastAPI) -> None:
    """Make validation errors, HTTP errors and Problems answer with problem+json."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        errors = [{"field": exc.field, "message": exc.title}] if exc.field else None
        return problem_response(
            exc.status,
            exc.title,
            detail=exc.detail,
            errors=errors,
            code=exc.code,
            headers={**_cors_headers(request), **exc.headers},
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field_of(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in exc.errors()
        ]
        first = errors[0] if errors else {"field": "body", "message": "invalid"}
        return problem_response(
            422,
            f"{first['field']}: {first['message']}",
            detail="The request is not valid; see errors.",
            errors=errors,
            headers=_cors_headers(request),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = request_id_of(request) or "-"
        log.error("unexpected error in %s %s (request %s): %s", request.method, request.url.path, request_id,
                  type(exc).__name__, exc_info=exc)
        return problem_response(
            500,
            "something went wrong on our side; try again",
            detail=f"quote request id {request_id} when reporting this",
            headers={**_cors_headers(request), "X-Request-Id": request_id},
            extra={"request_id": request_id},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = exc.detail if isinstance(exc.detail, str) else "error"
        return problem_response(
            exc.status_code, title, headers={**_cors_headers(request), **(exc.headers or {})}
        )
