"""`make demo`: a service desk seeded through the public APIs and a bounded stream of traffic."""
