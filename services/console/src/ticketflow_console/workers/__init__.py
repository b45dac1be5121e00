"""workers of the console."""
