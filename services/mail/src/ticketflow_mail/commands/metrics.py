"""Mail's Prometheus metrics (names: ticketflow_mail_*)."""

from prometheus_client import Gauge

MAIL_STORED = Gauge(
    "ticketflow_mail_stored",
    "Stored mails by status (received: waiting to be processed)",
    ["status"],
)
STATUSES = ("received", "accepted", "refused", "quarantined")
