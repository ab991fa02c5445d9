"""`sitepush build` of a small site loads what building needs and nothing more: no AWS client, file
watcher, DNS resolver or sandbox, not the deploy path, and no process pool; the cyclic collector
stays off (a build keeps what it allocates), and the process ends without the interpreter's teardown
collecting every object the build left alive."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.fixtures.paths import EXAMPLE_SITE, REPO

NOT_FOR_A_BUILD = ("boto3", "botocore", "moto", "watchdog", "dns", "awscrt", "multiprocessing",
                   "concurrent.futures.process", "sitepush.syncer", "sitepush.configurator", "sitepush.sandbox",
                   "sitepush.preview", "sitepush.history", "sitepush.deploy", "sitepush.aws", "sitepush.edge")

BUILD = """
import gc, json, sys
from sitepush.cli import main
sys.argv = ["sitepush", "build", sys.argv[1], "--output", sys.argv[2]]
imported = sum(stats["collections"] for stats in gc.get_stats())
code = main()
print(json.dumps({"code": code, "modules": sorted(sys.modules), "frozen": gc.get_freeze_count(),
                  "collections": sum(stats["collections"] for stats in gc.get_stats()) - imported,
                  "collecting": gc.isenabled()}))
"""


def build_in_a_new_process(tmp_path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", BUILD, str(EXAMPLE_SITE), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "SITEPUSH_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_building_a_small_site_imports_no_deploy_watcher_or_pool_module(tmp_path: Path) -> None:
    result = build_in_a_new_process(tmp_path)
    assert result["code"] == 0
    modules = result["modules"]
    assert isinstance(modules, list) and "sitepush.builder.builder" in modules
    assert [m for m in modules if m in NOT_FOR_A_BUILD or m.startswith(tuple(f"{n}." for n in NOT_FOR_A_BUILD))] == []
    # Only the command asked for is set up: no other command's module.
    assert [m for m in modules if m.startswith("sitepush.cli.") and m not in
            ("sitepush.cli.build", "sitepush.cli.output", "sitepush.cli.arguments")] == []


def test_the_command_line_process_freezes_what_is_alive_before_it_ends(tmp_path: Path) -> None:
    result = build_in_a_new_process(tmp_path)
    assert isinstance(result["frozen"], int) and result["frozen"] > 10_000


def test_the_build_process_runs_without_the_cyclic_collector(tmp_path: Path) -> None:
    result = build_in_a_new_process(tmp_path)
    assert result["collecting"] is False
    assert result["collections"] == 0


def test_a_call_of_main_with_arguments_freezes_nothing_and_keeps_the_collector(tmp_path: Path) -> None:
    code = ("import gc, sys\nfrom sitepush.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "main(['build', sys.argv[1], '--output', sys.argv[2]])\nprint(gc.get_freeze_count(), gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code, str(EXAMPLE_SITE), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               "SITEPUSH_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "0 True"  # a test or an embedding program keeps its collector
