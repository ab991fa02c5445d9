"""Front matter that is probably a mistake: warnings, never errors (the page still builds as written).

::

    front_matter_warnings(parsed, display) → [Problem]      pure, one per suspicious key

* a key close to one the builder understands (``titel``): it would silently become ``page.params.titel``;
* a term list written as one string with commas (``tags: meta, writing``): one tag "meta, writing";
* what reading the page left out (:attr:`PageMeta.warnings`): a date no generator reads, a missing include.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from sitepush.builder.site import ParsedSource
from sitepush.errors import Problem

KNOWN_KEYS = ("title", "date", "lastmod", "updated", "modified", "publishdate", "publish_date", "expirydate",
              "expiry_date", "draft", "slug", "url", "permalink", "aliases", "tags", "categories",
              "taxonomies", "weight", "description", "summary", "template", "layout", "params", "extra")


def front_matter_warnings(parsed: ParsedSource, display: str) -> list[Problem]:
    """The warnings of one source's front matter; ``display`` is its path as messages name it."""
    warnings = list(parsed.meta.warnings)
    for key in parsed.meta.params:
        lowered = str(key).lower()
        if lowered in KNOWN_KEYS:
            continue
        close = _close_key(lowered)
        if close:
            warnings.append(Problem(f"unknown front matter key `{key}` (did you mean `{close}`?)", display,
                                    parsed.line_of(lowered),
                                    f"rename it to `{close}` (other keys reach templates as page.params)"))
    for taxonomy, terms in parsed.meta.taxonomies.items():
        for term in terms:
            if "," in term:
                listed = ", ".join(part.strip() for part in term.split(",") if part.strip())
                warnings.append(Problem(f'{taxonomy} "{term}" is one term with commas in it', display,
                                        parsed.line_of(taxonomy) or parsed.line_of("taxonomies"),
                                        f"for several, write a list: `{taxonomy}: [{listed}]`"))
    return warnings


@lru_cache(maxsize=4096)
def _close_key(lowered: str) -> str | None:
    # Sites repeat the same few extra keys on every page: difflib runs once per distinct key, not
    # once per page (on hugo-docs, 1,497 lookups of a few dozen keys were a third of a rebuild).
    close = difflib.get_close_matches(lowered, KNOWN_KEYS, n=1, cutoff=0.8)
    return close[0] if close else None
