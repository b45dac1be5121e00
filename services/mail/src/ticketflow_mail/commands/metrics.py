"""Mail's Prometheus metrics (names: ticketflow_mail_*)."""

from ticketflow_common.metrics import Counter, Gauge, Histogram

MAIL_STORED = Gauge(
    "ticketflow_mail_stored",
    "Stored mails by status (received: waiting to be processed)",
    ["status"],
)
STATUSES = ("received", "accepted", "refused", "quarantined")

REPLY_ATTEMPTS = Counter(
    "ticketflow_mail_reply_attempts_total",
    "Replies handed to the relay, by outcome (sent, retry_scheduled, dead).",
    ["outcome"],
)
REPLIES_QUEUED = Counter(
    "ticketflow_mail_replies_queued_total",
    "Public agent comments queued to be mailed, or skipped (no requester address).",
    ["how"],
)
REPLY_SEND_SECONDS = Histogram(
    "ticketflow_mail_reply_send_seconds",
    "Duration of one hand-over of a reply to the relay.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30),
)
COMMENT_TO_SENT_SECONDS = Histogram(
    "ticketflow_mail_comment_to_sent_seconds",
    "From an agent's reply being queued to its mail being accepted by the relay.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 7200, 36000),
)
REPLIES_STORED = Gauge(
    "ticketflow_mail_replies_stored",
    "Stored replies by status (pending: waiting or retrying).",
    ["status"],
)
REPLY_STATUSES = ("pending", "sent", "dead")
