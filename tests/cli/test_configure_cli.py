"""`sitepush configure` as a user runs it, on the sandbox: plan, apply, and a second run that plans nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitepush.cli import main
from tests.fixtures.paths import REPO


def run(site: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`sitepush configure SITE --sandbox ARGS` in a new process, on this test's own sandbox."""
    env = dict(os.environ, SITEPUSH_CACHE_DIR=str(cache), SITEPUSH_SANDBOX_DIR=str(cache / "sandbox"))
    return subprocess.run([sys.executable, "-m", "sitepush", "configure", str(site), "--sandbox", *args],
                          capture_output=True, text=True, env=env, timeout=240, stdin=subprocess.DEVNULL)


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """example-site (its domain and CloudFront included) and a fresh sandbox, stopped after the test."""
    folder = tmp_path / "site"
    shutil.copytree(REPO / "example-site", folder, ignore=shutil.ignore_patterns("_site"))
    yield folder
    from sitepush.sandbox import stop_sandbox

    monkeypatch.setenv("SITEPUSH_SANDBOX_DIR", str(tmp_path / "cache" / "sandbox"))
    stop_sandbox()


def test_configure_sandbox_applies_the_plan_and_a_second_run_in_a_new_process_plans_nothing(
        site: Path, tmp_path: Path) -> None:
    first = run(site, tmp_path / "cache", "--yes")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Started the sandbox: a local AWS (moto) on http://127.0.0.1:")
    assert "+ create bucket www.example.com" in first.stdout
    # the plan's numbers hold: 18 planned (the validation CNAMEs included), 18 applied, 18 on the next run
    assert "18 to create, 0 to update, 0 unchanged" in first.stdout
    assert "applied 18 changes; no changes: all 18 resources are as configured" in first.stdout
    second = run(site, tmp_path / "cache", "--yes")
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == ["no changes: all 18 resources are as configured"]


def test_a_changed_config_plans_exactly_the_difference_against_the_running_sandbox(
        site: Path, tmp_path: Path) -> None:
    assert run(site, tmp_path / "cache", "--yes").returncode == 0
    with (site / "sitepush.toml").open("a") as config:
        config.write('\n[[website.routing_rules]]\nkey_prefix_equals = "old/"\nreplace_key_prefix_with = "new/"\n')
    planned = run(site, tmp_path / "cache", "--plan")
    assert planned.returncode == 0, planned.stderr
    assert "~ update website www.example.com" in planned.stdout
    assert "1 to create" not in planned.stdout and "0 to create, 1 to update, 17 unchanged" in planned.stdout


def test_without_a_terminal_or_yes_nothing_is_applied_and_the_exit_code_is_3(site: Path, tmp_path: Path) -> None:
    result = run(site, tmp_path / "cache", "--json", str(tmp_path / "plan.json"))
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        "error: not applied: 18 changes planned and not confirmed — rerun with --yes to apply them "
        "(or answer y on a terminal)"]
    assert (tmp_path / "plan.json").read_text().count('"action": "create"') == 18


def test_a_site_without_a_bucket_or_domain_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bare").mkdir()
    assert main(["configure", str(tmp_path / "bare"), "--plan"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: sitepush.toml: no bucket to configure — set [deploy] bucket, or [domain] name = "
                   '"example.com"']
