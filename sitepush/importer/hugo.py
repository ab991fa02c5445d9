"""``sitepush import hugo``: Hugo's configuration → a commented sitepush.toml with Hugo's conventions.

::

    SRC/hugo.toml | hugo.yaml | hugo.json | config.toml | … + SRC/config/_default/*.{toml,yaml,yml,json}
        → read_hugo_config (keys lower-cased, as Hugo reads them) → plan_hugo(config, …)      pure
        → ImportResult(toml_text, residue)

What maps (Hugo's "All settings" page names each key): title, baseURL (with its path: a site at
``https://example.org/docs/`` is built, deployed and served under ``/docs/``), languageCode, timeZone, params →
[site]; contentDir (or the default language's), staticDir, uglyURLs, summaryLength, pagination.pagerSize
(paginate), buildDrafts, buildFuture, taxonomies, permalinks (flat or ``page``) → [build]; menus.main →
[[menu]]. Per-page ``aliases``, ``cascade``, ``build``, ``headless`` and ``url`` are read by the builder
from front matter, so nothing is written for them. The rest (themes, layouts/, modules, output formats,
other menus) is residue.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitepush.errors import ConfigError
from sitepush.importer._yaml import read_yaml
from sitepush.importer.content_scan import content_residue
from sitepush.importer.model import ImportResult
from sitepush.importer.toml_writer import TomlDocument, tomlable

# Hugo's lookup order ("Configure Hugo: configuration file"): hugo.* before config.*.
CONFIG_NAMES = tuple(f"{stem}.{ext}" for stem in ("hugo", "config") for ext in ("toml", "yaml", "yml", "json"))
_EXTENSIONS = (".toml", ".yaml", ".yml", ".json")

MAPPED_KEYS = frozenset((
    "title", "baseurl", "languagecode", "timezone", "params", "contentdir", "staticdir", "uglyurls",
    "summarylength", "pagination", "paginate", "builddrafts", "buildfuture", "taxonomies", "permalinks",
    "menus", "menu", "languages", "defaultcontentlanguage", "theme", "module", "disablekinds", "ignorefiles",
    "outputs", "outputformats", "mediatypes", "markup", "author",
))
"""Keys planned below, mapped or reported; any other key with a value is reported as not carried over."""

QUIET_KEYS = frozenset((
    "enablerobotstxt", "enablegitinfo", "enableemoji", "enableinlineshortcodes", "canonifyurls",
    "relativeurls", "removepathaccents", "disablepathtolower", "defaultcontentlanguageinsubdir", "build",
    "caches", "imaging", "security", "minify", "related", "sitemap", "privacy", "services", "frontmatter",
    "enablemissingtranslationplaceholders", "titlecasestyle", "publishdir", "resourcedir", "archetypedir",
    "assetdir", "datadir", "i18ndir", "layoutdir", "themesdir", "workingdir", "cachedir", "deployment",
    "cleandestinationdir", "googleanalytics", "disqusshortname", "copyright", "pluralizelisttitles",
    "capitalizelisttitles", "refLinksErrorLevel".lower(), "reflinksnotfoundurl", "segments", "server", "http",
))
"""Keys sitepush either does the same way already (robots.txt, git dates, lower-case paths) or that
concern Hugo's own machinery (caches, imaging, security): not worth a line in the report."""


def _lowered(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key).lower(): _lowered(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lowered(item) for item in value]
    return value


