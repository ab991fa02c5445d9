"""`sitepush import KIND SRC [--to DEST] [--force]`: writes one sitepush.toml, never over one without
--force, prints what it left behind, and gives the same bytes every time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sitepush.cli import main
from tests.fixtures.paths import REPO, corpus_dir


def test_import_writes_the_toml_and_prints_the_residue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    destination = tmp_path / "site"
    assert main(["import", "mkdocs", str(corpus_dir("httpx-docs")), "--to", str(destination)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"wrote {destination / 'sitepush.toml'} from the mkdocs config in {corpus_dir('httpx-docs')}"
    assert out[1] == "not carried over (4):"
    assert out[2] == "  - markdown extension mkautodoc: not supported — its syntax stays as text"
    assert len(out) == 6
    assert (destination / "sitepush.toml").read_text("utf-8").startswith("# sitepush.toml — imported from")


def test_import_refuses_to_overwrite_without_force_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "sitepush.toml").write_text("# mine\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Mine\n", "utf-8")
    ran = subprocess.run([sys.executable, "-m", "sitepush", "import", "mkdocs", str(tmp_path)],
                         capture_output=True, text=True, cwd=REPO, timeout=60)
    assert (ran.returncode, ran.stdout) == (1, "")
    assert ran.stderr == f"error: {tmp_path / 'sitepush.toml'} already exists — pass --force to replace it\n"
    assert (tmp_path / "sitepush.toml").read_text("utf-8") == "# mine\n"
    assert main(["import", "mkdocs", str(tmp_path), "--force"]) == 0
    assert 'title = "Mine"' in (tmp_path / "sitepush.toml").read_text("utf-8")


def test_importing_twice_gives_the_same_file(tmp_path: Path) -> None:
    destination = tmp_path / "site"
    source = str(corpus_dir("httpx-docs"))
    assert main(["import", "mkdocs", source, "--to", str(destination)]) == 0
    first = (destination / "sitepush.toml").read_bytes()
    assert main(["import", "mkdocs", source, "--to", str(destination), "--force"]) == 0
    assert (destination / "sitepush.toml").read_bytes() == first
    assert [p.name for p in destination.iterdir()] == ["sitepush.toml"]  # no temporary file left


def test_an_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["import", "gatsby", "."])
    assert exited.value.code == 2
    assert "invalid choice: 'gatsby'" in capsys.readouterr().err


def test_a_source_that_is_not_a_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "hugo", str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == (f"error: {tmp_path / 'nowhere'} is not a folder — pass the folder that "
                                       "holds the hugo config\n")
