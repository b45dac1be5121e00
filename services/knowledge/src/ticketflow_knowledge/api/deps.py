"""Dependency aliases for knowledge's routes."""

from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request

from ticketflow_common.preconditions import WritePrecondition, write_precondition
from ticketflow_common.problems import ProblemError
from ticketflow_common.rate_limit_http import UNAUTHORIZED_HEADERS
from ticketflow_common.runtime import Runtime
from ticketflow_common.web import NowDep, PoolDep, get_runtime, get_settings
from ticketflow_knowledge.commands.term_counts import TermCounts
from ticketflow_knowledge.domain.access import Caller
from ticketflow_knowledge.settings import KnowledgeSettings

RuntimeDep = Annotated[Runtime[KnowledgeSettings], Depends(get_runtime)]
SettingsDep = Annotated[KnowledgeSettings, Depends(get_settings)]


def install_term_counts(app: FastAPI) -> None:
    """One `TermCounts` per app: what suggestions remember of the term statistics."""
    settings: KnowledgeSettings = app.state.runtime.settings
    app.state.term_counts = TermCounts(ttl_seconds=settings.term_counts_seconds)


async def get_term_counts(request: Request) -> TermCounts:
    counts: TermCounts = request.app.state.term_counts
    return counts


async def get_caller(request: Request) -> Caller:
    """The caller the authenticator recognised (`request.state.caller`); 401 if none did."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, Caller):
        raise ProblemError(401, "a valid bearer token is required", headers=UNAUTHORIZED_HEADERS)
    return caller


async def get_staff(request: Request) -> Caller:
    """An agent or admin; 403 for requesters."""
    caller = await get_caller(request)
    if not caller.is_staff:
        raise ProblemError(403, "only agents and admins may do this")
    return caller


async def if_match(
    request: Request,
    value: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The article's or problem's ETag (its version, e.g. \"3\"); a stale one"
            " answers 412 and changes nothing.",
        ),
    ] = None,
) -> WritePrecondition:
    """Every If-Match line of the request, parsed once; `value` documents the header."""
    return write_precondition(request.headers.getlist("if-match"))


CallerDep = Annotated[Caller, Depends(get_caller)]
IfMatchDep = Annotated[WritePrecondition, Depends(if_match)]
StaffDep = Annotated[Caller, Depends(get_staff)]
TermCountsDep = Annotated[TermCounts, Depends(get_term_counts)]

__all__ = [
    "CallerDep",
    "IfMatchDep",
    "NowDep",
    "PoolDep",
    "RuntimeDep",
    "StaffDep",
    "TermCountsDep",
]
