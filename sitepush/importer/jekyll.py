"""``sitepush import jekyll``: a Jekyll site's ``_config.yml`` → a commented sitepush.toml in Jekyll mode.

::

    SRC/_config.yml (+ a look at SRC's folders and front matter) → plan_jekyll(config, facts)   pure
                   → ImportResult(toml_text, residue)

The toml turns on ``[build] conventions = "jekyll"`` with ``content_dir`` at SRC: at build time the
builder reads ``_config.yml`` itself (permalinks, collections, defaults, exclude/include, timezone and
``site.*`` for Liquid), so it stays the source of truth and the user keeps editing it. What the toml
carries is what sitepush needs without building: the title, the base URL (``url`` + ``baseurl``), the
description, author, language and time zone, ``paginate``, the docs layout for a just-the-docs site,
and — as comments, since the build makes them from front matter — the redirects and excludes it saw.
What Jekyll runs and sitepush does not (the theme and its layouts, plugins, Sass) is residue.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from sitepush.errors import ConfigError
from sitepush.importer.model import ImportResult
from sitepush.importer.toml_writer import TomlDocument

CONFIG_NAME = "_config.yml"

PLUGINS_DONE = {
    "jekyll-redirect-from": "redirect_from/redirect_to become S3 redirects",
    "jekyll-sitemap": "sitepush writes sitemap.xml",
    "jekyll-feed": "sitepush writes an Atom feed (feed.xml)",
    "jekyll-seo-tag": "sitepush's theme writes the title, description and canonical link",
    "jekyll-include-cache": "includes are rendered by sitepush's Liquid",
    "jekyll-relative-links": "links to .md files are resolved to their pages",
    "jekyll-optional-front-matter": None,
    "jekyll-default-layout": "sitepush's theme renders every page",
    "jekyll-titles-from-headings": "a page without a title takes its first heading",
    "jekyll-paginate": "sitepush paginates its listings ([build] paginate)",
}
"""Plugins whose effect sitepush has itself (None: one it does not: residue)."""

PLUGINS_PARTLY = {
    "jekyll-github-metadata": "plugin jekyll-github-metadata: site.github has what `repository:` names "
                              "(repository_url, owner_name…); contributors and releases, from GitHub's API, are empty",
}
"""Plugins sitepush does part of: the residue line says which part is missing."""

_NAV_KEYS_RE = re.compile(r"^(?:nav_order|parent|grand_parent|has_children):", re.M)


@dataclass(frozen=True)
class JekyllFolder:
    """What the import looked at besides ``_config.yml``."""

    content_dir: str
    """SRC relative to DEST (``.`` when they are one folder)."""
    layouts: tuple[str, ...] = ()
    """Files in ``_layouts/``."""
    sass: bool = False
    """``_sass/`` or ``.scss`` files with front matter: Jekyll compiles them, sitepush does not."""
    docs_nav: bool = False
    """Pages use just-the-docs' ``nav_order``/``parent``: the docs layout with its sidebar."""
    redirects: tuple[tuple[str, str], ...] = ()
    """(from, to) seen in front matter: ``redirect_from`` (to the page's source) and ``redirect_to``."""
    static_folders: tuple[str, ...] = ()
    """``static``/``templates`` folders of SRC, which sitepush would read as its own (so moved aside)."""


def import_jekyll(source: Path, destination: Path) -> ImportResult:
    """The sitepush.toml for the Jekyll site in ``source``, to be written in ``destination``."""
    path = source / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"no {CONFIG_NAME} in {source}", hint="pass the folder that holds _config.yml")
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ConfigError(f"invalid YAML: {getattr(error, 'problem', None) or error}", file=CONFIG_NAME,
                          line=mark.line + 1 if mark is not None else None,
                          hint="fix the YAML (Jekyll would not build it either)") from None
    except UnicodeDecodeError:
        raise ConfigError("is not valid UTF-8", file=CONFIG_NAME, hint="save the file as UTF-8") from None
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of settings", file=CONFIG_NAME, line=1,
                          hint="write `key: value` lines, e.g. `title: My site`")
    return plan_jekyll(data, look_at(source, destination))


def look_at(source: Path, destination: Path) -> JekyllFolder:
    """The facts about SRC the plan needs: layouts, Sass, just-the-docs navigation, redirects."""
    content_dir = Path(os.path.relpath(source.resolve(), destination.resolve())).as_posix()
    layouts = tuple(sorted(p.relative_to(source / "_layouts").as_posix()
                           for p in (source / "_layouts").rglob("*") if p.is_file())) \
        if (source / "_layouts").is_dir() else ()
    sass = (source / "_sass").is_dir() or any(
        p.read_bytes()[:4] == b"---\n" for p in source.glob("assets/**/*.scss") if p.is_file())
    docs_nav = False
    redirects: list[tuple[str, str]] = []
    for page in sorted(source.rglob("*.md")):
        rel = page.relative_to(source).as_posix()
        if any(part.startswith((".", "_")) and part != "_posts" for part in rel.split("/")[:-1]) \
                or "node_modules/" in rel or "vendor/" in rel:
            continue
        text = page.read_text("utf-8", errors="replace")
        if not text.startswith("---"):
            continue
        front = text[3:].split("\n---", 1)[0]
        docs_nav = docs_nav or bool(_NAV_KEYS_RE.search(front))
        if "redirect_" in front:
            try:
                meta = yaml.safe_load(front) or {}
            except yaml.YAMLError:
                continue
            if not isinstance(meta, dict):
                continue
            olds = meta.get("redirect_from") or []
            for old in olds if isinstance(olds, list) else [olds]:
                redirects.append((str(old), rel))
            if isinstance(meta.get("redirect_to"), str):
                redirects.append((rel, str(meta["redirect_to"])))
    static = tuple(name for name in ("static", "templates") if (source / name).is_dir()
                   and content_dir == ".")
    return JekyllFolder(content_dir, layouts, sass, docs_nav, tuple(redirects), static)


