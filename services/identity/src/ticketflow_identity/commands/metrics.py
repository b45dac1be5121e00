"""Identity's Prometheus metrics (names: ticketflow_identity_*)."""

from ticketflow_common.metrics import Counter, Gauge

TOKENS_ISSUED = Counter(
    "ticketflow_identity_tokens_issued_total",
    "Access tokens issued, by grant (api_key, token_exchange) and role",
    ["grant", "role"],
)
PRINCIPALS = Gauge("ticketflow_identity_principals", "Principals that are not disabled")
