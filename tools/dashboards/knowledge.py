"""The Knowledge dashboard: how often suggestions find something and how fast, how often they
solve the ticket (deflections), and what the library holds and publishes.

The item counts are gauges computed from knowledge's database, the same on every replica, so
they are deduplicated with `max`; the counters are summed.
"""

from tools.dashboards.layout import Dashboard, Panel, Query, Row, Threshold
from tools.dashboards.promql import quantile, share

ITEMS = "ticketflow_knowledge_items"
SUGGESTIONS = "ticketflow_knowledge_suggestions_total"
SUGGESTION_SECONDS = "ticketflow_knowledge_suggestion_seconds"
ANSWERS = "ticketflow_knowledge_answers_total"
ARTICLES_PUBLISHED = "ticketflow_knowledge_articles_published_total"
PROBLEMS_RESOLVED = "ticketflow_knowledge_problems_resolved_total"

# Issue 15, item 7: suggestions p99 at most 50 ms.
LATENCY_STEPS = (Threshold("green"), Threshold("red", 0.05))


def per_minute(counter: str, *, by: str) -> str:
    return f"sum by ({by}) (rate({counter}[$__rate_interval])) * 60"


SUGGESTING = Row(
    "Suggestions",
    (
        Panel(
            "Suggestions per minute by found",
            (Query(per_minute(SUGGESTIONS, by="origin, found"), "{{origin}} found={{found}}"),),
            "Suggestions made on ticket.created (origin ticket) and through POST /suggestions "
            "(origin api), split by whether anything scored above the minimum.",
            stacked=True,
        ),
        Panel(
            "Suggestion latency p50/p99",
            (
                Query(quantile(0.5, SUGGESTION_SECONDS), "p50"),
                Query(quantile(0.99, SUGGESTION_SECONDS), "p99"),
            ),
            "Time to rank one suggestion (the query, not the HTTP request); the target is a "
            "p99 of at most 50 ms.",
            unit="s",
            thresholds=LATENCY_STEPS,
        ),
        Panel(
            "Found share of suggestions",
            (Query(share(f'{SUGGESTIONS}{{found="true"}}', SUGGESTIONS), "found"),),
            "Share of the selected range's suggestions that offered at least one item.",
            kind="stat",
            unit="percentunit",
            max=1,
            thresholds=(Threshold("red"), Threshold("orange", 0.5), Threshold("green", 0.8)),
        ),
        Panel(
            "Deflections: answers by solved",
            (Query(per_minute(ANSWERS, by="kind, solved"), "{{kind}} solved={{solved}}"),),
            "Requesters' answers to suggestions per minute, per item kind; solved=true resolved "
            "the ticket as self-service (a deflection).",
            stacked=True,
        ),
    ),
)

LIBRARY = Row(
    "Library",
    (
        Panel(
            "Items by kind and live",
            (Query(f"max by (kind, live) ({ITEMS})", "{{kind}} live={{live}}"),),
            "Searchable items (articles, known errors, solutions), live ones shown in search "
            "and suggestions.",
            kind="bargauge",
            width=24,
        ),
        Panel(
            "Articles published",
            (Query(f"sum(increase({ARTICLES_PUBLISHED}[$__range]))", "published"),),
            "Article versions published in the selected range.",
            kind="stat",
        ),
        Panel(
            "Problems resolved",
            (Query(f"sum(increase({PROBLEMS_RESOLVED}[$__range]))", "resolved"),),
            "Problems resolved with a permanent fix in the selected range; their linked tickets "
            "hear about it.",
            kind="stat",
        ),
    ),
)

KNOWLEDGE = Dashboard(
    uid="ticketflow-knowledge",
    title="Ticketflow knowledge",
    description="Knowledge: suggestions found and their latency, deflections, the library's "
    "items, articles published and problems resolved.",
    rows=(SUGGESTING, LIBRARY),
    time_from="now-24h",
    refresh="1m",
)
