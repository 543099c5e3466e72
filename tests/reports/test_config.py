"""`tj config set|get`: a TOML file in the user's config directory, or $TJ_CONFIG; only known keys."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from journal import config


def test_income_target_round_trips_exactly(private_config: Path) -> None:
    assert config.get("income_target") is None
    assert config.set_value("income_target", "2000.50") == Decimal("2000.50")
    assert config.income_target() == Decimal("2000.50")
    assert "income_target = 2000.50" in private_config.read_text()


def test_tj_config_names_the_file(private_config: Path) -> None:
    assert config.config_path() == private_config


def test_unknown_keys_and_bad_values_are_errors() -> None:
    with pytest.raises(config.ConfigError, match="unknown setting 'income_targte'"):
        config.set_value("income_targte", "2000")
    with pytest.raises(config.ConfigError, match="income_target: not a number"):
        config.set_value("income_target", "lots")
    with pytest.raises(config.ConfigError, match="must be zero or more"):
        config.set_value("income_target", "-5")


def test_a_hand_edited_file_is_read_and_its_other_keys_kept(private_config: Path) -> None:
    private_config.write_text('income_target = 1500\ntheme = "dark"\n')
    assert config.income_target() == Decimal(1500)
    config.set_value("income_target", "1750")
    text = private_config.read_text()
    assert "income_target = 1750" in text and 'theme = "dark"' in text


def test_unset_removes_a_setting(private_config: Path) -> None:
    config.set_value("income_target", "100")
    config.unset("income_target")
    assert config.income_target() is None


def test_a_broken_file_names_itself(private_config: Path) -> None:
    private_config.write_text("income_target = = 3\n")
    with pytest.raises(config.ConfigError, match="not valid TOML"):
        config.load()
