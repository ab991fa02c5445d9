"""CloudFront invalidation: the site's URL paths for changed keys, collapsed under a budget, batched, priced."""

from __future__ import annotations


import pytest

from sitepush.syncer.invalidation import (
    encode_path,
    invalidation_batches,
    invalidation_cost_usd,
    invalidation_paths,
)


def paths(updated: list[str], deleted: tuple[str, ...] | list[str] = (), *, prefix: str = "",
          budget: int = 15, site_keys: list[str] | None = None) -> tuple[str, ...]:
    return invalidation_paths(updated, deleted, prefix=prefix, budget=budget, site_keys=site_keys)


@pytest.mark.parametrize(("key", "expected"), [
    ("style.css", ("/style.css",)),
    ("index.html", ("/", "/index.html")),
    ("a/b/index.html", ("/a/b/", "/a/b/index.html")),
    ("a/b/other.html", ("/a/b/other.html",)),
    ("old", ("/old",)),
    ("notindex.html", ("/notindex.html",)),
    ("dir with space/a b.css", ("/dir%20with%20space/a%20b.css",)),
    ("café/menü.html", ("/caf%C3%A9/men%C3%BC.html",)),
    ("日本/index.html", ("/%E6%97%A5%E6%9C%AC/", "/%E6%97%A5%E6%9C%AC/index.html")),
    ("100%.html", ("/100%25.html",)),
    ("why?.html", ("/why%3F.html",)),
    ("hash#1.html", ("/hash%231.html",)),
    ("~user/a.html", ("/%7Euser/a.html",)),
    ('q"<>{}|\\^[]`.txt', ("/q%22%3C%3E%7B%7D%7C%5C%5E%5B%5D%60.txt",)),
    ("a+b(1)!$&'=,;:@.html", ("/a+b(1)!$&'=,;:@.html",)),
    ("tab\there.txt", ("/tab%09here.txt",)),
])
def test_a_key_invalidates_its_url_paths_encoded_as_cloudfront_wants(key: str, expected: tuple[str, ...]) -> None:
    assert paths([key]) == expected


@pytest.mark.parametrize(("key", "expected"), [
    ("a*b.js", ("/a*",)),
    ("dir/*.js", ("/dir/*",)),
    ("x*y/index.html", ("/x*",)),
])
def test_a_star_in_a_key_becomes_the_final_wildcard_since_cloudfront_allows_no_other(
        key: str, expected: tuple[str, ...]) -> None:
    assert paths([key]) == expected


def test_the_deploy_prefix_is_stripped_because_the_origin_path_points_at_it() -> None:
    assert paths(["site/docs/index.html", "site/a.css"], ["site/old.html"], prefix="site/") == (
        "/a.css", "/docs/", "/docs/index.html", "/old.html")


def test_keys_outside_the_prefix_are_not_invalidated() -> None:
    assert paths(["other/a.css", "site/b.css", "site-x/c.css"], prefix="site/") == ("/b.css",)


def test_updated_and_deleted_keys_are_both_invalidated_once_each() -> None:
    assert paths(["a.css", "b.css"], ["b.css", "c.css"]) == ("/a.css", "/b.css", "/c.css")


def test_nothing_changed_means_no_paths() -> None:
    assert paths([], []) == ()


def test_within_the_budget_every_path_is_listed() -> None:
    keys = [f"img/{n:02}.png" for n in range(15)]
    assert paths(keys, budget=15) == tuple(f"/img/{n:02}.png" for n in range(15))


def test_above_the_budget_a_folder_collapses_to_its_wildcard() -> None:
    keys = [f"img/{n:02}.png" for n in range(16)]
    assert paths(keys, ["index.html"], budget=15) == ("/", "/img/*", "/index.html")


def test_the_collapse_takes_the_deepest_folders_that_fit_not_their_parent() -> None:
    changed = [f"docs/api/{n}.html" for n in range(8)] + [f"docs/guide/{n}.html" for n in range(8)]
    site = changed + [f"docs/archive/{n}.html" for n in range(500)] + ["docs/api/same.html"]
    assert paths(changed, ["index.html"], budget=4, site_keys=site) == (
        "/", "/docs/api/*", "/docs/guide/*", "/index.html")


def test_the_collapse_invalidates_the_fewest_unchanged_objects() -> None:
    # Collapsing "big/" would also fit the budget but re-fetch its 400 unchanged objects; the two
    # small folders hold one unchanged object each.
    changed = ([f"big/{n}.css" for n in range(3)] + [f"small1/{n}.css" for n in range(5)]
               + [f"small2/{n}.css" for n in range(5)])
    site = changed + [f"big/u{n}.css" for n in range(400)] + ["small1/u.css", "small2/u.css"]
    assert paths(changed, budget=5, site_keys=site) == (
        "/big/0.css", "/big/1.css", "/big/2.css", "/small1/*", "/small2/*")


