"""`python -m journeyctl`."""

from journeyctl.cli import main

main()
