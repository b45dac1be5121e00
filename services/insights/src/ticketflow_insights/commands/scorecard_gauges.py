"""The scorecard gauge: every active team's figures, week to date."""

import contextlib
from datetime import datetime

import asyncpg

from ticketflow_insights.commands.metrics import INSIGHTS_SCORECARD
from ticketflow_insights.commands.scorecards import team_scorecard
from ticketflow_insights.domain.periods import period_containing
from ticketflow_insights.domain.scorecards import FIGURE_NAMES
from ticketflow_insights.store.scorecards import active_teams


async def refresh_scorecard_gauges(*, conn: asyncpg.Connection, now: datetime) -> None:
    """A figure without a value (no tickets yet this week) leaves its series out."""
    week = period_containing("week", now)
    for team in await active_teams(conn=conn):
        values = (await team_scorecard(conn=conn, team=team, period=week, now=now)).gauge_values()
        for figure in FIGURE_NAMES:
            if figure in values:
                INSIGHTS_SCORECARD.labels(team, figure).set(values[figure])
            else:
                with contextlib.suppress(KeyError):
                    INSIGHTS_SCORECARD.remove(team, figure)
