"""`tj serve` itself: the real command in a subprocess, on a free loopback port, answers a page."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import time
from pathlib import Path

from tests.conftest import TJ
from tests.web.conftest import EXAMPLES, _imported


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_tj_serve_answers_the_home_page_on_loopback(tmp_path: Path) -> None:
    assert EXAMPLES
    url = _imported(f"sqlite:///{tmp_path / 'journal.sqlite'}")
    port = _free_port()
    env = {**os.environ, "TJ_CONFIG": str(tmp_path / "config.toml"), "TJ_STATE_DIR": str(tmp_path / "state")}
    proc = subprocess.Popen(
        [TJ, "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/?as_of=2024-04-30")
                response = conn.getresponse()
                body = response.read().decode()
                break
            except ConnectionRefusedError:
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "tj serve did not answer in 60 s"
                time.sleep(0.1)
        assert response.status == 200
        assert "Home" in body and "513.75" in body
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in err
    assert "warning" not in err


def test_tj_serve_on_another_address_warns(tmp_path: Path) -> None:
    from journal.web.server import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_tj_serve_says_in_one_line_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    env = {**os.environ, "TJ_STATE_DIR": str(tmp_path / "state")}
    done = subprocess.run(
        [TJ, "serve", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("tj: cannot reach the database") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
