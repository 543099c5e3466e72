# theta-journal: `make demo` sets up and shows the example year; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= sqlite:///$(CURDIR)/.demo/journal.sqlite
TJ := $(BIN)/tj --db $(DEMO_DB)

.PHONY: demo test lint bench golden clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	@mkdir -p .demo
	$(TJ) import examples/*.csv
	@echo; echo "== open tax lots =="; $(TJ) lots
	@echo; echo "== realized gains and losses, 2024 =="; $(TJ) realized --year 2024
	@echo; echo "== wheel cycles =="; $(TJ) cycles
	@echo; echo "== the KO wheel: put assigned, calls sold, called away =="; $(TJ) cycle show KO-20240318
	@echo; echo "== open positions at year end =="; $(TJ) positions --as-of 2024-12-31
	@echo; echo "== risk at year end =="; $(TJ) risk --as-of 2024-12-31 --sectors examples/sectors.toml
	@echo; echo "== monthly income statement, December 2024 =="; $(TJ) report monthly 2024-12 --target 2000
	@$(TJ) report monthly 2024-12 --target 2000 --format html --output .demo/monthly-2024-12.html
	@$(TJ) report year 2024 --format html --output .demo/year-2024.html --form8949 .demo/form8949-2024.csv \
		--txf .demo/2024.txf
	@echo; echo "reports written: $(CURDIR)/.demo/monthly-2024-12.html, $(CURDIR)/.demo/year-2024.html"
	@echo "Form 8949 CSV: $(CURDIR)/.demo/form8949-2024.csv, TXF: $(CURDIR)/.demo/2024.txf"
	@echo; echo "== browse the journal: start the web app, then open http://127.0.0.1:8421/?as_of=2024-11-15 =="
	@echo "$(TJ) serve --open"

lint: $(BIN)/.installed
	$(BIN)/ruff check journal importers tests bench migrations
	$(BIN)/mypy

test: $(BIN)/.installed lint
	$(BIN)/python -m pytest -q

bench: $(BIN)/.installed
	$(BIN)/python bench/import_rate.py

clean:
	rm -rf .demo .pytest_cache

golden: $(BIN)/.installed  ## rewrite the expected importer events and report outputs after an intended change
	TJ_REGEN_GOLDEN=1 $(BIN)/python -m pytest -q tests/importers tests/reports
