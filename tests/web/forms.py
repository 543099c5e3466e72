"""A plain HTTP client of `tj serve` that fills its writing forms as a browser does: it keeps the session
cookie the server sets, reads the CSRF token from the form it was given, and posts multipart uploads.
What the import and security tests drive (the browser tests drive Chromium)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.web.server import Reply, Served

TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')
UPLOAD = re.compile(r'name="upload" value="([^"]*)"')


def multipart(fields: Mapping[str, str], files: Sequence[tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body (the form's fields, then each file as `files`) and its content type."""
    boundary = "----tj" + uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for filename, data in files:
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def upload_id(reply: Reply) -> str | None:
    found = UPLOAD.search(reply.text)
    return found.group(1) if found else None


@dataclass
class Client:
    """One browser session: its cookie and the token of the last form it was given."""

    served: Served
    cookie: str = ""
    token: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, path: str) -> Reply:
        reply = self.served.get(path, headers=self._headers())
        self._keep(reply)
        return reply

    def open_import(self) -> Reply:
        reply = self.get("/import")
        assert reply.status == 200, reply.text[:500]
        return reply

    def preview(
        self, files: Sequence[Path | tuple[str, bytes]], token: str | None = None, **fields: str
    ) -> Reply:
        """POST the files to the preview, with this session's token (or `token`; "" sends none)."""
        sent = [(f.name, f.read_bytes()) if isinstance(f, Path) else f for f in files]
        token = self.token if token is None else token
        body, kind = multipart({**({"csrf_token": token} if token else {}), **fields}, sent)
        reply = self.served.request(
            "POST", "/import/preview", body=body, headers={**self._headers(), "Content-Type": kind}
        )
        self._keep(reply)
        return reply

    def confirm(self, upload: str, token: str | None = None) -> Reply:
        token = self.token if token is None else token
        fields = [f"upload={upload}"] + ([f"csrf_token={token}"] if token else [])
        reply = self.served.request(
            "POST",
            "/import/confirm",
            body="&".join(fields).encode(),
            headers={**self._headers(), "Content-Type": "application/x-www-form-urlencoded"},
        )
        self._keep(reply)
        return reply

    def _headers(self) -> dict[str, str]:
        return {**self.headers, **({"Cookie": self.cookie} if self.cookie else {})}

    def _keep(self, reply: Reply) -> None:
        cookie = reply.headers.get("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        found = (
            TOKEN.search(reply.text)
            if reply.headers.get("content-type", "").startswith("text/html")
            else None
        )
        if found:
            self.token = found.group(1)
