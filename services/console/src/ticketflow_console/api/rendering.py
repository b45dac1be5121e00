"""Pages from the Jinja2 templates, in the user's language and time zone."""

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from ticketflow_console.domain.catalogue import LANGUAGES, Language, language_of, translate
from ticketflow_console.domain.sessions import Session
from ticketflow_console.domain.times import local_time, parse_instant

PACKAGE = Path(__file__).resolve().parent.parent
STATIC = PACKAGE / "static"
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(PACKAGE / "templates"),
    autoescape=jinja2.select_autoescape(["html"]),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def language_for(request: Request, session: Session | None) -> Language:
    chosen = session.language if session is not None else request.cookies.get("tf_console_lang")
    return language_of(chosen=chosen, accept_language=request.headers.get("accept-language"))


def render(
    request: Request,
    template: str,
    *,
    session: Session | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page, with `t` (the catalogue), `when` (a time in the user's zone) and the session."""
    html = render_fragment(request, template, session=session, **context)
    return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


def render_fragment(
    request: Request, template: str, *, session: Session | None, **context: Any
) -> str:
    language = language_for(request, session)
    time_zone = session.time_zone if session is not None else "UTC"

    def when(value: Any) -> str:
        instant = parse_instant(value) if isinstance(value, str) else value
        return local_time(instant, time_zone)

    return TEMPLATES.get_template(template).render(
        t=lambda key: translate(language, key),
        when=when,
        lang=language,
        languages=LANGUAGES,
        session=session,
        path=request.url.path,
        **context,
    )


def notice_of(request: Request) -> bool:
    """The page follows a change that worked (`?done=1`)."""
    return request.query_params.get("done") == "1"


def refused(request: Request, *, session: Session, status: int, detail: str) -> HTMLResponse:
    """What a service answered to a change it refused, with its reason, as a page."""
    code = status if 400 <= status < 600 else 502
    return render(request, "refused.html", session=session, status_code=code, detail=detail)


async def service_down(request: Request, exc: Exception) -> HTMLResponse:
    """A service the page needs did not answer: 503 naming it, never a 500."""
    session = getattr(request.state, "session", None)
    return render(request, "refused.html", session=session, status_code=503, detail=str(exc))