def _load(path: Path, display: str) -> Any:
    if path.suffix == ".toml":
        try:
            return tomllib.loads(path.read_text("utf-8-sig"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"invalid TOML: {error}", file=display,
                              hint="fix the syntax; the import reads the file as Hugo does") from None
    if path.suffix == ".json":
        try:
            return json.loads(path.read_text("utf-8-sig"))
        except json.JSONDecodeError as error:
            raise ConfigError(f"invalid JSON: {error.msg}", file=display, line=error.lineno,
                              hint="fix the syntax; the import reads the file as Hugo does") from None
    return read_yaml(path, display)


def read_hugo_config(source: Path) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The merged configuration (keys lower-cased) and the files it came from, as Hugo merges them: the
    root file, then ``config/_default/`` (``hugo.*``/``config.*`` at the top, ``KEY.*`` under KEY,
    ``KEY.LANG.*`` under ``languages.LANG.KEY``)."""
    merged: dict[str, Any] = {}
    names: list[str] = []
    root = next((source / name for name in CONFIG_NAMES if (source / name).is_file()), None)
    if root is not None:
        data = _load(root, root.name)
        if not isinstance(data, dict):
            raise ConfigError("must be a table of settings", file=root.name, line=1,
                              hint="start it with e.g. `title = \"My site\"`")
        merged.update(_lowered(data))
        names.append(root.name)
    folder = source / "config" / "_default"
    if folder.is_dir():
        for path in sorted(p for p in folder.iterdir() if p.suffix in _EXTENSIONS and p.is_file()):
            display = f"config/_default/{path.name}"
            data = _lowered(_load(path, display))
            parts = path.stem.lower().split(".")
            if parts[0] in ("hugo", "config") and isinstance(data, dict):
                _merge(merged, data)
            elif len(parts) == 2:
                languages = merged.setdefault("languages", {})
                languages.setdefault(parts[1], {}).setdefault(parts[0], {})
                _merge_value(languages[parts[1]], parts[0], data)
            else:
                _merge_value(merged, parts[0], data)
            names.append(display)
    if not names:
        raise ConfigError(f"no Hugo configuration in {source}",
                          hint="pass the folder that holds hugo.toml (or config.toml, config/_default/)")
    return merged, tuple(names)


def _merge(into: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        _merge_value(into, key, value)


def _merge_value(into: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(value, dict) and isinstance(into.get(key), dict):
        _merge(into[key], value)
    else:
        into[key] = value


def import_hugo(source: Path, destination: Path) -> ImportResult:
    """The sitepush.toml for the Hugo site in ``source``, to be written in ``destination``."""
    data, names = read_hugo_config(source)
    content = _content_dir(data)
    static = data.get("staticdir", "static")
    statics = static if isinstance(static, list) else [static]
    destination = Path(os.path.abspath(destination))

    def relative(folder: str) -> str:
        # abspath, not resolve: a content folder linked in keeps the name the user gave it
        return Path(os.path.relpath(os.path.abspath(source / folder), destination)).as_posix()

    layouts = sorted(p.relative_to(source).as_posix() for p in (source / "layouts").rglob("*")
                     if p.is_file()) if (source / "layouts").is_dir() else []
    planned = plan_hugo(data, config_names=names, content_dir=relative(content),
                        static_dirs=tuple(relative(str(folder)) for folder in statics),
                        layouts=tuple(layouts),
                        has_assets=(source / "assets").is_dir(), has_data=(source / "data").is_dir())
    found = content_residue(source / content, display=content.rstrip("/"))
    return ImportResult(planned.toml_text, (*planned.residue, *found))


def _default_language(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``[languages.X]`` table of the default content language (empty when there is none)."""
    language = str(data.get("defaultcontentlanguage", "en")).lower()
    languages = data.get("languages")
    if isinstance(languages, dict) and isinstance(languages.get(language), dict):
        return languages[language]  # type: ignore[no-any-return]
    return {}


def _with_default_language(data: Mapping[str, Any]) -> dict[str, Any]:
    """The root settings with the default language's own (title, params, menus, …) merged over them, as
    Hugo builds that language's site."""
    merged = dict(data)
    for key, value in _default_language(data).items():
        if key in ("contentdir", "weight", "languagename", "languagedirection"):
            continue
        _merge_value(merged, key, value)
    return merged


def _mounts(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    module = data.get("module")
    mounts = module.get("mounts") if isinstance(module, dict) else None
    return [m for m in mounts if isinstance(m, dict)] if isinstance(mounts, list) else []


def _content_mount(data: Mapping[str, Any]) -> str | None:
    """The folder a ``[[module.mounts]]`` entry mounts as ``content`` (the default language's, or one
    without a language), as hugoDocs mounts content/en."""
    language = str(data.get("defaultcontentlanguage", "en")).lower()
    for mount in _mounts(data):
        if mount.get("target") == "content" and isinstance(mount.get("source"), str) \
                and str(mount.get("lang", language)).lower() == language:
            return str(mount["source"])
    return None


def _content_dir(data: Mapping[str, Any]) -> str:
    own = _default_language(data).get("contentdir")
    if isinstance(own, str) and own:
        return own
    mounted = _content_mount(data)
    if mounted:
        return mounted
    value = data.get("contentdir")
    return value if isinstance(value, str) and value else "content"


def plan_hugo(data: Mapping[str, Any], *, config_names: tuple[str, ...], content_dir: str,
              static_dirs: tuple[str, ...] = ("static",), layouts: tuple[str, ...] = (),
              has_assets: bool = False, has_data: bool = False) -> ImportResult:
    """The sitepush.toml text and residue for a merged, lower-cased Hugo configuration (pure)."""
    residue: list[str] = []
    data = _with_default_language(data)
    shown = " + ".join(config_names)
    doc = TomlDocument(
        f"sitepush.toml — imported from {shown} by `sitepush import hugo`. No content was copied: the pages",
        f"stay in {content_dir}/. After changing the Hugo configuration, import again with --force.",
        "Front matter keeps working as Hugo reads it: aliases (redirects), url, slug, weight, draft, dates,",
        "cascade, build (render/list = never) and headless bundles. Every key is in sitepush's README.")

    doc.table("site")
    doc.key("title", str(data.get("title") or "My site"), comment="title")
    base = data.get("baseurl")
    parts = urlsplit(base) if isinstance(base, str) else None
    if isinstance(base, str) and parts is not None and parts.scheme in ("http", "https") and parts.netloc:
        url = base if base.endswith("/") else base + "/"
        # A path (https://example.org/docs/) is kept: the site is built, deployed and served under it.
        doc.key("base_url", url, comment="baseURL" + (f": the site lives under {parts.path.rstrip('/')}/"
                                                       if parts.path.strip("/") else ""))
    else:
        doc.comment("baseURL is not set: write the public address here before deploying.")
        doc.key("base_url", "http://localhost/")
    language = data.get("languagecode")
    if isinstance(language, str) and language:
        doc.key("language", language, comment="languageCode")
    zone = data.get("timezone")
    if isinstance(zone, str) and zone:
        doc.key("timezone", zone, comment="timeZone")
    author = data.get("author") if isinstance(data.get("author"), str) else None
    if author:
        doc.key("author", author, comment="author")

    doc.table("build")
    doc.key("content_dir", content_dir, comment="contentDir, relative to this file")
    doc.key("static_dir", static_dirs[0], comment="staticDir, relative to this file")
    if len(static_dirs) > 1:
        residue.append(f"staticDir {list(static_dirs)}: sitepush copies one static folder — merge the others "
                       f"into {static_dirs[0]}")
    if data.get("uglyurls") is True:
        doc.key("pretty_urls", False, comment="uglyURLs = true: `a/b.md` → /a/b.html")
    summary = data.get("summarylength")
    if isinstance(summary, int) and not isinstance(summary, bool) and summary > 0:
        doc.key("summary_words", summary, comment="summaryLength")
    pager = data.get("pagination", {}).get("pagersize") if isinstance(data.get("pagination"), dict) else None
    pager = pager if pager is not None else data.get("paginate")
    if isinstance(pager, int) and not isinstance(pager, bool) and pager > 0:
        doc.key("paginate", pager, comment="pagination.pagerSize")
    for key, ours in (("builddrafts", "drafts"), ("buildfuture", "future")):
        if data.get(key) is True:
            doc.key(ours, True, comment=key)
    style = _highlight_style(data.get("markup"), residue)
    if style:
        doc.key("highlight_style", style, comment="markup.highlight.style (Chroma's styles are Pygments')")
    doc.key("taxonomies", _taxonomies(data, residue),
            comment="taxonomies (the plural names); Hugo's default is tags and categories")
    permalinks = _permalinks(data.get("permalinks"), residue)

    params = data.get("params")
    if isinstance(params, dict) and params:
        doc.table("site.params", comment="params: templates read them as site.params (keys lower-cased, as "
                                         "Hugo's .Site.Params)")
        for key, value in sorted(params.items()):
            doc.key(str(key), tomlable(value))
    if permalinks:
        doc.table("build.permalinks", comment="permalinks: each section's URL pattern, Hugo's tokens")
        for section, pattern in sorted(permalinks.items()):
            doc.key(section, pattern)
    _menus(doc, data, residue)

    theme = data.get("theme")
    if theme:
        residue.append(f"theme {theme if isinstance(theme, str) else ', '.join(map(str, theme))}: Go templates "
                       "— not carried over; sitepush's own theme is used, override it in templates/")
    if layouts:
        residue.append(f"layouts/ ({len(layouts)} files, Go templates, shortcodes among them): not carried "
                       "over — port them to templates/ (Jinja2)")
    if has_assets:
        residue.append("assets/ (Hugo Pipes: Sass, bundling, images): not carried over — put the built files "
                       "in the static folder")
    if has_data:
        residue.append("data/: Hugo templates read it as .Site.Data — not carried over; put what templates "
                       "need in [site.params]")
    module = data.get("module")
    if isinstance(module, dict) and module.get("imports"):
        residue.append("module imports: not carried over — vendor the files into the site")
    content_mount = _content_mount(data)
    other_mounts = [m for m in _mounts(data) if m.get("target") != "content" or m.get("source") != content_mount]
    if other_mounts:
        shown_mounts = ", ".join(f"{m.get('source')} → {m.get('target')}" for m in other_mounts)
        residue.append(f"module mounts ({shown_mounts}): not carried over — move the files where sitepush "
                       "looks (content_dir, static_dir, templates/)")
    for key, what in (("disablekinds", "disableKinds"), ("outputs", "outputs"),
                      ("outputformats", "outputFormats"), ("mediatypes", "mediaTypes"),
                      ("ignorefiles", "ignoreFiles (regular expressions)")):
        if data.get(key):
            fix = " — write the files to skip as [build] exclude patterns" if key == "ignorefiles" else ""
            residue.append(f"{what}: not carried over{fix}")
    languages = data.get("languages")
    if isinstance(languages, dict) and len(languages) > 1:
        residue.append(f"languages ({', '.join(sorted(map(str, languages)))}): sitepush builds the default "
                       "language's content folder; translations are files named page.LANG.md in it")
    for key in sorted(data):
        if key not in MAPPED_KEYS and key not in QUIET_KEYS and data[key] not in (None, "", [], {}, False):
            residue.append(f"{key}: not carried over (no sitepush equivalent)")
    return ImportResult(doc.text(), tuple(sorted(dict.fromkeys(residue))))


def _highlight_style(markup: Any, residue: list[str]) -> str | None:
    if not isinstance(markup, dict):
        return None
    for key in sorted(markup):
        if key not in ("highlight", "defaultmarkdownhandler") and markup[key]:
            residue.append(f"markup.{key}: not carried over — sitepush renders Markdown with Python-Markdown "
                           "(tables, footnotes, attribute lists, admonitions built in)")
    highlight = markup.get("highlight")
    style = highlight.get("style") if isinstance(highlight, dict) else None
    if not isinstance(style, str) or not style:
        return None
    from pygments.styles import get_all_styles

    if style.lower() in set(get_all_styles()):
        return style.lower()
    residue.append(f"markup.highlight.style {style}: not a Pygments style — set [build] highlight_style")
    return None


def _taxonomies(data: Mapping[str, Any], residue: list[str]) -> list[str]:
    taxonomies = data.get("taxonomies")
    if not isinstance(taxonomies, dict):
        return ["tags", "categories"]
    names = []
    for singular, plural in taxonomies.items():
        name = str(plural).strip().lower()
        if name and name.replace("-", "").replace("_", "").isalnum() and name[0].isalpha():
            names.append(name)
        else:
            residue.append(f"taxonomy {singular} = {plural!r}: not a name sitepush can use — rename it")
    return names


def _permalinks(value: Any, residue: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    found: dict[str, str] = {}
    for key, pattern in value.items():
        if isinstance(pattern, dict):  # Hugo 0.112: [permalinks.page], [permalinks.section], …
            if key == "page":
                found.update({str(k): str(v) for k, v in pattern.items() if isinstance(v, str)})
            else:
                residue.append(f"permalinks.{key}: not carried over — sitepush places {key} pages itself")
        elif isinstance(pattern, str):
            found[str(key)] = pattern
    usable = {}
    for section, pattern in found.items():
        written = pattern if pattern.startswith("/") else "/" + pattern
        if ".." in written.split("/"):
            residue.append(f"permalinks {section} = {pattern!r}: climbs out of the site — left out")
        else:
            usable[section] = written
    return usable


def _menus(doc: TomlDocument, data: Mapping[str, Any], residue: list[str]) -> None:
    menus = data.get("menus", data.get("menu"))
    if not isinstance(menus, dict):
        return
    first = True
    for name in sorted(menus):
        entries = menus[name]
        if name != "main":
            residue.append(f"menu {name}: not carried over — sitepush has one menu, [[menu]] (Hugo's main)")
            continue
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            title = entry.get("name") or entry.get("title") or entry.get("identifier")
            url = entry.get("url") or _page_ref_url(entry.get("pageref"))
            if not title or not isinstance(url, str) or not url:
                residue.append(f"menu main entry {entry.get('identifier') or title or '?'}: no name or "
                               "target — left out")
                continue
            if entry.get("parent"):
                residue.append(f"menu main entry {title}: a child of {entry['parent']} — sitepush's menu is "
                               "flat, so it is a top-level entry")
            doc.array_table("menu", comment="menus.main: the site's main navigation" if first else "")
            first = False
            doc.key("title", str(title))
            doc.key("url", url)
            weight = entry.get("weight")
            if isinstance(weight, int) and not isinstance(weight, bool):
                doc.key("weight", weight)


def _page_ref_url(ref: Any) -> str | None:
    """A menu ``pageRef`` (a content path: ``/about``, ``/posts/_index.md``) as the page's URL."""
    if not isinstance(ref, str) or not ref.strip():
        return None
    path = "/" + ref.strip().strip("/").lower()
    for suffix in (".md", ".markdown", ".html"):
        path = path.removesuffix(suffix)
    path = path.removesuffix("/_index").removesuffix("/index")
    return "/" if path in ("", "/", "/_index", "/index") else path + "/"


