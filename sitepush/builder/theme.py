"""The Jinja2 environment: where templates come from, the theme's filters, and template errors.

A site's ``templates/`` folder is searched first, so a file there replaces the default theme's file of
the same name (``page.html``, ``base.html``, ``macros.html``, ...); everything else comes from the
default theme shipped with sitepush.

Templates render in Jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment`. The Action builds pull
requests, so a template is code that anyone who can open one may write: in the sandbox it reaches the
context sitepush passes (``page``, ``site``, ``pages``, ``paginator``, ``term`` …, the theme's
filters and Jinja's own globals ``range``, ``dict``, ``lipsum``, ``cycler``, ``joiner``, ``namespace``)
and nothing else. Attributes that start with ``_`` (``__class__``, ``__globals__``, ``__init__``),
a function's internals and ``str.format`` on unsafe objects raise ``SecurityError`` — one error line
naming the template — so ``{{ cycler.__init__.__globals__.os.popen('id').read() }}`` runs nothing.
The sandbox does not limit time or memory: a template can still loop for long.

A broken template never shows a Python traceback: :func:`render_template` turns every error raised
while rendering into a :class:`~sitepush.errors.BuildError` that names the template file and line as
the user knows it (``templates/page.html:12`` for the site's own files, ``<theme>/page.html:12`` for
the default theme's).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
import jinja2.sandbox

from sitepush.builder.theme_files import THEME_LABEL, default_theme_dir
from sitepush.builder.theme_files import theme_assets as theme_assets  # re-exported
from sitepush.builder.urls import join_url, site_href
from sitepush.config import base_path_of
from sitepush.errors import BuildError, SitepushError

_TEMPLATE_HINT = "fix the template"

# strftime's "%-d" (no padding) is a glibc/BSD extension that Windows rejects; these are expanded
# by hand so that a theme renders the same bytes everywhere.
_UNPADDED = re.compile(r"%-([dmHIMSj])")


class ThemeEnvironment(jinja2.sandbox.SandboxedEnvironment):
    """A sandboxed Jinja2 environment that remembers how to name its template folders in error messages."""

    template_roots: tuple[tuple[Path, str], ...] = ()
    """(folder, label) pairs in search order: the site's folder relative to the site, then the theme."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe_attributes: set[tuple[type, str]] = set()

    # The sandbox's verdict on an attribute depends on the object's type and the name alone
    # (jinja2.sandbox.is_internal_attribute tests isinstance against function, method, type, code,
    # traceback, frame and generator types, then the name). Every page asks it a few hundred times
    # for the same (PageView, "title") pairs, so a pair found safe once takes the short way after.
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        safe = super().is_safe_attribute(obj, attr, value)
        if safe:
            self._safe_attributes.add((type(obj), attr))
        return bool(safe)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if (type(obj), attribute) in self._safe_attributes:
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once per machine, not once per command: Jinja2's bytecode cache in the user cache.

    Jinja2 checks each entry against the template's source (a checksum) and its own bytecode format, so an
    edited template or another Jinja2 compiles afresh. Its key is the template and not the environment's
    options, so the folder is named after those options. A cache that cannot be read or written only
    costs the compile it would have saved.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _compiled_templates(env: jinja2.Environment, autoescaped: tuple[str, ...],
                        base_url: str) -> jinja2.BytecodeCache | None:
    import hashlib
    import sys

    from sitepush.user_cache import cache_root

    # What the generated code depends on: the syntax, whitespace control, extensions, sandboxing, autoescape.
    key = repr((jinja2.__version__, sys.version_info[:2], type(env).__qualname__, env.sandboxed, autoescaped,
                env.block_start_string, env.block_end_string, env.variable_start_string,
                env.variable_end_string, env.comment_start_string, env.comment_end_string,
                env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                env.newline_sequence, env.keep_trailing_newline, env.optimized, sorted(env.extensions),
                # Jinja2's optimizer runs a filter with constant arguments at compile time, so
                # `"/assets/x.css"|relative_url` is compiled as "/docs/assets/x.css": the code depends on it.
                base_url))
    folder = cache_root() / "templates" / hashlib.sha256(key.encode()).hexdigest()[:16]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(str(folder))


