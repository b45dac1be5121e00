"""Thin routes for stored reports: the list, each as JSON, CSV and HTML, and (admins) making
one on demand."""

import asyncio
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import Field

from ticketflow_common.events.insights import ReportKind
from ticketflow_common.input_model import InputModel, Instant
from ticketflow_common.pagination import CursorQuery, LimitQuery, Page
from ticketflow_common.problems import ProblemError, invalid_field
from ticketflow_insights.api.deps import NowDep, PoolDep, SettingsDep, ViewerDep
from ticketflow_insights.commands.reports import generate_report, list_reports, read_report
from ticketflow_insights.domain.report_pages import report_csv, report_html
from ticketflow_insights.domain.reports import ReportDocument, ReportSummary

router = APIRouter(tags=["reports"])
TeamQuery = Annotated[str | None, Query(min_length=1, max_length=100)]


class ReportRequest(InputModel):
    """Which report to (re)generate: the period of `kind` that contains `at`."""

    kind: ReportKind
    team: str | None = Field(default=None, min_length=1, max_length=100)
    at: Instant


@router.get("/reports")
async def read_reports(
    pool: PoolDep,
    viewer: ViewerDep,
    kind: ReportKind | None = None,
    team: TeamQuery = None,
    organisation: Annotated[bool, Query(description="Only the organisation's.")] = False,
    cursor: CursorQuery = None,
    limit: LimitQuery = 50,
) -> Page[ReportSummary]:
    """Stored reports, newest period first: admins all, leads their teams' and the
    organisation's."""
    async with pool.acquire() as conn:
        return await list_reports(
            conn=conn,
            viewer=viewer,
            kind=kind,
            team=team,
            organisation=organisation,
            cursor=cursor,
            limit=limit,
        )


@router.post("/reports", status_code=status.HTTP_201_CREATED)
async def make_report(
    body: ReportRequest, pool: PoolDep, viewer: ViewerDep, now: NowDep, settings: SettingsDep
) -> ReportDocument:
    """(Re)generate one report of an ended period and announce it again (admins)."""
    if viewer.role != "admin":
        raise ProblemError(403, "only admins generate reports")
    if body.at.tzinfo is None:
        raise invalid_field("body:at", "needs a time zone offset")
    async with pool.acquire() as conn:
        return await generate_report(
            conn=conn,
            kind=body.kind,
            team=body.team,
            at=body.at,
            now=now,
            time_zone=settings.reports_time_zone,
        )


@router.get("/reports/{report_id}.csv", response_class=Response)
async def read_report_csv(report_id: UUID, pool: PoolDep, viewer: ViewerDep) -> Response:
    """One row per figure: name,value,target,previous,unit,met."""
    async with pool.acquire() as conn:
        document = await read_report(conn=conn, viewer=viewer, report_id=report_id)
    return Response(
        report_csv(document),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="report-{report_id}.csv"'},
    )


@router.get("/reports/{report_id}.html", response_class=Response)
async def read_report_html(report_id: UUID, pool: PoolDep, viewer: ViewerDep) -> Response:
    """The report as a page with its plots (drawn off the event loop)."""
    async with pool.acquire() as conn:
        document = await read_report(conn=conn, viewer=viewer, report_id=report_id)
    page = await asyncio.to_thread(report_html, document)
    return Response(page, media_type="text/html; charset=utf-8")


@router.get("/reports/{report_id}")
async def read_report_json(report_id: UUID, pool: PoolDep, viewer: ViewerDep) -> ReportDocument:
    """The report document: every figure against target and previous period, and the
    cycle-time trend."""
    async with pool.acquire() as conn:
        return await read_report(conn=conn, viewer=viewer, report_id=report_id)
