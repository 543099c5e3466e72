"""The web app: `create_app(url, host, port)` gives the ASGI application of one journal (Starlette).

Every request's work (reading the journal, rendering the page) runs on one worker thread that holds the
one `Journal`: its SQLite connections stay on the thread that opened them, and two requests never use
the journal at once. The event loop only parses requests and sends pages.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, cast

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from journal.reports.views import View
from journal.web import imports, pages, security
from journal.web.common import query_with

if TYPE_CHECKING:
    import jinja2

    from journal.api import Journal

log = logging.getLogger("journal.web")
T = TypeVar("T")

# A page handler: plain (it runs on the journal's worker thread, and may use `site.journal`), or async (it
# runs on the event loop, may await `request.form()`, and reaches the journal through `await site.call`).
Handler = Callable[["Site", Request], Response] | Callable[["Site", Request], Awaitable[Response]]


@dataclass
class Site:
    """What every page handler is given: the journal (opened on the worker thread, on first use), the
    templates, and where the server listens (the Host check and the links it prints)."""

    url: str
    host: str
    port: int
    worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=1, thread_name_prefix="tj-journal")
    )
    _journal: Journal | None = None
    _memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    _memo_state: tuple[int, date] | None = None

    @property
    def journal(self) -> Journal:
        """The journal, opened once on the worker thread (call only from a handler)."""
        if self._journal is None:
            from journal.api import Journal

            self._journal = Journal(self.url)
        return self._journal

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()`, kept until the journal records another event (an import, a void, a setting) or the
        day changes (what "today" means to a page): a warm server answers a page from what it read last.
        Call only on the worker thread."""
        state = (self.journal.store.last_seq(), date.today())
        if state != self._memo_state:
            self._memo.clear()
            self._memo_state = state
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    def close(self) -> None:
        def shut() -> None:
            if self._journal is not None:
                self._journal.close()
                self._journal = None

        self.worker.submit(shut).result()
        self.worker.shutdown(wait=True)

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page of templates/web/: `context` plus the request (for the navigation and the CSRF token)."""
        page = templates().get_template(template)
        for name in ("filters", "cards", "tables", "downloads"):
            context.setdefault(name, [])
        context.setdefault("data", {})
        body = page.render(request=request, csrf_token=security.csrf_token(request), **context)
        return HTMLResponse(body, status_code=status_code)

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` on the journal's worker thread (from an async handler)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.worker, partial(function, *args, **kwargs))

    def endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """The ASGI endpoint of a page handler: a plain one runs on the journal's worker thread, an async
        one on the event loop."""

        async def run(request: Request) -> Response:
            if inspect.iscoroutinefunction(handler):
                return await handler(self, request)
            return await self.call(handler, self, request)  # type: ignore[arg-type]

        run.__name__ = getattr(handler, "__name__", "page")
        return run


def templates() -> jinja2.Environment:
    """The reports' Jinja2 environment (autoescaped HTML, the money filters) with the web pages' globals."""
    from journal.reports.render import environment

    env = environment()
    if "nav" not in env.globals:
        env.globals["nav"] = [*pages.NAVIGATION, *imports.NAVIGATION]
        env.globals["query_with"] = query_with
    return env


def _error_page(site: Site) -> Callable[[Request, Exception], Awaitable[Response]]:
    async def handle(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            status, message = exc.status_code, str(exc.detail)
        else:  # never a traceback to the browser: the log has it
            log.exception("tj serve: %s %s failed", request.method, request.url.path)
            status, message = 500, f"tj could not make this page: {type(exc).__name__}: {exc}"
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            site.worker,
            partial(
                site.render,
                request,
                "web/error.html.j2",
                status,
                view=View("error", f"Error {status}", message),
            ),
        )

    return handle


@asynccontextmanager
async def _lifespan(site: Site, app: Starlette) -> AsyncIterator[None]:
    yield
    site.close()


def create_app(url: str, host: str = "127.0.0.1", port: int = 8421) -> Starlette:
    """The web app of the journal at `url`, served at `host`:`port` (both checked against each request's
    Host header by `journal.web.security`)."""
    site = Site(url, host, port)
    routes: list[BaseRoute] = [
        Route(path, site.endpoint(handler), methods=list(methods), name=name)
        for path, handler, name, methods in [*pages.routes(), *imports.ROUTES]
    ]
    handlers: Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: _error_page(site),
        Exception: _error_page(site),
    }
    app = Starlette(
        routes=routes,
        middleware=security.middleware(host, port),
        exception_handlers=dict(handlers),
        lifespan=partial(_lifespan, site),
    )
    app.state.site = site
    return app
