"""The agent's own queue, live: rows in urgency order, and a server-sent event stream that
brings new, changed and departed tickets without a reload."""

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from ticketflow_console.api.deps import (
    FeedDep,
    FormDep,
    PoolDep,
    RuntimeDep,
    ServicesDep,
    SessionDep,
    SettingsDep,
)
from ticketflow_console.api.rendering import notice_of, refused, render, render_fragment
from ticketflow_console.api.session_auth import local_path, with_notice
from ticketflow_console.commands.queue import QueuePage, my_agent_status, my_queue, queue_update
from ticketflow_console.commands.tickets import set_agent_status

router = APIRouter(tags=["queue"])
KEEPALIVE_SECONDS = 15.0


@router.get("/", response_class=HTMLResponse)
async def home() -> Response:
    return RedirectResponse("/queue", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
async def show_queue(
    request: Request,
    session: SessionDep,
    services: ServicesDep,
    settings: SettingsDep,
    pool: PoolDep,
    page: Annotated[int, Query(ge=0, le=10_000, description="0 is the most urgent page.")] = 0,
) -> Response:
    """The signed-in agent's open tickets, next SLA deadline first, a page at a time."""

    async def rows() -> QueuePage:
        async with pool.acquire() as conn:
            return await my_queue(conn=conn, session=session, limit=settings.queue_limit, page=page)

    queue_page, status = await asyncio.gather(
        rows(), my_agent_status(services=services, session=session)
    )
    return render(
        request, "queue.html", session=session, rows=queue_page.rows, queue_page=queue_page,
        agent_status=status, notice=notice_of(request),
    )  # fmt: skip


@router.get("/queue/events")
async def queue_events(
    request: Request, session: SessionDep, feed: FeedDep, runtime: RuntimeDep
) -> StreamingResponse:
    """`row` events: a queue row's HTML to put in place (or a gone marker), rendered from the
    projection, only for tickets the user owns or just lost; the stream ends with the session."""
    deadline = (session.expires_at - runtime.clock()).total_seconds()

    async def stream() -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        ends = loop.time() + deadline
        yield "retry: 2000\n\n"
        async with feed.subscription() as changes:
            while (left := ends - loop.time()) > 0:
                try:
                    change = await asyncio.wait_for(changes.get(), min(KEEPALIVE_SECONDS, left))
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                if change is None:
                    return
                update = queue_update(session=session, change=change)
                if update is None:
                    continue
                html = render_fragment(
                    request, "queue_row.html", session=session, row=update.row,
                    ticket_id=update.ticket_id,
                )  # fmt: skip
                yield (
                    "event: row\n" + "".join(f"data: {line}\n" for line in html.splitlines()) + "\n"
                )

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.post("/agent-status")
async def submit_agent_status(
    request: Request, session: SessionDep, form: FormDep, services: ServicesDep
) -> Response:
    """Set my own routing status (online, away, offline)."""
    answer = await set_agent_status(
        services=services, session=session, status=form.get("status", "")
    )
    if not answer.ok:
        return refused(request, session=session, status=answer.status, detail=answer.detail)
    return RedirectResponse(with_notice(local_path(form.get("back"))), status_code=303)
