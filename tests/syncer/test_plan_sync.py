"""plan_sync: exactly which objects a deploy writes, copies, re-puts and deletes, and when it must stop.

Pure: the bucket is described by a RemoteState (a listing plus sitepush's manifest); `applied` plays
S3's part (the ETag a put or a copy leaves) so that a test can plan, apply and plan again.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from sitepush.errors import DeployError
from sitepush.syncer.manifest import manifest_entry
from sitepush.syncer.model import (
    EMPTY_MD5,
    Manifest,
    ManifestEntry,
    ObjectHeaders,
    ObjectSpec,
    RemoteObject,
    RemoteState,
    SyncOptions,
    SyncPlan,
    UploadReason,
)
from sitepush.syncer.plan import delete_limit, plan_sync

NEW, CONTENT, HEADERS, REDIRECT = (UploadReason.NEW, UploadReason.CONTENT, UploadReason.HEADERS,
                                   UploadReason.REDIRECT)
HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"
PNG = "image/png"


def spec(key: str, body: bytes = b"", *, content_type: str | None = None, cache: str | None = None,
         redirect: str | None = None, parts: int = 0, sse: str | None = None) -> ObjectSpec:
    """An object as local_specs would describe it; ``parts`` > 0 makes it a multipart upload."""
    body = body if body or redirect else key.encode()
    if content_type is None:
        content_type = HTML if key.endswith(".html") or redirect else CSS if key.endswith(".css") else PNG
    md5 = hashlib.md5(body).hexdigest()
    etag = hashlib.md5(md5.encode()).hexdigest() + f"-{parts}" if parts else md5
    headers = ObjectHeaders(content_type=content_type, cache_control=cache, redirect=redirect, sse=sse)
    return ObjectSpec(key=key, path=None if redirect else Path("/site") / key, size=len(body), md5=md5,
                      etag=etag, headers=headers)


def local(*specs: ObjectSpec) -> dict[str, ObjectSpec]:
    return {s.key: s for s in specs}


def deployed(*specs: ObjectSpec, extra: tuple[RemoteObject, ...] = ()) -> RemoteState:
    """The bucket after sitepush uploaded ``specs`` (and someone else left ``extra``)."""
    objects = {s.key: RemoteObject(key=s.key, etag=s.etag, size=s.size) for s in specs}
    objects.update({o.key: o for o in extra})
    return RemoteState(objects=objects, manifest=Manifest(entries={s.key: manifest_entry(s) for s in specs}))


def foreign(*specs: ObjectSpec) -> RemoteState:
    """The bucket after another tool uploaded the same bytes: no sitepush manifest."""
    return RemoteState(objects={s.key: RemoteObject(key=s.key, etag=s.md5, size=s.size) for s in specs},
                       manifest=None)


def applied(plan: SyncPlan, remote: RemoteState, *, kms_etag: str | None = None) -> RemoteState:
    """What S3 holds after ``plan``: a put leaves the spec's ETag, a CopyObject the MD5, deletes go."""
    objects = dict(remote.objects)
    for upload in plan.uploads:
        s = upload.spec
        etag = s.md5 if upload.reason is HEADERS else s.etag
        objects[s.key] = RemoteObject(key=s.key, etag=kms_etag or etag, size=s.size)
    for key in plan.deletes:
        del objects[key]
    return RemoteState(objects=objects, manifest=plan.manifest if plan.manifest_changed else remote.manifest)


def reasons(plan: SyncPlan) -> dict[str, UploadReason]:
    return {u.spec.key: u.reason for u in plan.uploads}


def site(n: int) -> list[ObjectSpec]:
    """A site of ``n`` objects: 60 % pages, the rest stylesheets and images, in folders."""
    kinds = ["html", "html", "html", "css", "png"]
    return [spec(f"section{i % 7}/item{i:05}.{kinds[i % 5]}", f"body {i:05}".encode()) for i in range(n)]


YES = SyncOptions(yes=True)


# --- the benchmark's scenarios -------------------------------------------------------------------

def test_first_deploy_to_an_empty_bucket_uploads_everything_as_new_and_writes_the_manifest() -> None:
    specs = site(50)
    plan = plan_sync(local(*specs), RemoteState(objects={}, manifest=None), SyncOptions())
    assert set(reasons(plan).values()) == {NEW} and len(plan.uploads) == 50
    assert plan.deletes == () and plan.unchanged == 0
    assert plan.manifest == Manifest(entries={s.key: manifest_entry(s) for s in specs})
    assert plan.manifest_changed is True
    assert plan.invalidation_paths == () and plan.invalidation_cost_usd == 0.0
    assert plan.blocked is None


