"""The command line: fast to start, one-line errors, the documented exit codes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitepush.cli import main

HEAVY = ("boto3", "botocore", "moto", "jinja2", "markdown", "pygments", "watchdog", "yaml", "dns")


def test_importing_the_cli_does_not_import_heavy_dependencies() -> None:
    code = ("import sys, sitepush.cli; heavy = %r; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))" % (HEAVY,))
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""


def test_help_answers_well_under_100_ms_of_its_own_work() -> None:
    # Measure `--help` minus a bare interpreter start, best of 5, so machine noise does not decide.
    def best(args: list[str]) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([sys.executable, *args], capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        return min(times)

    bare = best(["-c", "pass"])
    with_help = best(["-m", "sitepush", "--help"])
    assert with_help - bare < 0.1


def test_no_command_is_a_usage_error_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def test_a_config_error_is_printed_as_one_line_and_exits_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sitepush.toml").write_text('[site]\ntitel = "x"\n')
    assert main(["build", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == "error: sitepush.toml:2: unknown key `site.titel` — did you mean `title`?\n"


def test_a_missing_site_folder_exits_1_without_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(tmp_path / "absent")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: site folder ") and "Traceback" not in err
    assert err.count("\n") == 1


def test_deploy_without_a_bucket_says_how_to_name_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "index.md").write_text("# Hi\n")
    code = main(["deploy", str(site), "--site-dir", str(site / "content")])
    assert code == 2
    assert capsys.readouterr().err == (
        "error: no bucket to deploy to — set [deploy] bucket (or [domain] name) in sitepush.toml, pass "
        "--bucket, or try --sandbox\n")


@pytest.mark.parametrize("output", ["content", "content/_site", "static", "."])
def test_an_output_folder_overlapping_the_sources_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "static").mkdir()
    (site / "content" / "index.md").write_text("# Hi\n")
    assert main(["build", str(site), "--output", str(site / output)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: sitepush.toml: output folder ") and "— set [build] output_dir" in err
    assert (site / "content" / "index.md").read_text() == "# Hi\n"
