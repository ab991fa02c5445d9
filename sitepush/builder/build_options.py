"""Hugo's build options: which pages are rendered and which are listed, from front matter and ``cascade``.

Hugo ("Build options", "Front matter: cascade", "Headless bundles"):

- ``build`` (or ``_build``) in a page's front matter: ``render`` = ``always`` | ``never`` | ``link``
  (``false`` = never), ``list`` = ``always`` | ``never`` | ``local`` (``false`` = never);
- ``cascade`` in a section's ``_index.md`` passes its keys down to the section's pages and subsections
  unless a page sets the key itself or a closer section cascades it; an array of maps cascades each in
  turn (the first to set a key wins). Entries with a ``_target``/``target`` matcher are not followed here;
- ``headless: true`` is ``render: never, list: never`` (the bundle and its files are not published).

sitepush reads only these keys from a cascade; the rest of a page's front matter is its own. The section
carrying the cascade is covered by it too, as hugoDocs' ``_common/_index.md`` relies on (gohugo.io has no
``/_common/`` page). A page that is not rendered is not published at all (nor its bundle's files); one that
is rendered but not listed is published and left out of section listings, taxonomies and feeds.

Pure: the parsed sources in, each source's options out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BuildOptions:
    """Whether a page is rendered and whether it is listed."""

    render: bool = True
    listed: bool = True


def _lower(data: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key).lower(): value for key, value in data.items()}


def _read(build: Any) -> dict[str, bool]:
    """``{render: never, list: local}`` → ``{"render": False, "list": False}`` (only the keys given)."""
    if not isinstance(build, Mapping):
        return {}
    found: dict[str, bool] = {}
    for key, value in _lower(build).items():
        if key == "render":
            found["render"] = not (value is False or str(value).lower() == "never")
        elif key == "list":
            # "local": listed in its own section's collection only; sitepush has no other collection kind
            found["list"] = not (value is False or str(value).lower() in ("never", "local"))
    return found


def _own(params: Mapping[str, Any]) -> dict[str, bool]:
    lowered = _lower(params)
    own = _read(lowered.get("build", lowered.get("_build")))
    if lowered.get("headless") is True:
        own = {"render": False, "list": False, **own}
    return own


def _cascaded(params: Mapping[str, Any]) -> dict[str, bool]:
    cascade = _lower(params).get("cascade")
    entries = cascade if isinstance(cascade, list) else [cascade]
    found: dict[str, bool] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        lowered = _lower(entry)
        if "_target" in lowered or "target" in lowered:
            continue
        for key, value in _own(lowered).items():
            found.setdefault(key, value)
    return found


@dataclass(frozen=True)
class OptionSource:
    """What :func:`build_options` needs of one source."""

    rel: str
    params: Mapping[str, Any]
    is_section: bool


def build_options(sources: Iterable[OptionSource]) -> dict[str, BuildOptions]:
    """``rel`` → options, for every source whose options are not the defaults."""
    items = list(sources)
    cascades = {item.rel.rpartition("/")[0]: _cascaded(item.params) for item in items if item.is_section}
    cascades = {folder: values for folder, values in cascades.items() if values}
    options: dict[str, BuildOptions] = {}
    for item in items:
        values = _own(item.params)
        if cascades:
            folder = item.rel.rpartition("/")[0]
            while True:
                for key, value in cascades.get(folder, {}).items():
                    values.setdefault(key, value)
                if not folder:
                    break
                folder = folder.rpartition("/")[0]
        if values:
            chosen = BuildOptions(render=values.get("render", True), listed=values.get("list", True))
            if chosen != BuildOptions():
                options[item.rel] = chosen
    return options
