"""`python -m ticketflow_cli` is the `ticketflow` command."""

from ticketflow_cli.app import main

main()
