"""A build that takes more than about two seconds says how far it is — on a terminal, and only there.

The builder reports each finished chunk of pages (``parsed 640 of 2,950 pages``, then ``rendered …``);
the command shows them as one rewritten line on a terminal after two quiet seconds, and clears it before
the summary. Piped or in CI, a build prints its summary line and nothing else.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from sitepush.builder import Builder
from sitepush.cli import build as build_command
from sitepush.cli import main
from sitepush.config import load_config
from sitepush.syncer.report import ProgressLine

PAGES = 150


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture()
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "site"
    (folder / "content" / "notes").mkdir(parents=True)
    (folder / "sitepush.toml").write_text('[site]\ntitle = "Progress"\n[build]\nworkers = 1\n')
    for n in range(PAGES):
        (folder / "content" / "notes" / f"n{n:03}.md").write_text(f"---\ntitle: Note {n}\n---\nText {n}.\n")
    return folder


def test_the_builder_reports_each_chunk_it_parses_and_renders(site: Path) -> None:
    heard: list[str] = []
    Builder(load_config(site), workers=1, progress=heard.append).build()
    parsed = [line for line in heard if line.startswith("parsed")]
    rendered = [line for line in heard if line.startswith("rendered")]
    assert parsed[0] == "parsed 64 of 150 pages" and parsed[-1] == "parsed 150 of 150 pages"
    assert rendered[-1].startswith("rendered ") and rendered[-1].endswith(" pages")
    done, total = (int(n.replace(",", "")) for n in rendered[-1].split()[1::2])
    assert done == total >= PAGES


def test_on_a_terminal_the_line_appears_after_the_quiet_seconds_and_is_cleared(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(build_command, "BUILD_QUIET_SECONDS", 0.0)
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["build", str(site)]) == 0
    shown = terminal.getvalue()
    assert "\rparsed 64 of 150 pages" in shown or "\rparsed 150 of 150 pages" in shown, shown
    assert shown.endswith("\r"), "the line is cleared before the summary"


def test_piped_a_build_prints_no_progress_at_all(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(build_command, "BUILD_QUIET_SECONDS", 0.0)
    assert main(["build", str(site)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and " of 150 pages" not in out and out.startswith("Built 150 pages")


def test_no_line_in_the_quiet_seconds() -> None:
    now = [0.0]
    terminal = Terminal()
    line = ProgressLine(terminal, clock=lambda: now[0], quiet_for=2.0, tty_only=True)
    line("parsed 64 of 150 pages")
    now[0] = 1.9
    line("parsed 128 of 150 pages")
    assert terminal.getvalue() == ""
    now[0] = 2.1
    line("rendered 64 of 150 pages")
    assert terminal.getvalue() == "\rrendered 64 of 150 pages"
