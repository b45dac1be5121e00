"""domain of the console."""
