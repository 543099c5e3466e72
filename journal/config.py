"""The user's settings (`tj config set|get`): a small TOML file in the user's config directory, or the file
that $TJ_CONFIG names, so tests and scripts can keep their own.

Only known keys are accepted, each with its own parser, so a typo is an error now rather than a setting
silently ignored later. Money settings stay exact `Decimal` (TOML floats are read as Decimal).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from journal.money import parse_decimal

CONFIG_ENV = "TJ_CONFIG"
APP_NAME = "theta-journal"


class ConfigError(ValueError):
    """A setting that is unknown or whose value does not parse; the message says which and why."""


def _non_negative_amount(text: str) -> Decimal:
    value = parse_decimal(text)
    if value < 0:
        raise ValueError(f"must be zero or more (got {text!r})")
    return value


# key -> (parser of the text a user types, what it means)
SETTINGS: dict[str, tuple[Callable[[str], Any], str]] = {
    "income_target": (
        _non_negative_amount,
        "monthly income target in dollars, for the monthly and weekly reports",
    ),
}


def config_path() -> Path:
    """$TJ_CONFIG if set, else config.toml in the platform's user config directory."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def _check_key(key: str) -> None:
    if key not in SETTINGS:
        raise ConfigError(f"unknown setting {key!r} (known: {', '.join(sorted(SETTINGS))})")


def load(path: Path | None = None) -> dict[str, Any]:
    """Every known setting in the file, parsed; a missing file is an empty configuration."""
    path = path or config_path()
    if not path.is_file():
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in SETTINGS:
            continue  # a newer tj's setting, or a comment-like leftover: kept in the file, ignored here
        parser = SETTINGS[key][0]
        try:
            out[key] = parser(str(value))
        except ValueError as exc:
            raise ConfigError(f"{path}: {key}: {exc}") from None
    return out


def get(key: str, path: Path | None = None) -> Any:
    """One setting's value, or None when it is not set."""
    _check_key(key)
    return load(path).get(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, Decimal):
        # A bare TOML number that reads back exactly (tomllib with parse_float=Decimal).
        return format(value, "f")
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _write(values: dict[str, Any], path: Path) -> None:
    """Rewrite the file with the known settings; keys this version does not know are carried over as read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept: dict[str, Any] = {}
    if path.is_file():
        try:
            kept = {
                k: v
                for k, v in tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal).items()
                if k not in SETTINGS and not isinstance(v, dict | list)
            }
        except tomllib.TOMLDecodeError:
            kept = {}
    lines = ["# theta-journal settings (`tj config set KEY VALUE`)"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in sorted({**kept, **values}.items())]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)  # all or nothing: a crash never leaves half a file


def set_value(key: str, text: str, path: Path | None = None) -> Any:
    """Parse `text` for `key`, store it, and return the parsed value; ConfigError if either is wrong."""
    _check_key(key)
    try:
        value = SETTINGS[key][0](text)
    except ValueError as exc:
        raise ConfigError(f"{key}: {exc}") from None
    path = path or config_path()
    values = load(path)
    values[key] = value
    _write(values, path)
    return value


def unset(key: str, path: Path | None = None) -> None:
    """Remove a setting (its default applies again)."""
    _check_key(key)
    path = path or config_path()
    values = load(path)
    if values.pop(key, None) is not None or path.is_file():
        _write(values, path)


def income_target(path: Path | None = None) -> Decimal | None:
    value = get("income_target", path)
    return value if isinstance(value, Decimal) else None
