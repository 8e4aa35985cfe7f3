"""A small router over the *raw* (still percent-encoded) path, so ``a%2Fb`` stays one identifier segment."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from cio_tui.json_types import JSONValue
from cio_tui.model.validation import InvalidRequest

if TYPE_CHECKING:
    from cio_tui.sandbox.app import Sandbox

Handler = Callable[["Ctx"], Awaitable[Response]]


class BadJson(InvalidRequest):
    """Malformed JSON: every API answers it with its own 400 shape."""


@dataclass
class Ctx:
    request: Request
    sb: Sandbox
    params: dict[str, str] = field(default_factory=dict)

    def query(self, name: str) -> str | None:
        return self.request.query_params.get(name)

    @property
    def origin(self) -> str:
        return str(self.request.base_url).rstrip("/")

    async def body_bytes(self) -> bytes:
        return await self.request.body()

    async def json(self, *, empty: JSONValue = None) -> JSONValue:
        raw = await self.request.body()
        if not raw.strip():
            return empty
        try:
            parsed: JSONValue = json.loads(raw)
            return parsed
        except ValueError as exc:
            raise BadJson("the request body is not valid JSON") from exc


def raw_segments(request: Request) -> list[str]:
    raw = request.scope.get("raw_path") or request.scope["path"].encode()
    path = raw.split(b"?", 1)[0].decode("latin-1")
    return [unquote(s) for s in path.strip("/").split("/")] if path.strip("/") else []


def json_response(body: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(body, status_code=status, headers=headers)


class Router:
    def __init__(self) -> None:
        self.routes: list[tuple[str, list[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, pattern.strip("/").split("/"), handler))

    def match(self, method: str, segments: list[str]) -> tuple[Handler, dict[str, str]] | None | bool:
        """(handler, params); ``False`` when the path exists with another method; ``None`` when unknown."""
        path_known = False
        for m, pattern, handler in self.routes:
            if len(pattern) != len(segments):
                continue
            params: dict[str, str] = {}
            for p, s in zip(pattern, segments, strict=True):
                if p.startswith("{"):
                    params[p[1:-1]] = s
                elif p != s:
                    break
            else:
                if m == method:
                    return handler, params
                path_known = True
        return False if path_known else None
