"""The web app: `create_app(url, host, port)` gives the ASGI application of one journal (Starlette).

Every request's work (reading the journal, rendering the page) runs on one worker thread that holds the
one `Journal`: its SQLite connections stay on the thread that opened them, and two requests never use
the journal at once. The event loop only parses requests and sends pages.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
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

from journal.events import paused_gc
from journal.reports.views import View
from journal.web import imports, pages, security
from journal.web.common import query_with

if TYPE_CHECKING:
    import jinja2

    from journal.api import Journal

log = logging.getLogger("journal.web")
T = TypeVar("T")
# Answers a server keeps at most (each a page's figures: a long wheel's page is a megabyte).
MEMO_ENTRIES = 512

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
    _memo: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    _memo_state: tuple[int, date] | None = None
    _closing: bool = False

    @property
    def journal(self) -> Journal:
        """The journal, opened once on the worker thread (call only from a handler)."""
        if self._journal is None:
            from journal.web.kept import KeptJournal

            self._journal = KeptJournal(self.url, self.memo)
        return self._journal

    def memo(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """`compute()`, kept until the journal records another event (an import, a void, a setting) or the
        day changes (what "today" means to a page): a warm server answers a page from what it read last.
        Call only on the worker thread."""
        state = (self.journal.store.last_seq(), date.today())
        if state != self._memo_state:
            self._memo.clear()
            self._memo_state = state
        if key in self._memo:
            self._memo.move_to_end(key)
        else:
            self._memo[key] = compute()
            while len(self._memo) > MEMO_ENTRIES:  # the answers asked for longest ago go first
                self._memo.popitem(last=False)
        return cast(T, self._memo[key])

    def failed(self, request: Request, exc: Exception) -> Response:
        """The page of a request that failed: a database tj cannot open or write says why (503); anything
        else is a crash file to attach to a bug report, named in one line (500), as the CLI does."""
        from journal.crash import mask_secrets, report_crash
        from journal.stored import StoreError

        if isinstance(exc, StoreError):
            status, message = 503, f"tj: {mask_secrets(str(exc))}"
        else:
            status, message = 500, report_crash(exc, ["tj serve", request.method, request.url.path])
        log.warning("%s", message)
        return self.render(
            request, "web/error.html.j2", status, view=View("error", f"Error {status}", message)
        )

    def warm(self) -> None:
        """Read what the pages show first (the home page, then the unfiltered listings): started when the
        server starts, and worth starting again after a write (an import from the browser). Each step is a
        job of its own on the worker thread, queued after whatever request came in meanwhile: a visitor
        waits for one step at most. A step that fails is left to the page that needs it to say."""
        from journal.web.pages import warm_home, warming

        steps = [lambda: warm_home(self), *warming(self)]

        def step(index: int) -> None:
            if self._closing:  # the server is stopping: no more reading ahead
                return
            try:
                steps[index]()
            except Exception as exc:  # the pages say it, each time they are asked for
                log.warning("tj serve: could not read the journal yet: %s: %s", type(exc).__name__, exc)
                return
            if index + 1 < len(steps) and not self._closing:
                self.worker.submit(_without_gc, step, index + 1)

        self.worker.submit(_without_gc, step, 0)

    def close(self) -> None:
        self._closing = True

        def shut() -> None:
            if self._journal is not None:
                self._journal.close()
                self._journal = None

        self.worker.submit(shut).result()
        self.worker.shutdown(wait=True)

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page of templates/web/: `context` plus the request (for the navigation and the CSRF token)."""
        page = templates().get_template(template)
        for name in ("filters", "cards", "tables", "downloads", "drawn"):
            context.setdefault(name, [])
        context.setdefault("data", {})
        context.setdefault("lead", None)
        body = page.render(request=request, csrf_token=security.csrf_token(request), **context)
        return HTMLResponse(body, status_code=status_code)

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` on the journal's worker thread (from an async handler)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.worker, partial(_without_gc, function, *args, **kwargs))

    def endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """The ASGI endpoint of a page handler: a plain one runs on the journal's worker thread, an async
        one on the event loop."""

        async def run(request: Request) -> Response:
            try:
                if inspect.iscoroutinefunction(handler):
                    return await handler(self, request)
                return await self.call(handler, self, request)  # type: ignore[arg-type]
            except HTTPException:
                raise  # the app's error page, by its status
            except Exception as exc:  # never a traceback, in the browser or the terminal
                return await self.call(self.failed, request, exc)

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
    """The page of an HTTP error (a 404, a 400 naming the parameter): its status and one line."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        view = View("error", f"Error {exc.status_code}", str(exc.detail))
        return await site.call(site.render, request, "web/error.html.j2", exc.status_code, view=view)

    return handle


@asynccontextmanager
async def _lifespan(site: Site, app: Starlette) -> AsyncIterator[None]:
    site.warm()
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
    }
    app = Starlette(
        routes=routes,
        middleware=security.middleware(host, port),
        exception_handlers=dict(handlers),
        lifespan=partial(_lifespan, site),
    )
    app.state.site = site
    return app


def _without_gc(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A page's work (or a warm-up step) with the cyclic collector paused: it decodes and folds many
    objects that form no cycles, and the collector's passes over them cost a quarter to a third of a fold
    (10^6 events, first ask: positions as of a past day 0.45 -> 0.28 s, a long cycle's story 1.14 ->
    0.85 s). What the work freed is collected as usual afterwards."""
    with paused_gc():
        return function(*args, **kwargs)
