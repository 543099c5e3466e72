"""The last line of defence: an exception no command expected becomes one line naming the command and a crash
file to attach to a bug report (exit 2); Ctrl-C becomes one line (exit 130). No traceback reaches a user.

`GuardedGroup` wraps every command of the Typer app (so `CliRunner` tests see it too); `guard()` in `main()`
catches what escapes the app itself (closing the journal).
"""

from __future__ import annotations

import os
import platform
import re
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from typer.core import TyperGroup

EXIT_INPUT = 1  # CONTRACT: bad input, or a database that cannot be opened or written
EXIT_CRASH = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C

# `scheme://user:password@` (a SQLAlchemy or libpq URL) and `password=...` (a libpq keyword or query
# parameter): a crash file is attached to public bug reports.
_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@'\"]*):[^\s/'\"]*@")
_KEYWORD_PASSWORD = re.compile(r"(password=)[^\s&;'\"]*", re.IGNORECASE)


def mask_secrets(text: str) -> str:
    """`text` with every password of a database URL replaced by `***`."""
    return _KEYWORD_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1:***@", text))


def state_dir() -> Path:
    """Where crash files go: `$TJ_STATE_DIR`, else the user's state directory."""
    if folder := os.environ.get("TJ_STATE_DIR"):
        return Path(folder)
    from platformdirs import user_state_dir

    return Path(user_state_dir("theta-journal", appauthor=False))


def tj_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("theta-journal")
    except PackageNotFoundError:
        from journal import __version__

        return __version__


def command_name(exc: BaseException, argv: Sequence[str]) -> str:
    """The command that failed as its user typed it (`tj report monthly`): the path of the deepest Click
    context the traceback passed through, else the program's name."""
    name = Path(argv[0]).name if argv else "tj"
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        for local in ("ctx", "sub_ctx"):  # a group's frame holds both: its subcommand's is the deeper
            ctx: Any = tb.tb_frame.f_locals.get(local)
            if type(ctx).__module__.split(".")[0] in ("click", "typer") and ctx.command_path:
                name = ctx.command_path
        tb = tb.tb_next
    return name


def crash_text(exc: BaseException, argv: Sequence[str], when: datetime) -> str:
    """What a bug report needs: versions, the command line and the traceback, passwords masked."""
    trace = "".join(traceback.format_exception(exc))
    lines = [
        f"tj {tj_version()} crash report, {when.isoformat(timespec='seconds')}",
        f"python: {sys.version.split()[0]} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
        f"argv: {' '.join(argv)}",
        "",
        trace,
    ]
    return mask_secrets("\n".join(lines))


def write_crash_file(text: str, when: datetime) -> Path:
    """A new file in the state directory, readable by its owner only (it holds paths and command lines)."""
    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = when.strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        path = folder / f"crash-{stamp}-{os.getpid()}{f'-{n}' if n else ''}.txt"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return path
    raise FileExistsError(f"{folder}: too many crash files this second")


def report_crash(exc: BaseException, argv: Sequence[str] | None = None) -> str:
    """Write the crash file for `exc`; return the one line that tells the user where it is."""
    argv = list(sys.argv if argv is None else argv)
    name = command_name(exc, argv)
    kind = type(exc).__name__
    when = datetime.now()
    try:
        path = write_crash_file(crash_text(exc, argv, when), when)
    except Exception as err:  # the report must not crash in turn: say what it could not write
        return f"{name}: unexpected error ({kind}); could not write a crash report: {mask_secrets(str(err))}"
    return f"{name}: unexpected error ({kind}); please attach {path} to a bug report"


def _echo(line: str) -> None:
    with suppress(OSError, ValueError):  # a closed stderr: the exit code still says it
        print(line, file=sys.stderr, flush=True)


def _passes(exc: BaseException) -> bool:
    """Exceptions that are how Click and Typer end a command (usage errors, exit, abort) or that they
    handle themselves (a closed pipe on stdout)."""
    module = type(exc).__module__ or ""
    if module.split(".")[0] in ("click", "typer"):
        return True
    return isinstance(exc, BrokenPipeError)


@contextmanager
def guard(argv: Sequence[str] | None = None) -> Iterator[None]:
    """Turn what escapes the block into its one line and exit code: an expected database error its message
    (exit 1), Ctrl-C "interrupted" (130), anything else a crash file (2)."""
    try:
        yield
    except KeyboardInterrupt as exc:
        _echo(f"{command_name(exc, list(sys.argv if argv is None else argv))}: interrupted")
        raise SystemExit(EXIT_INTERRUPTED) from None
    except Exception as exc:
        if _passes(exc):
            raise
        from journal.store import StoreError

        if isinstance(exc, StoreError):
            # What journal() says when the database cannot be opened, wherever it is raised.
            _echo(mask_secrets(f"tj: {exc}").splitlines()[0] if str(exc) else "tj: database error")
            raise SystemExit(EXIT_INPUT) from None
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            # The database went away or stayed locked in the middle of a command: a sentence, not a crash.
            from journal.store import database_problem

            _echo(mask_secrets(f"tj: {database_problem(exc, _database_url(argv))}"))
            raise SystemExit(EXIT_INPUT) from None
        _echo(report_crash(exc, argv))
        raise SystemExit(EXIT_CRASH) from None


def _database_url(argv: Sequence[str] | None) -> str:
    """The journal's URL as the command line or `$TJ_DB` named it (for a message that names the database)."""
    from journal.store import default_url

    args = list(sys.argv if argv is None else argv)
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg.removeprefix("--db=")
    return default_url()


class GuardedGroup(TyperGroup):
    """The root command group, each command run inside `guard()`."""

    def invoke(self, ctx: Any) -> Any:
        with guard():
            return super().invoke(ctx)
