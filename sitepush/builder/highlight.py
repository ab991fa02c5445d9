"""Code highlighting with Pygments: CSS classes only, lexers and formatters built once per process.

Profiling a build with ``markdown.extensions.codehilite`` showed about 70 % of the time going to
Pygments set-up rather than to highlighting: ``guess_lexer`` tries every lexer on every unnamed
block, an unknown name scans the installed entry points again on every block, and each new
``HtmlFormatter`` rebuilds its style table. So here:

* a language name is looked up once per process, hits and misses alike (:func:`_lexer_for`), among
  Pygments' built-in lexers only: plugin lexers are not consulted, because finding them loads every
  installed plugin (IPython, for one) and would make a site's HTML depend on what else is installed;
* a lexer is never guessed: no name or an unknown name gives a plain, escaped ``<pre><code>``;
* one formatter per option set (highlighted lines, line numbers) is kept (:func:`_formatter_for`).

The caches are plain per-process module state: each worker of a process pool fills its own, and
nothing in them depends on the page being rendered.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from functools import lru_cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.styles import get_all_styles
from pygments.util import ClassNotFound

from sitepush.errors import BuildError

CSS_CLASS = "highlight"
"""Class of the ``<div>`` around highlighted code; :func:`highlight_css` scopes every rule to it."""

_lexers: dict[str, Lexer | None] = {}
_builtin_aliases: frozenset[str] = frozenset()


def highlight_code(code: str, lang: str | None, *, hl_lines: Sequence[int] = (),
                   linenums: bool = False) -> str:
    """HTML for one code block.

    A language Pygments knows gives ``<div class="highlight"><pre><span></span><code>…``
    with token classes (never inline styles); ``hl_lines`` (1-based) are wrapped in
    ``<span class="hll">`` and ``linenums`` adds a line-number table. No language, or one
    Pygments does not know, gives ``<pre><code class="language-NAME">`` with the code escaped
    (no class without a name) — the lexer is never guessed from the code.
    """
    lexer = _lexer_for(lang) if lang else None
    if lexer is None:
        class_attr = f' class="language-{html.escape(lang, quote=True)}"' if lang else ""
        return f"<pre><code{class_attr}>{html.escape(code, quote=False)}</code></pre>"
    formatter = _formatter_for(tuple(sorted({n for n in hl_lines if n > 0})), linenums)
    return highlight(code, lexer, formatter).rstrip("\n")


def _lexer_for(lang: str) -> Lexer | None:
    key = lang.lower()
    try:
        return _lexers[key]
    except KeyError:
        pass
    global _builtin_aliases
    if not _builtin_aliases:
        # Reads Pygments' static table; imports no lexer module.
        _builtin_aliases = frozenset(alias for _, aliases, _, _ in get_all_lexers(plugins=False)
                                     for alias in aliases)
    lexer: Lexer | None = None
    if key in _builtin_aliases:
        # stripnl=False keeps leading blank lines, so hl_lines count the lines the author sees.
        # handlecodeblocks=False: the Markdown and reST lexers would otherwise look up the language
        # of every fence inside the example, uncached and through every plugin on a miss (~15 ms each).
        lexer = get_lexer_by_name(key, stripnl=False, handlecodeblocks=False)
    _lexers[key] = lexer
    return lexer


@lru_cache(maxsize=256)
def _formatter_for(hl_lines: tuple[int, ...], linenums: bool) -> HtmlFormatter[str]:
    return HtmlFormatter(
        cssclass=CSS_CLASS,
        wrapcode=True,
        hl_lines=list(hl_lines),
        # A table keeps the numbers out of a copy of the code.
        linenos="table" if linenums else False,
    )


def highlight_css(light_style: str, dark_style: str) -> str:
    """The stylesheet for highlighted code: ``light_style``'s rules, then ``dark_style``'s where the
    page is dark. Every rule is scoped to ``.highlight``.

    Dark follows the theme's switch (``theme.js`` sets ``<html data-theme>``): dark when the reader
    prefers dark and has not chosen light, or has chosen dark whatever the system says.
    Raises :class:`BuildError` naming ``sitepush.toml`` when either style does not exist.
    """
    light = _style_rules(light_style)
    dark = _style_rules(dark_style)
    system_dark = "\n".join(f'  :root:not([data-theme="light"]) {rule}' for rule in dark)
    chosen_dark = "\n".join(f':root[data-theme="dark"] {rule}' for rule in dark)
    return (
        f"/* Pygments style {light_style!r}; {dark_style!r} when the page is dark */\n"
        + "\n".join(light)
        + "\n@media (prefers-color-scheme: dark) {\n"
        + system_dark
        + "\n}\n"
        + chosen_dark
        + "\n"
    )


def _style_rules(style: str) -> list[str]:
    try:
        formatter: HtmlFormatter[str] = HtmlFormatter(style=style, cssclass=CSS_CLASS)
    except ClassNotFound:
        raise BuildError(f'unknown highlight style "{style}"', file="sitepush.toml",
                         hint=f"use one of: {', '.join(_style_suggestions(style))}, ...") from None
    selector = f".{CSS_CLASS}"
    # Pygments writes the line-number rules unscoped (`pre { … }`, `td.linenos …`); scope them so
    # the stylesheet never touches the theme's other <pre> elements.
    # (The stubs leave these methods untyped; each returns a list of CSS rules.)
    linenos: list[str] = formatter.get_linenos_style_defs()  # type: ignore[no-untyped-call]
    background: list[str] = formatter.get_background_style_defs(selector)  # type: ignore[no-untyped-call]
    tokens: list[str] = formatter.get_token_style_defs(selector)  # type: ignore[no-untyped-call]
    return [f"{selector} {rule}" for rule in linenos] + background + tokens


def _style_suggestions(style: str) -> list[str]:
    names = sorted(get_all_styles())
    close = difflib.get_close_matches(style, names, n=3, cutoff=0.5)
    common: list[str] = [name for name in ("default", "friendly", "monokai", "github-dark") if name in names]
    return list(dict.fromkeys(close + common))[:5]
