"""Who is signed in: the session the signed cookie names; else off to the sign-in page."""

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from ticketflow_common.identity import Principal
from ticketflow_common.problems import ProblemError
from ticketflow_console.commands.sessions import current_session
from ticketflow_console.domain.sessions import COOKIE_NAME, Session, csrf_matches, session_id_of

CSRF_HEADER = "X-CSRF-Token"


class SignInRequired(Exception):
    """No live session: a page redirects to sign in, an htmx request is told to."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


async def signed_in(request: Request) -> Principal:
    """The session's principal (kept in `request.state.session`), or `SignInRequired`."""
    runtime = request.app.state.runtime
    secret = runtime.settings.session_secret.get_secret_value()
    session_id = session_id_of(request.cookies.get(COOKIE_NAME), secret=secret)
    session = None
    if session_id is not None:
        async with runtime.pool.acquire() as conn:
            session = await current_session(conn=conn, session_id=session_id, now=runtime.clock())
    if session is None:
        raise SignInRequired(request.url.path)
    request.state.session = session
    return Principal(
        subject=session.subject,
        role=session.role,  # type: ignore[arg-type]
        via="access_token",
        agent_id=session.agent_id,
        teams=frozenset(session.teams),
    )


async def to_sign_in(request: Request, exc: Exception) -> Response:
    """303 to the sign-in page, coming back here after; htmx follows `HX-Redirect`."""
    path = exc.path if isinstance(exc, SignInRequired) else "/queue"
    target = f"/sign-in?next={quote(path, safe='/')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def checked_form(request: Request) -> dict[str, str]:
    """The POSTed form once its CSRF token (field or htmx header) is the session's; else 403."""
    session: Session = request.state.session
    form = await request.form()
    presented = form.get("csrf_token") or request.headers.get(CSRF_HEADER)
    if not csrf_matches(session, presented if isinstance(presented, str) else None):
        raise ProblemError(403, "the form's csrf_token is missing or not this session's")
    return {k: v for k, v in form.items() if isinstance(v, str)}


def local_path(value: str | None, default: str = "/queue") -> str:
    """A path on this site only (no scheme, no `//host`): where to go back to."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def with_notice(path: str) -> str:
    """`path` telling the page a change was made (shown as "Done.")."""
    return f"{path}{'&' if '?' in path else '?'}done=1"
