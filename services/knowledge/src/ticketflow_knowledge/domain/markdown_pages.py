"""Article bodies are Markdown written by agents and read by requesters: rendered with raw HTML
off, so a body can never inject markup or script into a page that shows it."""

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # CommonMark with raw HTML escaped; markdown-it's link validation refuses javascript:,
    # vbscript:, file: and non-image data: URLs.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def render_markdown(body: str) -> str:
    """The body as safe HTML: `<script>` and any other raw tag come out as text."""
    html: str = _renderer().render(body)
    return html
