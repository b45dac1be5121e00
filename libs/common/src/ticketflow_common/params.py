"""Query and path parameters: one guard for their text."""

from fastapi import Depends, Request

from ticketflow_common.input_model import UNSTORABLE, storable
from ticketflow_common.problems import FieldError, invalid_fields

MAX_PARAM_CHARS = 2_000


def check_storable_params(request: Request) -> None:
    """Every query and path value is storable text of bounded length, whatever its type."""
    errors = [
        FieldError(field=f"{where}:{name}", reason=reason)
        for where, items in (
            ("path", list(request.path_params.items())),
            ("query", request.query_params.multi_items()),
        )
        for name, value in items
        if (reason := _unfit(str(value))) is not None
    ]
    if errors:
        raise invalid_fields(errors)


def _unfit(value: str) -> str | None:
    if not storable(value):
        return UNSTORABLE
    if len(value) > MAX_PARAM_CHARS:
        return f"longer than {MAX_PARAM_CHARS} characters"
    return None


async def _storable_params(request: Request) -> None:
    check_storable_params(request)


StorableParams = Depends(_storable_params)