def test_rebuild_with_the_same_bytes_uploads_nothing_and_leaves_the_manifest_alone() -> None:
    specs = site(5000)
    plan = plan_sync(local(*specs), deployed(*specs), SyncOptions())
    assert plan.uploads == () and plan.deletes == () and plan.changes == 0
    assert plan.unchanged == 5000
    assert plan.manifest_changed is False
    assert plan.invalidation_paths == ()


def test_one_percent_changed_with_the_same_size_uploads_exactly_those() -> None:
    specs = site(5000)
    changed = {s.key for s in specs[::100]}
    rebuilt = [spec(s.key, f"BODY {i:05}".encode()) if s.key in changed else s for i, s in enumerate(specs)]
    assert all(new.size == old.size for new, old in zip(rebuilt, specs, strict=True))
    plan = plan_sync(local(*rebuilt), deployed(*specs), SyncOptions())
    assert reasons(plan) == {key: CONTENT for key in changed}
    assert plan.unchanged == 4950 and plan.deletes == ()
    assert plan.manifest_changed is True
    assert {key: plan.manifest.entries[key].md5 for key in changed} == {
        s.key: s.md5 for s in rebuilt if s.key in changed}


def test_a_changed_multipart_file_is_detected_from_its_multipart_etag() -> None:
    old = spec("video/big.mp4", b"A" * 64, parts=3)
    new = spec("video/big.mp4", b"B" * 64, parts=3)
    assert old.etag.endswith("-3") and old.size == new.size
    assert reasons(plan_sync(local(new), deployed(old), SyncOptions())) == {"video/big.mp4": CONTENT}
    assert reasons(plan_sync(local(old), deployed(old), SyncOptions())) == {}


def test_a_header_only_change_is_a_copy_in_place_without_uploading_the_body() -> None:
    old = spec("app.css", cache="max-age=60")
    new = replace(old, headers=replace(old.headers, cache_control="max-age=31536000, immutable"))
    plan = plan_sync(local(new), deployed(old), SyncOptions())
    assert reasons(plan) == {"app.css": HEADERS}
    assert plan.manifest.entries["app.css"] == manifest_entry(new)
    assert plan.invalidation_paths == ("/app.css",)


def test_invalidation_paths_keep_the_base_url_path_and_drop_an_origin_path() -> None:
    # A site at https://example.org/docs/ lives under the key prefix docs/, which is in its URLs; a prefix
    # behind a CloudFront origin path (site/) is not. Both together: site/docs/about/ is /docs/about/.
    for prefix, url_prefix in (("docs/", "docs/"), ("site/docs/", "docs/")):
        old = spec(f"{prefix}about/index.html", b"old")
        new = spec(f"{prefix}about/index.html", b"new")
        plan = plan_sync(local(new), deployed(old), SyncOptions(prefix=prefix, url_prefix=url_prefix))
        assert plan.invalidation_paths == ("/docs/about/", "/docs/about/index.html"), prefix
    plan = plan_sync(local(spec("site/a.css", b"new")), deployed(spec("site/a.css", b"old")),
                     SyncOptions(prefix="site/"))
    assert plan.invalidation_paths == ("/a.css",)


def test_a_changed_redirect_target_is_a_zero_byte_re_put() -> None:
    old = spec("old/index.html", redirect="/new/")
    new = spec("old/index.html", redirect="/newer/")
    assert old.etag == new.etag == EMPTY_MD5
    plan = plan_sync(local(new), deployed(old), SyncOptions())
    assert reasons(plan) == {"old/index.html": REDIRECT}
    assert plan.invalidation_paths == ("/old/", "/old/index.html")


def test_one_percent_deleted_is_deleted_sorted_and_invalidated() -> None:
    specs = site(5000)
    gone = sorted(s.key for s in specs[7::100])
    plan = plan_sync(local(*(s for s in specs if s.key not in gone)), deployed(*specs), SyncOptions())
    assert plan.uploads == () and plan.deletes == tuple(gone)
    assert plan.blocked is None and plan.delete_limit == 500
    assert plan.manifest_changed is True and not set(gone) & set(plan.manifest.entries)
    assert len(plan.invalidation_paths) <= 15


