"""What is published and where: drafts, dates, sections, ordering, taxonomies, clashes."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sitepush.builder.model import PageKind, PageMeta, RenderedBody, SourceFile
from sitepush.builder.site import ParsedSource, assemble_site
from sitepush.config import Config

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)
BODY = RenderedBody("<p>x</p>", "", (), None, "<p>x</p>", 1, ())


def parsed(rel: str, kind: PageKind = PageKind.PAGE, bundle: bool = False, **meta: object) -> ParsedSource:
    meta.setdefault("title", rel)
    return ParsedSource(SourceFile(rel, Path("/c") / rel, kind, bundle=bundle),
                        PageMeta(**meta), BODY, "digest")  # type: ignore[arg-type]


def day(n: int) -> datetime:
    return datetime(2025, 1, n, tzinfo=timezone.utc)


def assemble(*items: ParsedSource, drafts: bool = False, config: Config | None = None):  # type: ignore[no-untyped-def]
    return assemble_site(list(items), config or Config(root=Path("/site")), drafts=drafts, now=NOW,
                         display_prefix="content/")


def test_drafts_future_and_expired_pages_are_not_published() -> None:
    site = assemble(parsed("a.md"), parsed("draft.md", draft=True),
                    parsed("future.md", date=datetime(2030, 1, 1, tzinfo=timezone.utc)),
                    parsed("later.md", publish_date=datetime(2030, 1, 1, tzinfo=timezone.utc)),
                    parsed("gone.md", expiry_date=day(1)))
    assert [p.rel for p in site.pages] == ["a.md"]
    assert set(site.hidden) == {"draft.md", "future.md", "later.md", "gone.md"}


def test_drafts_are_published_when_asked() -> None:
    site = assemble(parsed("draft.md", draft=True), drafts=True)
    assert [p.url for p in site.pages] == ["/draft/"]


def test_sections_list_weighted_pages_first_then_newest() -> None:
    site = assemble(parsed("blog/_index.md", PageKind.SECTION, title="Blog"),
                    parsed("blog/old.md", date=day(1)), parsed("blog/new.md", date=day(9)),
                    parsed("blog/pinned.md", date=day(2), weight=1))
    blog = site.sections["en:blog"]
    assert blog.title == "Blog" and blog.url == "/blog/"
    assert [p.rel for p in blog.pages] == ["blog/pinned.md", "blog/new.md", "blog/old.md"]
    assert blog.parent == "en:"
    assert site.home.children == ("en:blog",)


def test_a_folder_without_index_is_still_a_section_titled_after_it() -> None:
    site = assemble(parsed("how-to/first-steps.md"))
    assert site.sections["en:how-to"].title == "How to"
    assert site.sections["en:how-to"].index is None


def test_bundle_pages_belong_to_the_section_above_their_folder() -> None:
    site = assemble(parsed("blog/trip/index.md", bundle=True))
    assert site.by_rel["blog/trip/index.md"].section == "en:blog"
    assert site.by_rel["blog/trip/index.md"].url == "/blog/trip/"


def test_two_pages_with_one_url_are_a_problem_naming_both() -> None:
    site = assemble(parsed("a.md", slug="same"), parsed("b.md", slug="same"))
    assert [p.render() for p in site.problems] == [
        "content/b.md: /same/ is also the URL of content/a.md — "
        "give one of them another `slug` or `url` in its front matter"]


def test_terms_merge_by_slug_and_list_newest_first() -> None:
    site = assemble(parsed("a.md", date=day(1), taxonomies={"tags": ("Go",)}),
                    parsed("b.md", date=day(5), taxonomies={"tags": ("go", "S3")}),
                    parsed("c.md", taxonomies={"series": ("x",)}))
    tags = {t.slug: t for t in site.taxonomies["tags"]}
    assert set(tags) == {"go", "s3"}
    assert tags["go"].name == "Go" and tags["go"].url == "/tags/go/"
    assert [p.rel for p in tags["go"].pages] == ["b.md", "a.md"]
    assert "series" not in site.taxonomies
