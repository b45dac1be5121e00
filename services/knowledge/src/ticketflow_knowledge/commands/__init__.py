"""What the routes, handlers and workers do: one transaction each."""
