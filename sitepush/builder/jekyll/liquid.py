"""Liquid as Jekyll renders it, with python-liquid: a page's text in, the text Markdown will read out.

::

    LiquidRenderer(site) ── render(body, page, display, first_line) ──► (text, warnings)

- ``site.*`` is ``_config.yml`` with ``site.data`` (``_data/``); ``page.*`` is the page's front matter
  (defaults applied) with ``url``, ``date``, ``categories``, ``tags``, ``path``;
- Jekyll's tags: ``include`` (from ``_includes/``, ``key="value"`` parameters as ``include.key``),
  ``link`` and ``post_url`` (left as links to the source file, which the builder resolves and checks
  like any Markdown link), ``highlight`` (a fenced code block), ``raw`` (Liquid's own);
- Jekyll's filters a docs site uses: ``relative_url``, ``absolute_url``, ``jsonify``, ``slugify``,
  ``markdownify``, ``date_to_string``…, ``where``, ``group_by``, ``xml_escape``, ``normalize_whitespace``;
- an include the folder lacks is a warning at its line and the tag renders as nothing; a filter or tag
  Liquid does not know is a warning too, never a stopped build. A syntax error Jekyll would stop on is
  a :class:`BuildError` at its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from liquid import Environment, FileSystemLoader, Mode, Node, Tag, TokenStream, is_undefined
from liquid.ast import BlockNode
from liquid.builtin.expressions import FilteredExpression
from liquid.builtin.expressions._tokenize import tokenize
from liquid.context import RenderContext
from liquid.exceptions import LiquidError, TemplateNotFoundError, UnknownFilterError
from liquid.parser import get_parser
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

from sitepush.builder.jekyll.config import JekyllSite
from sitepush.builder.jekyll.filters import jekyll_filters
from sitepush.builder.model import LINK_PLACEHOLDER
from sitepush.errors import BuildError, Problem

_PARAM_RE = re.compile(r"""([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s"']+)""")
_VARIABLE_RE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


class JekyllEnvironment(Environment):
    """A Liquid environment that knows the site and collects the warnings of the render in progress."""

    keyword_assignment = True

    def __init__(self, site: JekyllSite) -> None:
        super().__init__(tolerance=Mode.STRICT, loader=FileSystemLoader(site.includes_dir),
                         strict_filters=True)
        self.site = site
        self.warnings: list[Problem] = []
        self.where: tuple[str, str, int] = ("", "", 1)
        """(display path, body text, line of its first line) of the page being rendered."""
        for tag in (IncludeTag, IncludeCachedTag, IncludeRelativeTag, LinkTag, PostUrlTag, HighlightTag):
            self.add_tag(tag)
        for name, function in jekyll_filters(site).items():
            self.add_filter(name, function)

    def warn(self, token: Token, message: str, hint: str) -> None:
        """A warning at the line ``token`` is on (in the page, or in the include it came from)."""
        display, body, first = self.where
        if token.source is body:
            line: int | None = first + body.count("\n", 0, token.start_index)
            file = display
        else:
            line, file = None, display
        self.warnings.append(Problem(message, file, line, hint))


def _raw_expression(stream: TokenStream, *, block: bool = False) -> tuple[Token, str]:
    """The tag's token and its argument text as written. The parser steps past the token a tag
    leaves current, so an inline tag stays on its last token and a block tag moves into its body."""
    token = stream.current
    if stream.peek.kind != TOKEN_EXPRESSION:
        if block:
            next(stream)
        return token, ""
    next(stream)
    text = stream.current.value
    if block:
        next(stream)
    return token, text


def _expand(text: str, context: RenderContext) -> str:
    """``{{ var }}`` inside a tag's argument (``{% include {{ page.x }}.html %}``), rendered."""
    def value(match: re.Match[str]) -> str:
        found = _evaluate(match.group(1), context)
        return "" if found is None else str(found)
    return _VARIABLE_RE.sub(value, text)


def _evaluate(expression: str, context: RenderContext) -> Any:
    try:
        parent = Token(TOKEN_EXPRESSION, expression, 0, expression)
        parsed = FilteredExpression.parse(context.env, TokenStream(tokenize(expression, parent_token=parent)))
        result = parsed.evaluate(context)
    except LiquidError:
        return None
    return None if is_undefined(result) else result


class _IncludeNode(Node):
    def __init__(self, token: Token, text: str, relative: bool = False) -> None:
        super().__init__(token)
        self.text = text
        self.relative = relative
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        env = context.env
        assert isinstance(env, JekyllEnvironment)
        name, _, rest = self.text.strip().partition(" ")
        name = _expand(name, context)
        params: dict[str, Any] = {}
        for key, raw in _PARAM_RE.findall(_expand(rest, context) if "{{" in rest else rest):
            if raw[:1] in "\"'":
                params[key] = raw[1:-1]
            else:
                params[key] = _evaluate(raw, context)
        if self.relative:
            return self._render_relative(env, context, name, params, buffer)
        try:
            template = env.get_template(name, context=context, tag="include")
        except TemplateNotFoundError:
            env.warn(self.token, f"include {name} is not in {env.site.includes_dir.name}/, left out",
                     f"add {env.site.includes_dir.name}/{name} or remove the include")
            return 0
        with context.extend({"include": params}, template=template):
            template.render_with_context(context, buffer, partial=True)
        return 1


    def _render_relative(self, env: JekyllEnvironment, context: RenderContext, name: str,
                         params: dict[str, Any], buffer: TextIO) -> int:
        page = context.resolve("page")
        folder = str(page.get("path", "")).rpartition("/")[0] if isinstance(page, Mapping) else ""
        source = env.site.source.resolve()
        path = (source / folder / name).resolve()
        if not path.is_relative_to(source) or not path.is_file():
            env.warn(self.token, f"include_relative {name} is not beside the page, left out",
                     "give a path relative to the page's folder, inside the site")
            return 0
        template = env.from_string(path.read_text("utf-8", errors="replace"))
        with context.extend({"include": params}, template=template):
            template.render_with_context(context, buffer, partial=True)
        return 1


class IncludeTag(Tag):
    """``{% include file.html key="value" other=page.x %}`` (Jekyll's, not Shopify's)."""

    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, text = _raw_expression(stream)
        return _IncludeNode(token, text)


class _LinkNode(Node):
    def __init__(self, token: Token, text: str, posts: bool) -> None:
        super().__init__(token)
        self.text = text
        self.posts = posts
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        env = context.env
        assert isinstance(env, JekyllEnvironment)
        target = _expand(self.text.strip(), context).strip()
        if self.posts:
            found = _post_source(env.site.source, target)
            if found is None:
                env.warn(self.token, f"post_url {target}: no such post",
                         "give the post's file name without extension, e.g. 2024-05-01-my-post")
                return 0
            target = found
        # Left as a link to the source file: the builder resolves it to the page's URL and says so,
        # at its line, when no page is there (Jekyll stops the build instead).
        return buffer.write(LINK_PLACEHOLDER + "/" + target.lstrip("/"))


def _post_source(source: Path, name: str) -> str | None:
    folder, _, stem = name.strip("/").rpartition("/")
    for path in sorted(source.glob(f"**/_posts/**/{stem}.*")):
        rel = path.relative_to(source).as_posix()
        if not folder or rel.startswith(folder + "/") or f"/{folder}/" in "/" + rel:
            return rel
    return None


class LinkTag(Tag):
    """``{% link docs/page.md %}``: the URL of the page made from that source."""

    name = "link"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, text = _raw_expression(stream)
        return _LinkNode(token, text, posts=False)


class PostUrlTag(Tag):
    """``{% post_url 2024-05-01-title %}``: the URL of that post."""

    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, text = _raw_expression(stream)
        return _LinkNode(token, text, posts=True)


class _HighlightNode(Node):
    def __init__(self, token: Token, language: str, block: BlockNode) -> None:
        super().__init__(token)
        self.language = language
        self.block = block
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        from io import StringIO

        inner = StringIO()
        self.block.render(context, inner)
        code = inner.getvalue().strip("\n")
        words = self.language.split()
        language = words[0] if words else ""
        options = ' linenums="1"' if "linenos" in words[1:] else ""
        fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", code)), default=0))
        # A fenced block of its own (blank lines around it), as kramdown reads the highlighted HTML.
        return buffer.write(f"\n{fence}{language}{options}\n{code}\n{fence}\n")


class HighlightTag(Tag):
    """``{% highlight ruby linenos %}…{% endhighlight %}`` → a fenced code block."""

    name = "highlight"
    end = "endhighlight"
    block = True

    def parse(self, stream: TokenStream) -> Node:
        token, text = _raw_expression(stream, block=True)
        block = get_parser(self.env).parse_block(stream, (self.end,))
        stream.expect(TOKEN_TAG, value=self.end)
        return _HighlightNode(token, text, block)


_UNKNOWN_TAG_RE = re.compile(r"unexpected tag '([\w-]+)'")
_MAX_UNKNOWN_TAGS = 20


class _UnknownNode(Node):
    def __init__(self, token: Token) -> None:
        super().__init__(token)
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        env = context.env
        assert isinstance(env, JekyllEnvironment)
        env.warn(self.token, f"Liquid tag {{% {self.token.value} %}} is a Jekyll plugin's, left out",
                 "remove it, or write what it made by hand")
        return 0


def _unknown_tag(tag_name: str) -> type[Tag]:
    class UnknownTag(Tag):
        name = tag_name
        block = False

        def parse(self, stream: TokenStream) -> Node:
            token, _ = _raw_expression(stream)
            return _UnknownNode(token)

    return UnknownTag


class IncludeRelativeTag(Tag):
    """``{% include_relative snippet.md %}``: a file beside the page, rendered in its place."""

    name = "include_relative"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token, text = _raw_expression(stream)
        return _IncludeNode(token, text, relative=True)


def _pass_through(value: Any, *args: Any, **kwargs: Any) -> Any:
    return value


class IncludeCachedTag(IncludeTag):
    """jekyll-include-cache's ``{% include_cached %}``: an include (rendered each time here)."""

    name = "include_cached"


class LiquidRenderer:
    """One per process and site: renders page bodies as Liquid the way Jekyll does."""

    def __init__(self, site: JekyllSite) -> None:
        self.env = JekyllEnvironment(site)
        self.site = site

    def render(self, body: str, page: Mapping[str, Any], *, display: str, first_line: int
               ) -> tuple[str, tuple[Problem, ...]]:
        """``body`` rendered; warnings for what was left out. Raises BuildError at a syntax error's line."""
        if "{" not in body:
            return body, ()
        env = self.env
        env.warnings = []
        env.where = (display, body, first_line)
        template = None
        for _ in range(_MAX_UNKNOWN_TAGS):
            try:
                template = env.from_string(body)
                break
            except LiquidError as error:
                unknown = _UNKNOWN_TAG_RE.fullmatch(getattr(error, "message", "") or "")
                if unknown is None or unknown.group(1) in env.tags:
                    raise _error_at(error, display, body, first_line) from None
                # A plugin's tag (seo, include_relative, gist…): said where it is, rendered as nothing.
                env.add_tag(_unknown_tag(unknown.group(1)))
        if template is None:
            raise BuildError("Liquid: too many tags sitepush does not know", file=display,
                             hint="remove the plugins' tags from the page")
        said: list[Problem] = []
        for _ in range(_MAX_UNKNOWN_TAGS):
            env.warnings = []
            try:
                text = template.render(site=self.site.site, page=page, paginator=None)
                return text, (*said, *env.warnings)
            except UnknownFilterError as error:
                found = re.search(r"unknown filter '([\w-]+)'", getattr(error, "message", "") or "")
                if found is None:
                    raise _error_at(error, display, body, first_line) from None
                # A plugin's filter: said once at its line, and it hands its input on unchanged.
                env.warnings = []
                env.warn(error.token or Token("", "", 0, ""),
                         f"Liquid filter {found.group(1)} is a Jekyll plugin's, its input is used as it is",
                         "remove the filter, or write what it made by hand")
                said.extend(env.warnings)
                env.add_filter(found.group(1), _pass_through)
            except LiquidError as error:
                raise _error_at(error, display, body, first_line) from None
        raise BuildError("Liquid: too many filters sitepush does not know", file=display,
                         hint="remove the plugins' filters from the page")


def _error_at(error: LiquidError, display: str, body: str, first_line: int) -> BuildError:
    token = error.token
    line = first_line + body.count("\n", 0, token.start_index) if token is not None and token.source is body \
        else None
    message = getattr(error, "message", None) or str(error).splitlines()[0]
    return BuildError(f"Liquid: {message}", file=display, line=line,
                      hint="fix the tag (Jekyll stops on it too), or wrap it in {% raw %}…{% endraw %}")


def iter_liquid(text: str) -> Iterator[str]:
    """Every Liquid tag or output left in ``text`` (for tests of residue)."""
    yield from re.findall(r"\{%.*?%\}|\{\{.*?\}\}", text, re.S)
