"""A Jekyll site's own settings, read from its ``_config.yml`` and ``_data/`` at build time.

``_config.yml`` stays the source of truth in Jekyll mode (``[build] conventions = "jekyll"``): the
permalink style, collections, front-matter defaults, time zone, ``exclude``/``include``, and every
other key as ``site.*`` for Liquid. ``_data/*.yml|yaml|json|csv`` become ``site.data.NAME`` (folders
nest). Jekyll's own defaults apply where the file is silent (``permalink: date``, its default
excludes, ``include: [.htaccess]``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from sitepush.builder.jekyll.permalinks import collection_template, style_template
from sitepush.errors import ConfigError

CONFIG_FILE = "_config.yml"
DEFAULT_EXCLUDE = (".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock", "node_modules",
                   "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/")
"""Jekyll 4's ``Configuration::DEFAULTS["exclude"]``, added to the site's own list."""
SITEPUSH_EXCLUDE = ("sitepush.toml",)
"""sitepush's own files in a Jekyll folder: never published."""


@dataclass(frozen=True)
class Collection:
    """One ``collections:`` entry (``posts`` is always one, with ``output: true``)."""

    label: str
    output: bool
    permalink: str
    """The template its documents' URLs are made with."""
    folder: str
    """``_label`` under ``collections_dir``, '/'-separated, relative to the source folder."""


@dataclass(frozen=True)
class DefaultRule:
    """One ``defaults:`` entry: front matter ``values`` for the sources its scope matches."""

    path: str
    type: str | None
    values: Mapping[str, Any] = field(compare=False, hash=False)


@dataclass(frozen=True)
class JekyllSite:
    """What the builder needs from ``_config.yml``; equal digests mean equal settings."""

    digest: str
    permalink: str | None
    """The ``permalink:`` setting as written (a style name or a template), None when absent."""
    collections: tuple[Collection, ...]
    defaults: tuple[DefaultRule, ...]
    timezone: str | None
    exclude: tuple[str, ...]
    include: tuple[str, ...]
    baseurl: str
    url: str
    site: Mapping[str, Any] = field(compare=False, hash=False, repr=False)
    """``site.*`` for Liquid: every key of ``_config.yml`` plus ``data``."""
    source: Path = field(compare=False, hash=False, default=Path("."))
    includes_dir: Path = field(compare=False, hash=False, default=Path("_includes"))

    @property
    def post_template(self) -> str:
        """The template posts' URLs are made with."""
        posts = self.collection("posts")
        return posts.permalink if posts else style_template(self.permalink)

    def collection(self, label: str) -> Collection | None:
        """The collection called ``label``, if the site has it."""
        return next((c for c in self.collections if c.label == label), None)


