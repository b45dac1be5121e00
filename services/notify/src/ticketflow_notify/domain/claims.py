"""How due deliveries are leased to the replica that sends them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimPolicy:
    """How long a claimed delivery stays leased (one a crashed replica held is due again
    after it), and after how many failures in a row an endpoint's claims are one at a time
    (its circuit half-opens: a single trial goes through)."""

    lease_seconds: float
    failure_threshold: int