def test_without_the_site_keys_the_wildcards_are_the_deepest_that_fit() -> None:
    changed = [f"a/b/c/{n}.js" for n in range(20)] + [f"a/b/d/{n}.js" for n in range(20)]
    assert paths(changed, budget=2) == ("/a/b/c/*", "/a/b/d/*")
    assert paths(changed, budget=1) == ("/a/b/*",)


def test_a_pretty_url_page_and_its_folder_path_are_one_wildcard() -> None:
    changed = [f"posts/{n}/index.html" for n in range(10)]
    assert paths(changed, budget=3) == ("/posts/*",)


def test_slash_star_is_the_last_resort() -> None:
    changed = [f"{folder}/{n}.css" for folder in "abcd" for n in range(3)] + ["x.css", "y.css"]
    assert paths(changed, budget=1) == ("/*",)


def test_a_folder_with_a_star_in_its_name_collapses_to_a_valid_wildcard() -> None:
    changed = [f"x*y/{n}.css" for n in range(5)] + ["x*y/index.html", "z.css", "w.css"]
    assert paths(changed, budget=3) == ("/w.css", "/x*", "/z.css")
    assert paths(changed, budget=2) == ("/*",)


@pytest.mark.parametrize("budget", [1, 2, 3, 5, 15, 40])
def test_the_result_never_exceeds_the_budget_and_covers_every_changed_path(budget: int) -> None:
    changed = [f"s{a}/t{b}/f{c}.html" for a in range(4) for b in range(3) for c in range(5)]
    changed += [f"s{a}/index.html" for a in range(4)] + ["index.html", "root.css"]
    result = paths(changed, budget=budget)
    assert len(result) <= budget
    literal = paths(changed, budget=10_000)
    for path in literal:
        assert any(path == got or (got.endswith("*") and path.startswith(got[:-1])) for got in result), path


def test_budget_below_one_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        paths(["a.css"], budget=0)


def test_the_longest_possible_key_stays_within_cloudfronts_4000_character_path_limit() -> None:
    key = "é" * 512  # 1,024 bytes: S3's longest key
    assert len(encode_path(key)) == 1 + 1024 * 3 <= 4000


def test_a_5000_key_deploy_collapses_into_the_budget() -> None:
    # Its speed is bench/sync.py's to measure; here, that the answer fits and covers every change.
    changed = [f"section{s}/page{p}/index.html" for s in range(50) for p in range(100)]
    result = paths(changed, budget=15, site_keys=changed + [f"assets/{n}.png" for n in range(5000)])
    assert len(result) <= 15
    assert all(any(path == "/*" or f"/{key}".startswith(path.rstrip("*")) for path in result) for key in changed)


@pytest.mark.parametrize(("count", "expected"), [
    (0, 0.0), (1, 0.005), (2, 0.01), (15, 0.075), (1000, 5.0), (3001, 15.005),
])
def test_cost_is_half_a_cent_a_path_assuming_no_free_paths_left(count: int, expected: float) -> None:
    assert invalidation_cost_usd([f"/p{n}" for n in range(count)]) == expected


def test_a_wildcard_costs_as_much_as_one_path() -> None:
    assert invalidation_cost_usd(["/*"]) == invalidation_cost_usd(["/index.html"]) == 0.005


@pytest.mark.parametrize(("files", "wildcards", "sizes"), [
    (0, 0, []),
    (1, 0, [(1, 0)]),
    (3000, 0, [(3000, 0)]),
    (3001, 0, [(3000, 0), (1, 0)]),
    (0, 15, [(15, 15)]),
    (0, 16, [(15, 15), (1, 1)]),
    (10, 16, [(25, 15), (1, 1)]),
    (2990, 20, [(3000, 15), (10, 5)]),
    (6500, 1, [(3000, 1), (3000, 0), (501, 0)]),
    (0, 46, [(15, 15), (15, 15), (15, 15), (1, 1)]),
])
def test_batches_are_the_fewest_within_3000_paths_and_15_wildcards_each(
        files: int, wildcards: int, sizes: list[tuple[int, int]]) -> None:
    all_paths = [f"/f{n}.html" for n in range(files)] + [f"/w{n}/*" for n in range(wildcards)]
    batches = invalidation_batches(all_paths)
    assert [(len(b), sum(p.endswith("*") for p in b)) for b in batches] == sizes
    assert sorted(p for b in batches for p in b) == sorted(all_paths)
