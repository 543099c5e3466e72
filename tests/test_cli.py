"""The `tj` command as a user runs it: exit codes, JSON with exact string figures, sources, formats."""

from __future__ import annotations

import json
import subprocess
import sys

TRADES = """
date,account,action,symbol,quantity,price,fees
2024-01-02,IRA,STO,AAPL240119P150,1,2.00,0.65
2024-01-19,IRA,EXPIRE,AAPL240119P150,1,,
"""


def test_import_then_realized_as_json_with_decimal_strings(tj, db_url, write_csv) -> None:
    done = tj("import", str(write_csv(TRADES)), "--format", "json", db=db_url, check=True)
    assert json.loads(done.stdout) == {
        "files": [
            {
                "file": "trades.csv",
                "format": "journal-csv",
                "events_added": 2,
                "duplicates": 0,
                "unresolved": 0,
                "restored": 0,
                "import_id": 1,
                "warnings": [],
                "lookalikes": [],
            }
        ]
    }
    rows = json.loads(tj("realized", "--format", "json", db=db_url, check=True).stdout)
    assert rows == [
        {
            "account": "IRA",
            "instrument": "AAPL  240119P00150000",
            "underlying": "AAPL",
            "quantity": "1",
            "opened": "2024-01-02",
            "closed": "2024-01-19",
            "proceeds": "199.35",
            "cost_basis": "0.00",
            "adjustment": "0.00",
            "gain": "199.35",
            "term": "short",
            "box": "A",
            "codes": "",
            "lot_method": "fifo",
        }
    ]
    again = tj("import", str(write_csv(TRADES)), "--format", "json", db=db_url, check=True)
    assert json.loads(again.stdout)["files"][0]["duplicates"] == 2


def test_bad_input_exits_1_names_the_place_and_writes_nothing(tj, tmp_path, write_csv) -> None:
    db = f"sqlite:///{tmp_path / 'j.sqlite'}"
    bad = write_csv(TRADES + "2024-01-22,IRA,BUY,AAPL,-5,150,0\n")
    done = tj("import", str(bad), db=db)
    assert done.returncode == 1
    assert "trades.csv:4: quantity: must be positive (got '-5')" in done.stderr
    assert "nothing was written" in done.stderr
    assert done.stdout == ""
    assert json.loads(tj("events", "--format", "json", db=db, check=True).stdout) == []


def test_a_file_no_importer_knows_is_named_with_the_formats_tried(tj, tmp_path) -> None:
    odd = tmp_path / "statement.txt"
    odd.write_text("hello\n")
    done = tj("import", str(odd), db=f"sqlite:///{tmp_path / 'j.sqlite'}")
    assert done.returncode == 1
    tried = (
        "journal-csv, journal-jsonl, schwab-csv, fidelity-csv, robinhood-csv, tastytrade-csv, "
        "tastyworks-csv, ibkr-activity-csv, ibkr-flex, ofx, positions-csv, prices-csv"
    )
    assert f"statement.txt:1: no importer recognises this file (tried: {tried})" in done.stderr


def test_usage_errors_exit_2(tj, tmp_path) -> None:
    db = f"sqlite:///{tmp_path / 'j.sqlite'}"
    assert tj("lots", "--as-of", "yesterday", db=db).returncode == 2
    assert tj("realized", "--format", "xml", db=db).returncode == 2
    assert tj("nonsense", db=db).returncode == 2


def test_events_with_source_trace_each_fact_to_its_line(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    events = json.loads(tj("events", "--source", "--format", "json", db=db_url, check=True).stdout)
    assert [(e["type"], e["source"], e["what"]) for e in events] == [
        ("TradeExecuted", "trades.csv:2", "sold 1 AAPL 150 put 19 Jan 24 for 2.00"),
        ("OptionExpired", "trades.csv:3", "1 AAPL 150 put 19 Jan 24 expired"),
    ]


def test_lots_as_csv_and_table(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(TRADES.replace("EXPIRE", "ASSIGN"))), db=db_url, check=True)
    csv_out = tj("lots", "--format", "csv", db=db_url, check=True).stdout
    assert csv_out.splitlines() == [
        "account,instrument,underlying,quantity,opened,cost_basis,basis_per_unit",
        "IRA,AAPL,AAPL,100,2024-01-19,14800.65,148.0065",
    ]
    table = tj("lots", db=db_url, check=True).stdout.splitlines()
    assert table[0].split() == [
        "account",
        "instrument",
        "underlying",
        "quantity",
        "opened",
        "cost_basis",
        "basis_per_unit",
    ]
    assert table[2].split() == ["IRA", "AAPL", "AAPL", "100", "2024-01-19", "14800.65", "148.0065"]


