"""Front matter that is probably a mistake: warnings, never errors (the page still builds as written).

::

    front_matter_warnings(parsed, display) → [Problem]      pure, one per suspicious key

* a key close to one the builder understands (``titel``): it would silently become ``page.params.titel``;
* a term list written as one string with commas (``tags: meta, writing``): one tag "meta, writing";
* what reading the page left out (:attr:`PageMeta.warnings`): a date no generator reads, a missing include.
"""

from __future__ import annotations

import difflib

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
        close = difflib.get_close_matches(lowered, KNOWN_KEYS, n=1, cutoff=0.8)
        if close:
            warnings.append(Problem(f"unknown front matter key `{key}` (did you mean `{close[0]}`?)", display,
                                    parsed.line_of(lowered),
                                    f"rename it to `{close[0]}` (other keys reach templates as page.params)"))
    for taxonomy, terms in parsed.meta.taxonomies.items():
        for term in terms:
            if "," in term:
                listed = ", ".join(part.strip() for part in term.split(",") if part.strip())
                warnings.append(Problem(f'{taxonomy} "{term}" is one term with commas in it', display,
                                        parsed.line_of(taxonomy) or parsed.line_of("taxonomies"),
                                        f"for several, write a list: `{taxonomy}: [{listed}]`"))
    return warnings
