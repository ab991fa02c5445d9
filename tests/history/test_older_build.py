"""An older build never silently replaces a newer one: the manifest knows the commit it was built from.

A real git repository with two commits (the second a child of the first); the site is deployed from
the newer one, then the older one is checked out and deployed: exit 3 before any write, with the
line naming both commits, unless --allow-older. Outside git, or with a commit git does not know, no
check at all.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from pathlib import Path

import pytest

from sitepush.history.lineage import is_ancestor, older_build_stop
from sitepush.sandbox import Sandbox
from tests.reliability.conftest import bucket_state, deploy, expected_state

_numbers = itertools.count()
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV, "HOME": str(repo)}, timeout=30)
    return done.stdout.strip()


def commit_site(repo: Path, text: str) -> str:
    site = repo / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(f"<p>{text}</p>")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", text)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir()
    git(folder, "init", "-q")
    return folder


def test_git_says_which_commit_is_an_ancestor_and_an_unknown_one_gets_no_answer(repo: Path) -> None:
    first = commit_site(repo, "one")
    second = commit_site(repo, "two")
    assert is_ancestor(repo, first, second) is True
    assert is_ancestor(repo, second, first) is False
    assert is_ancestor(repo, "0" * 40, second) is None
    assert older_build_stop(second, first, repo) is not None
    assert older_build_stop(first, second, repo) is None
    assert older_build_stop(None, first, repo) is None and older_build_stop(second, None, repo) is None


def test_deploying_an_older_commit_over_a_newer_one_stops_with_exit_3_unless_allow_older(
        repo: Path, sandbox: Sandbox, tmp_path: Path) -> None:
    s3 = sandbox.client("s3")
    bucket = f"older-build-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    first = commit_site(repo, "one")
    second = commit_site(repo, "two")
    where = ["--site-dir", str(repo / "site"), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url]
    assert deploy(where, tmp_path / "cache").returncode == 0
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=".sitepush/manifest.json")["Body"].read())
    assert manifest["commit"] == second
    newer = bucket_state(s3, bucket)
    git(repo, "checkout", "-q", first)
    stopped = deploy(where, tmp_path / "cache")
    assert stopped.returncode == 3, stopped.stderr
    assert stopped.stderr.strip().splitlines() == [
        f"error: the bucket holds {second[:7]}, which is newer than {first[:7]} — pass --allow-older to deploy "
        "it anyway"]
    assert bucket_state(s3, bucket) == newer  # nothing written
    allowed = deploy([*where, "--allow-older"], tmp_path / "cache")
    assert allowed.returncode == 0, allowed.stderr
    assert bucket_state(s3, bucket) == expected_state(repo / "site")
    assert json.loads(s3.get_object(Bucket=bucket, Key=".sitepush/manifest.json")["Body"].read())["commit"] == first


def test_a_folder_outside_git_is_deployed_without_a_commit_and_without_a_check(
        sandbox: Sandbox, tmp_path: Path) -> None:
    s3 = sandbox.client("s3")
    bucket = f"no-git-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    site = tmp_path / "plain"
    site.mkdir()
    (site / "index.html").write_text("<p>x</p>")
    assert deploy(["--site-dir", str(site), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url],
                  tmp_path / "cache").returncode == 0
    assert "commit" not in json.loads(s3.get_object(Bucket=bucket, Key=".sitepush/manifest.json")["Body"].read())