def test_deletes_above_the_limit_block_the_plan_which_still_lists_everything() -> None:
    specs = site(100)
    plan = plan_sync(local(*specs[:70], spec("new.css")), deployed(*specs), SyncOptions())
    assert plan.delete_limit == 25
    assert plan.blocked == ("the deploy would delete 30 of the 100 objects in the bucket, more than the "
                            "limit of 25 — check the site folder, then rerun with --yes or --max-deletes 30")
    assert len(plan.deletes) == 30 and reasons(plan) == {"new.css": NEW}


@pytest.mark.parametrize(("options", "blocked"), [
    (SyncOptions(), True),
    (SyncOptions(yes=True), False),
    (SyncOptions(max_deletes=30), False),
    (SyncOptions(max_deletes=29), True),
    (SyncOptions(max_deletes=0, yes=True), False),
])
def test_yes_or_a_high_enough_max_deletes_unblocks_deletes_above_the_limit(
        options: SyncOptions, blocked: bool) -> None:
    specs = site(100)
    plan = plan_sync(local(*specs[:70]), deployed(*specs), options)
    assert (plan.blocked is not None) is blocked
    assert len(plan.deletes) == 30


def test_the_state_prefix_is_never_deleted_nor_counted() -> None:
    specs = [spec("a.css")]
    state = (RemoteObject(".sitepush/manifest.json", "e" * 32, 100),
             RemoteObject(".sitepush/history/1.json", "f" * 32, 10))
    plan = plan_sync(local(*specs), deployed(*specs, extra=state), SyncOptions())
    assert plan.deletes == () and plan.changes == 0


def test_with_a_prefix_nothing_outside_it_nor_under_its_state_prefix_is_deleted() -> None:
    options = SyncOptions(prefix="site/")
    kept = spec("site/a.css")
    extra = (RemoteObject("other/x.css", "0" * 32, 1), RemoteObject("site-old/y.css", "0" * 32, 1),
             RemoteObject("site.css", "0" * 32, 1), RemoteObject("site/.sitepush/manifest.json", "0" * 32, 1),
             RemoteObject(".sitepush/manifest.json", "0" * 32, 1), RemoteObject("site/gone.css", "0" * 32, 1))
    plan = plan_sync(local(kept), deployed(kept, extra=extra), options)
    assert plan.deletes == ("site/gone.css",)
    assert plan.delete_limit == 25


def test_a_manifest_that_did_not_change_is_not_written() -> None:
    specs = site(30)
    assert plan_sync(local(*specs), deployed(*specs), SyncOptions()).manifest_changed is False


@pytest.mark.parametrize(("remote", "why"), [
    (RemoteState(objects={}, manifest=None), "no manifest yet"),
    (deployed(spec("a.css")), "a key was added"),
    (deployed(spec("a.css"), spec("b.css"), spec("c.css")), "a key was removed"),
    (deployed(spec("a.css"), spec("b.css", b"old")), "a key's content changed"),
])
def test_a_manifest_that_changed_is_written(remote: RemoteState, why: str) -> None:
    plan = plan_sync(local(spec("a.css"), spec("b.css")), remote, SyncOptions(yes=True))
    assert plan.manifest_changed is True, why


# --- content: ETags, sizes and the manifest's fallback --------------------------------------------

def test_an_object_with_another_part_size_is_unchanged_when_the_manifest_ties_it_to_the_same_md5() -> None:
    s = spec("big.zip", b"Z" * 40, parts=2)
    remote = RemoteState(objects={"big.zip": RemoteObject("big.zip", "9" * 32 + "-5", 40)},
                         manifest=Manifest(entries={"big.zip": ManifestEntry("9" * 32 + "-5", s.md5,
                                                                             s.headers.digest())}))
    plan = plan_sync(local(s), remote, SyncOptions())
    assert plan.uploads == () and plan.manifest_changed is False
    assert plan.manifest.entries["big.zip"].etag == "9" * 32 + "-5"


KMS_ETAG = "7" * 32


