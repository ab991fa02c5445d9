"""`sitepush deploy --site-dir DIR --bucket B --endpoint-url URL`: the syncer as a user (and the benchmark) runs it.

The endpoint is the session's moto server; credentials come from AWS_* variables, as in CI.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from sitepush.cli import main
from sitepush.config import DeployConfig
from sitepush.deploy import DeployTarget, deploy_folder, normalise_prefix
from sitepush.sandbox import Sandbox
from sitepush.syncer.hashing import cache_file_for
from sitepush.syncer.model import (
    EMPTY_MD5,
    Manifest,
    ObjectHeaders,
    ObjectSpec,
    SyncPlan,
    Upload,
    UploadReason,
)
from sitepush.syncer.report import ProgressLine, format_plan
from tests.fixtures.paths import REPO

_numbers = itertools.count()
MiB = 1024 * 1024
PAGES = {f"p/{n:02}.html": f"<!doctype html><p>page {n}</p>".encode() for n in range(60)}


@pytest.fixture()
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials as CI passes them, and a cache folder of this test's own."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDDEPLOYCLITEST000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "deploy-cli-test-secret")
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))


def write_site(folder: Path, files: Mapping[str, bytes]) -> Path:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def new_bucket(sandbox: Sandbox) -> str:
    bucket = f"deploy-cli-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    return bucket


def bucket_state(sandbox: Sandbox, bucket: str) -> dict[str, tuple[str, bytes]]:
    """Every key with its ETag and bytes: what must not change when nothing may change."""
    s3 = sandbox.client("s3")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    return {key: (s3.head_object(Bucket=bucket, Key=key)["ETag"],
                  s3.get_object(Bucket=bucket, Key=key)["Body"].read()) for key in keys}


def deploy(sandbox: Sandbox, site: Path, bucket: str, *extra: str) -> int:
    return main(["deploy", "--site-dir", str(site), "--bucket", bucket,
                 "--endpoint-url", sandbox.endpoint_url, *extra])


def test_the_benchmark_command_line_syncs_a_folder_then_finds_nothing_to_upload(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    assert deploy(sandbox, site, bucket, "--yes") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert re.fullmatch(rf"s3://{bucket}/: uploaded 60 objects \(1\.\d kB; 60 new\), deleted 0, unchanged 0"
                        r" — \d+\.\d s, 62 requests\n", out), out
    assert deploy(sandbox, site, bucket, "--yes") == 0
    assert capsys.readouterr() == ("Nothing to upload: the bucket already matches (60 objects)\n", "")


def test_a_deploy_that_changes_nothing_is_one_listing_and_no_other_request(
        sandbox: Sandbox, tmp_path: Path, aws_env: None) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    report = tmp_path / "deploy.json"
    assert deploy(sandbox, site, bucket) == 0
    assert deploy(sandbox, site, bucket, "--json", str(report)) == 0
    result = json.loads(report.read_text("utf-8"))["result"]
    assert (result["listing_requests"], result["requests"], result["uploaded"]) == (1, 0, 0)
    # Without the manifest kept from the last deploy (a fresh CI runner), it is read once more.
    for memo in (tmp_path / "cache").rglob("remote-manifest.json"):
        memo.unlink()
    assert deploy(sandbox, site, bucket, "--json", str(report)) == 0
    result = json.loads(report.read_text("utf-8"))["result"]
    assert (result["listing_requests"], result["requests"], result["uploaded"]) == (2, 0, 0)


def test_a_manifest_rewritten_by_another_deploy_is_read_again_not_taken_from_memory(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    other = write_site(tmp_path / "other", PAGES | {"p/00.html": b"<p>changed elsewhere</p>"})
    assert deploy(sandbox, site, bucket) == 0
    with monkeypatch.context() as elsewhere:  # another machine, with its own cache
        elsewhere.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "other-cache"))
        assert deploy(sandbox, other, bucket) == 0
    capsys.readouterr()
    assert deploy(sandbox, site, bucket) == 0
    assert re.fullmatch(rf"s3://{bucket}/: uploaded 1 object \(28 bytes; 1 changed\), deleted 0, "
                        r"unchanged 59 — \d+\.\d s, 4 requests\n", capsys.readouterr().out)


def test_a_change_uploads_only_it_and_says_why(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    assert deploy(sandbox, site, bucket) == 0
    (site / "p" / "07.html").write_bytes(b"<!doctype html><p>page 7, edited</p>")
    (site / "p" / "08.html").unlink()
    (site / "new.css").write_bytes(b"p { margin: 0 }")
    capsys.readouterr()
    assert deploy(sandbox, site, bucket) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(rf"s3://{bucket}/: uploaded 2 objects \(51 bytes; 1 new, 1 changed\), deleted 1, "
                        r"unchanged 58 — \d+\.\d s, 5 requests\n", out), out


def test_dry_run_prints_the_plan_and_changes_nothing(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    assert deploy(sandbox, site, bucket) == 0
    (site / "p" / "07.html").write_bytes(b"<!doctype html><p>page 7, edited</p>")
    (site / "p" / "08.html").unlink()
    (site / "new.css").write_bytes(b"p { margin: 0 }")
    before = bucket_state(sandbox, bucket)
    capsys.readouterr()
    assert deploy(sandbox, site, bucket, "--dry-run") == 0
    assert capsys.readouterr().out == (
        f"Plan for s3://{bucket}/ (dry run: nothing is changed)\n"
        "  upload 2 objects (51 bytes; 1 new, 1 changed)\n"
        "    new      new.css\n"
        "    changed  p/07.html\n"
        "  delete 1 object (limit 25)\n"
        "    p/08.html\n"
        "  unchanged 58 objects\n"
        "  deploy manifest: written\n")
    assert bucket_state(sandbox, bucket) == before


def test_deletes_above_the_limit_stop_with_exit_3_and_change_nothing(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    assert deploy(sandbox, site, bucket) == 0
    for n in range(26):
        (site / "p" / f"{n:02}.html").unlink()
    (site / "p" / "59.html").write_bytes(b"changed too")
    before = bucket_state(sandbox, bucket)
    capsys.readouterr()
    assert deploy(sandbox, site, bucket) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("error: stopped before changing anything: the deploy would delete 26 of the 60 objects "
                   "in the bucket, more than the limit of 25 — check the site folder, then rerun with "
                   "--yes or --max-deletes 26\n")
    assert bucket_state(sandbox, bucket) == before
    assert deploy(sandbox, site, bucket, "--max-deletes", "26") == 0
    assert len(bucket_state(sandbox, bucket)) == 60 - 26 + 1


def test_yes_lets_a_deploy_delete_more_than_the_limit(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    assert deploy(sandbox, site, bucket) == 0
    for n in range(50):
        (site / "p" / f"{n:02}.html").unlink()
    assert deploy(sandbox, site, bucket) == 3
    assert deploy(sandbox, site, bucket, "--yes") == 0
    assert sorted(bucket_state(sandbox, bucket)) == [".sitepush/manifest.json"] + [
        f"p/{n}.html" for n in range(50, 60)]


def test_json_file_holds_the_plan_and_the_result(
        sandbox: Sandbox, tmp_path: Path, aws_env: None) -> None:
    site, bucket = write_site(tmp_path / "site", {"index.html": b"<p>home</p>", "a.css": b"p{}"}), \
        new_bucket(sandbox)
    report = tmp_path / "deploy.json"
    assert deploy(sandbox, site, bucket, "--json", str(report)) == 0
    document = json.loads(report.read_text("utf-8"))
    assert document["plan"]["uploads"] == [
        {"key": "a.css", "reason": "new", "size": 3, "content_type": "text/css; charset=utf-8",
         "redirect": None},
        {"key": "index.html", "reason": "new", "size": 11, "content_type": "text/html; charset=utf-8",
         "redirect": None}]
    result = document["result"]
    assert (document["bucket"], document["prefix"], document["dry_run"], document["stopped"]) == (
        bucket, "", False, None)
    assert {k: result[k] for k in ("uploaded", "uploaded_bytes", "by_reason", "deleted", "unchanged",
                                   "manifest_written", "requests", "listing_requests",
                                   "total_requests", "requests_by_operation")} == {
        "uploaded": 2, "uploaded_bytes": 14, "by_reason": {"new": 2}, "deleted": 0, "unchanged": 0,
        "manifest_written": True, "requests": 3, "listing_requests": 1, "total_requests": 4,
        "requests_by_operation": {"PutObject": 3}}
    assert deploy(sandbox, site, bucket, "--dry-run", "--json", str(report)) == 0
    document = json.loads(report.read_text("utf-8"))
    assert (document["dry_run"], document["result"], document["plan"]["uploads"]) == (True, None, [])


def test_without_sitepush_toml_a_20_mib_file_is_one_put_below_the_default_64_mib_threshold(
        sandbox: Sandbox, tmp_path: Path, aws_env: None) -> None:
    site = write_site(tmp_path / "site", {"talk.mp4": bytes(range(256)) * (20 * MiB // 256)})
    bucket, report = new_bucket(sandbox), tmp_path / "deploy.json"
    assert deploy(sandbox, site, bucket, "--json", str(report)) == 0
    assert json.loads(report.read_text("utf-8"))["result"]["requests_by_operation"] == {"PutObject": 2}
    assert json.loads(cache_file_for(site).read_text("utf-8"))["threshold"] == 64 * MiB


def test_the_configured_multipart_threshold_reaches_the_scan_and_the_upload(
        sandbox: Sandbox, tmp_path: Path, aws_env: None) -> None:
    site = write_site(tmp_path / "site", {"talk.mp4": bytes(range(256)) * (6 * MiB // 256)})
    bucket, report = new_bucket(sandbox), tmp_path / "deploy.json"
    target = DeployTarget.from_options(DeployConfig(multipart_threshold_mb=5), sandbox=False, bucket=bucket,
                                       prefix=None, endpoint_url=sandbox.endpoint_url, region=None,
                                       profile=None, workers=None)
    assert (target.multipart_threshold_mb, target.multipart_threshold) == (5, 5 * MiB)
    deploy_folder(site, {}, target, json_path=report, out=io.StringIO())
    assert json.loads(report.read_text("utf-8"))["result"]["requests_by_operation"] == {
        "CompleteMultipartUpload": 1, "CreateMultipartUpload": 1, "PutObject": 1, "UploadPart": 1}
    assert json.loads(cache_file_for(site).read_text("utf-8"))["threshold"] == 5 * MiB
    outcome = deploy_folder(site, {}, target, json_path=report, out=io.StringIO())
    assert (outcome.plan.uploads, outcome.plan.unchanged) == ((), 1)


def test_a_json_file_that_cannot_be_written_is_one_line(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", {"index.html": b"x"}), new_bucket(sandbox)
    target = tmp_path / "absent" / "deploy.json"
    assert deploy(sandbox, site, bucket, "--dry-run", "--json", str(target)) == 1
    assert capsys.readouterr().err == (
        f"error: cannot write --json {target}: No such file or directory"
        " — pass a file in a folder that exists and is writable\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--max-deletes", "-1"], "error: --max-deletes must be 0 or more\n"),
    (["--workers", "0"], "error: --workers must be at least 1\n"),
    (["--prefix", "a/../b"], ("error: the prefix 'a/../b' has an empty, `.` or `..` segment"
                              " — write a plain key prefix, e.g. --prefix blog/\n")),
])
def test_bad_deploy_options_are_usage_errors(sandbox: Sandbox, tmp_path: Path, aws_env: None,
                                             capsys: pytest.CaptureFixture[str], args: list[str],
                                             message: str) -> None:
    site = write_site(tmp_path / "site", {"index.html": b"x"})
    assert deploy(sandbox, site, "deploy-cli-unused", *args) == 2
    assert capsys.readouterr().err == message


SECRET_KEY_ID = "AKIAZZSITEPUSHLEAK42"
SECRET = "sitepush/never-print-this+secret/0123456789abcdef"
TOKEN = "IQoJb3JpZ2luX2VjEGNEVERPRINTTHISTOKEN"


def run_cli(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sitepush", *args], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(REPO)}, timeout=120, check=False)


def test_credentials_are_never_printed_nor_written_to_the_json(
        sandbox: Sandbox, tmp_path: Path) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=SECRET_KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=TOKEN,
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               SITEPUSH_CACHE_DIR=str(tmp_path / "cache"))
    common = ["deploy", "--site-dir", str(site), "--endpoint-url", sandbox.endpoint_url]
    runs = [run_cli(*common, "--bucket", bucket, "--json", str(tmp_path / "1.json"), env=env)]
    for n in range(30):
        (site / "p" / f"{n:02}.html").unlink()
    runs += [run_cli(*common, "--bucket", bucket, "--dry-run", "--json", str(tmp_path / "2.json"), env=env),
             run_cli(*common, "--bucket", bucket, "--json", str(tmp_path / "3.json"), env=env),
             run_cli(*common, "--bucket", "deploy-cli-never-created", env=env)]
    assert [run.returncode for run in runs] == [0, 0, 3, 1]
    seen = "".join(run.stdout + run.stderr for run in runs) + "".join(
        (tmp_path / f"{n}.json").read_text("utf-8") for n in (1, 2, 3))
    assert "uploaded 60 objects" in seen and "the bucket does not exist" in seen
    for secret in (SECRET_KEY_ID, SECRET, TOKEN, "never-print", "NEVERPRINT"):
        assert secret not in seen


def small_plan(uploads: int, deletes: int) -> SyncPlan:
    headers = ObjectHeaders(content_type="text/html; charset=utf-8")
    return SyncPlan(
        uploads=tuple(Upload(ObjectSpec(key=f"p/{n}.html", path=None, size=1000, md5=EMPTY_MD5,
                                        etag=EMPTY_MD5, headers=headers), UploadReason.CONTENT)
                      for n in range(uploads)),
        deletes=tuple(f"old/{n}.html" for n in range(deletes)), unchanged=5, manifest=Manifest(),
        manifest_changed=True, invalidation_paths=tuple(f"/p/{n}.html" for n in range(uploads)),
        invalidation_cost_usd=0.005 * uploads, delete_limit=25,
        blocked="the deploy would delete many" if deletes > 25 else None)


def test_the_dry_run_plan_of_a_big_deploy_fits_on_one_screen() -> None:
    text = format_plan(small_plan(5000, 3000), bucket="b", prefix="", distribution_id="E1")
    lines = text.splitlines()
    assert len(lines) <= 40 and max(map(len, lines)) <= 100
    assert "  upload 5,000 objects (5.0 MB; 5,000 changed)" in lines
    assert "    … and 4,990 more (--json FILE lists them all)" in lines
    assert "  delete 3,000 objects (limit 25)" in lines
    assert "  invalidate 5,000 paths on CloudFront E1, at most $25.00" in lines
    assert lines[-1] == "  blocked: the deploy would delete many"


class FakeTerminal(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_progress_on_a_terminal_is_one_line_rewritten_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    now = [0.0]
    stream = FakeTerminal(tty=True)
    progress = ProgressLine(stream, clock=lambda: now[0])
    for done in range(1, 31):
        now[0] = done * 0.06
        progress(f"uploaded {done}/30 objects")
    progress.close()
    shown = stream.getvalue()
    assert "\n" not in shown
    assert shown.split("\r") == ["", *[f"uploaded {n}/30 objects" for n in range(1, 31, 2)],
                                  " " * len("uploaded 29/30 objects"), ""]


def test_progress_without_a_terminal_is_a_few_plain_lines() -> None:
    now = [0.0]
    stream = FakeTerminal(tty=False)
    progress = ProgressLine(stream, clock=lambda: now[0])
    for done in range(1, 3001):
        now[0] = done / 100  # a 30-second deploy
        progress(f"uploaded {done}/3000 objects")
    progress.close()
    assert stream.getvalue() == "uploaded 1000/3000 objects\nuploaded 2000/3000 objects\n" \
        "uploaded 3000/3000 objects\n"


def test_a_quick_deploy_in_ci_prints_no_progress_at_all() -> None:
    stream = FakeTerminal(tty=False)
    progress = ProgressLine(stream)
    for done in range(100):
        progress(f"uploaded {done}/100 objects")
    progress.close()
    assert stream.getvalue() == ""



@pytest.mark.parametrize(("prefix", "normalised"), [
    ("", ""), ("/", ""), ("blog", "blog/"), ("/blog/", "blog/"), ("a/b", "a/b/")])
def test_the_prefix_is_normalised_to_end_with_one_slash(prefix: str, normalised: str) -> None:
    assert normalise_prefix(prefix) == normalised


def test_command_line_options_win_over_the_deploy_config() -> None:
    config = DeployConfig(bucket="from-toml", prefix="toml/", max_deletes=5, workers=8,
                          cloudfront_distribution_id="E1", state_prefix="/state/", multipart_threshold_mb=100)
    target = DeployTarget.from_options(config, sandbox=False, bucket="from-cli", prefix=None,
                                       endpoint_url=None, region=None, profile=None, workers=None,
                                       max_deletes=50)
    assert (target.bucket, target.prefix, target.max_deletes, target.workers, target.distribution_id,
            target.state_prefix, target.multipart_threshold) == (
        "from-cli", "toml/", 50, 8, "E1", "state/", 100 * MiB)
    sandboxed = DeployTarget.from_options(config, sandbox=True, bucket=None, prefix="", endpoint_url=None,
                                          region=None, profile=None, workers=None)
    assert (sandboxed.bucket, sandboxed.prefix, sandboxed.max_deletes, sandboxed.distribution_id) == (
        "from-toml", "", 5, None)
    without_toml = DeployTarget.from_options(None, sandbox=True, bucket=None, prefix=None, endpoint_url=None,
                                             region=None, profile=None, workers=None)
    assert (without_toml.multipart_threshold_mb, without_toml.multipart_threshold) == (64, 64 * MiB)
    assert DeployTarget(bucket="b", prefix="", region="us-east-1", endpoint_url=None, profile=None,
                        workers=1, sandbox=False).multipart_threshold == 64 * MiB


def test_a_header_rule_that_matches_no_file_is_warned_about_at_its_line(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = tmp_path / "src", new_bucket(sandbox)
    (site / "content").mkdir(parents=True)
    (site / "content" / "index.md").write_text("# Home\n")
    (site / "sitepush.toml").write_text(
        f'[deploy]\nbucket = "{bucket}"\n\n[[deploy.headers]]\nglob = "*.html"\ncache_control = "no-cache"\n\n'
        '[[deploy.headers]]\nglob = "*.htm"\ncache_control = "no-cache"\n')
    assert main(["deploy", str(site), "--endpoint-url", sandbox.endpoint_url]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert warnings == ['warning: sitepush.toml:8: [[deploy.headers]] glob "*.htm" matches no file — fix the '
                        "glob (one without / matches file names at any depth) or remove the rule"]
    s3 = sandbox.client("s3")
    assert s3.head_object(Bucket=bucket, Key="404.html")["CacheControl"] == "no-cache"  # *.html: every page


def test_json_dash_writes_the_document_to_stdout_and_the_human_lines_to_stderr(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    assert deploy(sandbox, site, bucket, "--json", "-") == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["schema"] == "sitepush.deploy/1" and document["result"]["uploaded"] == len(PAGES)
    assert f"s3://{bucket}/: uploaded {len(PAGES)} objects" in captured.err
    assert not (Path.cwd() / "-").exists()


def test_the_readme_names_every_field_of_the_deploy_document(
        sandbox: Sandbox, tmp_path: Path, aws_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    site, bucket = write_site(tmp_path / "site", PAGES), new_bucket(sandbox)
    assert deploy(sandbox, site, bucket, "--json", str(tmp_path / "d.json")) == 0
    document = json.loads((tmp_path / "d.json").read_text())
    assert document["edge"] is None  # website mode: no function (private mode: tests/cli/test_private_mode_cli.py)
    documented = (REPO / "README.md").read_text("utf-8").split("<!-- json-fields -->")[1].split(
        "<!-- /json-fields -->")[0]
    deploy_part = documented.split("- `sitepush.configure/1`")[0]
    names = {*document, *document["plan"], *document["plan"]["uploads"][0], *document["result"],
             *document["result"]["invalidation"]} - {"schema"}
    assert {name for name in names if f"`{name}`" not in deploy_part} == set()
