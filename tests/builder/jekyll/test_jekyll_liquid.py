"""Liquid where the site used it: Jekyll mode renders each page as Liquid first; elsewhere Liquid is text."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitepush.builder.builder import Builder
from sitepush.config import load_config
from sitepush.errors import BuildError, ConfigError
from tests.builder.jekyll.conftest import NOW, JekyllBuild, write

CONFIG = "title: Docs\nbaseurl: /base\nurl: https://example.org\nrepository: ann/docs\npermalink: pretty\n"
SITE = '[site]\nbase_url = "https://example.org/base/"\n'
"""sitepush.toml's base_url, as `sitepush import jekyll` writes it from url + baseurl."""


def body_of(result: object, key: str) -> str:
    text = (result.output_dir / key).read_text("utf-8")  # type: ignore[attr-defined]
    start = text.index("<main")
    return text[start:text.index("</main>", start)]


def test_site_data_page_and_jekylls_url_filters_are_rendered(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": CONFIG,
        "_data/team.yml": "- name: Ann\n- name: Bob\n",
        "_data/nested/x.json": '{"v": 7}',
        "index.md": "---\ntitle: Home\nmotto: Hi\n---\n"
                    "Repo {{ site.repository }}; {{ page.motto }} at {{ page.url }}.\n\n"
                    "{% for p in site.data.team %}{{ p.name }},{% endfor %} {{ site.data.nested.x.v }}\n\n"
                    "[css]({{ '/assets/x.css' | relative_url }}) {{ '/a/' | absolute_url }}\n\n"
                    "{{ 'Hello World' | slugify }} {{ site.data.team | map: 'name' | jsonify }}\n\n"
                    "[source]({{ site.github.repository_url }}/blob/main/x.md)\n",
    }, toml_extra=SITE)
    body = body_of(result, "index.html")
    assert "Repo ann/docs; Hi at /." in body
    assert "Ann,Bob, 7" in body
    assert 'href="/base/assets/x.css"' in body and "https://example.org/base/a/" in body
    assert 'hello-world ["Ann","Bob"]' in body.replace("&quot;", '"')
    assert 'href="https://github.com/ann/docs/blob/main/x.md"' in body  # site.github from `repository:`


def test_includes_take_parameters_and_a_missing_one_is_a_warning_at_its_line(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": CONFIG,
        "_includes/note.html": '<aside class="note">{{ include.text }} ({{ include.level }})</aside>',
        "index.md": "---\ntitle: Home\nlevel: 2\n---\nIntro.\n\n"
                    '{% include note.html text="Careful" level=page.level %}\n\n'
                    "{% include nowhere.html %}\n\nAfter.\n",
    }, toml_extra=SITE)
    body = body_of(result, "index.html")
    assert '<aside class="note">Careful (2)</aside>' in body and "After." in body
    assert "nowhere" not in body
    assert [w.render() for w in result.warnings] == [
        "index.md:9: include nowhere.html is not in _includes/, left out"
        " — add _includes/nowhere.html or remove the include"]


def test_a_missing_include_fails_a_strict_build(jekyll_build: JekyllBuild) -> None:
    with pytest.raises(BuildError, match=r"index\.md:4: include gone\.html is not in _includes/"):
        jekyll_build({"index.md": "---\ntitle: x\n---\n{% include gone.html %}\n"}, strict=True)


def test_link_and_post_url_become_the_pages_urls_and_a_dead_one_is_a_broken_link_at_its_tag(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": CONFIG,
        "_posts/2024-05-01-launch.md": "---\n---\nLaunched.\n",
        "docs/guide.md": "---\ntitle: Guide\n---\n",
        "index.md": "---\ntitle: Home\n---\n[guide]({% link docs/guide.md %}) "
                    "[launch]({% post_url 2024-05-01-launch %}) <a href=\"{% link docs/guide.md %}\">raw</a>\n\n"
                    "[gone]({% link docs/gone.md %})\n",
    }, toml_extra=SITE)
    body = body_of(result, "index.html")
    # As Jekyll 4 writes them: under baseurl (the tags apply relative_url), here /base
    assert 'href="/base/docs/guide/">guide' in body and 'href="/base/2024/05/01/launch/">launch' in body
    assert 'href="/base/docs/guide/">raw' in body
    assert [w.render() for w in result.warnings] == [
        "index.md:6: broken link to /docs/gone.md: no such page"
        " — fix the path (relative to this file) or remove the link"]


