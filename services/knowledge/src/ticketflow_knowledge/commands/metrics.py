"""Knowledge's Prometheus metrics, set by its commands."""

from ticketflow_common.metrics import Counter, Gauge, Histogram

KNOWLEDGE_ITEMS = Gauge(
    "ticketflow_knowledge_items",
    "Searchable items per kind, live (suggested) or not.",
    ["kind", "live"],
)
KNOWLEDGE_SUGGESTIONS = Counter(
    "ticketflow_knowledge_suggestions_total",
    "Suggestions made, per origin (ticket: on ticket.created; api: POST /suggestions) and"
    " whether anything was found.",
    ["origin", "found"],
)
KNOWLEDGE_SUGGESTION_SECONDS = Histogram(
    "ticketflow_knowledge_suggestion_seconds",
    "Time to rank one suggestion (the query, not the HTTP request).",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0),
)
KNOWLEDGE_ANSWERS = Counter(
    "ticketflow_knowledge_answers_total",
    "Requesters' answers to suggestions, per item kind and whether it solved the ticket"
    " (solved=true is a deflection: the ticket resolves as self-service).",
    ["kind", "solved"],
)

# problems and known errors
KNOWLEDGE_PROBLEMS_RESOLVED = Counter(
    "ticketflow_knowledge_problems_resolved_total",
    "Problems resolved with a permanent fix (each announced once as problem.resolved).",
)

# articles
KNOWLEDGE_ARTICLES_PUBLISHED = Counter(
    "ticketflow_knowledge_articles_published_total",
    "Article versions published (re-publishing the version already published counts nothing).",
)

# Solutions learned from tickets.
KNOWLEDGE_SOLUTIONS_LEARNED = Counter(
    "ticketflow_knowledge_solutions_learned_total",
    "Solutions marked on tickets that knowledge stored (a new or a replacing mark; stale and"
    " repeated marks are not counted).",
)