@pytest.mark.parametrize(("entry", "expected"), [
    (None, {"k.css": CONTENT}),
    (ManifestEntry(KMS_ETAG, "SAME", "HEADERS"), {}),
    (ManifestEntry("8" * 32, "SAME", "HEADERS"), {"k.css": CONTENT}),
    (ManifestEntry(KMS_ETAG, "0" * 32, "HEADERS"), {"k.css": CONTENT}),
    (ManifestEntry(KMS_ETAG, "SAME", "0" * 32), {"k.css": HEADERS}),
])
def test_an_etag_that_is_not_the_md5_is_trusted_only_through_the_manifest_never_downloaded(
        entry: ManifestEntry | None, expected: dict[str, UploadReason]) -> None:
    s = spec("k.css", sse="aws:kms")
    if entry is not None:
        entry = ManifestEntry(entry.etag, s.md5 if entry.md5 == "SAME" else entry.md5,
                              s.headers.digest() if entry.headers == "HEADERS" else entry.headers)
    remote = RemoteState(objects={"k.css": RemoteObject("k.css", KMS_ETAG, s.size)},
                         manifest=Manifest(entries={"k.css": entry} if entry else {}))
    assert reasons(plan_sync(local(s), remote, SyncOptions())) == expected


def test_an_object_with_the_same_etag_but_another_size_is_content() -> None:
    s = spec("a.css", b"abc")
    remote = RemoteState(objects={"a.css": RemoteObject("a.css", s.etag, 4)},
                         manifest=Manifest(entries={"a.css": manifest_entry(s)}))
    assert reasons(plan_sync(local(s), remote, SyncOptions())) == {"a.css": CONTENT}


@pytest.mark.parametrize(("recorded_etag", "expected"), [
    ("MD5", {}),
    ("MULTIPART", {}),  # the manifest predates the copy: the MD5 ETag alone proves the content
    (None, {"big.bin": HEADERS}),
])
def test_a_multipart_object_copied_by_s3_to_an_md5_etag_is_the_same_content(
        recorded_etag: str | None, expected: dict[str, UploadReason]) -> None:
    s = spec("big.bin", b"Q" * 30, parts=4)
    entries = {}
    if recorded_etag is not None:
        etag = s.md5 if recorded_etag == "MD5" else s.etag
        entries["big.bin"] = ManifestEntry(etag, s.md5, s.headers.digest())
    remote = RemoteState(objects={"big.bin": RemoteObject("big.bin", s.md5, 30)},
                         manifest=Manifest(entries=entries))
    plan = plan_sync(local(s), remote, SyncOptions())
    assert reasons(plan) == expected
    assert plan.manifest.entries["big.bin"].etag == s.md5


def test_a_bucket_filled_by_another_tool_gets_headers_copied_not_bodies_uploaded() -> None:
    specs = [spec("a.css"), spec("index.html"), spec("img/x.png")]
    plan = plan_sync(local(*specs), foreign(*specs), SyncOptions())
    assert reasons(plan) == {"a.css": HEADERS, "index.html": HEADERS, "img/x.png": HEADERS}


def test_a_page_replaced_by_a_redirect_is_content_and_a_redirect_replaced_by_a_page_too() -> None:
    page = spec("old.html", b"<p>old</p>")
    redirect = spec("old.html", redirect="/new.html")
    assert reasons(plan_sync(local(redirect), deployed(page), SyncOptions())) == {"old.html": CONTENT}
    assert reasons(plan_sync(local(page), deployed(redirect), SyncOptions())) == {"old.html": CONTENT}


@pytest.mark.parametrize(("remote", "expected"), [
    (RemoteState(objects={}, manifest=None), NEW),
    (foreign(spec("go", redirect="/x/")), REDIRECT),
    (deployed(spec("go", redirect="/x/")), None),
    (deployed(spec("go", redirect="https://example.com/")), REDIRECT),
])
def test_redirect_objects_are_compared_by_their_headers(remote: RemoteState, expected: UploadReason | None) -> None:
    plan = plan_sync(local(spec("go", redirect="/x/")), remote, SyncOptions())
    assert reasons(plan) == ({"go": expected} if expected else {})


# --- order, manifest, invalidation -----------------------------------------------------------------

def test_uploads_are_ordered_assets_then_pages_then_redirects_each_by_key() -> None:
    specs = [spec("z.css"), spec("b/index.html"), spec("old", redirect="/"), spec("a.png"),
             spec("a.html"), spec("a-old/index.html", redirect="/a.html"), spec("m.js", content_type="text/javascript")]
    plan = plan_sync(local(*specs), RemoteState(objects={}, manifest=None), SyncOptions())
    assert [u.spec.key for u in plan.uploads] == [
        "a.png", "m.js", "z.css", "a.html", "b/index.html", "a-old/index.html", "old"]


