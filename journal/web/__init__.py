"""`tj serve`: the journal as a local web app, its pages drawn from `journal.api.Journal` and the reports'
templates and charts (no second code path for a figure)."""
