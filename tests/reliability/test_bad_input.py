"""Bad input, table-driven: every case is one line per problem naming the file (and line), the fix, exit ≠ 0,
and never a traceback — through the real command line (``sitepush.cli.main``)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitepush.cli import main
from sitepush.config import Config
from sitepush.config_schema import iter_options, toml_key


def option_type(key: str) -> object:
    """The annotation of the ``table.name`` option of sitepush.toml."""
    table, name = key.split(".")
    section = next(f for f in dataclasses.fields(Config) if toml_key(f) == table)
    section_class = typing.get_type_hints(Config)[section.name]
    option = next(f for f in dataclasses.fields(section_class) if toml_key(f) == name)
    return typing.get_type_hints(section_class)[option.name]


def wrong_value(default: object, key: str = "") -> str:
    """A TOML value of the wrong type for the option ``key`` whose default is ``default`` (an option that
    is unset by default, ``str | None``, gets a number, ``int | None`` a string)."""
    if isinstance(default, bool):
        return '"yes"'
    if default is None and key and str in typing.get_args(option_type(key)):
        return "42"
    if isinstance(default, int) or default is None:
        return '"many"'
    if isinstance(default, str):
        return "42"
    if isinstance(default, (tuple, list)):
        return "7"
    return "[1, 2]"


SCALAR_OPTIONS = [(key, default) for key, default, _ in iter_options(Config)
                  if key.count(".") == 1 and key not in ("deploy.headers", "website.routing_rules")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, [line for line in captured.err.splitlines() if line.strip()]


@pytest.mark.parametrize(("key", "default"), SCALAR_OPTIONS, ids=[k for k, _ in SCALAR_OPTIONS])
def test_every_option_with_a_wrong_type_is_one_line_with_its_line_and_the_fix(
        key: str, default: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table, name = key.split(".")
    (tmp_path / "sitepush.toml").write_text(f"# a comment\n[{table}]\n{name} = {wrong_value(default, key)}\n")
    code, err = run(capsys, "build", str(tmp_path))
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"error: sitepush.toml:3: `{key}`") and " — " in err[0], err


@pytest.mark.parametrize(("text", "expected"), [
    ('[site]\ntitel = "x"\n', "sitepush.toml:2: unknown key `site.titel` — did you mean `title`?"),
    ('[[deploy.headers]]\nglob = "/abs/*"\n', "sitepush.toml:2: `deploy.headers[0].glob` must be a glob"),
    ('[[deploy.headers]]\nglob = "a[b"\n', "has an unclosed ["),
    ('[[redirects]]\nfrom = "/old/"\nto = "ftp://x"\n', "sitepush.toml:3: `redirects[0].to` must start with"),
    ('[[redirects]]\nfrom = "old"\nto = "/new/"\n', "sitepush.toml:2: `redirects[0].from` must be a path"),
    ('[domain]\nname = "Example.COM"\n', "sitepush.toml:2: `domain.name`"),
    ('[domain]\nname = "www.example.com"\n', 'without a trailing dot or "www."'),
    ('[site]\nbase_url = "example.com"\n', "must be an absolute http(s) URL"),
    ('[site\ntitle = "x"\n', "sitepush.toml:1: invalid TOML"),
    ('[website]\nerror_document = "/404.html"\n', "must be a file name"),
])
def test_config_mistakes_are_one_line_each(text: str, expected: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sitepush.toml").write_text(text)
    code, err = run(capsys, "build", str(tmp_path))
    assert code == 1 and len(err) == 1 and expected in err[0], err


def test_invalid_bucket_names_are_refused_by_configure_with_the_rule(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sitepush.toml").write_text('[deploy]\nbucket = "Under_Score"\n')
    code, err = run(capsys, "configure", str(tmp_path), "--plan")
    assert code == 1 and len(err) == 1 and "may hold only lower-case letters" in err[0]


# -- content --------------------------------------------------------------------------------------

def site_with(tmp_path: Path, name: str, data: bytes) -> Path:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True, exist_ok=True)
    (site / "content" / "_index.md").write_text("# Home\n")
    (site / "content" / name).write_bytes(data)
    return site


FRONT_MATTER = st.one_of(
    st.text(max_size=300).map(lambda t: f"---\n{t}\n---\nbody\n".encode("utf-8", "surrogatepass")),
    st.text(max_size=300).map(lambda t: f"+++\n{t}\n+++\nbody\n".encode("utf-8", "surrogatepass")),
    st.binary(max_size=300).map(lambda b: b"---\n" + b + b"\n---\n"),
    st.integers(1, 3000).map(lambda depth: b"---\na: " + b"[" * depth + b"\n---\n"),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=FRONT_MATTER)
def test_fuzzed_front_matter_never_crashes_the_builder_and_errors_name_the_file(
        data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = site_with(tmp_path, "fuzzed.md", data)
    os.environ["SITEPUSH_CACHE_DIR"] = str(tmp_path / "cache")
    try:
        code, err = run(capsys, "build", str(site))
    finally:
        os.environ.pop("SITEPUSH_CACHE_DIR", None)
    assert code in (0, 1)
    errors = [line for line in err if line.startswith("error:")]
    if code == 1:
        assert errors and all("content/fuzzed.md" in line for line in errors), err
    shutil.rmtree(site, ignore_errors=True)


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("nul.md", b"---\ntitle: a\x00b\n---\n", "content/nul.md"),
    ("latin1.md", "---\ntitle: caf\xe9\n---\n".encode("latin-1"), "content/latin1.md"),
    ("huge.md", b"---\ntitle: x\n---\n" + b"a" * (2 * 1024 * 1024) + b"---\n", None),
])
def test_hostile_files_are_built_or_named_never_a_crash(name: str, data: bytes, expected: str | None,
                                                         tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    code, err = run(capsys, "build", str(site_with(tmp_path, name, data)))
    if expected is None:
        assert code == 0
    else:
        assert code == 1 and any(expected in line for line in err), err


# -- the filesystem -------------------------------------------------------------------------------

def test_a_symlink_loop_and_a_link_out_of_the_site_are_skipped_with_a_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from sitepush.syncer import scan_site

    built = tmp_path / "built"
    built.mkdir()
    (built / "index.html").write_text("<p>x</p>")
    (built / "loop").symlink_to(built / "loop")
    (tmp_path / "outside.txt").write_text("secret")
    (built / "escape.txt").symlink_to(tmp_path / "outside.txt")
    site = scan_site(built)
    assert [f.key for f in site.files] == ["index.html"]
    assert {(s.rel, s.reason) for s in site.skipped} == {("loop", "symlink loop"),
                                                        ("escape.txt", "symlink out of the site")}


def test_a_page_replaced_by_a_folder_between_builds_builds_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = site_with(tmp_path, "guide.md", b"# Guide\n")
    assert run(capsys, "build", str(site))[0] == 0
    (site / "content" / "guide.md").unlink()
    (site / "content" / "guide").mkdir()
    (site / "content" / "guide" / "index.md").write_text("# Guide, now a bundle\n")
    assert run(capsys, "build", str(site))[0] == 0
    assert "now a bundle" in (site / "_site" / "guide" / "index.html").read_text()


def test_an_unreadable_source_is_one_line_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    site = site_with(tmp_path, "locked.md", b"# Locked\n")
    locked = site / "content" / "locked.md"
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop root from reading")
        code, err = run(capsys, "build", str(site))
        assert code == 1 and len(err) == 1 and "content/locked.md" in err[0]
    finally:
        locked.chmod(0o644)