def test_new_keys_are_not_invalidated_but_updated_and_deleted_ones_are() -> None:
    old = [spec("index.html", b"v1"), spec("gone.html"), spec("same.css")]
    new = [spec("index.html", b"v2"), spec("added.html"), spec("same.css")]
    plan = plan_sync(local(*new), deployed(*old), SyncOptions())
    assert reasons(plan) == {"index.html": CONTENT, "added.html": NEW}
    assert plan.invalidation_paths == ("/", "/gone.html", "/index.html")
    assert plan.invalidation_cost_usd == 0.015


def test_invalidation_paths_are_site_paths_without_the_prefix() -> None:
    options = SyncOptions(prefix="site/")
    old, new = spec("site/docs/index.html", b"v1"), spec("site/docs/index.html", b"v2")
    plan = plan_sync(local(new), deployed(old), options)
    assert plan.invalidation_paths == ("/docs/", "/docs/index.html")


def test_many_updates_collapse_to_wildcards_within_the_budget() -> None:
    old = [spec(f"blog/{n}/index.html", b"v1") for n in range(40)] + [spec("about.html")]
    new = [spec(f"blog/{n}/index.html", b"v2") for n in range(40)] + [spec("about.html")]
    plan = plan_sync(local(*new), deployed(*old), SyncOptions(invalidation_budget=15))
    assert plan.invalidation_paths == ("/blog/*",)


def test_the_manifest_records_the_etag_each_object_will_have() -> None:
    big_old, big_new = spec("big.bin", b"O" * 9, parts=2), spec("big.bin", b"N" * 9, parts=2)
    styled = spec("s.css", b"s" * 9, parts=2)
    restyled = replace(styled, headers=replace(styled.headers, cache_control="no-cache"))
    plan = plan_sync(local(big_new, restyled, spec("n.css")), deployed(big_old, styled), SyncOptions())
    assert reasons(plan) == {"big.bin": CONTENT, "s.css": HEADERS, "n.css": NEW}
    assert plan.manifest.entries["big.bin"].etag == big_new.etag
    assert plan.manifest.entries["s.css"].etag == restyled.md5  # CopyObject: MD5 ETag
    assert plan.manifest.entries["n.css"].etag == spec("n.css").etag


# --- convergence: plan, apply, plan again ----------------------------------------------------------

def _scenarios() -> list[tuple[str, list[ObjectSpec], RemoteState]]:
    base = site(60)
    restyled = [replace(s, headers=replace(s.headers, cache_control="no-cache")) for s in base]
    return [
        ("empty bucket", base, RemoteState(objects={}, manifest=None)),
        ("foreign bucket", base, foreign(*base)),
        ("headers changed", restyled, deployed(*base)),
        ("content changed", [spec(s.key, b"new " + s.key.encode()) for s in base[:10]] + base[10:], deployed(*base)),
        ("multipart restyled", [replace(spec("big.bin", b"B" * 20, parts=3), headers=ObjectHeaders(PNG, "x"))],
         deployed(spec("big.bin", b"B" * 20, parts=3))),
        ("deletes and redirects", [*base[:40], spec("r", redirect="/a/")], deployed(*base, spec("r", redirect="/b/"))),
    ]


@pytest.mark.parametrize(("name", "specs", "remote"), _scenarios(), ids=[s[0] for s in _scenarios()])
def test_applying_a_plan_then_planning_again_changes_nothing(
        name: str, specs: list[ObjectSpec], remote: RemoteState) -> None:
    first = plan_sync(local(*specs), remote, YES)
    assert first.changes > 0, name
    second = plan_sync(local(*specs), applied(first, remote), YES)
    assert (second.uploads, second.deletes, second.manifest_changed) == ((), (), False), name


