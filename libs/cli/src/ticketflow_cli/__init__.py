"""The `ticketflow` command line for operators and integrators."""
