"""The one dependency on every protected route: the authorisation table's verdict on the caller,
then the guard on its query and path text. One dependency, not three: FastAPI solves every
dependency (and its sub-dependencies) anew per request, about a tenth of a small route's CPU."""

from fastapi import Request

from ticketflow_common.authorization import authorize
from ticketflow_common.params import check_storable_params


async def admit(request: Request) -> None:
    """403 unless the table lets the caller call this route, then 422 naming any query or path
    value that is not storable text; run after authentication."""
    await authorize(request)
    check_storable_params(request)