def _text(value: Any) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or "")
    return "" if value is None else str(value)


def plan_jekyll(data: Mapping[str, Any], folder: JekyllFolder) -> ImportResult:
    """The sitepush.toml text and residue for a parsed ``_config.yml`` and what was seen in SRC (pure)."""
    residue: list[str] = []
    doc = TomlDocument(
        "sitepush.toml — imported from _config.yml by `sitepush import jekyll`. No content was copied:",
        f"the pages stay in {folder.content_dir}/, and _config.yml stays the source of truth — the build reads",
        "its permalink, collections, defaults, exclude/include, timezone and site.* (for Liquid) every time.",
        "Every key is in sitepush's README (config reference).")

    doc.table("site")
    doc.key("title", _text(data.get("title")) or "My site", comment="title")
    url = _text(data.get("url")).rstrip("/")
    baseurl = _text(data.get("baseurl")).strip("/")
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        doc.key("base_url", url + "/" + (baseurl + "/" if baseurl else ""), comment="url + baseurl")
    else:
        doc.comment("url is not set in _config.yml: write the public address here before deploying.")
        doc.key("base_url", "http://localhost/" + (baseurl + "/" if baseurl else ""))
    for key, ours in (("description", "description"), ("author", "author"), ("lang", "language"),
                      ("timezone", "timezone")):
        value = _text(data.get(key)).strip()
        if value:
            doc.key(ours, value, comment=key)

    doc.table("build")
    doc.key("conventions", "jekyll", comment="build this folder as Jekyll would (_config.yml read at build time)")
    doc.key("content_dir", folder.content_dir, comment="the Jekyll source folder")
    if folder.content_dir == ".":
        doc.comment("_site/ is where Jekyll builds too; Jekyll mode never reads a folder starting with _.")
    for name in folder.static_folders:
        doc.key(f"{name}_dir", f"_sitepush/{name}",
                comment=f"{name}/ is Jekyll content here: sitepush's own {name} folder moves aside")
    if folder.docs_nav or "just-the-docs" in _text(data.get("theme")) + _text(data.get("remote_theme")):
        doc.key("layout", "docs", comment="parent/nav_order front matter: the docs sidebar, in nav_order")
    if isinstance(data.get("paginate"), int) and data["paginate"] > 0:
        doc.key("paginate", data["paginate"], comment="paginate")

    if folder.redirects:
        doc.blank()
        doc.comment("Redirects seen in front matter (the build makes these itself from redirect_from and "
                    "redirect_to; listed so you can see them):")
        for old, new in folder.redirects:
            doc.comment(f"  {old} -> {new}")
    excludes = [str(e) for e in data.get("exclude") or [] if e is not None]
    if excludes:
        doc.blank()
        doc.comment("Not published (exclude: in _config.yml, applied at build time): " + ", ".join(excludes))

    theme = _text(data.get("theme")) or _text(data.get("remote_theme"))
    if theme:
        residue.append(f"theme {theme}: Jekyll themes are not used; sitepush's theme renders the pages")
    named = sorted({str(rule["values"]["layout"]) for rule in data.get("defaults") or []
                    if isinstance(rule, Mapping) and isinstance(rule.get("values"), Mapping)
                    and rule["values"].get("layout")})
    if folder.layouts or named:
        what = f"_layouts/ ({len(folder.layouts)} files)" if folder.layouts else "layout: " + ", ".join(named)
        residue.append(f"{what}: Jekyll layouts are not used; sitepush's theme renders every page "
                       "(override it in templates/)")
    for plugin in _plugins(data):
        if plugin in PLUGINS_PARTLY:
            residue.append(PLUGINS_PARTLY[plugin])
        elif PLUGINS_DONE.get(plugin) is None:
            residue.append(f"plugin {plugin}: not run (sitepush has no Jekyll plugins)")
    if folder.sass:
        residue.append("Sass (_sass/, .scss with front matter): not compiled; sitepush's theme has its own CSS")
    markdown = _text(data.get("markdown")).lower()
    if markdown and markdown != "kramdown":
        residue.append(f"markdown: {data['markdown']}: sitepush renders Python-Markdown with kramdown's "
                       "attribute lists")
    return ImportResult(doc.text(), tuple(sorted(dict.fromkeys(residue))))


def _plugins(data: Mapping[str, Any]) -> Sequence[str]:
    found: list[str] = []
    for key in ("plugins", "gems"):
        value = data.get(key)
        for item in value if isinstance(value, list) else []:
            if isinstance(item, str):
                found.append(item)
    return sorted(dict.fromkeys(found))