def make_environment(site_templates: Path | None, *, site_root: Path, base_url: str) -> jinja2.Environment:
    """The environment every page is rendered with.

    Templates are looked up in ``site_templates`` first (when given), then in the default theme.
    HTML and XML templates are autoescaped; an undefined name or attribute is an error, never an empty
    string. Filters: ``datefmt``, ``isodate``, ``absolute_url`` and ``relative_url`` (bound to ``base_url``:
    a site path as a full URL, and as a link on the host, with the base URL's path in front).
    """
    theme = default_theme_dir()
    roots: list[tuple[Path, str]] = []
    if site_templates is not None:
        roots.append((site_templates, _display_root(site_templates, site_root)))
    roots.append((theme, THEME_LABEL))
    autoescaped = ("html", "htm", "xml")
    env = ThemeEnvironment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(folder)) for folder, _ in roots]),
        autoescape=jinja2.select_autoescape(autoescaped, default_for_string=True, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.bytecode_cache = _compiled_templates(env, autoescaped, base_url)
    env.template_roots = tuple(roots)
    env.filters["datefmt"] = datefmt
    env.filters["isodate"] = isodate

    def absolute_url_filter(path: str) -> str:
        return absolute_url(base_url, path)

    base_path = base_path_of(base_url)

    def relative_url_filter(path: str) -> str:
        return site_href(path, base_path)

    env.filters["absolute_url"] = absolute_url_filter
    env.filters["relative_url"] = relative_url_filter
    return env


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render template ``name`` with ``context``; any template problem becomes one BuildError line.

    A missing top-level template raises a BuildError without a file, so that the caller's
    ``source_context`` names the page whose ``template:`` asked for it.
    """
    roots = _roots_of(env)
    try:
        template = env.get_template(name)
        return template.render(context)
    except SitepushError:
        raise
    except jinja2.TemplateNotFound as error:
        located = _template_location(error.__traceback__, roots)
        if located is None:
            raise BuildError(
                f'template "{name}" not found in {_searched(roots)}',
                hint=f"create {roots[0][1]}/{name} or fix the page's `template:` value",
            ) from None
        raise BuildError(
            f'template "{error.name}" not found in {_searched(roots)}',
            file=located[0], line=located[1], hint=_TEMPLATE_HINT,
        ) from None
    except jinja2.TemplateSyntaxError as error:
        file = _display_file(error.filename, roots) if error.filename else error.name
        raise BuildError(error.message or str(error), file=file, line=error.lineno,
                         hint=_TEMPLATE_HINT) from None
    except Exception as error:
        located = _template_location(error.__traceback__, roots)
        if located is None:
            raise  # not raised by template code: a bug in sitepush, whose traceback is wanted
        raise BuildError(_describe(error), file=located[0], line=located[1],
                         hint=_TEMPLATE_HINT) from None


def datefmt(value: date | None, fmt: str = "%B %-d, %Y") -> str:
    """``value`` formatted with strftime's ``fmt`` ("May 1, 2024"); "" for None.

    ``%-d``, ``%-m``, ``%-H``, ``%-I``, ``%-M``, ``%-S`` and ``%-j`` (no zero padding) work on every
    platform.
    """
    if value is None:
        return ""
    if not isinstance(value, date):
        raise TypeError(f"datefmt expects a date, got {type(value).__name__} {value!r}")
    return value.strftime(_UNPADDED.sub(lambda match: _unpadded(value, match.group(1)), fmt))


def isodate(value: date | None) -> str:
    """RFC 3339: ``2024-05-01T10:00:00+00:00`` for a datetime, ``2024-05-01`` for a date; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"isodate needs a date with a time zone, got {value.isoformat()}")
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"isodate expects a date, got {type(value).__name__} {value!r}")


def absolute_url(base_url: str, path: str) -> str:
    """``path`` (a site path such as ``/blog/``) joined to ``base_url`` with exactly one slash between.

    A full ``http(s)://`` URL is returned unchanged (menu entries may point off the site).
    """
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", path):
        return path
    return join_url(base_url, path)


def _unpadded(value: date, code: str) -> str:
    if code == "j":
        return str(value.timetuple().tm_yday)
    if code == "I":
        return str((getattr(value, "hour", 0) % 12) or 12)
    attribute = {"d": "day", "m": "month", "H": "hour", "M": "minute", "S": "second"}[code]
    return str(getattr(value, attribute, 0))


def _display_root(folder: Path, site_root: Path) -> str:
    try:
        return folder.resolve().relative_to(site_root.resolve()).as_posix()
    except ValueError:
        return folder.as_posix()


def _roots_of(env: jinja2.Environment) -> tuple[tuple[Path, str], ...]:
    if isinstance(env, ThemeEnvironment):
        return env.template_roots
    # A plain environment (a caller's own): name its folders by their absolute paths.
    loaders = env.loader.loaders if isinstance(env.loader, jinja2.ChoiceLoader) else [env.loader]
    roots: list[tuple[Path, str]] = []
    for loader in loaders:
        if isinstance(loader, jinja2.FileSystemLoader):
            roots.extend((Path(p), str(p)) for p in loader.searchpath)
    return tuple(roots)


def _display_file(filename: str, roots: Sequence[tuple[Path, str]]) -> str:
    """``templates/page.html`` or ``<theme>/page.html`` for a template's path on disk."""
    path = Path(filename).resolve()
    for folder, label in roots:
        try:
            rel = path.relative_to(folder.resolve())
        except ValueError:
            continue
        return f"{label}/{rel.as_posix()}"
    return filename


def _template_location(
    tb: TracebackType | None, roots: Sequence[tuple[Path, str]]
) -> tuple[str, int] | None:
    """File and line of the innermost template frame in ``tb`` (Jinja rewrites template frames so
    that they carry the template's path and line), or None when no template code was running."""
    folders = [folder.resolve() for folder, _ in roots]
    located: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.startswith("<") and any(
            Path(filename).resolve().is_relative_to(folder) for folder in folders
        ):
            located = (_display_file(filename, roots), tb.tb_lineno)
        tb = tb.tb_next
    return located


def _searched(roots: Sequence[tuple[Path, str]]) -> str:
    labels = [f"{label}/" for _, label in roots]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _describe(error: Exception) -> str:
    # Jinja's own errors read well as they are; Python's need their type to make sense
    # ("unsupported operand type(s) for +" says nothing without "TypeError").
    if isinstance(error, jinja2.TemplateError):
        message = str(error.message or error)
        return _VIEW_NAMES.sub(lambda m: f"'{_VIEW_WORDS.get(m.group(1), m.group(1))}'", message)
    return f"{type(error).__name__}: {error}"


# "'sitepush.builder.views.PageView object' has no attribute 'titel'" names an internal class; a theme
# author knows the variable: "'page' has no attribute 'titel'".
_VIEW_WORDS = {"PageView": "page", "SiteView": "site", "PageSummary": "page summary (in pages)",
               "Paginator": "paginator", "TermRef": "term", "TaxonomyView": "taxonomy", "Link": "link",
               "TocEntry": "toc entry"}
_VIEW_NAMES = re.compile(r"'sitepush\.builder\.(?:views|model)\.(\w+) object'")
