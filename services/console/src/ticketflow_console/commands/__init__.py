"""commands of the console."""
