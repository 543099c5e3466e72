"""Running the web app: `serve(url, host, port)` is `tj serve` (uvicorn on the app of `journal.web.app`)."""

from __future__ import annotations

import ipaddress
import sys
import threading
import webbrowser

LOOPBACK_NAMES = {"localhost"}


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def page_url(host: str, port: int) -> str:
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{name}:{port}/"


def _check_opens(url: str) -> None:
    """Open (and migrate) the journal once before listening: a database tj cannot open is said in one line
    (exit 1, as every command says it) instead of on each page."""
    from journal.api import Journal
    from journal.crash import mask_secrets
    from journal.stored import StoreError

    try:
        Journal(url).close()
    except StoreError as exc:
        print(f"tj: {mask_secrets(str(exc))}", file=sys.stderr)
        raise SystemExit(1) from None


def serve(url: str, host: str = "127.0.0.1", port: int = 8421, open_browser: bool = False) -> None:
    """Serve the journal at `url` until interrupted. Another address than loopback is said loudly: the
    journal has no login, anyone who reaches the port reads it."""
    import uvicorn

    from journal.web.app import create_app

    if not is_loopback(host):
        print(
            f"warning: tj serve listens on {host}: anyone who can reach this address reads your journal "
            "(there is no login); the default, 127.0.0.1, is this machine only",
            file=sys.stderr,
        )
    _check_opens(url)
    where = page_url(host, port)
    print(f"tj serve: {where} (Ctrl-C to stop)", file=sys.stderr)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(where,)).start()
    uvicorn.run(create_app(url, host, port), host=host, port=port, log_level="warning", server_header=False)
