"""A rendered Jekyll page finished as kramdown would have made it."""

from __future__ import annotations

from dataclasses import replace

from sitepush.builder.jekyll.kramdown import drop_no_toc, no_toc_ids
from sitepush.builder.model import RenderedBody, TocEntry


def finish_html(body: RenderedBody) -> RenderedBody:
    """``.no_toc`` headings out of the page's TOCs (the ``{:toc}`` in the body and the page's own)."""
    hidden = no_toc_ids(body.html)
    if not hidden:
        return body

    def keep(entries: tuple[TocEntry, ...]) -> tuple[TocEntry, ...]:
        kept: list[TocEntry] = []
        for entry in entries:
            children = keep(entry.children)
            if entry.id in hidden:
                kept.extend(children)
            else:
                kept.append(replace(entry, children=children))
        return tuple(kept)

    return replace(body, html=drop_no_toc(body.html, hidden), toc_html=drop_no_toc(body.toc_html, hidden),
                   toc=keep(body.toc))
