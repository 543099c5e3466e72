"""`python -m journal` runs the same CLI as `tj`."""

from journal.cli import main

main()
