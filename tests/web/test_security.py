"""Safe by default (issue 17, item 4), over HTTP on the real server: a Host header other than the server's
own name is refused (DNS rebinding); a POST without its session's CSRF token, with another's, or from a form
of another site is refused and writes nothing; every page carries the reports' content-security policy as
a header and the session cookie is HttpOnly and SameSite=Strict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.api import Journal
from journal.web import security
from tests.web.conftest import REPO
from tests.web.forms import Client, upload_id
from tests.web.html import text_of
from tests.web.server import Served, serving

IRA = REPO / "examples" / "ira-2024.csv"


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[str, Served]]:
    url = f"sqlite:///{tmp_path / 'journal.sqlite'}"
    Journal(url).close()
    with serving(url) as server:
        yield url, server


def count(url: str) -> int:
    journal = Journal(url)
    try:
        return journal.store.last_seq()
    finally:
        journal.close()


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "evil.example", "127.0.0.1:1", "localhost", "", "{port}"]
)
def test_a_host_header_other_than_the_servers_is_refused(site: Served, host: str) -> None:
    reply = site.get("/", headers={"Host": host.format(port=site.port)})
    assert reply.status == 421
    text = text_of(reply.text)
    assert (
        f"tj serve answers only requests addressed to 127.0.0.1:{site.port} or localhost:{site.port}" in text
    )
    assert "(DNS rebinding) is refused" in text
    assert "Income" not in text  # nothing of the journal
    assert reply.headers["content-security-policy"] == security.CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_servers_own_names_are_answered(site: Served, host: str) -> None:
    assert site.get("/import", headers={"Host": host.format(port=site.port)}).status == 200


def test_the_allowed_hosts_follow_the_bound_address() -> None:
    assert security.allowed_hosts("127.0.0.1", 8421) == {"127.0.0.1:8421", "localhost:8421", "[::1]:8421"}
    assert security.allowed_hosts("::1", 8421) == {"[::1]:8421", "127.0.0.1:8421", "localhost:8421"}
    assert security.allowed_hosts("192.168.1.5", 80) == {"192.168.1.5:80", "192.168.1.5"}
    assert "127.0.0.1:9000" in security.allowed_hosts("0.0.0.0", 9000)


def test_every_page_carries_the_policy_and_a_strict_session_cookie(site: Served) -> None:
    reply = site.get("/")
    assert reply.status == 200
    assert reply.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["referrer-policy"] == "same-origin"
    name, *attributes = [part.strip() for part in reply.headers["set-cookie"].split(";")]
    assert name.startswith("tj_session=") and len(name) > len("tj_session=") + 40
    assert sorted(attributes) == ["HttpOnly", "Path=/", "SameSite=Strict"]
    # A browser that has its cookie is not given another.
    again = site.get("/", headers={"Cookie": name})
    assert "set-cookie" not in again.headers
    errors = site.get("/no-such-page")
    assert errors.status == 404
    assert errors.headers["content-security-policy"] == security.CONTENT_SECURITY_POLICY


def test_a_post_without_its_csrf_token_is_refused_and_writes_nothing(fresh: tuple[str, Served]) -> None:
    url, server = fresh
    client = Client(server)
    client.open_import()
    for token in ("", "0" * 64, client.token[:-1] + ("0" if client.token[-1] != "0" else "1")):
        reply = client.preview([IRA], token=token)
        assert reply.status == 403, token
        assert "security token is missing or out of date" in text_of(reply.text)
    # A good preview, then a confirm without the token or with a wrong one.
    preview = client.preview([IRA])
    assert preview.status == 200
    upload = upload_id(preview) or ""
    assert client.confirm(upload, token="").status == 403
    assert client.confirm(upload, token="f" * 64).status == 403
    assert count(url) == 0
    assert client.confirm(upload).status == 200
    assert count(url) == 8


def test_a_token_is_its_sessions_and_its_servers(fresh: tuple[str, Served], site: Served) -> None:
    _, server = fresh
    mine, theirs = Client(server), Client(server)
    mine.open_import()
    theirs.open_import()
    assert mine.token != theirs.token
    # Another session's token with my cookie: refused.
    assert mine.preview([IRA], token=theirs.token).status == 403
    # No cookie at all (a form posted from another site: SameSite=Strict keeps the cookie home): refused.
    anonymous = Client(server, token=mine.token)
    assert anonymous.preview([IRA]).status == 403
    # The same cookie on another tj serve: another secret, another token.
    other = Client(site, cookie=mine.cookie)
    other.open_import()
    assert other.token != mine.token


def test_a_form_posted_from_another_origin_is_refused(fresh: tuple[str, Served]) -> None:
    url, server = fresh
    client = Client(server)
    client.open_import()
    client.headers["Origin"] = "http://evil.example"
    reply = client.preview([IRA])
    assert reply.status == 403
    assert "A form of another site (http://evil.example) cannot write to this journal." in text_of(reply.text)
    client.headers["Origin"] = server.base
    assert client.preview([IRA]).status == 200
    assert count(url) == 0


def test_a_get_of_a_writing_url_is_not_allowed(site: Served) -> None:
    assert site.get("/import/confirm").status == 405
    assert site.get("/import/preview").status == 405


def _status(guard: security.Guard, host: str) -> int:
    """What the guard answers a GET with this Host header (its app answers 200)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    sent: list[dict[str, object]] = []

    async def go() -> None:
        scope = {"type": "http", "method": "GET", "path": "/", "headers": [(b"host", host.encode())]}

        async def receive() -> dict[str, object]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        await guard(scope, receive, send)

    # On a thread of its own: the browser tests' Playwright keeps an event loop on this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, go()).result()
    return int(sent[0]["status"])  # type: ignore[call-overload]


async def _ok(scope: object, receive: object, send: object) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"ok"})  # type: ignore[operator]


def test_listening_on_every_address_any_address_is_answered_but_no_other_name() -> None:
    everywhere = security.Guard(_ok, "0.0.0.0", 8421)
    for host in ("192.168.1.5:8421", "[fe80::1]:8421", "127.0.0.1:8421", "localhost:8421"):
        assert _status(everywhere, host) == 200, host
    for host in ("evil.example:8421", "192.168.1.5:8422", "192.168.1.5", "fe80::1:8421"):
        assert _status(everywhere, host) == 421, host
    loopback = security.Guard(_ok, "127.0.0.1", 8421)
    assert _status(loopback, "192.168.1.5:8421") == 421
    assert _status(loopback, "127.0.0.1:8421") == 200
    named = security.Guard(_ok, "mybox.lan", 8421)
    assert _status(named, "mybox.lan:8421") == 200
    assert _status(named, "localhost:8421") == 421
