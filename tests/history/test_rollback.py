"""Deploy history and rollback on a versioned bucket (moto's server over HTTP), and the pure planner."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from sitepush.cli import main
from sitepush.history.records import DeployRecord
from sitepush.history.rollback import KeyVersions, plan_rollback
from sitepush.sandbox import Sandbox

_numbers = itertools.count()

V1 = {"index.html": b"<p>one</p>", "a.css": b"a{}", "gone-later.html": b"<p>bye</p>", "same.txt": b"same"}
V2 = {"index.html": b"<p>two</p>", "a.css": b"a{color:red}", "new.html": b"<p>new</p>", "same.txt": b"same"}
V3 = {"index.html": b"<p>three</p>", "a.css": b"a{color:red}", "new.html": b"<p>newer</p>", "same.txt": b"same",
      "third.js": b"x()"}


# -- the planner, pure ------------------------------------------------------------------------------

def record(record_id: str, versions: Mapping[str, str], previous: Mapping[str, str] | None = None) -> DeployRecord:
    return DeployRecord(id=record_id, time="", kind="deploy", versions=versions, previous=previous or {})


def test_each_key_goes_back_to_the_version_the_first_later_deploy_recorded_as_previous() -> None:
    later = [record("2", {"a": "a2", "b": "b-marker", "c": "c1"}, {"a": "a1", "b": "b1", "c": ""}),
             record("3", {"a": "a3"}, {"a": "a2"})]
    versions = {"a": KeyVersions(("a3", "a2", "a1"), "a3"), "b": KeyVersions(("b1",), "b-marker", True),
                "c": KeyVersions(("c1",), "c1")}
    plan = plan_rollback("1", later, versions)
    assert dict(plan.restore) == {"a": "a1", "b": "b1"}  # b was deleted later: copied back
    assert plan.delete == ("c",)                          # c did not exist at deploy 1
    assert plan.unchanged == ()


def test_without_a_recorded_previous_version_the_newest_one_no_later_deploy_wrote_is_taken() -> None:
    later = [record("2", {"a": "a2"}), record("3", {"a": "a3"})]  # someone else had written a0 → a1
    plan = plan_rollback("1", later, {"a": KeyVersions(("a3", "a2", "a1", "a0"), "a3")})
    assert dict(plan.restore) == {"a": "a1"}


def test_a_key_already_at_its_target_version_is_left_alone() -> None:
    later = [record("2", {"a": "a2"}, {"a": "a1"}), record("3", {"a": "a3", "b": "b-marker"}, {"b": ""})]
    versions = {"a": KeyVersions(("a1", "a3", "a2"), "a1"),  # someone put a1 back already
                "b": KeyVersions((), "b-marker", True)}
    plan = plan_rollback("1", later, versions)
    assert (dict(plan.restore), plan.delete, plan.unchanged) == ({}, (), ("a", "b"))


# -- on a versioned bucket ---------------------------------------------------------------------------

@pytest.fixture()
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDROLLBACKTEST0000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "rollback-test-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))


def versioned_bucket(sandbox: Sandbox, versioned: bool = True) -> str:
    bucket = f"history-{next(_numbers)}"
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket=bucket)
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def write_site(folder: Path, files: Mapping[str, bytes]) -> Path:
    if folder.exists():
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def deploy(folder: Path, bucket: str, sandbox: Sandbox, files: Mapping[str, bytes]) -> None:
    write_site(folder, files)
    assert main(["deploy", "--site-dir", str(folder), "--bucket", bucket, "--endpoint-url",
                 sandbox.endpoint_url, "--yes"]) == 0


def site_objects(sandbox: Sandbox, bucket: str) -> dict[str, tuple[str, str | None]]:
    """Key → (MD5 of the bytes, Content-Type) of every site object (sitepush's state left out)."""
    s3 = sandbox.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])
            if not o["Key"].startswith(".sitepush/")]
    result = {}
    for key in keys:
        got = s3.get_object(Bucket=bucket, Key=key)
        result[key] = (hashlib.md5(got["Body"].read()).hexdigest(), got.get("ContentType"))
    return result


