"""Safe by default (issue 17, item 4): the Host check against DNS rebinding, the CSRF token of every form
that writes, the upload limits. Helper W2's module: the app asks it for its middleware and a request's token.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.requests import Request


def middleware(host: str, port: int) -> list[Middleware]:
    """The middleware every request passes through, outermost first."""
    return []


def csrf_token(request: Request) -> str:
    """The token a writing form carries in its `csrf_token` field (templates get it as `csrf_token`)."""
    return ""
