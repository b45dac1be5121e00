"""api of the console."""
