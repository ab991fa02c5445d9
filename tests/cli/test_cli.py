"""The command line: fast to start, one-line errors, the documented exit codes."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from sitepush.cli import main

HEAVY = ("boto3", "botocore", "moto", "jinja2", "markdown", "pygments", "watchdog", "yaml", "dns")


def test_importing_the_cli_does_not_import_heavy_dependencies() -> None:
    code = ("import sys, sitepush.cli; heavy = %r; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))" % (HEAVY,))
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""


def test_help_loads_no_module_beyond_the_command_line() -> None:
    # How fast `--help` answers is a benchmark's to measure (bench/, with ratios); what makes it fast
    # is that asking for help imports only the command-line modules, which is exact.
    code = ("import sys, runpy; sys.argv = ['sitepush', '--help']\n"
            "try:\n    runpy.run_module('sitepush', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print('LOADED:' + ','.join(sorted(m for m in sys.modules if m.startswith('sitepush.')\n"
            "      and not m.startswith(('sitepush.cli', 'sitepush.errors', 'sitepush.wording', 'sitepush.__main__')))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.splitlines()[-1] == "LOADED:"


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


@pytest.mark.parametrize(("argv", "usage"), [
    (["deploy", "--bogus"], "usage: sitepush deploy "),
    (["preview", "prune", "--bogus"], "usage: sitepush preview prune "),
    (["sandbox", "status", "--bogus"], "usage: sitepush sandbox status "),
])
def test_an_unknown_option_shows_the_usage_of_the_command_it_was_given_to(
        argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.startswith(usage)
    assert err.rstrip().endswith("error: unrecognized arguments: --bogus")


def test_the_table_of_commands_names_the_module_adding_each_command() -> None:
    from sitepush.cli import COMMAND_MODULES, MODULE_OF_COMMAND, make_parser

    added = {}
    for module in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        importlib.import_module(module).add_commands(parser.add_subparsers())
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        added.update(dict.fromkeys(commands.choices, module))
    assert MODULE_OF_COMMAND == added
    every = next(a for a in make_parser()._actions if isinstance(a, argparse._SubParsersAction))
    only = next(a for a in make_parser("rollback")._actions if isinstance(a, argparse._SubParsersAction))
    assert list(every.choices) == list(added)
    assert list(only.choices) == ["history", "rollback", "share", "preview"]  # history's module adds four
    assert only.choices["rollback"].format_help() == every.choices["rollback"].format_help()
