"""Structure-aware fuzzing of the importers: value mutators (`values`), document models of each format
(`documents`), the seeds and cases of every importer (`corpus`) and what every case must give (`oracle`).
Used by `tests/importers/test_fuzz.py` and the long run `bench/fuzz.py`."""
