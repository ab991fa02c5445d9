"""Which CloudFront paths a deploy invalidates, in how many requests, at what cost. Pure.

Only objects that were *updated* (content, headers, redirect target) or *deleted* can be stale in an
edge cache; a new key was never cached (beyond a short-lived error response). Paths are the site's URL
paths: the deploy prefix is stripped, because the distribution's origin path points at it. A page
``a/b/index.html`` is reachable as ``/a/b/index.html`` and as ``/a/b/`` (the S3 website index
document), so both are invalidated; the home page ``index.html`` also as ``/``.

When there are more paths than the budget, directories are collapsed into wildcards (``/docs/*``):
the collapse chosen is the one that fits the budget and re-fetches the fewest objects that did not
change, measured over all of the site's keys when the caller passes them, and otherwise the one
whose wildcards cover the fewest folders (the deepest). ``/*`` is the last resort.

AWS documents behind the rules (Amazon CloudFront Developer Guide):

* "What you need to know when invalidating paths": paths start with ``/``; non-ASCII characters and
  the characters RFC 1738 calls unsafe are percent-encoded, no other character is; ``*`` matches zero
  or more characters and may only be the last character; a path is at most 4,000 characters.
* "Concurrent invalidation request maximum": at most 3,000 file paths and 15 wildcard paths in
  progress per distribution, so each batch stays within both and batches run one after another.
* "Paying for file invalidation": the first 1,000 paths a month are free, then $0.005 a path; a
  wildcard path counts as one path however many files it matches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAX_PATHS_PER_BATCH = 3000
MAX_WILDCARDS_PER_BATCH = 15
PRICE_PER_PATH_USD = 0.005
INDEX_DOCUMENT = "index.html"

# RFC 1738 §2.2: "unsafe" characters, plus "%" itself; "?" is reserved and would start a query, so a
# key holding one can only be requested (and cached) as %3F. Control characters and non-ASCII are
# always encoded. Everything else stays as is, as the CloudFront guide requires.
_UNSAFE = frozenset(' <>"#%{}|\\^~[]`?')

# A collapse is scored (objects that did not change but are invalidated, folders covered): the first
# is what a collapse costs the origin; the second prefers the deepest wildcards when the first ties.
_Cost = tuple[int, int]
_FREE: _Cost = (0, 0)


def invalidation_paths(updated: Iterable[str], deleted: Iterable[str], *, prefix: str, budget: int,
                       site_keys: Iterable[str] | None = None) -> tuple[str, ...]:
    """The CloudFront paths to invalidate after updating and deleting these S3 keys, sorted.

    Keys outside ``prefix`` are ignored; the prefix is stripped from the rest. At most ``budget``
    paths are returned (``budget`` ≥ 1): above it, folders collapse to wildcards as the module says.
    ``site_keys`` (S3 keys, prefix included) are all the objects the site holds, before and after the
    deploy, used to measure how many unchanged objects a wildcard would invalidate.
    """
    if budget < 1:
        raise ValueError(f"the invalidation budget must be at least 1, not {budget}")
    required = {key[len(prefix):] for key in (*updated, *deleted)
                if key.startswith(prefix) and len(key) > len(prefix)}
    literal = sorted({path for key in required for path in _paths_for_key(key)})
    if len(literal) <= budget:
        return tuple(literal)
    universe = set(required)
    if site_keys is not None:
        universe.update(key[len(prefix):] for key in site_keys
                        if key.startswith(prefix) and len(key) > len(prefix))
    return tuple(_collapse(required, universe, budget))


def invalidation_cost_usd(paths: Sequence[str]) -> float:
    """What invalidating ``paths`` costs at $0.005 a path, a wildcard counting as one path.

    An upper bound: it assumes this month's 1,000 free paths are already used up.
    """
    return round(len(paths) * PRICE_PER_PATH_USD, 3)


def invalidation_batches(paths: Sequence[str]) -> list[tuple[str, ...]]:
    """``paths`` split into the fewest CreateInvalidation batches within CloudFront's limits.

    Each batch holds at most 3,000 paths, of which at most 15 are wildcards; the batches must be
    submitted one after another (each completed before the next), since the limits count what is
    in progress. Wildcards go into the first batches, file paths fill the rest, order kept.
    """
    wildcards = [path for path in paths if _is_wildcard(path)]
    files = [path for path in paths if not _is_wildcard(path)]
    count = max(math.ceil(len(paths) / MAX_PATHS_PER_BATCH),
                math.ceil(len(wildcards) / MAX_WILDCARDS_PER_BATCH))
    batches: list[tuple[str, ...]] = []
    for index in range(count):
        chosen = wildcards[index * MAX_WILDCARDS_PER_BATCH:(index + 1) * MAX_WILDCARDS_PER_BATCH]
        room = MAX_PATHS_PER_BATCH - len(chosen)
        batches.append((*chosen, *files[:room]))
        files = files[room:]
    return batches


def encode_path(site_path: str) -> str:
    """``/`` + the site path, percent-encoded as CloudFront wants, a ``*`` in it made the final wildcard.

    CloudFront allows ``*`` only at the end of a path; a key holding one is covered by the wildcard
    that stops there (``/a*b.js`` → ``/a*``): a few more files, but never a path CloudFront refuses.
    """
    encoded = "".join(_encode_char(char) for char in site_path)
    star = encoded.find("*")
    return "/" + (encoded[:star + 1] if star >= 0 else encoded)


def _encode_char(char: str) -> str:
    if char.isascii() and char.isprintable() and char not in _UNSAFE:
        return char
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))


def _is_wildcard(path: str) -> bool:
    return path.endswith("*")


def _paths_for_key(key: str) -> tuple[str, ...]:
    if key == INDEX_DOCUMENT:
        return ("/", encode_path(key))
    if key.endswith("/" + INDEX_DOCUMENT):
        return (encode_path(key[:-len(INDEX_DOCUMENT)]), encode_path(key))
    return (encode_path(key),)


@dataclass
class _Folder:
    """One folder of the site: its required paths, the folders below it that need any, its size."""

    segments: tuple[str, ...]
    paths: set[str] = field(default_factory=set)
    children: set[tuple[str, ...]] = field(default_factory=set)
    required_keys: int = 0
    all_keys: int = 0
    folders: int = 1


# A plan is built as a tree of tuples so that combining two plans costs O(1); it is flattened once.
_Plan = tuple[object, ...]
_Options = dict[int, tuple[_Cost, _Plan]]


def _collapse(required: set[str], universe: set[str], budget: int) -> list[str]:
    folders = _folders(required, universe)
    best: dict[tuple[str, ...], _Options] = {}
    # Deepest first, so that every folder's children are solved before it (no recursion).
    for segments in sorted(folders, key=len, reverse=True):
        folder = folders[segments]
        options: _Options = {}
        if len(folder.paths) <= budget:
            options[len(folder.paths)] = (_FREE, tuple(sorted(folder.paths)))
        for child in sorted(folder.children):
            options = _combine(options, best.pop(child), budget)
        wildcard = (folder.all_keys - folder.required_keys, folder.folders)
        if 1 not in options or wildcard < options[1][0]:
            options[1] = (wildcard, (_wildcard_for(segments),))
        best[segments] = options
    root = best[()]
    count = min(root, key=lambda n: (root[n][0], n))
    return sorted(set(_flatten(root[count][1])))


def _wildcard_for(segments: tuple[str, ...]) -> str:
    path = encode_path("".join(segment + "/" for segment in segments))
    return path if _is_wildcard(path) else path + "*"


def _combine(left: _Options, right: _Options, budget: int) -> _Options:
    merged: _Options = {}
    for left_count, (left_cost, left_plan) in left.items():
        for right_count, (right_cost, right_plan) in right.items():
            count = left_count + right_count
            if count > budget:
                continue
            cost = (left_cost[0] + right_cost[0], left_cost[1] + right_cost[1])
            if count not in merged or cost < merged[count][0]:
                merged[count] = (cost, (left_plan, right_plan))
    return merged


def _flatten(plan: _Plan) -> list[str]:
    paths: list[str] = []
    stack: list[object] = [plan]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            paths.append(item)
        else:
            assert isinstance(item, tuple)
            stack.extend(item)
    return paths


def _folders(required: set[str], universe: set[str]) -> dict[tuple[str, ...], _Folder]:
    folders: dict[tuple[str, ...], _Folder] = {(): _Folder(())}
    for key in sorted(universe):
        parts = tuple(key.split("/"))[:-1]
        is_required = key in required
        for depth in range(len(parts) + 1):
            segments = parts[:depth]
            folder = folders.get(segments)
            if folder is None:
                folder = folders[segments] = _Folder(segments)
                for above in range(depth):
                    folders[parts[:above]].folders += 1
            folder.all_keys += 1
            if is_required:
                folder.required_keys += 1
                if depth:
                    folders[parts[:depth - 1]].children.add(segments)
        if is_required:
            folders[parts].paths.update(_paths_for_key(key))
    # Only folders holding a required key take part; the others need no invalidation at all.
    return {segments: folder for segments, folder in folders.items()
            if folder.required_keys or not segments}