def test_raw_and_highlight_keep_liquid_as_code(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "index.md": "---\ntitle: Home\n---\n"
                    "{% raw %}`{{ page.title }}`{% endraw %}\n\n"
                    "{% highlight ruby %}\ndef hi = puts('{{ 1 }}')\n{% endhighlight %}\n",
    })
    body = body_of(result, "index.html")
    assert "<code>{{ page.title }}</code>" in body
    assert '<span class="nb">puts</span>' in body and "{{" not in body.replace("{{ page.title }}", "")


def test_a_liquid_syntax_error_is_one_line_at_its_line(jekyll_build: JekyllBuild) -> None:
    with pytest.raises(BuildError) as caught:
        jekyll_build({"index.md": "---\ntitle: x\n---\nfine\n{% if %}\n"})
    assert caught.value.render().startswith("index.md:5: Liquid: ")


def test_outside_jekyll_mode_liquid_stays_text(tmp_path: Path) -> None:
    write(tmp_path / "site", {"content/index.md": "---\ntitle: x\n---\nKeep {{ site.title }} and {% include a.html %}.\n"})
    result = Builder(load_config(tmp_path / "site"), cache_folder=tmp_path / "cache", workers=1).build(now=NOW)
    assert "Keep {{ site.title }} and {% include a.html %}." in body_of(result, "index.html")


def test_site_posts_pages_and_categories_list_every_document(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": CONFIG,
        "_posts/2024-05-01-first.md": "---\ntitle: First\ncategories: news\n---\n",
        "_posts/2024-06-01-second.md": "---\ntitle: Second\ncategories: [news, go]\n---\n",
        "_posts/2024-07-01-draft.md": "---\ntitle: Hidden\npublished: false\n---\n",
        "about.md": "---\ntitle: About\n---\n",
        "index.md": "---\ntitle: Home\n---\n"
                    "{% for post in site.posts %}[{{ post.title }}]({{ post.url | relative_url }}) {% endfor %}\n\n"
                    "news: {{ site.categories.news | size }}; pages: {{ site.pages | map: 'title' | join: ',' }}\n",
    }, toml_extra=SITE)
    body = body_of(result, "index.html")
    assert '<a href="/base/news/go/2024/06/01/second/">Second</a> <a href="/base/news/2024/05/01/first/">First</a>' \
        in body
    assert "news: 2; pages: About,Home" in body


EXCERPTS = {
    "_posts/2024-05-01-first.md": "---\ntitle: First\n---\nThe *first* paragraph.\n\nThe second.\n",
    "_posts/2024-06-01-second.md": "---\ntitle: Second\nexcerpt_separator: <!--cut-->\n---\nOne\n\nTwo<!--cut-->Three\n",
    "_posts/2024-07-01-own.md": "---\ntitle: Own\nexcerpt: Written by hand.\n---\nBody.\n",
    "index.html": "---\ntitle: Home\n---\n<ul>{% for post in site.posts %}<li>{{ post.title }}: {{ post.excerpt }}"
                  "</li>{% endfor %}</ul>\n<div>{{ site.posts.last.content | strip_html | strip }}</div>\n",
}


