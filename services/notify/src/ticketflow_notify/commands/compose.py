"""Renders a message for people: the best template for the language, sandboxed Jinja2."""

import logging
from collections.abc import Mapping
from typing import Any

import asyncpg
from jinja2 import TemplateError

from ticketflow_notify.domain.templates import GENERIC, RenderedMessage, choose_template, render
from ticketflow_notify.store.templates import stored_templates

log = logging.getLogger(__name__)


async def compose(
    *,
    conn: asyncpg.Connection,
    event_type: str,
    languages: list[str],
    context: Mapping[str, Any],
) -> RenderedMessage:
    """A template that fails to render (e.g. an operator's typo) falls back to the generic one,
    so a message still goes out; the failure is logged with the template's key."""
    stored = await stored_templates(conn=conn, event_type=event_type, languages=languages)
    template = choose_template(event_type=event_type, languages=languages, stored=stored)
    try:
        return render(template, context)
    except TemplateError as exc:
        log.warning(
            "template failed to render; generic message used",
            extra={"event_type": event_type, "languages": languages, "error": str(exc)},
        )
        return render(GENERIC, context)
