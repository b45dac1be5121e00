"""adapters of the console."""