def test_a_deploy_killed_before_the_manifest_write_converges_on_the_rerun() -> None:
    old = site(40)
    new = [spec(s.key, b"v2 " + s.key.encode()) for s in old[:20]] + old[20:30] + [spec("fresh.css")]
    first = plan_sync(local(*new), deployed(*old), YES)
    # Killed after half of the uploads: those objects are new, the manifest and deletes are not.
    half = replace(first, uploads=first.uploads[:len(first.uploads) // 2], deletes=(), manifest_changed=False)
    interrupted = applied(half, deployed(*old))
    rerun = plan_sync(local(*new), interrupted, YES)
    done = {u.spec.key for u in half.uploads}
    # What was left is redone; a new object written before the kill has no manifest entry, so its
    # headers cannot be known from the listing: it is copied in place once more (no body upload).
    expected = {u.spec.key: u.reason for u in first.uploads if u.spec.key not in done}
    expected.update({u.spec.key: HEADERS for u in half.uploads if u.reason is NEW})
    assert "fresh.css" in done and reasons(rerun) == expected
    assert rerun.deletes == first.deletes and rerun.manifest == first.manifest
    final = plan_sync(local(*new), applied(rerun, interrupted), YES)
    assert final.changes == 0 and final.manifest_changed is False


def test_an_sse_kms_object_is_stable_once_apply_records_the_etag_s3_reported() -> None:
    from sitepush.syncer.manifest import manifest_with_etags

    s = spec("secret.css", sse="aws:kms")
    first = plan_sync(local(s), RemoteState(objects={}, manifest=None), SyncOptions())
    after = applied(first, RemoteState(objects={}, manifest=None), kms_etag=KMS_ETAG)
    after = replace(after, manifest=manifest_with_etags(first.manifest, {"secret.css": KMS_ETAG}))
    second = plan_sync(local(s), after, SyncOptions())
    assert second.changes == 0 and second.manifest_changed is False


# --- the safety rules -------------------------------------------------------------------------------

@pytest.mark.parametrize(("remote_objects", "max_deletes", "expected"), [
    (0, None, 25), (100, None, 25), (250, None, 25), (259, None, 25), (260, None, 26), (5000, None, 500),
    (5009, None, 500), (12345, None, 1234), (100, 3, 3), (5000, 0, 0), (10, 1000, 1000),
])
def test_delete_limit_is_max_deletes_or_ten_percent_rounded_down_at_least_25(
        remote_objects: int, max_deletes: int | None, expected: int) -> None:
    assert delete_limit(remote_objects, max_deletes) == expected


@pytest.mark.parametrize(("kept", "total", "options", "blocked"), [
    (10, 20, SyncOptions(), True),      # half the bucket's objects: the wrong folder?
    (11, 20, SyncOptions(), False),
    (0, 20, SyncOptions(), True),
    (5, 19, SyncOptions(), False),      # a small site: only the delete limit applies
    (10, 20, SyncOptions(yes=True), False),
    (10, 20, SyncOptions(max_deletes=100), True),  # only --yes lifts the shrink rule
    (40, 80, SyncOptions(), True),
])
def test_a_site_folder_with_half_the_buckets_objects_or_fewer_is_blocked_unless_yes(
        kept: int, total: int, options: SyncOptions, blocked: bool) -> None:
    specs = site(total)
    plan = plan_sync(local(*specs[:kept]), deployed(*specs), options)
    assert len(plan.deletes) == total - kept
    assert (plan.blocked is not None) is blocked


def test_the_shrink_message_says_what_and_how_to_fix_it_on_one_line() -> None:
    specs = site(40)
    plan = plan_sync(local(*specs[:20]), deployed(*specs), SyncOptions(prefix=""))
    assert plan.blocked == ("the site folder has 20 objects but there are 40 in the bucket: the deploy would "
                            "delete 20 of them — check that this is the right, fully built folder, then "
                            "rerun with --yes")


def test_a_smaller_site_without_deletes_is_never_blocked() -> None:
    specs = site(40)
    plan = plan_sync(local(*specs[:5]), deployed(*specs), SyncOptions(delete=False))
    assert plan.deletes == () and plan.blocked is None


def test_a_local_key_inside_the_state_prefix_is_refused() -> None:
    with pytest.raises(DeployError, match=r"\.sitepush/manifest\.json inside sitepush's state folder"):
        plan_sync(local(spec(".sitepush/manifest.json")), RemoteState(objects={}, manifest=None), SyncOptions())


@pytest.mark.parametrize("options", [SyncOptions(prefix="site"), SyncOptions(state_prefix="")])
def test_a_prefix_not_ending_in_slash_or_an_empty_state_prefix_is_a_programming_error(options: SyncOptions) -> None:
    with pytest.raises(ValueError):
        plan_sync({}, RemoteState(objects={}, manifest=None), options)


def test_a_local_key_outside_the_prefix_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="outside the deploy prefix"):
        plan_sync(local(spec("a.css")), RemoteState(objects={}, manifest=None), SyncOptions(prefix="site/"))