def expected(files: Mapping[str, bytes], sample: Mapping[str, tuple[str, str | None]]) -> dict[str, tuple[str, Any]]:
    return {key: (hashlib.md5(data).hexdigest(), sample.get(key, (None, None))[1]) for key, data in files.items()}


def ids(bucket: str, sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["history", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["schema"], document["bucket"]) == ("sitepush.history/1", bucket)
    return [r["id"] for r in document["deploys"]]


def test_rollback_to_the_first_deploy_restores_it_byte_for_byte_and_can_itself_be_undone(
        env: None, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bucket = versioned_bucket(sandbox)
    folder = tmp_path / "site"
    deploy(folder, bucket, sandbox, V1)
    v1 = site_objects(sandbox, bucket)
    deploy(folder, bucket, sandbox, V2)
    deploy(folder, bucket, sandbox, V3)
    v3 = site_objects(sandbox, bucket)
    first, second, third = ids(bucket, sandbox, capsys)[::-1]
    assert main(["rollback", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--to", first]) == 0
    assert site_objects(sandbox, bucket) == v1 == expected(V1, v1)
    history = ids(bucket, sandbox, capsys)
    assert history[1:] == [third, second, first] and len(history) == 4  # the rollback is recorded
    assert main(["rollback", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--to", third]) == 0
    assert site_objects(sandbox, bucket) == v3
    deploy(folder, bucket, sandbox, V3)  # the manifest was rolled back too: nothing left to upload
    assert "Nothing to upload" in capsys.readouterr().out


def test_steps_goes_back_that_many_deploys_and_dry_run_changes_nothing(
        env: None, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bucket = versioned_bucket(sandbox)
    folder = tmp_path / "site"
    for files in (V1, V2):
        deploy(folder, bucket, sandbox, files)
    v2 = site_objects(sandbox, bucket)
    deploy(folder, bucket, sandbox, V3)
    capsys.readouterr()
    assert main(["rollback", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--steps", "1",
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "restore 3, delete 1" in out and "  delete  third.js" in out  # the manifest is the third
    assert main(["rollback", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--steps", "1"]) == 0
    assert site_objects(sandbox, bucket) == v2


def test_a_rollback_costs_one_request_per_changed_key_plus_a_few(
        env: None, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bucket = versioned_bucket(sandbox)
    folder = tmp_path / "site"
    many = {f"page-{n:03}.html": f"<p>{n}</p>".encode() for n in range(200)}
    deploy(folder, bucket, sandbox, many)
    changed = dict(many, **{f"page-{n:03}.html": f"<p>{n} changed</p>".encode() for n in range(0, 200, 20)})
    deploy(folder, bucket, sandbox, changed)
    calls: list[str] = []
    from sitepush import aws

    real = aws.make_client

    def counting(*args: Any, **kwargs: Any) -> Any:
        client = real(*args, **kwargs)
        client.meta.events.register("before-send", lambda **kw: calls.append("request"))
        return client

    import sitepush.cli.history as history_cli

    history_cli_make = history_cli.__dict__.get("make_client")
    assert history_cli_make is None  # the command builds its client through sitepush.aws.make_client
    aws.make_client = counting  # type: ignore[assignment]
    try:
        assert main(["rollback", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url, "--steps", "1"]) == 0
    finally:
        aws.make_client = real  # type: ignore[assignment]
    # 10 pages restored + the manifest: 11 copies; then GetBucketVersioning, 1 LIST of records,
    # 1 GET of the record undone, 1 ListObjectVersions page, 1 PUT of the rollback's record.
    assert len(calls) == 11 + 5


def test_history_lists_deploys_newest_first_and_an_unversioned_bucket_says_how_to_fix_it(
        env: None, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bucket = versioned_bucket(sandbox, versioned=False)
    deploy(tmp_path / "site", bucket, sandbox, V1)
    capsys.readouterr()
    assert main(["history", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url]) == 0
    assert capsys.readouterr().out.startswith(f"no deploys recorded in s3://{bucket}/")
    assert main(["rollback", "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: s3://{bucket} is not versioned, so earlier deploys cannot be restored — run `sitepush "
        "configure` (it turns versioning on); deploys after that can be rolled back")
