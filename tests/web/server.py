"""The real `tj serve` app on a free loopback port, in a thread of the test process (uvicorn, as `tj serve`
runs it), and a plain HTTP client for it: what the page tests and the browser tests drive."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn

from journal.web.app import create_app


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Served:
    """A running server: `get(path)` and `request(...)` speak HTTP/1.1 to it over loopback."""

    host: str
    port: int
    timings: list[float] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            data = response.read()
            self.timings.append(time.perf_counter() - started)
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)


@contextmanager
def serving(url: str, host: str = "127.0.0.1") -> Iterator[Served]:
    """The app of the journal at `url` listening on a port the system picked (bound before the server
    starts, so no other process can take it in between); stopped and joined on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(url, host, port), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("tj serve did not start")
        time.sleep(0.02)
    try:
        yield Served(host, port)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
