"""How a stored file is handed back: as a download, under a type no browser runs."""

import re
from datetime import datetime
from urllib.parse import quote
from uuid import UUID

from pydantic import BaseModel, Field

# Types a browser would render or run even as a download's body: served as plain bytes.
ACTIVE_TYPES = re.compile(r"html|javascript|ecmascript|xml|svg|x-sh|x-msdownload|x-executable")
FALLBACK_TYPE = "application/octet-stream"
UNSAFE_IN_QUOTES = re.compile(r'[^\x20-\x7e]|["\\%]')


class AttachmentView(BaseModel):
    """One file a ticket's mails carried."""

    id: UUID
    filename: str
    content_type: str
    size: int = Field(ge=0, description="Bytes.")
    created_at: datetime


def served_type(content_type: str) -> str:
    """The stored type, unless it is one a browser would execute or render as a page."""
    lowered = content_type.lower()
    if "/" not in lowered or ACTIVE_TYPES.search(lowered):
        return FALLBACK_TYPE
    return lowered.split(";", 1)[0].strip() or FALLBACK_TYPE


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266, RFC 5987)."""
    name = filename.replace("\r", "").replace("\n", "").replace("/", "_").replace("\\", "_")
    fallback = UNSAFE_IN_QUOTES.sub("_", name).strip() or "attachment"
    exact = quote(name, safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"
