from datetime import date
from decimal import Decimal

import pytest

from journal.instruments import InvalidOption, OptionContract, Stock, parse_instrument, parse_option


@pytest.mark.parametrize(
    ("text", "occ", "strike"),
    [
        ("AAPL  240119P00150000", "AAPL  240119P00150000", "150"),
        ("AAPL240119P00150000", "AAPL  240119P00150000", "150"),
        ("AAPL240119P150", "AAPL  240119P00150000", "150"),
        ("BRKB240119C412.5", "BRKB  240119C00412500", "412.5"),
        ("TGT240216P47.5", "TGT   240216P00047500", "47.5"),
        ("spxw240315p5000", "SPXW  240315P05000000", "5000"),
        ("GREE1 210917P00022000", "GREE1 210917P00022000", "22"),
    ],
)
def test_occ_and_compact_symbols_name_the_same_contract(text: str, occ: str, strike: str) -> None:
    option = parse_option(text)
    assert option is not None
    assert option.name == occ
    assert option.strike == Decimal(strike)


def test_option_fields_and_index_root_underlying() -> None:
    option = parse_option("SPXW240315P5000")
    assert option == OptionContract("SPXW", date(2024, 3, 15), "P", Decimal(5000))
    assert option.underlying == "SPX"
    assert option.multiplier == 100


@pytest.mark.parametrize("text", ["", "???", "AAPL240119X150", "240119P150", "037833100", "AAPL٢٤٠١١٩P150"])
def test_text_that_is_no_option_parses_to_none(text: str) -> None:
    assert parse_option(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("AAPL241319P150", "not an option symbol"),
        ("AAPL240119P0", "not an option symbol: its strike is zero"),
        ("AAPL240119P00000000", "not an option symbol: its strike is zero"),
        ("AAPL240119P100000", "not an option symbol: a strike is at most 99,999.999"),
        ("AAPL240119P150.0001", "not an option symbol: a strike has at most three decimal places"),
    ],
)
def test_an_option_symbol_whose_expiry_or_strike_makes_no_sense_is_an_error(text: str, message: str) -> None:
    with pytest.raises(InvalidOption) as raised:
        parse_option(text)
    assert str(raised.value) == message


def test_stock_symbols() -> None:
    assert parse_instrument("brk.b") == Stock("BRK.B")
    assert parse_instrument("$$$") is None
