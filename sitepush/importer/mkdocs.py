"""``sitepush import mkdocs``: mkdocs.yml → a commented sitepush.toml with MkDocs' conventions.

::

    SRC/mkdocs.yml → read_yaml (tolerant of !ENV, !!python/name:) → plan_mkdocs(config, …)   pure
                   → ImportResult(toml_text, residue)

What maps (MkDocs' "Configuration" page names each key): site_name/site_url/site_description/site_author →
[site]; docs_dir → [build] content_dir (relative to DEST); use_directory_urls → pretty_urls; nav →
[[nav]] (section titles, external links, index/README pages); exclude_docs → [build] exclude (with
MkDocs' default ``/templates/`` and the theme's custom_dir when they sit inside docs_dir);
extra_css/extra_javascript → [site]; repo_url + edit_uri → [site] edit_url; extra → [site.params];
mkdocs-redirects' redirect_maps → [[redirects]]. What does not (the theme, other plugins, Markdown
extensions sitepush lacks) is residue.
"""

from __future__ import annotations

import os
import posixpath
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sitepush.errors import ConfigError
from sitepush.importer._yaml import read_yaml
from sitepush.importer.content_scan import content_residue
from sitepush.importer.model import ImportResult
from sitepush.importer.toml_writer import TomlDocument, tomlable

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")

SUPPORTED_EXTENSIONS: Mapping[str, str] = {
    "abbr": "built in", "admonition": "built in", "attr_list": "built in", "def_list": "built in",
    "footnotes": "built in", "md_in_html": "built in", "tables": "built in", "toc": "built in",
    "meta": "front matter is read as YAML", "fenced_code": "built in",
    "codehilite": "code is highlighted by sitepush (Pygments, [build] highlight_style)",
    "extra": "built in (abbr, attr_list, def_list, fenced_code, footnotes, md_in_html, tables)",
    "sane_lists": "built in", "pymdownx.details": "built in", "pymdownx.tasklist": "built in",
    "pymdownx.superfences": "built in (custom fences are not)",
    "pymdownx.highlight": "code is highlighted by sitepush (Pygments, [build] highlight_style)",
}
"""Python-Markdown and pymdown-extensions names whose syntax sitepush's renderer already reads."""

MAPPED_PLUGINS = ("search", "redirects", "tags")

# mkdocs/config/config_options.py (EditURI): the default edit_uri for the hosts MkDocs knows.
_DEFAULT_EDIT_URI = {"github.com": "edit/master/docs/", "gitlab.com": "edit/master/docs/",
                     "bitbucket.org": "src/default/docs/"}


def import_mkdocs(source: Path, destination: Path) -> ImportResult:
    """The sitepush.toml for the MkDocs site in ``source``, to be written in ``destination``."""
    config_path = next((source / name for name in CONFIG_NAMES if (source / name).is_file()), None)
    if config_path is None:
        raise ConfigError(f"no mkdocs.yml in {source}", hint="pass the folder that holds mkdocs.yml")
    data = read_yaml(config_path, config_path.name)
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of settings", file=config_path.name, line=1,
                          hint="start it with e.g. `site_name: My Docs`")
    docs_dir = str(data.get("docs_dir") or "docs")
    docs_path = Path(os.path.abspath(source / docs_dir))  # not resolve(): a linked folder keeps its name
    content_dir = Path(os.path.relpath(docs_path, os.path.abspath(destination))).as_posix()
    custom_dir = _theme(data).get("custom_dir")
    inside: list[str] = []
    if isinstance(custom_dir, str):
        rel = Path(os.path.relpath(os.path.abspath(source / custom_dir), docs_path)).as_posix()
        if not rel.startswith(".."):
            inside.append(rel)
    has_templates = (docs_path / "templates").is_dir()
    planned = plan_mkdocs(data, content_dir=content_dir, config_name=config_path.name,
                          theme_folders_inside=tuple(inside), has_templates_folder=has_templates)
    written = tomllib.loads(planned.toml_text)["build"].get("exclude", [])
    found = content_residue(docs_path, display=docs_dir.rstrip("/"), exclude=tuple(written))
    return ImportResult(planned.toml_text, (*planned.residue, *found))


def _theme(data: Mapping[str, Any]) -> dict[str, Any]:
    theme = data.get("theme")
    if isinstance(theme, str):
        return {"name": theme}
    return dict(theme) if isinstance(theme, dict) else {}


def _named(entries: Any) -> list[tuple[str, Any]]:
    """``[a, {b: {...}}]`` (plugins, markdown_extensions) → ``[(a, {}), (b, {...})]``; a mapping too."""
    if isinstance(entries, dict):
        return [(str(k), v) for k, v in entries.items()]
    found: list[tuple[str, Any]] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, str):
            found.append((entry, {}))
        elif isinstance(entry, dict):
            found.extend((str(k), v) for k, v in entry.items())
    return found