def test_a_post_s_excerpt_and_content_are_rendered_where_a_page_prints_them(jekyll_build: JekyllBuild) -> None:
    # Jekyll's rules: the excerpt is the content up to excerpt_separator (front matter, else _config.yml,
    # else a blank line), rendered; front-matter `excerpt` is used as written. jekyll 4.3.1 gives the same
    # elements and text for this folder (kramdown puts a blank line between two paragraphs).
    body = body_of(jekyll_build(EXCERPTS), "index.html")
    assert "<li>Own: Written by hand.</li>" in body
    assert "<li>Second: <p>One</p>\n<p>Two</p>\n</li>" in body
    assert "<li>First: <p>The <em>first</em> paragraph.</p>\n</li>" in body
    assert "<div>The first paragraph.\nThe second.</div>" in body


def test_a_listing_of_excerpts_follows_an_edited_post_in_a_long_lived_builder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, {"sitepush.toml": '[build]\nconventions = "jekyll"\ncontent_dir = "."\n', **EXCERPTS})
    builder = Builder(load_config(site), cache_folder=tmp_path / "cache", workers=1)
    builder.build(now=NOW)
    post = site / "_posts" / "2024-05-01-first.md"
    post.write_text("---\ntitle: First\n---\nAn edited opening.\n\nThe second.\n", "utf-8")
    result = builder.build(now=NOW)
    assert "<li>First: <p>An edited opening.</p>" in body_of(result, "index.html")


def test_a_plugins_tag_or_filter_is_a_warning_and_left_out_include_cached_is_an_include(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_includes/x.html": "<b>x</b>",
        "index.md": "---\ntitle: Home\n---\nBefore {% seo title=false %} after {% include_cached x.html %}.\n\n"
                    "{{ 'Kept' | emojify | upcase }}\n",
    })
    assert "Before  after <b>x</b>." in body_of(result, "index.html") and "KEPT" in body_of(result, "index.html")
    assert sorted(w.render() for w in result.warnings) == [
        "index.md:4: Liquid tag {% seo %} is a Jekyll plugin's, left out — remove it, or write what it made by hand",
        "index.md:6: Liquid filter emojify is a Jekyll plugin's, its input is used as it is"
        " — remove the filter, or write what it made by hand"]


def test_other_files_with_front_matter_are_rendered_as_liquid_and_sass_is_left_out(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "_config.yml": CONFIG,
        "_posts/2024-05-01-first.md": "---\ntitle: First\n---\n",
        "search.json": '---\n---\n[{% for p in site.posts %}"{{ p.url }}"{% endfor %}]\n',
        "plain.json": "[1]\n",
        "assets/main.scss": '---\n---\n@import "main";\n',
    }, toml_extra=SITE)
    assert (result.output_dir / "search.json").read_text("utf-8") == '["/2024/05/01/first/"]\n'
    assert (result.output_dir / "plain.json").read_text("utf-8") == "[1]\n"
    assert "assets/main.scss" not in result.files


def test_include_relative_renders_a_file_beside_the_page(jekyll_build: JekyllBuild) -> None:
    result = jekyll_build({
        "docs/guide.md": "---\ntitle: Guide\n---\nIntro.\n\n{% include_relative parts/step.md n=2 %}\n\n"
                         "{% include_relative ../../outside.md %}\n",
        "docs/parts/step.md": "Step {{ include.n }} of {{ page.title }}.\n",
    })
    assert "<p>Step 2 of Guide.</p>" in body_of(result, "docs/guide.html")  # the default style: /:path/:basename.html
    assert [w.render().split(" — ")[0] for w in result.warnings] == [
        "docs/guide.md:8: include_relative ../../outside.md is not beside the page, left out"]


def test_a_baseurl_that_disagrees_with_base_url_is_one_error_naming_both(jekyll_build: JekyllBuild) -> None:
    with pytest.raises(ConfigError) as raised:
        jekyll_build({"_config.yml": CONFIG, "index.md": "---\ntitle: x\n---\nHi.\n"})
    assert raised.value.render() == (
        "sitepush.toml: base_url http://localhost/ has the path / but _config.yml says baseurl: /base — make "
        "them agree: base_url is _config.yml's url + baseurl (`sitepush import jekyll --force` writes it)")
