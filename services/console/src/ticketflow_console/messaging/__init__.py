"""messaging of the console."""
