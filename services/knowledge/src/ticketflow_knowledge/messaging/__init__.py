"""The table from event type to command."""