def mkdocs_url(rel: str, *, directory_urls: bool) -> str:
    """The URL MkDocs gives ``rel`` (``structure/files.py``: ``File.url``): ``a/b.md`` → ``/a/b/``
    (``/a/b.html`` without directory URLs); ``index.md`` and ``README.md`` → their folder."""
    folder, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    prefix = "/" + (folder + "/" if folder else "")
    if stem in ("index", "README"):
        return prefix  # the folder's index.html, served as the folder
    return prefix + stem + ("/" if directory_urls else ".html")


def _is_url(text: str) -> bool:
    return "://" in text or text.startswith(("mailto:", "//"))


def plan_mkdocs(data: Mapping[str, Any], *, content_dir: str, config_name: str = "mkdocs.yml",
                theme_folders_inside: Sequence[str] = (), has_templates_folder: bool = False) -> ImportResult:
    """The sitepush.toml text and residue for a parsed mkdocs.yml (pure)."""
    residue: list[str] = []
    doc = TomlDocument(
        f"sitepush.toml — imported from {config_name} by `sitepush import mkdocs`. No content was copied:",
        f"the pages stay in {content_dir}/. After changing {config_name}, import again with --force.",
        "Every key is in sitepush's README (config reference).")
    directory_urls = data.get("use_directory_urls", True) is not False

    doc.table("site")
    doc.key("title", str(data.get("site_name") or "My docs"), comment="site_name")
    site_url = data.get("site_url")
    if isinstance(site_url, str) and urlsplit(site_url).scheme in ("http", "https") and urlsplit(site_url).netloc:
        doc.key("base_url", site_url if site_url.endswith("/") else site_url + "/", comment="site_url")
    else:
        doc.comment("site_url is not set: write the public address here before deploying.")
        doc.key("base_url", "http://localhost/")
    for key, ours in (("site_description", "description"), ("site_author", "author")):
        if isinstance(data.get(key), str) and data[key]:
            doc.key(ours, data[key], comment=key)
    language = _theme(data).get("language")
    if isinstance(language, str) and language:
        doc.key("language", language, comment="theme.language")
    edit = _edit_url(data)
    if edit:
        doc.key("edit_url", edit, comment="repo_url + edit_uri: each page links to its source there")
    elif data.get("repo_url"):
        doc.comment("edit_uri is empty in the MkDocs config: no \"edit this page\" link.")
    for key in ("extra_css", "extra_javascript"):
        items = [_asset(item) for item in data.get(key) or []]
        items = [item for item in items if item]
        if items:
            doc.key(key, items, comment=f"{key}, linked from every page")

    doc.table("build")
    doc.key("content_dir", content_dir, comment="docs_dir, relative to this file")
    doc.key("layout", "docs", comment="a sidebar in nav order, previous/next links (MkDocs' layout)")
    doc.key("pretty_urls", directory_urls,
            comment="use_directory_urls: `a/b.md` → " + ("/a/b/" if directory_urls else "/a/b.html"))
    doc.key("url_names", "as-written",
            comment="MkDocs keeps file and folder names in URLs as written: `CONTRIBUTING.md` → /CONTRIBUTING/")
    plugins = _named(data.get("plugins", ["search"]))
    plugin_names = [name.split("/")[-1] for name, _ in plugins]
    doc.key("taxonomies", ["tags"] if "tags" in plugin_names else [],
            comment="MkDocs has no taxonomies" + (" (the tags plugin: front-matter tags)"
                                                  if "tags" in plugin_names else ""))
    excludes = _excludes(data, theme_folders_inside, has_templates_folder)
    if excludes:
        doc.key("exclude", excludes, comment="exclude_docs (gitignore-style), MkDocs' default /templates/ "
                                             "and the theme's folder: neither built nor copied")
    if "search" in plugin_names:
        doc.commented_key("search", True, comment="the search plugin: sitepush indexes with Pagefind "
                                                  "(needs `pip install pagefind[bin]`)")
    for name, _ in _named(data.get("markdown_extensions", [])):
        short = name.removeprefix("markdown.extensions.")
        if short in SUPPORTED_EXTENSIONS:
            doc.comment(f"markdown_extensions {name}: {SUPPORTED_EXTENSIONS[short]}.")
    not_in_nav = data.get("not_in_nav")
    if not_in_nav:
        doc.comment(f"not_in_nav ({' '.join(str(not_in_nav).split())}): pages outside [[nav]] are built "
                    "anyway and sitepush does not warn about them, so nothing to set.")

    params = data.get("extra")
    if isinstance(params, dict) and params:
        doc.table("site.params", comment="extra: what the MkDocs theme read as config.extra")
        for key, value in params.items():
            doc.key(str(key), tomlable(value))

    nav = data.get("nav")
    if isinstance(nav, list) and nav:
        doc.blank()
        doc.comment("nav: the sidebar and the reading order (previous/next). An entry without a title "
                    "takes the page's own title, as MkDocs does.")
        _write_nav(doc, nav, "nav", residue)

    redirect_maps = next((options.get("redirect_maps") for name, options in plugins
                          if name.split("/")[-1] == "redirects" and isinstance(options, dict)), None)
    if isinstance(redirect_maps, dict) and redirect_maps:
        first = True
        for old, new in sorted(redirect_maps.items(), key=lambda item: str(item[0])):
            source = mkdocs_url(str(old).lstrip("/"), directory_urls=directory_urls)
            target = _redirect_target(str(new), directory_urls)
            doc.array_table("redirects", comment="mkdocs-redirects' redirect_maps: old page → new page, "
                                                 "served by S3 as a 301" if first else "")
            first = False
            doc.key("from", source)
            doc.key("to", target)

    _theme_residue(data, residue)
    for name, _ in plugins:
        short = name.split("/")[-1]
        if short not in MAPPED_PLUGINS:
            residue.append(f"plugin {name}: not carried over — sitepush has no plugins; port what it "
                           "generates by hand")
    for name, _ in _named(data.get("markdown_extensions", [])):
        short = name.removeprefix("markdown.extensions.")
        if short not in SUPPORTED_EXTENSIONS:
            residue.append(f"markdown extension {name}: not supported — its syntax stays as text")
    for key in ("hooks", "watch", "validation", "copyright", "remote_branch", "remote_name"):
        if data.get(key):
            residue.append(f"{key}: not carried over (no sitepush equivalent)")
    return ImportResult(doc.text(), tuple(sorted(dict.fromkeys(residue))))


