"""Mail's metrics of inbound mail: stored, accepted, refused by reason, processing time."""

from ticketflow_common.metrics import Counter, Histogram

MAIL_RECEIVED = Counter(
    "ticketflow_mail_received_total",
    "Mails stored from the SMTP gateway or the polled mailbox (a redelivery counts once)",
    ["via"],
)
MAIL_ACCEPTED = Counter(
    "ticketflow_mail_accepted_total",
    "Mails made into mail.received (a new request or a reply to a ticket)",
    ["threaded"],
)
MAIL_REFUSED = Counter(
    "ticketflow_mail_refused_total",
    "Mails refused or kept aside, by reason (malformed and too_large ones are quarantined)",
    ["reason"],
)
MAIL_PROCESSING_SECONDS = Histogram(
    "ticketflow_mail_processing_seconds",
    "From a mail's storing to its outcome (accepted, refused or quarantined)",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)
