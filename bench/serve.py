"""How fast `tj serve` answers each page of a large journal (issue 17, item 5: with the server warm, every
page <= 150 ms at 10^5 events and <= 500 ms at 10^6). Run on demand:

    .venv/bin/python bench/serve.py --copy /work/bench-data/e5.sqlite      # a copy is served, never the file
    .venv/bin/python bench/serve.py --url postgresql+psycopg://...          # a journal as it is
    .venv/bin/python bench/serve.py --url postgresql+psycopg://...?options=-csearch_path%3Dbench \
        --csv /work/bench-data/e5.csv                                       # an empty one, filled first

The real `tj serve` runs in its own process on a free loopback port; this process is the browser (HTTP/1.1
over loopback, a new connection a request, the body read to its end). The server is warmed by one page
first (opening the journal, bringing its read models up to date: said apart as "start"); then each page is
asked once ("first": the server warm, that page not asked before: nothing of it kept) and `--repeat` times
more ("again": the best and the median; a page's answer is kept until the journal records another event,
so this is what a reload or a back button costs). The table says which pages miss the target.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

TARGETS_MS = {10**5: 150.0, 10**6: 500.0}
LINK = re.compile(r'href="(/(?:cycles|events)/[^"?#]+)"')
PAGES = re.compile(r"page 1 of (\d+)")


@dataclass
class Timed:
    name: str
    path: str
    status: int
    size: int
    first: float
    again: list[float]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(
    port: int,
    path: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    finally:
        conn.close()


def upload(port: int, file: Path) -> list[tuple[str, int, float]]:
    """An import from the browser, timed: the form, the preview of `file`, the confirm."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", "/import")
    response = conn.getresponse()
    form = response.read().decode()
    cookie = (response.getheader("set-cookie") or "").split(";", 1)[0]
    conn.close()
    token = re.search(r'name="csrf_token" value="([^"]*)"', form)
    assert token, "no CSRF token on /import"
    boundary = "----tjbench"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token.group(1)}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{file.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + file.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    kind = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie}
    status, page, took = fetch(port, "/import/preview", "POST", body, kind)
    out = [(f"preview {file.name}", status, took)]
    found = re.search(r'name="upload" value="([^"]*)"', page.decode())
    if found:
        fields = f"csrf_token={token.group(1)}&upload={found.group(1)}".encode()
        kind = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        status, _, took = fetch(port, "/import/confirm", "POST", fields, kind)
        out.append((f"confirm {file.name}", status, took))
    return out


def journal_facts(url: str) -> tuple[int, date, date, str]:
    """The number of events, the first and last economic days and the busiest underlying (read-only SQL)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(text("SELECT count(*) FROM events")).scalar() or 0
            first, last = conn.execute(
                text("SELECT min(economic_time), max(economic_time) FROM events")
            ).one()
            busiest = conn.execute(
                text(
                    "SELECT underlying FROM events WHERE underlying <> '' "
                    "GROUP BY underlying ORDER BY count(*) DESC LIMIT 1"
                )
            ).scalar()
    finally:
        engine.dispose()
    return int(count), date.fromisoformat(str(first)[:10]), date.fromisoformat(str(last)[:10]), str(busiest)


def warm_up(port: int) -> float:
    """Seconds until the server's warm-up (the pages it reads as it starts, a step at a time on the
    journal's one thread) is over: until a page that reads nothing is answered at once three times running."""
    started, quick = time.monotonic(), 0
    while quick < 3 and time.monotonic() - started < 900:
        quick = quick + 1 if fetch(port, "/import")[2] < 0.05 else 0
        time.sleep(0.2)
    return time.monotonic() - started


