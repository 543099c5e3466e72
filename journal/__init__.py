"""theta-journal: an event-sourced trade journal and tax/cost-basis ledger for option sellers.

The public Python API lives in :mod:`journal.api`; the `tj` command is a thin layer over it.
"""

__version__ = "0.1.0"