def test_verify_reports_an_intact_chain(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(TRADES)), db=db_url, check=True)
    done = tj("verify", db=db_url, check=True)
    assert done.stdout.strip() == "ok: 2 events, hash chain intact; 1 kept files match their SHA-256"


def test_the_db_comes_from_TJ_DB_when_no_option_names_it(tmp_path, write_csv) -> None:
    env = {"TJ_DB": f"sqlite:///{tmp_path / 'env.sqlite'}", "PATH": ""}
    argv = [sys.executable, "-m", "journal", "import", str(write_csv(TRADES))]
    subprocess.run(argv, env=env, check=True, capture_output=True)
    assert (tmp_path / "env.sqlite").exists()


WHEEL = """
date,action,symbol,quantity,price,fees
2024-03-01,STO,XYZ240315P50,1,1.50,0.65
2024-03-15,ASSIGN,XYZ240315P50,1,,
2024-03-18,STO,XYZ240419C55,1,1.00,0.65
"""


def test_cycles_and_cycle_show(tj, db_url, write_csv) -> None:
    tj("import", str(write_csv(WHEEL)), db=db_url, check=True)
    (cycle,) = json.loads(tj("cycles", "--status", "open", "--format", "json", db=db_url, check=True).stdout)
    assert (cycle["id"], cycle["net_cash"], cycle["break_even"], cycle["tax_basis_per_share"]) == (
        "XYZ-20240301",
        "-4751.30",
        "47.5130",
        "48.5065",
    )
    shown = json.loads(tj("cycle", "show", "XYZ-20240301", "--format", "json", db=db_url, check=True).stdout)
    assert [step["what"] for step in shown["timeline"]] == [
        "sold 1 XYZ 50 put 15 Mar 24 for 1.50",
        "assigned 100 sh at 50 (1 XYZ 50 put 15 Mar 24)",
        "sold 1 XYZ 55 call 19 Apr 24 for 1.00",
    ]
    md = tj("cycle", "show", "XYZ-20240301", "--format", "md", db=db_url, check=True).stdout
    assert "| 2024-03-15 | assigned 100 sh at 50 (1 XYZ 50 put 15 Mar 24) | -5000.00 | 100 | -4850.65 |" in md
    assert tj("cycle", "show", "XYZ-1999", db=db_url).returncode == 1


def test_positions_and_risk(tj, db_url, write_csv, tmp_path) -> None:
    tj("import", str(write_csv(WHEEL)), db=db_url, check=True)
    (position,) = json.loads(
        tj("positions", "--as-of", "2024-04-01", "--format", "json", db=db_url, check=True).stdout
    )
    assert (position["strategy"], position["days_to_expiry"], position["capital_at_risk"]) == (
        "covered call",
        18,
        "4850.65",
    )
    sectors = tmp_path / "sectors.toml"
    sectors.write_text('XYZ = "Industrials"\n')
    risk = json.loads(
        tj(
            "risk",
            "--equity",
            "100000",
            "--sectors",
            str(sectors),
            "--max-position-pct",
            "4",
            "--format",
            "json",
            db=db_url,
            check=True,
        ).stdout
    )
    assert risk["sectors"] == [{"name": "Industrials", "capital_at_risk": "4850.65", "pct_of_equity": "4.85"}]
    assert [b["pct_of_equity"] for b in risk["breaches"]] == ["4.85"]


def test_reconcile_says_reconciled_or_lists_differences(tj, db_url, write_csv) -> None:
    positions = write_csv("date,account,symbol,quantity\n2024-04-01,default,XYZ,100\n", "positions.csv")
    tj("import", str(write_csv(WHEEL)), str(positions), db=db_url, check=True)
    done = tj("reconcile", db=db_url, check=True)
    assert done.stdout.splitlines()[0] == "1 differences (default 2024-04-01):"
    assert done.stdout.splitlines()[3].split() == ["default", "XYZ", "240419C00055000", "-1", "-1"]
    exact = write_csv(
        "date,account,symbol,quantity\n2024-04-02,default,XYZ,100\n2024-04-02,default,XYZ240419C55,-1\n",
        "positions2.csv",
    )
    tj("import", str(exact), db=db_url, check=True)
    assert tj("reconcile", db=db_url, check=True).stdout == (
        "reconciled: 2 positions and balances agree (default 2024-04-02)\n"
    )


def test_accounts_lists_every_account_with_its_settings(tj, db_url, write_csv) -> None:
    rows = TRADES + "2024-01-03,Taxable,BUY,KO,100,60.00,0\n"
    tj("import", str(write_csv(rows)), db=db_url, check=True)
    tj("account", "set", "IRA", "--ira", db=db_url, check=True)
    listed = json.loads(tj("accounts", "--format", "json", db=db_url, check=True).stdout)
    assert [(a["account"], a["tax_advantaged"]) for a in listed] == [("IRA", True), ("Taxable", False)]
