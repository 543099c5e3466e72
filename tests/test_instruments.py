from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal import instruments
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


def _outcome(text: str) -> object:
    try:
        return parse_option.__wrapped__(text)  # type: ignore[attr-defined]
    except InvalidOption as exc:
        return ("InvalidOption", str(exc))


option_texts = st.builds(
    lambda root, space, ymd, right, strike: f"{root}{space}{ymd}{right}{strike}",
    st.sampled_from(["AAPL", "SPXW", "GREE1", "A", "G1234", "BRK.B"]),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from(["240119", "241301", "240230", "991231", "000101"]),
    st.sampled_from(["P", "C"]),
    st.sampled_from(
        ["150", "00150000", "0.5", "1.2345", "0", "00000000", "100000", "99999.999", "54", "7", "12.50"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(option_texts | st.sampled_from(["G123456C7", "037833100"]), max_size=12))
def test_an_option_reads_the_same_with_its_parts_read_before(texts: list[str]) -> None:
    """parse_option keeps the expiries and strikes it read (`_EXPIRIES`, `_STRIKES`): a symbol reads as it
    does with nothing kept, contract or error, in any order of symbols before it."""
    fresh = []
    for text in texts:
        instruments._EXPIRIES.clear()
        instruments._STRIKES.clear()
        fresh.append(_outcome(text))
    kept = [_outcome(text) for text in texts]
    assert kept == fresh
    assert [repr(k) for k in kept] == [repr(f) for f in fresh]
