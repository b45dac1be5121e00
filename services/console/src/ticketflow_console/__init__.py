"""The web console: agents' queue and ticket pages, rendered over the services' APIs."""