_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str) -> Any:
    """``yaml.safe_load(text)``, read by libyaml's loader when PyYAML has it: the pure-Python one took
    ~15 ms for just-the-docs' 7 KB ``_config.yml``, which a build reads twice. A document libyaml
    refuses is read again by the pure-Python loader, so that its error (and its wording) is the one
    reported, as before."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError:
        return yaml.safe_load(text)


def read_jekyll_site(source: Path) -> JekyllSite:
    """Read ``SOURCE/_config.yml`` (absent: Jekyll's defaults) and ``SOURCE/_data/``.

    A ``_config.yml`` that is not YAML, or not a mapping, is a :class:`ConfigError` at its line; so is
    Jekyll mode without python-liquid (the ``jekyll`` extra).
    """
    import importlib.util

    try:
        # The extra Jekyll mode needs: checked here to fail early, in one line (imported on first use).
        missing = importlib.util.find_spec("liquid") is None
    except ValueError:  # in sys.modules as None: imports of it fail
        missing = True
    if missing:
        raise ConfigError('[build] conventions = "jekyll" renders Liquid with python-liquid, which is not installed',
                          file="sitepush.toml", hint="pip install 'sitepush[jekyll]'") from None
    path = source / CONFIG_FILE
    raw = b""
    data: dict[str, Any] = {}
    if path.is_file():
        raw = path.read_bytes()
        try:
            loaded = _load_yaml(raw.decode("utf-8")) if raw.strip() else {}
        except UnicodeDecodeError:
            raise ConfigError("is not valid UTF-8", file=CONFIG_FILE, hint="save the file as UTF-8") from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise ConfigError(f"invalid YAML: {getattr(error, 'problem', None) or error}", file=CONFIG_FILE,
                              line=mark.line + 1 if mark is not None else None,
                              hint="fix the YAML (Jekyll would not build it either)") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError("must be a mapping of settings", file=CONFIG_FILE, line=1,
                              hint="write `key: value` lines, e.g. `title: My site`")
        data = loaded
    site_data, data_digest = _read_data(source / str(data.get("data_dir") or "_data"))
    site = dict(data)
    site["data"] = site_data
    if "github" not in site and isinstance(data.get("repository"), str) and "/" in data["repository"]:
        site["github"] = github_metadata(data["repository"], data)
    permalink = str(data["permalink"]) if data.get("permalink") else None
    collections_dir = str(data.get("collections_dir") or "").strip("/")
    collections = _collections(data.get("collections"), permalink, collections_dir)
    defaults = _defaults(data.get("defaults"))
    exclude = tuple(dict.fromkeys([*(str(e) for e in _list(data.get("exclude"))), *DEFAULT_EXCLUDE,
                                   *SITEPUSH_EXCLUDE]))
    include = tuple(str(e) for e in _list(data.get("include", [".htaccess"])))
    includes = hashlib.md5(usedforsecurity=False)
    includes_dir = source / str(data.get("includes_dir") or "_includes")
    if includes_dir.is_dir():  # an include's text is part of every page that includes it
        for item in sorted(includes_dir.rglob("*")):
            if item.is_file():
                includes.update(item.relative_to(includes_dir).as_posix().encode() + b"|" + item.read_bytes())
    digest = hashlib.md5(raw + b"|" + data_digest.encode() + includes.hexdigest().encode(),
                         usedforsecurity=False).hexdigest()
    timezone = str(data["timezone"]) if data.get("timezone") else None
    if timezone is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f'timezone "{timezone}" is not an IANA time zone', file=CONFIG_FILE,
                              hint='write e.g. `timezone: America/New_York`') from None
    return JekyllSite(
        digest=digest, permalink=permalink, collections=collections, defaults=defaults,
        timezone=timezone,
        exclude=exclude, include=include,
        baseurl=str(data.get("baseurl") or "").rstrip("/"), url=str(data.get("url") or "").rstrip("/"),
        site=site, source=source, includes_dir=includes_dir)


@lru_cache(maxsize=16)
def _setting_cached(path: Path, stamp: tuple[int, int], key: str) -> Any:
    try:
        loaded = _load_yaml(path.read_text("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return loaded.get(key) if isinstance(loaded, dict) else None


def jekyll_setting(source: Path, key: str) -> Any:
    """One top-level ``_config.yml`` setting (None when absent), read again only when the file changes."""
    path = source / CONFIG_FILE
    try:
        stat = path.stat()
    except OSError:
        return None
    return _setting_cached(path, (stat.st_mtime_ns, stat.st_size), key)


def github_metadata(repository: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """What jekyll-github-metadata puts in ``site.github`` that follows from ``repository: owner/name``
    alone (no GitHub API calls: ``contributors`` and ``releases`` are empty)."""
    owner, _, name = repository.strip().strip("/").partition("/")
    base = f"https://github.com/{owner}/{name}"
    return {"repository_nwo": f"{owner}/{name}", "repository_name": name, "owner_name": owner,
            "owner_url": f"https://github.com/{owner}", "repository_url": base, "project_title": name,
            "issues_url": f"{base}/issues", "clone_url": f"{base}.git", "url": str(data.get("url") or ""),
            "baseurl": str(data.get("baseurl") or ""), "contributors": [], "releases": [], "public_repositories": []}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _collections(value: Any, permalink: str | None, collections_dir: str) -> tuple[Collection, ...]:
    entries: dict[str, dict[str, Any]] = {}
    if isinstance(value, list):  # the old form: a list of labels
        entries = {str(label): {} for label in value}
    elif isinstance(value, dict):
        entries = {str(label): (meta if isinstance(meta, dict) else {}) for label, meta in value.items()}
    posts = entries.setdefault("posts", {})
    posts["output"] = True
    prefix = collections_dir + "/" if collections_dir else ""
    found = []
    for label, meta in entries.items():
        if label == "posts":
            template = style_template(str(meta.get("permalink") or permalink or "date"))
        else:
            own = meta.get("permalink")
            template = collection_template(str(own) if own else None, site_permalink=permalink)
        found.append(Collection(label, bool(meta.get("output", False)), template, f"{prefix}_{label}"))
    return tuple(found)


def _defaults(value: Any) -> tuple[DefaultRule, ...]:
    rules = []
    for entry in _list(value):
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        found = entry.get("scope")
        scope: dict[str, Any] = found if isinstance(found, dict) else {}
        rules.append(DefaultRule(str(scope.get("path") or ""), str(scope["type"]) if scope.get("type") else None,
                                 entry["values"]))
    return tuple(rules)


def _read_data(folder: Path) -> tuple[dict[str, Any], str]:
    """``_data/a/b.yml`` → ``{"a": {"b": ...}}``; a file that does not parse is left out."""
    found: dict[str, Any] = {}
    digest = hashlib.md5(usedforsecurity=False)
    if not folder.is_dir():
        return found, ""
    for path in sorted(folder.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in (".yml", ".yaml", ".json", ".csv", ".tsv"):
            continue
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        text = path.read_text("utf-8", errors="replace")
        digest.update(f"{rel.as_posix()}|{text}".encode())
        try:
            if suffix in (".yml", ".yaml"):
                value: Any = _load_yaml(text)
            elif suffix == ".json":
                value = json.loads(text)
            else:
                value = list(csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ","))
        except (yaml.YAMLError, ValueError):
            continue
        target = found
        for part in rel.parts[:-1]:
            target = target.setdefault(part, {})
        target[rel.stem] = value
    return found, digest.hexdigest()