def _edit_url(data: Mapping[str, Any]) -> str:
    repo = data.get("repo_url")
    if not isinstance(repo, str) or not repo:
        return ""
    edit_uri = data.get("edit_uri")
    if edit_uri is None:
        edit_uri = _DEFAULT_EDIT_URI.get(urlsplit(repo).netloc.lower().removeprefix("www."), "")
    if not isinstance(edit_uri, str) or not edit_uri:
        return ""
    if _is_url(edit_uri):
        url = edit_uri
    else:
        # MkDocs joins them as URLs: "edit/master/docs/" under the repo, "?path=" as a query.
        url = repo.rstrip("/") + ("/" if not edit_uri.startswith(("?", "#", "/")) else "") + edit_uri
    return url if url.endswith(("/", "=")) else url + "/"


def _asset(item: Any) -> str:
    if isinstance(item, dict):  # MkDocs 1.5: {path: x.js, defer: true, type: module}
        item = item.get("path")
    return str(item).strip() if item else ""


def _excludes(data: Mapping[str, Any], inside: Sequence[str], has_templates: bool) -> list[str]:
    patterns: list[str] = []
    if has_templates:
        patterns.append("/templates/")
    patterns.extend(f"/{folder.strip('/')}/" for folder in inside)
    written = data.get("exclude_docs")
    if isinstance(written, str):
        patterns.extend(line.strip() for line in written.splitlines()
                        if line.strip() and not line.strip().startswith("#"))
    return list(dict.fromkeys(patterns))


def _write_nav(doc: TomlDocument, entries: list[Any], table: str, residue: list[str]) -> None:
    for entry in entries:
        title, target = ("", entry) if not isinstance(entry, dict) or len(entry) != 1 \
            else next(iter(entry.items()))
        if isinstance(entry, dict) and len(entry) != 1:
            residue.append(f"nav entry {sorted(map(str, entry))}: not one title and one target — left out")
            continue
        if target is None or isinstance(target, (dict, bool, int, float)):
            residue.append(f"nav entry {title!s}: no page, link or children — left out")
            continue
        if table == "nav":
            doc.blank()
        link = str(target)
        if not isinstance(target, list) and not _is_url(link) and not link.endswith((".md", ".markdown")) \
                and not link.startswith("/"):
            # MkDocs keeps such an entry as a link relative to each page; sitepush's nav links absolutely
            residue.append(f"nav entry {title or link}: {link} is neither a page nor an absolute link — left out")
            continue
        doc.array_table(table)
        if title:
            doc.key("title", str(title))
        if isinstance(target, list):
            if not title:
                residue.append("nav: a group without a title — its entries are kept under an untitled group")
            _write_nav(doc, target, f"{table}.children", residue)
        elif _is_url(link) or not link.endswith((".md", ".markdown")):
            doc.key("url", link)
        else:
            doc.key("page", posixpath.normpath(str(target)).lstrip("/"))


def _redirect_target(new: str, directory_urls: bool) -> str:
    if _is_url(new):
        return new
    path, hashmark, fragment = new.partition("#")
    url = mkdocs_url(path.lstrip("/"), directory_urls=directory_urls) if path.endswith((".md", ".markdown")) \
        else "/" + path.lstrip("/")
    return url + (hashmark + fragment if fragment else "")


def _theme_residue(data: Mapping[str, Any], residue: list[str]) -> None:
    theme = _theme(data)
    name = theme.get("name") or "mkdocs"
    settings = sorted(key for key in theme if key not in ("name", "custom_dir", "language"))
    details = f" ({', '.join(settings)})" if settings else ""
    residue.append(f"theme {name}{details}: not carried over — sitepush's own docs theme is used; "
                   "override its templates in templates/")
    if theme.get("custom_dir"):
        residue.append(f"theme custom_dir {theme['custom_dir']}: MkDocs templates (Jinja2 over MkDocs' "
                       "context) — port them to templates/ by hand")
