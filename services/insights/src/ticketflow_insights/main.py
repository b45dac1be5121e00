"""Wires insights: facts from every topic, and the forecast, staffing, risk, scorecard and
report APIs and workers on top of them."""

from ticketflow_common.service_main import ServiceSpec, run_service
from ticketflow_insights.api.staffing import router as staffing_router
from ticketflow_insights.messaging.events import event_table
from ticketflow_insights.settings import InsightsSettings
from ticketflow_insights.workers.gauges import run_gauges
from ticketflow_insights.workers.staffing import run_staffing

NAME = "insights"

SPEC: ServiceSpec[InsightsSettings] = ServiceSpec(
    name=NAME,
    title="Ticketflow Insights API",
    routers=[staffing_router],
    events=event_table,
    loops=[run_gauges, run_staffing],
)


def run() -> None:
    run_service(SPEC, InsightsSettings())
