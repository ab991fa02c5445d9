"""A one-page edit in a long-lived builder (the preview server's) does the work of that page, not of
the site: its links resolved, its front matter checked, its output's context hashed and rendered, its
links checked; while a change that other pages show (a title in the nav, prev/next) still reaches them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sitepush.builder.builder import Builder
from sitepush.config import load_config

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def docs_site(tmp_path: Path, sections: int = 4, pages: int = 6) -> tuple[Path, Builder]:
    site = tmp_path / "site"
    content = site / "content"
    content.mkdir(parents=True)
    (content / "index.md").write_text("# Home\n\nSee [the first page](s0/p0.md).\n", "utf-8")
    for s in range(sections):
        (content / f"s{s}").mkdir()
        (content / f"s{s}" / "_index.md").write_text(f"---\ntitle: Section {s}\nweight: {s + 1}\n---\n", "utf-8")
        for p in range(pages):
            (content / f"s{s}" / f"p{p}.md").write_text(
                f"---\ntitle: Page {s}.{p}\nweight: {p + 1}\ndescription: Page {p}.\n---\n"
                f"Text of page {s}.{p}, [next](p{(p + 1) % pages}.md).\n\n## Part\n", "utf-8")
    (site / "sitepush.toml").write_text(
        '[site]\ntitle = "Docs"\nbase_url = "https://example.org/"\n[build]\nlayout = "docs"\n', "utf-8")
    builder = Builder(load_config(site), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                      workers=1, persist=False)
    return content, builder


def test_a_body_edit_resolves_checks_hashes_and_renders_that_page_only(tmp_path: Path) -> None:
    content, builder = docs_site(tmp_path)
    first = builder.build(now=NOW)
    assert builder.last_work["resolved"] == builder.last_work["checked"] == first.stats.sources == 29
    page = content / "s2" / "p3.md"
    page.write_text(page.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    again = builder.build(now=NOW)
    assert (again.stats.parsed, again.stats.rendered, again.stats.written) == (1, 1, 1)
    assert builder.last_work == {"resolved": 1, "checked": 1, "hashed": 1}
    assert builder.last_link_check[0] == 1


def test_a_title_edit_reaches_the_nav_and_the_neighbours_of_every_page(tmp_path: Path) -> None:
    content, builder = docs_site(tmp_path)
    builder.build(now=NOW)
    page = content / "s1" / "p2.md"
    page.write_text(page.read_text("utf-8").replace("title: Page 1.2", "title: Renamed"), "utf-8")
    again = builder.build(now=NOW)
    before = (again.output_dir / "s1" / "p1" / "index.html").read_text("utf-8")
    assert '<a class="next" href="/s1/p2/"' in before and "Renamed" in before
    elsewhere = (again.output_dir / "s3" / "p5" / "index.html").read_text("utf-8")
    assert "Renamed" not in elsewhere   # s1's branch is closed on s3's pages: their sidebar is unchanged
    opened = (again.output_dir / "s1" / "p4" / "index.html").read_text("utf-8")
    assert ">Renamed</a>" in opened     # the same branch open: the nav shows the new title
    assert again.stats.parsed == 1 and builder.last_work["resolved"] == 1


def fresh_builder(tmp_path: Path) -> Builder:
    """A builder as the next command makes it: a new process's, the cache folder on disk its only memory."""
    return Builder(load_config(tmp_path / "site"), output_dir=tmp_path / "out", cache_folder=tmp_path / "cache",
                   workers=1)


def test_the_next_command_remembers_the_last_build_as_a_long_lived_builder_does(tmp_path: Path) -> None:
    content, _ = docs_site(tmp_path)
    first = fresh_builder(tmp_path).build(now=NOW)
    page = content / "s2" / "p3.md"
    page.write_text(page.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    builder = fresh_builder(tmp_path)
    again = builder.build(now=NOW)
    assert (again.stats.parsed, again.stats.rendered, again.stats.written) == (1, 1, 1)
    assert builder.last_work == {"resolved": 1, "checked": 1, "hashed": 1}
    assert again.files.keys() == first.files.keys()
    # Byte for byte what a build without any memory makes.
    clean = Builder(load_config(tmp_path / "site"), output_dir=tmp_path / "clean", cache_folder=tmp_path / "none",
                    workers=1).build(now=NOW)
    assert {k: f.md5 for k, f in again.files.items()} == {k: f.md5 for k, f in clean.files.items()}


def test_a_changed_configuration_trusts_nothing_the_last_command_remembered(tmp_path: Path) -> None:
    content, _ = docs_site(tmp_path)
    fresh_builder(tmp_path).build(now=NOW)
    toml = tmp_path / "site" / "sitepush.toml"
    toml.write_text(toml.read_text("utf-8").replace('title = "Docs"', 'title = "Docs"\nlogo = "/logo.svg"'), "utf-8")
    builder = fresh_builder(tmp_path)
    again = builder.build(now=NOW)
    assert builder.last_work["resolved"] == again.stats.sources == 29
    page = (again.output_dir / "s1" / "p1" / "index.html").read_text("utf-8")
    assert 'src="/logo.svg"' in page