def pages(first: date, last: date, busiest: str, events: int, cycle_pages: int) -> list[tuple[str, str]]:
    """Every page of tj serve, with filters a user would set on a journal of these dates."""
    mid = first + (last - first) / 2
    year, month = last.year, last.strftime("%Y-%m")
    late = max(1, events // 100 // 2)  # an events page in the middle
    middle = max(1, (cycle_pages + 1) // 2)
    return [
        ("home", "/"),
        ("home as of the last day", f"/?as_of={last}"),
        ("cycles", "/cycles"),
        (f"cycles, page {middle}", f"/cycles?page={middle}"),
        ("cycles open", "/cycles?status=open"),
        (f"cycles of {busiest}", f"/cycles?underlying={busiest}"),
        ("rolls", "/rolls"),
        ("positions", "/positions"),
        ("positions as of mid-way", f"/positions?as_of={mid}"),
        ("lots", "/lots"),
        ("lots as of mid-way", f"/lots?as_of={mid}"),
        (f"realized {year}", f"/realized?year={year}"),
        (f"realized {year} by gain", f"/realized?year={year}&sort=gain&dir=desc"),
        ("wash sales", "/washes"),
        ("reports", "/reports"),
        (f"monthly {month}", f"/reports/monthly/{month}"),
        (f"weekly {last}", f"/reports/weekly/{last}"),
        (f"year {year}", f"/reports/year/{year}"),
        (f"year {year} Form 8949 CSV", f"/reports/year/{year}/form8949.csv"),
        ("events", "/events"),
        (f"events, page {late}", f"/events?page={late}"),
        (f"events of {busiest}", f"/events?underlying={busiest}"),
        ("events in a month", f"/events?from={last - timedelta(days=30)}&to={last}"),
        ("import", "/import"),
    ]


def run(url: str, repeat: int, upload_file: Path | None = None) -> int:
    count, first, last, busiest = journal_facts(url)
    target = TARGETS_MS[10**6] if count > 3 * 10**5 else TARGETS_MS[10**5]
    port = free_port()
    config = Path(tempfile.mkdtemp(prefix="tj-bench-serve-")) / "config.toml"
    env = {**os.environ, "TJ_CONFIG": str(config)}
    tj = Path(sys.executable).with_name("tj")
    server = subprocess.Popen(
        [str(tj), "--db", url, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(port, "/import")
                break
            except OSError as failed:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"tj serve did not start: {server.stderr.read() if server.stderr else ''}"
                    ) from failed
                time.sleep(0.1)
        status, _, start = fetch(port, "/")
        warmed = warm_up(port)
        print(
            f"{count:,} events, {first} to {last}; the first page of a fresh server: {start * 1000:.0f} ms; "
            f"its warm-up done {warmed:.1f} s later"
        )
        _, body, _ = fetch(port, "/cycles")
        found = PAGES.search(body.decode())
        listed = pages(first, last, busiest, count, int(found.group(1)) if found else 1)
        # A cycle's story (and its JSON download) and an event's page: the first links their listings give.
        for listing, kind, name in (("/cycles", "/cycles/", "a cycle"), ("/events", "/events/", "an event")):
            _, body, _ = fetch(port, listing)
            found = [h for h in LINK.findall(body.decode()) if h.startswith(kind) and "/report." not in h]
            if found:
                listed.append((name, found[0]))
                if kind == "/cycles/":
                    listed.append(("a cycle's JSON", found[0] + "/report.json"))
        out = []
        for name, path in listed:
            status, body, took = fetch(port, path)
            again = [fetch(port, path)[2] for _ in range(repeat)]
            out.append(Timed(name, path, status, len(body), took, again))
        imported = []
        if upload_file is not None:
            imported = upload(port, upload_file)
            # After a write every page's kept answer is gone: the first ones again, as a user goes on.
            for name, path in listed[:3]:
                status, body, took = fetch(port, path)
                imported.append((f"after it: {name}", status, took))
    finally:
        server.terminate()
        server.wait(timeout=30)
    show(out, target)
    for name, status, took in imported:
        print(f"{name[:34]:34} {status:>6} {'':>7} {took * 1000:>9.1f}")
    return 0 if all(t.status == 200 for t in out) else 1


def show(timed: list[Timed], target: float) -> None:
    print(f"{'page':34} {'status':>6} {'KB':>7} {'first ms':>9} {'again best':>10} {'median':>7}  path")
    for t in timed:
        best = min(t.again) * 1000 if t.again else float("nan")
        median = statistics.median(t.again) * 1000 if t.again else float("nan")
        slow = "  SLOW" if t.first * 1000 > target else ""
        print(
            f"{t.name[:34]:34} {t.status:>6} {t.size / 1024:>7.1f} {t.first * 1000:>9.1f} {best:>10.1f} "
            f"{median:>7.1f}  {t.path[:70]}{slow}"
        )
    firsts = [t.first * 1000 for t in timed]
    print(
        f"target {target:.0f} ms: {sum(f <= target for f in firsts)} of {len(firsts)} pages within it at "
        f"first ask; slowest {max(firsts):.0f} ms"
    )
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--copy", type=Path, help="a SQLite journal to copy into a temporary folder and serve")
    where.add_argument("--url", help="a journal's URL, served as it is (it may be written: read models)")
    parser.add_argument("--repeat", type=int, default=5, help="asks of each page after the first")
    parser.add_argument("--upload", type=Path, help="then import this file through the import page, timed")
    parser.add_argument(
        "--csv", type=Path, help="with --url: import this file into it first (an empty journal)"
    )
    args = parser.parse_args(argv)
    if args.url:
        if args.csv:
            from journal.api import Journal

            journal = Journal(args.url)
            try:
                started = time.perf_counter()
                journal.import_files([args.csv])
                journal.cycles()  # the read models built
                took = time.perf_counter() - started
                print(f"imported {args.csv.name} and built the read models: {took:.1f} s")
            finally:
                journal.close()
        return run(args.url, args.repeat, args.upload)
    folder = Path(tempfile.mkdtemp(prefix="tj-bench-serve-"))
    try:
        copy = folder / args.copy.name
        shutil.copyfile(args.copy, copy)
        return run(f"sqlite:///{copy}", args.repeat, args.upload)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
