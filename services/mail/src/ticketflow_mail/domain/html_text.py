"""HTML bodies made readable text with the standard library's parser: mail HTML is simple and a
dependency for it would be one more thing to patch; quoted history (gmail_quote, blockquote,
Outlook's divRplyFwdMsg) is dropped here, where the structure still shows it."""

from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "pre", "hr", "section", "article", "header", "footer",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "template", "noscript"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"}
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")


class _Text(HTMLParser):
    """Collects the text, with line breaks at blocks; `quote_at` marks where history begins."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.quote_at: int | None = None
        self._skip = 0
        self._href: str | None = None
        self._link_start = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        if tag in _BLOCK:
            self.parts.append("\n")
        if self.quote_at is None and _is_quote(tag, attrs):
            self.quote_at = len(self.parts)
        if tag == "a":
            href = dict(attrs).get("href") or ""
            self._href = href if href.startswith(("http://", "https://")) else None
            self._link_start = len(self.parts)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            label = "".join(self.parts[self._link_start :])
            if self._href not in label:
                self.parts.append(f" <{self._href}>")  # the link people were asked to open
            self._href = None
        if tag in _SKIP and self._skip:
            self._skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _is_quote(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag == "blockquote":
        return True
    values = {name: (value or "").lower() for name, value in attrs}
    classes = values.get("class", "")
    if any(c in classes for c in _QUOTE_CLASSES):
        return True
    return values.get("id", "") in _QUOTE_IDS


def _tidy(parts: list[str]) -> str:
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in "".join(parts).splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """The whole text of an HTML body and the text before its quoted history."""
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; whatever it raises, what it read is text
        return _tidy(parser.parts), _tidy(parser.parts)
    whole = _tidy(parser.parts)
    if parser.quote_at is None:
        return whole, whole
    return whole, _tidy(parser.parts[: parser.quote_at])
