"""The CLI's light parameter coercion (journal.cli._LightCoercion) gives every value of every parameter of
every command what Typer's own pydantic coercion gives it: the same value of the same type, or the same
error with the same message; and a plain command then never imports pydantic."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer import _click
from typer._coercion import build_runtime_param

from journal.cli import _LightCoercion, app

SAMPLES = ["", "abc", "2024", "007", "0", "-1", " 5", "1_000", "²", "table", "TABLE", "json", "md", "html"]
SAMPLES += ["csv", "journal-csv", "jsonl", "fifo", "open", "no-1099", "not-reported", ".", "/", "-", "x.csv"]
SAMPLES += ["/nonexistent/x", "2024-01-31", "café", True, False, 3, 3.5, Path("a/b"), b"bytes", None]


def _parameters() -> list[tuple[str, Any, Any]]:
    out = []

    def walk(command: Any, path: str) -> None:
        for param in command.params:
            out.append((f"{path} {param.name}", command, param))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "tj")
    return out


PARAMETERS = _parameters()


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        done = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as exc:  # the error itself is the outcome compared
        return ("error", (type(exc).__name__, str(exc)))
    return ("value", (type(done).__name__, done if not isinstance(done, list | tuple) else list(done)))


def _values(param: Any) -> list[Any]:
    multiple = param.multiple or param.nargs == -1
    enum_values = [m for m in getattr(param.type_descriptor.annotation, "__members__", {}).values()]
    singles = [*SAMPLES, *enum_values]
    if not multiple:
        return singles
    return [*singles, (), ["a", "b"], ("x.csv", "/", "."), ["2024", ""], (Path("p"), "q"), ["ok", 3]]


def test_every_parameter_of_every_command_is_covered() -> None:
    names = {name for name, _, _ in PARAMETERS}
    assert {"tj db", "tj import files", "tj lots format", "tj report year year", "tj export target"} <= names
    assert len(PARAMETERS) > 60


@pytest.mark.parametrize(("name", "command", "param"), PARAMETERS, ids=[n for n, _, _ in PARAMETERS])
def test_light_coercion_gives_what_typer_gives(name: str, command: Any, param: Any, tmp_path: Path) -> None:
    ctx = _click.Context(command)
    descriptor = param.type_descriptor
    light = typer.core.build_runtime_param(descriptor)  # what the CLI installed
    real = build_runtime_param(descriptor)
    assert isinstance(light, _LightCoercion), f"{name}: plain parameters take the light path"
    (tmp_path / "x.csv").write_text("")
    for value in _values(param):
        assert _outcome(light, value, param, ctx) == _outcome(real, value, param, ctx), f"{name}: {value!r}"


def test_enum_defaults_and_choices_come_back_as_members() -> None:
    [(_, command, param)] = [p for p in PARAMETERS if p[0] == "tj lots format"]
    runtime = typer.core.build_runtime_param(param.type_descriptor)
    done = runtime.coerce("md", param=param, ctx=_click.Context(command))
    assert isinstance(done, Enum) and done.value == "md"


def test_a_plain_command_imports_no_pydantic(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'j.sqlite'}"
    code = (
        "import sys\n"
        "from journal.cli import main\n"
        f"sys.argv = ['tj', '--db', {db!r}, 'lots', '--format', 'json', '--account', 'IRA']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'pandas', 'jinja2', 'rich') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n[]\n"  # no lots, then no heavy module


def test_a_refused_value_is_refused_with_typers_message(tj) -> None:
    done = tj("lots", "--format", "xml")
    assert done.returncode == 2
    assert "Invalid value for '--format' / '-f': Value error, 'xml' is not one of" in done.stderr
    done = tj("report", "year", "20x4")
    assert done.returncode == 2
    assert "Invalid value for 'YYYY': Input should be a valid integer" in done.stderr
