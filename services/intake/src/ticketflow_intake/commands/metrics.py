"""Intake's business figures for the service-desk dashboards (counted as changes commit)."""

from ticketflow_common.metrics import Counter, Gauge, Histogram

HOUR = 3600.0
DAY = 24 * HOUR
SERVICE_TIME_BUCKETS = (
    60, 300, 600, 1800, HOUR, 4 * HOUR, 8 * HOUR, DAY, 2 * DAY, 5 * DAY, 10 * DAY,
)  # fmt: skip

TICKETS_CREATED = Counter(
    "ticketflow_tickets_created_total",
    "Tickets filed, by channel, priority and category.",
    ["channel", "priority", "category"],
)
TICKETS_RESOLVED = Counter(
    "ticketflow_tickets_resolved_total",
    "Tickets resolved, by priority, category and team.",
    ["priority", "category", "team"],
)
FIRST_CONTACT_RESOLUTIONS = Counter(
    "ticketflow_first_contact_resolutions_total",
    "Tickets resolved with at most one public agent reply and never reopened.",
    ["team"],
)
BACKLOG = Gauge(
    "ticketflow_tickets_backlog",
    "Open tickets by status, team and priority (every replica reports all: aggregate with max).",
    ["status", "team", "priority"],
)
FIRST_RESPONSE_SECONDS = Histogram(
    "ticketflow_first_response_seconds",
    "Wall time from filing to the first public agent reply.",
    ["priority"],
    buckets=SERVICE_TIME_BUCKETS,
)
RESOLUTION_SECONDS = Histogram(
    "ticketflow_resolution_seconds",
    "Wall time from filing to resolution.",
    ["priority"],
    buckets=SERVICE_TIME_BUCKETS,
)
CSAT_RATINGS = Counter(
    "ticketflow_csat_ratings_total",
    "Satisfaction ratings given after resolution, by rating (1-5) and team.",
    ["rating", "team"],
)
APPROVALS_REQUESTED = Counter(
    "ticketflow_approvals_requested_total",
    "Approval rounds emitted (request, reminder, escalation), by category.",
    ["round", "category"],
)
APPROVALS_ESCALATED = Counter(
    "ticketflow_approvals_escalated_total",
    "Approval requests nobody decided by their escalation time, by category.",
    ["category"],
)
APPROVALS_UNROUTABLE = Counter(
    "ticketflow_approvals_unroutable_total",
    "Approval rounds emitted with nobody to ask: the category names no approvers and no"
    " escalation contacts.",
    ["category"],
)
APPROVALS_DECIDED = Counter(
    "ticketflow_approvals_decided_total",
    "Approval decisions, by decision (approved, rejected) and how (api, link).",
    ["decision", "via"],
)
APPROVAL_DECISION_SECONDS = Histogram(
    "ticketflow_approval_decision_seconds",
    "Wall time from an approval request to its decision.",
    ["decision"],
    buckets=SERVICE_TIME_BUCKETS,
)
SURVEY_RATINGS = Counter(
    "ticketflow_survey_ratings_total",
    "Ratings given through satisfaction surveys, by rating (1-5) and team (all ratings, the"
    " API's included, are ticketflow_csat_ratings_total: CSAT is computed from those).",
    ["rating", "team"],
)
SURVEY_RESOLVED_ANSWERS = Counter(
    "ticketflow_survey_resolved_answers_total",
    'Survey answers to "was it resolved?", by answer (yes/no) and team.',
    ["resolved", "team"],
)
SURVEYS_REQUESTED = Counter(
    "ticketflow_surveys_requested_total",
    "Survey invitations and reminders sent to requesters, by round.",
    ["round"],
)
SURVEYS_EXPIRED = Counter("ticketflow_surveys_expired_total", "Surveys that expired unanswered.")
NEGATIVE_FEEDBACK = Counter(
    "ticketflow_negative_feedback_total",
    "Ratings of 2 or less (each opened a follow-up ticket), by team.",
    ["team"],
)
