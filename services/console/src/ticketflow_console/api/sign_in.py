"""Signing in with an identity API key, signing out, and the user's language and time zone."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ticketflow_console.api.deps import (
    FormDep,
    NowDep,
    PoolDep,
    ServicesDep,
    SessionDep,
    SettingsDep,
)
from ticketflow_console.api.rendering import render
from ticketflow_console.api.session_auth import local_path
from ticketflow_console.commands.sessions import (
    SignInRefused,
    choose_preferences,
    sign_in,
    sign_out,
)
from ticketflow_console.domain.sessions import COOKIE_NAME, signed_cookie

router = APIRouter(tags=["sign-in"])
SIGN_IN_PATH = "/sign-in"
SIGN_IN_CSRF_COOKIE = "tf_console_sign_in"
"""Before there is a session, the sign-in form's CSRF token is checked against this cookie."""


@router.get(SIGN_IN_PATH, response_class=HTMLResponse)
async def show_sign_in(
    request: Request,
    settings: SettingsDep,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """The sign-in form (open: the one page shown before signing in)."""
    return _sign_in_page(request, settings.cookie_secure, next=local_path(next), error=None)


@router.post(SIGN_IN_PATH, response_class=HTMLResponse)
async def submit_sign_in(
    request: Request,
    pool: PoolDep,
    now: NowDep,
    services: ServicesDep,
    settings: SettingsDep,
    api_key: Annotated[str, Form(min_length=1, max_length=500)],
    csrf_token: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/queue",
    time_zone: Annotated[str, Form(max_length=64)] = "UTC",
) -> Response:
    """Exchange the key at identity; keep the access token in a new session, never the key."""
    expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, csrf_token):
        return _sign_in_page(
            request, settings.cookie_secure, next=local_path(next), error="error.csrf", status=403
        )
    async with pool.acquire() as conn:
        session = await sign_in(
            conn=conn,
            services=services,
            api_key=api_key.strip(),
            accept_language=request.headers.get("accept-language"),
            time_zone=time_zone,
            now=now,
        )
    if isinstance(session, SignInRefused):
        error = "sign_in.refused" if session.reason == "refused" else "sign_in.unavailable"
        status = 401 if session.reason == "refused" else 503
        return _sign_in_page(
            request, settings.cookie_secure, next=local_path(next), error=error, status=status
        )
    response = RedirectResponse(local_path(next), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        signed_cookie(session.session_id, secret=settings.session_secret.get_secret_value()),
        max_age=int((session.expires_at - now).total_seconds()),
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path=SIGN_IN_PATH)
    return response


@router.post("/sign-out")
async def submit_sign_out(session: SessionDep, form: FormDep, pool: PoolDep) -> Response:
    """End the session here (the access token simply expires at identity)."""
    async with pool.acquire() as conn:
        await sign_out(conn=conn, session_id=session.session_id)
    response = RedirectResponse(SIGN_IN_PATH, status_code=303)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.post("/preferences")
async def submit_preferences(session: SessionDep, form: FormDep, pool: PoolDep) -> Response:
    """The user's language and time zone, for every page of this session."""
    async with pool.acquire() as conn:
        await choose_preferences(
            conn=conn,
            session=session,
            language=form.get("language", session.language),
            time_zone=form.get("time_zone", session.time_zone),
        )
    return RedirectResponse(local_path(form.get("back")), status_code=303)


def _sign_in_page(
    request: Request, secure: bool, *, next: str, error: str | None, status: int = 200
) -> Response:
    # One token per browser while it signs in: a second tab (or a stray request redirected
    # here) must not invalidate the form already shown.
    kept = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    token = kept if 32 <= len(kept) <= 100 else secrets.token_urlsafe(32)
    response = render(
        request, "sign_in.html", session=None, status_code=status, next=next, error=error,
        csrf_token=token,
    )  # fmt: skip
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
        secure=secure, path=SIGN_IN_PATH,
    )  # fmt: skip
    return response
