"""Which attachments may be stored: none over the size limit, nothing executable whatever its
declared type or name says (the bytes' magic is read), and the type it is served back with."""

from dataclasses import dataclass

from ticketflow_mail.domain.parsed import ParsedAttachment

_EXECUTABLE_NAMES = (
    "exe dll com bat cmd ps1 psm1 psd1 vbs vbe js jse mjs wsf wsh wsc ws scr msi msp mst jar"
    " lnk hta sh bash zsh csh ksh app apk ipa dmg pkg iso img vhd vhdx cpl inf reg pif gadget"
    " msc application appref-ms scf url py pyc pyw pl rb php elf bin run out so dylib deb rpm"
    " xll xlam docm xlsm pptm dotm xltm potm ppam sldm chm"
)
EXECUTABLE_EXTENSIONS = frozenset(_EXECUTABLE_NAMES.split())
"""Names that run, install or mount something on a click (macro-enabled Office included)."""

_MAGIC = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xfe\xed\xfa\xce", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O universal binary or Java class"),
    (b"#!", "a script"),
    (b"\xef\xbb\xbf#!", "a script"),
    (b"L\x00\x00\x00\x01\x14\x02\x00", "a Windows shortcut"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", None),  # OLE: an old Office file or an .msi
)

_BY_EXTENSION = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "txt": "text/plain",
    "log": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
    "7z": "application/x-7z-compressed",
    "gz": "application/gzip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "eml": "message/rfc822",
    "mp3": "audio/mpeg",
    "mp4": "video/mp4",
}
SAFE_TYPES = frozenset(_BY_EXTENSION.values())
"""Types served with their own name; anything else (HTML and SVG too: they run script in a
browser) is downloaded as application/octet-stream."""

_SNIFFED = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


@dataclass(frozen=True)
class AttachmentVerdict:
    """An attachment's fate: refused with a reason, or stored and served as `content_type`."""

    refusal: str | None
    content_type: str


def extensions(filename: str) -> list[str]:
    """Every dot-separated suffix of a name, lower-cased: "Invoice.PDF.exe" -> ["pdf", "exe"];
    trailing dots and spaces, which Windows drops, and bidi controls are dropped first."""
    name = "".join(c for c in filename if c not in _INVISIBLE)
    name = name.strip().rstrip(". \x00").lower()
    return [part.strip() for part in name.split(".")[1:] if part.strip()]


def check_attachment(att: ParsedAttachment, *, max_bytes: int) -> AttachmentVerdict:
    """Whether `att` may be stored (refusal None) and the content type to serve it with."""
    size = len(att.content)
    if size > max_bytes:
        return AttachmentVerdict(f"{size} bytes, over the {max_bytes} allowed", _OCTET)
    exts = extensions(att.filename)
    if exts and exts[-1] in EXECUTABLE_EXTENSIONS:  # the last one decides: invoice.pdf.exe
        return AttachmentVerdict(f"executable file name (.{exts[-1]})", _OCTET)
    head = att.content[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            if what is None:
                if exts and exts[-1] in ("doc", "xls", "ppt", "msg"):
                    break
                return AttachmentVerdict("an OLE file not named as an Office one", _OCTET)
            return AttachmentVerdict(f"content is {what}", _OCTET)
    return AttachmentVerdict(None, safe_content_type(att))


_OCTET = "application/octet-stream"
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


def safe_content_type(att: ParsedAttachment) -> str:
    """The type to serve the file with: what its bytes are, else what its name says, if that
    is a harmless type; never the declared one unchecked."""
    head = att.content[:16]
    for magic, ctype in _SNIFFED:
        if head.startswith(magic):
            if ctype == "application/zip":
                by_name = _BY_EXTENSION.get((extensions(att.filename) or [""])[-1], "")
                if by_name.startswith("application/vnd.openxmlformats"):
                    return by_name
            return ctype
    exts = extensions(att.filename)
    by_name = _BY_EXTENSION.get(exts[-1], _OCTET) if exts else _OCTET
    if by_name in _DETECTABLE:
        return _OCTET  # named a PDF or an image but not one: served as bytes
    return by_name if by_name in SAFE_TYPES else _OCTET


_DETECTABLE = frozenset(ctype for _, ctype in _SNIFFED)
