"""Safe by default (issue 17, item 4): the Host check against DNS rebinding, the CSRF token of every form
that writes, the security headers, the upload limit.

- **Host**: a page of another site that a DNS rebinding points at 127.0.0.1 reaches the server with its own
  name in the Host header; only the name the server is bound to (and 127.0.0.1 / localhost for a loopback
  server) with its port is answered, anything else is a 421 saying so. A server on every address
  (`--host 0.0.0.0`) answers any IP address too (another device reaches it by one; a rebinding never does).
- **CSRF**: each browser gets a random session cookie (HttpOnly, SameSite=Strict: another site's form or
  link never carries it); a form that writes carries the token HMAC(server secret, session) in its
  hidden `csrf_token` field, and a POST is refused (403) unless its field equals its cookie's token
  (compared in constant time) and its Origin, when sent, is the server's. The secret is made when the server
  starts: a token is good for one run of `tj serve`.
- **Headers**: the reports' Content-Security-Policy (no script, no fetch) as a header too, with
  `frame-ancestors 'none'` (no other page can frame one of ours) and `form-action 'self'`; no MIME sniffing,
  no referrer to another site.
- **Size**: a request body over `MAX_BODY_BYTES` is refused with a 413 page (from its Content-Length, or
  counted as it arrives), before anything of it is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request, cookie_parser
from starlette.responses import HTMLResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "tj_session"
CSRF_FIELD = "csrf_token"
MAX_BODY_BYTES = 50 * 1024 * 1024  # a whole upload: every file of one import together
# A body over the limit is read to its end (up to this) and dropped, so that the browser, still sending,
# reads the 413 page instead of a reset connection.
DRAIN_BYTES = 512 * 1024 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # not no-referrer: a form's POST would say Origin: null
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
WILDCARDS = ("0.0.0.0", "::", "[::]", "")

_STATE_TOKEN = "tj_csrf_token"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers the server answers: its own name with the port (and without it on port 80, as a
    browser sends it), and the loopback names when it listens on loopback or on every address."""
    from journal.web.server import is_loopback

    names = {host.lower()}
    if is_loopback(host) or host in WILDCARDS:
        names.update(LOOPBACK_NAMES)
        names.add("[::1]")
    if host in WILDCARDS:  # every address: the machine's own names too (a guess is better than nothing)
        import socket

        names.update({socket.gethostname().lower(), socket.getfqdn().lower()})
    out = set()
    for name in names - set(WILDCARDS):
        shown = f"[{name}]" if ":" in name and not name.startswith("[") else name
        out.add(f"{shown}:{port}")
        if port == 80:
            out.add(shown)
    return frozenset(out)


def _address_at(host: str, port: int) -> bool:
    """Whether a Host header is an IP address (not a name) with this port: `192.168.1.5:8421`,
    `[fe80::1]:8421` (no port said: 80)."""
    import ipaddress

    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        given = rest[1:] if rest.startswith(":") else None if rest else ""
    else:
        name, colon, given = host.partition(":")
        given = given if colon else ""
    if given != str(port) and not (given == "" and port == 80):
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def session_token(secret: bytes, session: str) -> str:
    """A session's CSRF token: what its forms carry."""
    return hmac.new(secret, session.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def _page(status: int, title: str, sentence: str) -> HTMLResponse:
    """A page the middleware answers by itself (before any route): one sentence, no link to the journal."""
    from html import escape

    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(sentence)}</p>"
        "</body></html>"
    )
    return HTMLResponse(body, status_code=status, headers=HEADERS)


class Guard:
    """The ASGI middleware of `middleware()`: Host check, session cookie, security headers, body limit."""

    def __init__(self, app: ASGIApp, host: str, port: int, secret: bytes | None = None) -> None:
        self.app, self.host, self.port = app, host, port
        self.secret = secret or secrets.token_bytes(32)
        self.hosts = allowed_hosts(host, port)
        # Listening on every address, the server is reached by whichever address a device uses: any address
        # written as such is answered (a rebinding page always comes by a name, never by an address).
        self.any_address = host in WILDCARDS
        self.origins = frozenset(f"http://{h}" for h in self.hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "").lower()
        if host not in self.hosts and not (self.any_address and _address_at(host, self.port)):
            shown = sorted(h for h in self.hosts if not h.startswith("["))
            refused = _page(
                421,
                "Wrong host name",
                f"tj serve answers only requests addressed to {' or '.join(shown)}, "
                f"not {host or 'no host'!r}: another name pointing here (DNS rebinding) is refused.",
            )
            await refused(scope, receive, send)
            return
        session = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE, "")
        fresh = None
        if not (16 <= len(session) <= 128 and session.isascii()):
            session = fresh = secrets.token_urlsafe(32)
        scope.setdefault("state", {})[_STATE_TOKEN] = session_token(self.secret, session)

        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            if origin is not None and origin.lower() not in self.origins:
                await _page(
                    403,
                    "Refused",
                    f"A form of another site ({origin}) cannot write to this journal.",
                )(scope, receive, send)
                return
            length = headers.get("content-length")
            declared = int(length) if length is not None and length.isdigit() else None
            refuse = length is not None and (declared is None or declared > MAX_BODY_BYTES)
            receive = _limited(receive, MAX_BODY_BYTES, refuse)

        async def send_headed(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in out:
                        out[name] = value
                if fresh is not None:
                    out.append("set-cookie", f"{SESSION_COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        await self.app(scope, receive, send_headed)


def too_large() -> str:
    return (
        f"An import takes at most {MAX_BODY_BYTES // (1024 * 1024)} MB of files at once: "
        "import the larger files with the command tj import, or upload fewer files at a time."
    )


async def _drain(receive: Receive, limit: int) -> None:
    got = 0
    while got <= limit:
        message = await receive()
        if message["type"] != "http.request":
            return
        got += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _limited(receive: Receive, limit: int, refuse: bool = False) -> Receive:
    """`receive` that counts the body as it arrives (a chunked request says no length) and stops it past
    `limit`, or at once when `refuse` (its Content-Length said too much): the handler reading the body gets
    a 413 (an HTTPException: the app's error page) before anything of it is parsed. The rest of the body is
    read and dropped first, so that a browser still sending reads the page instead of a reset connection."""
    got = 0

    async def counted() -> Message:
        nonlocal got
        if refuse:
            await _drain(receive, DRAIN_BYTES)
            raise HTTPException(413, too_large())
        message = await receive()
        if message["type"] == "http.request":
            got += len(message.get("body", b""))
            if got > limit:
                if message.get("more_body", False):
                    await _drain(receive, DRAIN_BYTES)
                raise HTTPException(413, too_large())
        return message

    return counted


def middleware(host: str, port: int) -> list[Middleware]:
    """The middleware every request passes through, outermost first."""
    return [Middleware(Guard, host=host, port=port)]


def csrf_token(request: Request) -> str:
    """The token a writing form carries in its `csrf_token` field (templates get it as `csrf_token`)."""
    return str(request.scope.get("state", {}).get(_STATE_TOKEN, ""))


def check_csrf(request: Request, sent: object) -> None:
    """Refuse (403) a writing request whose form's token is not its session's."""
    expected = csrf_token(request)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(
            403,
            "This form's security token is missing or out of date (tj serve was restarted, or the form came "
            "from another page): open the page again and resend it.",
        )
