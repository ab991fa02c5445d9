"""The wheel: it carries the default theme inside the package, and an installed sitepush finds it there.

Builds a wheel of this checkout with `python -m build --wheel --no-isolation` (needs `build` and
`hatchling`, both in the `test` extra) and installs it, without dependencies, into a fresh venv.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.fixtures.paths import REPO

pytestmark = pytest.mark.slow

TIMEOUT = 120  # seconds for each subprocess; a wheel build and a venv take a few seconds here


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for module in ("build", "hatchling"):
        try:
            __import__(module)
        except ImportError:
            pytest.fail(f"the wheel test needs `{module}`: pip install build hatchling (the `test` extra)")
    outdir = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    command = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(outdir), str(REPO)]
    done = subprocess.run(command, check=False, cwd=outdir, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = list(outdir.glob("*.whl"))
    assert [w.name for w in wheels] == ["sitepush-0.1.0-py3-none-any.whl"]
    return wheels[0]


def theme_files() -> set[str]:
    """Every file of the repository's templates/ as it should appear in the wheel."""
    return {"sitepush/templates/" + p.relative_to(REPO / "templates").as_posix()
            for p in (REPO / "templates").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")}


def test_the_wheel_carries_every_template_and_asset_inside_the_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sitepush/templates/base.html" in names
    assert "sitepush/templates/assets/style.css" in names
    assert theme_files() <= names
    assert {n for n in names if n.startswith("sitepush/templates/")} == theme_files()


def test_the_wheel_holds_the_package_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"sitepush", "sitepush-0.1.0.dist-info"}
    assert not [n for n in names if "/tests/" in n or n.startswith("tests/") or "example-site" in n]
    assert not [n for n in names if n.endswith((".pyc", ".pickle")) or "__pycache__" in n]
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "sitepush").rglob("*.py")}
    assert modules <= set(names)


def test_the_wheel_declares_the_console_script(wheel: Path) -> None:
    entry_points = zipfile.ZipFile(wheel).read("sitepush-0.1.0.dist-info/entry_points.txt").decode()
    assert "[console_scripts]\nsitepush = sitepush.cli:main" in entry_points


def test_an_installed_wheel_finds_its_theme_in_site_packages(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True,
                   timeout=TIMEOUT)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
                   check=True, capture_output=True, env=env, timeout=TIMEOUT)
    # sitepush.builder.theme needs Jinja2, which a --no-deps install lacks: lend this interpreter's copy
    # of exactly Jinja2 and MarkupSafe (nothing else from outside the venv).
    lent = tmp_path / "lent"
    import jinja2
    import markupsafe

    for module in (jinja2, markupsafe):
        source = Path(module.__file__ or "").parent
        shutil.copytree(source, lent / source.name, ignore=shutil.ignore_patterns("__pycache__"))
    env["PYTHONPATH"] = str(lent)
    check = (
        "import sysconfig, pathlib, sitepush, sitepush.builder.theme as theme\n"
        "site = pathlib.Path(sysconfig.get_paths()['purelib']).resolve()\n"
        "folder = theme.default_theme_dir()\n"
        "print(pathlib.Path(sitepush.__file__).resolve().is_relative_to(site))\n"
        "print(folder.resolve() == site / 'sitepush' / 'templates')\n"
        "print((folder / 'base.html').is_file(), (folder / 'assets' / 'style.css').is_file())\n"
    )
    done = subprocess.run([str(python), "-c", check], check=False, cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split() == ["True", "True", "True", "True"]
    version = subprocess.run([str(venv / "bin" / "sitepush"), "--version"], check=False, cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert (version.returncode, version.stdout) == (0, "sitepush 0.1.0\n")
