"""Content hashes: the multipart ETag equals S3's; the stat-keyed cache never re-reads an unchanged file."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from sitepush.config import DeployConfig
from sitepush.syncer import hashing
from sitepush.syncer.hashing import (
    DEFAULT_MULTIPART_THRESHOLD,
    FileChangedWhileHashing,
    HashCache,
    cache_file_for,
    multipart_etag,
    multipart_threshold,
    part_size_for,
    transfer_config,
    uses_multipart,
)

if TYPE_CHECKING:
    from sitepush.sandbox import Sandbox

MiB = 1024 * 1024
GiB = 1024 * MiB
HOUR_NS = 3600 * 1_000_000_000


def write(path: Path, data: bytes, *, age_ns: int = HOUR_NS) -> Path:
    """Write ``data`` and date the file ``age_ns`` back, as a file of an earlier build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = time.time_ns() - age_ns
    os.utime(path, ns=(stamp, stamp))
    return path


def pattern(size: int, seed: int = 0) -> bytes:
    """``size`` bytes whose every MiB differs, so a part boundary in the wrong place changes the ETag."""
    blocks = (hashlib.sha256(f"{seed}-{index}".encode()).digest() * (MiB // 32)
              for index in range(size // MiB + 1))
    return b"".join(blocks)[:size]


def expected_multipart_etag(data: bytes, part_size: int) -> str:
    parts = [data[i:i + part_size] for i in range(0, len(data), part_size)]
    digests = b"".join(hashlib.md5(part).digest() for part in parts)
    return f"{hashlib.md5(digests).hexdigest()}-{len(parts)}"


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(home))
    return home


def test_the_default_threshold_is_the_deploy_configs_64_mib_and_parts_are_transfer_configs_8_mib() -> None:
    from boto3.s3.transfer import TransferConfig

    assert multipart_threshold() == DEFAULT_MULTIPART_THRESHOLD == 64 * MiB
    assert DeployConfig().multipart_threshold_mb * MiB == DEFAULT_MULTIPART_THRESHOLD
    assert (multipart_threshold(5), multipart_threshold(5120)) == (5 * MiB, 5 * GiB)
    assert HashCache().threshold == HashCache.load(Path("/nonexistent")).threshold == 64 * MiB
    assert part_size_for(100 * MiB) == TransferConfig().multipart_chunksize == 8 * MiB


@pytest.mark.parametrize("threshold", [5 * MiB, 8 * MiB, 64 * MiB, 5 * GiB])
def test_the_uploads_transfer_config_has_the_threshold_8_mib_parts_and_the_classic_client(
        threshold: int) -> None:
    from boto3.s3.transfer import TransferConfig

    config = transfer_config(threshold)
    assert isinstance(config, TransferConfig)
    assert (config.multipart_threshold, config.multipart_chunksize, config.preferred_transfer_client) == (
        threshold, 8 * MiB, "classic")


@pytest.mark.parametrize(("size", "threshold", "multipart"), [
    (0, 64 * MiB, False), (8 * MiB, 64 * MiB, False), (20 * MiB, 64 * MiB, False),
    (64 * MiB - 1, 64 * MiB, False), (64 * MiB, 64 * MiB, True), (64 * MiB + 1, 64 * MiB, True),
    (0, 8 * MiB, False), (8 * MiB - 1, 8 * MiB, False),
    (8 * MiB, 8 * MiB, True), (8 * MiB + 1, 8 * MiB, True),
    (5 * MiB - 1, 5 * MiB, False), (5 * MiB, 5 * MiB, True),
])
def test_a_file_of_exactly_the_threshold_goes_in_parts_like_s3transfer(
        size: int, threshold: int, multipart: bool) -> None:
    from s3transfer.upload import UploadFilenameInputManager
    from s3transfer.utils import OSUtils

    future = SimpleNamespace(meta=SimpleNamespace(size=size))
    s3transfer_decides = UploadFilenameInputManager(OSUtils(), None).requires_multipart_upload(
        future, transfer_config(threshold))
    assert uses_multipart(size, threshold) is s3transfer_decides is multipart


@pytest.mark.parametrize(("size", "part_size"), [
    (8 * MiB, 8 * MiB),
    (10_000 * 8 * MiB, 8 * MiB),
    (10_000 * 8 * MiB + 1, 16 * MiB),
    (10_000 * 16 * MiB + 1, 32 * MiB),
    (200 * GiB, 32 * MiB),
    (5 * 1024 * GiB, 1024 * MiB),
    (60 * 1024 * GiB, 5 * GiB),
])
def test_part_size_doubles_until_at_most_10000_parts_and_stays_within_5_mib_to_5_gib(
        size: int, part_size: int) -> None:
    from s3transfer.utils import ChunksizeAdjuster

    assert part_size_for(size) == part_size
    assert ChunksizeAdjuster().adjust_chunksize(8 * MiB, size) == part_size


@pytest.mark.parametrize(("size", "parts"), [(8 * MiB, 1), (8 * MiB + 1, 2), (16 * MiB, 2), (20 * MiB, 3)])
def test_multipart_etag_is_the_md5_of_the_part_md5s_and_the_part_count(
        tmp_path: Path, size: int, parts: int) -> None:
    data = pattern(size)
    path = write(tmp_path / "big.bin", data)
    etag = multipart_etag(path, part_size_for(size))
    assert etag == expected_multipart_etag(data, 8 * MiB)
    assert etag.endswith(f"-{parts}")
    assert HashCache(threshold=5 * MiB).md5_and_etag(path) == (hashlib.md5(data).hexdigest(), etag)


@pytest.mark.parametrize(("size", "threshold"), [
    (5 * MiB - 1, 5 * MiB), (8 * MiB - 1, 8 * MiB), (8 * MiB, None), (20 * MiB, None)])
def test_a_file_below_the_threshold_has_its_md5_as_etag(
        tmp_path: Path, size: int, threshold: int | None) -> None:
    data = pattern(size)
    md5 = hashlib.md5(data).hexdigest()
    cache = HashCache() if threshold is None else HashCache(threshold=threshold)
    assert cache.md5_and_etag(write(tmp_path / "a.bin", data)) == (md5, md5)


@pytest.mark.slow
@pytest.mark.parametrize(("size", "threshold"), [
    (5 * MiB, 8 * MiB), (8 * MiB, 8 * MiB), (8 * MiB + 1, 8 * MiB), (24 * MiB, 8 * MiB),
    (24 * MiB + 12345, 8 * MiB), (5 * MiB, 5 * MiB), (24 * MiB + 12345, 64 * MiB),
])
def test_local_etag_equals_the_etag_s3_reports_after_upload_file_with_the_same_transfer_config(
        sandbox: Sandbox, tmp_path: Path, size: int, threshold: int) -> None:
    s3 = sandbox.client("s3")
    bucket = "hashing-etags"
    s3.create_bucket(Bucket=bucket)
    key = f"f{size}-{threshold}"
    path = write(tmp_path / "upload.bin", pattern(size, seed=size))
    s3.upload_file(str(path), bucket, key, Config=transfer_config(threshold))
    reported = s3.head_object(Bucket=bucket, Key=key)["ETag"].strip('"')
    _, etag = HashCache(threshold=threshold).md5_and_etag(path)
    assert etag == reported
    assert ("-" in reported) is uses_multipart(size, threshold)


def test_an_unchanged_file_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", b"<p>a</p>")
    cache = HashCache()
    first = cache.md5_and_etag(path)
    assert cache.md5_and_etag(path) == first == (hashlib.md5(b"<p>a</p>").hexdigest(),) * 2
    assert cache.reads == 1


def test_a_rewrite_with_the_same_bytes_is_read_once_more_and_then_not_again(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", b"same")
    cache = HashCache()
    first = cache.md5_and_etag(path)
    write(path, b"same", age_ns=HOUR_NS // 2)
    assert cache.md5_and_etag(path) == first
    assert cache.md5_and_etag(path) == first
    assert cache.reads == 2


def test_a_same_size_change_is_seen_through_the_mtime(tmp_path: Path) -> None:
    path = write(tmp_path / "a.css", b"aaaa")
    cache = HashCache()
    cache.md5_and_etag(path)
    write(path, b"bbbb", age_ns=HOUR_NS // 2)
    assert cache.md5_and_etag(path)[0] == hashlib.md5(b"bbbb").hexdigest()


def test_a_same_size_same_mtime_replacement_is_seen_through_the_inode(tmp_path: Path) -> None:
    path = write(tmp_path / "a.css", b"aaaa")
    cache = HashCache()
    cache.md5_and_etag(path)
    before = os.stat(path)
    replacement = write(tmp_path / "new.css", b"bbbb")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, path)
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns
    assert cache.md5_and_etag(path)[0] == hashlib.md5(b"bbbb").hexdigest()


def test_a_file_modified_just_before_it_was_hashed_is_not_trusted_next_time(tmp_path: Path) -> None:
    path = write(tmp_path / "fresh.html", b"fresh", age_ns=0)
    cache = HashCache()
    cache.md5_and_etag(path)
    cache.md5_and_etag(path)
    assert cache.reads == 2
    assert len(cache) == 0


@pytest.mark.parametrize(("age_ns", "whole_seconds", "cached"), [
    (50_000_000, False, False),
    (500_000_000, False, True),
    (500_000_000, True, False),
    (3_000_000_000, True, True),
])
def test_only_an_mtime_older_than_the_filesystems_granularity_is_trusted(
        tmp_path: Path, age_ns: int, whole_seconds: bool, cached: bool) -> None:
    path = write(tmp_path / "a.html", b"a")
    stamp = time.time_ns() - age_ns
    # Whole seconds as a coarse filesystem stores them (up to a second older), else never whole.
    stamp = stamp - stamp % 1_000_000_000 if whole_seconds else stamp - (stamp % 1_000_000_000 == 0)
    os.utime(path, ns=(stamp, stamp))
    cache = HashCache()
    cache.md5_and_etag(path)
    assert len(cache) == (1 if cached else 0)


def test_a_file_that_grows_while_it_is_read_stops_the_hash(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", b"short")
    info = os.stat(path)
    write(path, b"much longer now")
    with pytest.raises(FileChangedWhileHashing) as raised:
        HashCache().md5_and_etag(path, info)
    assert raised.value.render() == (
        f"{path} changed while it was being read — let the build finish, then rerun the deploy")


def test_a_same_size_rewrite_during_the_read_stops_the_hash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "a.html", b"aaaa")
    real_digest = hashing._digest

    def rewritten_meanwhile(target: str, part_size: int | None, **kept: bool) -> tuple[str, str, int, bytes]:
        result = real_digest(target, part_size, **kept)
        write(Path(target), b"bbbb", age_ns=HOUR_NS // 2)
        return result

    monkeypatch.setattr(hashing, "_digest", rewritten_meanwhile)
    with pytest.raises(FileChangedWhileHashing, match="changed while it was being read"):
        HashCache().md5_and_etag(path)


def test_the_cache_is_json_in_the_user_cache_folder_keyed_by_the_site_folder(
        tmp_path: Path, cache_home: Path) -> None:
    site = tmp_path / "site"
    path = write(site / "a.html", b"a")
    cache = HashCache.load(site)
    cache.md5_and_etag(path)
    assert cache.save(site) is True
    saved = cache_file_for(site)
    assert saved.parent.parent == cache_home
    assert cache_file_for(tmp_path / "other") != saved
    info = os.stat(path)
    assert json.loads(saved.read_text()) == {
        "format": 2, "threshold": 64 * MiB, "chunksize": 8 * MiB,
        "files": {str(path): [1, info.st_mtime_ns, info.st_ino, hashlib.md5(b"a").hexdigest(),
                              hashlib.md5(b"a").hexdigest()]}}


def test_a_cache_saved_for_another_threshold_is_not_loaded(tmp_path: Path, cache_home: Path) -> None:
    site = tmp_path / "site"
    path = write(site / "a.bin", pattern(6 * MiB))
    small = HashCache.load(site, threshold=5 * MiB)
    assert small.md5_and_etag(path)[1].endswith("-1")
    assert small.save(site) is True
    assert json.loads(cache_file_for(site).read_text())["threshold"] == 5 * MiB
    assert len(HashCache.load(site, threshold=5 * MiB)) == 1
    default = HashCache.load(site)
    assert len(default) == 0
    assert default.md5_and_etag(path) == (hashlib.md5(pattern(6 * MiB)).hexdigest(),) * 2
    assert default.reads == 1


def test_a_loaded_cache_serves_the_saved_hashes_without_reading(
        tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    paths = [write(site / f"{name}.html", name.encode()) for name in ("a", "b")]
    first = HashCache.load(site)
    hashes = [first.md5_and_etag(p) for p in paths]
    first.save(site)

    def no_reading(path: str, part_size: int | None, **kept: bool) -> tuple[str, str, int, bytes]:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(hashing, "_digest", no_reading)
    again = HashCache.load(site)
    assert [again.md5_and_etag(p) for p in paths] == hashes


def test_saving_keeps_only_the_files_looked_up_since_loading(tmp_path: Path, cache_home: Path) -> None:
    site = tmp_path / "site"
    kept, gone = write(site / "kept.html", b"k"), write(site / "gone.html", b"g")
    cache = HashCache.load(site)
    cache.md5_and_etag(kept)
    cache.md5_and_etag(gone)
    cache.save(site)
    gone.unlink()
    cache = HashCache.load(site)
    cache.md5_and_etag(kept)
    cache.save(site)
    assert list(json.loads(cache_file_for(site).read_text())["files"]) == [str(kept)]


def test_a_no_change_save_does_not_rewrite_the_file(tmp_path: Path, cache_home: Path) -> None:
    site = tmp_path / "site"
    path = write(site / "a.html", b"a")
    cache = HashCache.load(site)
    cache.md5_and_etag(path)
    cache.save(site)
    before = os.stat(cache_file_for(site))
    cache = HashCache.load(site)
    cache.md5_and_etag(path)
    assert cache.save(site) is True
    after = os.stat(cache_file_for(site))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("content", [
    b"{not json",
    pickle.dumps({"format": 1}),
    b"[]",
    json.dumps({"format": 2, "threshold": 64 * MiB, "chunksize": 8 * MiB, "files": {}}).encode(),
    json.dumps({"format": 1, "threshold": 8 * MiB, "chunksize": 8 * MiB,
                "files": {"/x": [1, 2, 3, "m", "e"]}}).encode(),
    json.dumps({"format": 2, "threshold": 64 * MiB, "chunksize": 16 * MiB,
                "files": {"/x": [1, 2, 3, "m", "e"]}}).encode(),
    json.dumps({"format": 2, "threshold": 64 * MiB, "chunksize": 8 * MiB,
                "files": {"/x": [1, 2, 3, "m", "e"], "/y": [1, "2", 3, "m", "e"]}}).encode(),
    json.dumps({"format": 2, "threshold": 64 * MiB, "chunksize": 8 * MiB, "files": {"/x": [1, 2]}}).encode(),
    b"\xff\xfe",
])
def test_a_corrupt_or_foreign_cache_file_is_an_empty_cache(
        tmp_path: Path, cache_home: Path, content: bytes) -> None:
    site = tmp_path / "site"
    cache_file_for(site).parent.mkdir(parents=True)
    cache_file_for(site).write_bytes(content)
    assert len(HashCache.load(site)) == 0


def test_a_cache_folder_that_cannot_be_written_costs_nothing_but_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = write(tmp_path / "not-a-folder", b"")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(blocker))
    site = tmp_path / "site"
    cache = HashCache.load(site)
    cache.md5_and_etag(write(site / "a.html", b"a"))
    assert cache.save(site) is False
