"""store of the console."""
