"""The Jinja2 environment around the theme: site overrides, template errors reported as
``file:line: what — fix``, the filters, and where the default theme is found."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import jinja2
import pytest

from sitepush.builder import theme
from sitepush.builder.theme import (
    absolute_url,
    datefmt,
    default_theme_dir,
    isodate,
    make_environment,
    render_template,
    theme_assets,
)
from sitepush.errors import BuildError
from tests.builder.test_theme import BASE_URL, contexts, make_site, render
from tests.fixtures.paths import THEME

# ---------------------------------------------------------------- site overrides and errors


def site_with_templates(tmp_path: Path, files: Mapping[str, str]) -> Path:
    templates = tmp_path / "templates"
    templates.mkdir()
    for name, text in files.items():
        (templates / name).write_text(text, encoding="utf-8")
    return templates


def test_site_override_of_page_html_wins_and_can_extend_the_theme(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {"page.html": (
        '{% extends "base.html" %}\n{% block content %}<p class="mine">{{ page.title }}</p>{% endblock %}\n'
    )})
    html = render("page.html", contexts()["page.html"], site_root=tmp_path, site_templates=templates)
    assert '<p class="mine">Deploying to S3</p>' in html
    assert '<link rel="stylesheet" href="/assets/style.css">' in html
    assert "prev-next" not in html


def test_missing_site_templates_folder_falls_back_to_the_theme(tmp_path: Path) -> None:
    html = render("404.html", contexts()["404.html"], site_root=tmp_path,
                  site_templates=tmp_path / "templates")
    assert "<h1>Page not found</h1>" in html


@pytest.mark.parametrize(("source", "expected"), [
    ("<h1>{{ page.title }}</h1>\n{% for x in page.tags %}\n{{ x }}\n{% endfo %}\n",
     "templates/page.html:4: Encountered unknown tag 'endfo'. Jinja was looking for the following tags: "
     "'endfor' or 'else'. The innermost block that needs to be closed is 'for'. — fix the template"),
    ("<h1>{{ page.title }}</h1>\n<p>\n{{ page.titel }}\n</p>\n",
     "templates/page.html:3: 'page' has no attribute 'titel' "
     "— fix the template"),
    ("{{ page.title }}\n{{ page.title + 1 }}\n",
     'templates/page.html:2: TypeError: can only concatenate str (not "int") to str — fix the template'),
    ("{{ site.title }}\n\n{{ page.params.missing }}\n",
     "templates/page.html:3: 'dict object' has no attribute 'missing' — fix the template"),
    ('{% extends "bsae.html" %}\n',
     'templates/page.html:1: template "bsae.html" not found in templates/ and <theme>/ '
     "— fix the template"),
])
def test_template_error_names_the_site_template_file_and_line(
        tmp_path: Path, source: str, expected: str) -> None:
    templates = site_with_templates(tmp_path, {"page.html": source})
    with pytest.raises(BuildError) as caught:
        render("page.html", contexts()["page.html"], site_root=tmp_path, site_templates=templates)
    assert caught.value.render() == expected


def test_error_in_a_site_macro_names_the_macro_file_not_the_caller(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {
        "cards.html": "{% macro card(item) %}\n<li>{{ item.nope }}</li>\n{% endmacro %}\n",
        "section.html": '{% import "cards.html" as c %}\n{% for p in pages %}{{ c.card(p) }}{% endfor %}\n',
    })
    with pytest.raises(BuildError) as caught:
        render("section.html", contexts()["section.html"], site_root=tmp_path, site_templates=templates)
    assert caught.value.render() == (
        "templates/cards.html:2: 'page summary (in pages)' has no attribute 'nope' "
        "— fix the template")


def test_overriding_macros_html_must_keep_every_macro_the_theme_calls(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {"macros.html": "{% macro entry(item) %}{% endmacro %}\n"})
    with pytest.raises(BuildError) as caught:
        render("section.html", contexts()["section.html"], site_root=tmp_path, site_templates=templates)
    assert caught.value.render() == (
        "<theme>/section.html:3: 'jinja2.environment.TemplateModule object' has no attribute "
        "'listing_title' — fix the template")


def test_error_in_the_default_theme_names_the_theme_file(tmp_path: Path) -> None:
    context = {"site": make_site()}  # page.html without its page
    with pytest.raises(BuildError) as caught:
        render("page.html", context, site_root=tmp_path)
    assert re.fullmatch(r"<theme>/page\.html:\d+: 'page' is undefined — fix the template",
                        caught.value.render())


def test_missing_page_template_names_the_template_and_the_folders_searched(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {})
    with pytest.raises(BuildError) as caught:
        render("docs.html", contexts()["page.html"], site_root=tmp_path, site_templates=templates)
    assert caught.value.problem.file is None  # the caller names the page whose `template:` this is
    assert caught.value.render() == (
        'template "docs.html" not found in templates/ and <theme>/ '
        "— create templates/docs.html or fix the page's `template:` value")


def test_exception_from_a_value_the_template_reads_is_reported_at_the_template_line(
        tmp_path: Path) -> None:
    class Exploding:
        @property
        def title(self) -> str:
            raise RuntimeError("bug in a view")

    templates = site_with_templates(tmp_path, {"page.html": "<h1>\n{{ page.title }}</h1>\n"})
    with pytest.raises(BuildError) as caught:
        render("page.html", {"page": Exploding()}, site_root=tmp_path, site_templates=templates)
    assert caught.value.render() == "templates/page.html:2: RuntimeError: bug in a view — fix the template"


def test_an_exception_outside_any_template_code_is_not_disguised_as_a_template_error() -> None:
    class BrokenLoader(jinja2.BaseLoader):
        def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, None]:
            raise RuntimeError("loader bug")

    env = jinja2.Environment(loader=BrokenLoader())
    with pytest.raises(RuntimeError, match="^loader bug$"):
        render_template(env, "page.html", {})


# ---------------------------------------------------------------- environment and filters


def test_environment_autoescapes_html_and_xml_but_not_text(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {"a.html": "{{ v }}", "a.xml": "{{ v }}", "a.txt": "{{ v }}"})
    env = make_environment(templates, site_root=tmp_path, base_url=BASE_URL)
    assert [render_template(env, n, {"v": "<&>"}) for n in ("a.html", "a.xml", "a.txt")] == [
        "&lt;&amp;&gt;", "&lt;&amp;&gt;", "<&>"]


def test_environment_trims_block_lines(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {"a.html": "<ul>\n  {% for i in v %}\n  <li>{{ i }}</li>\n"
                                                         "  {% endfor %}\n</ul>\n"})
    env = make_environment(templates, site_root=tmp_path, base_url=BASE_URL)
    assert render_template(env, "a.html", {"v": [1, 2]}) == "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>"


@pytest.mark.parametrize(("value", "fmt", "expected"), [
    (datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc), "%B %-d, %Y", "May 1, 2024"),
    (datetime(2024, 12, 25, 7, 5, 9, tzinfo=timezone.utc), "%-d/%-m %-H:%M:%-S", "25/12 7:05:9"),
    (datetime(2024, 2, 3, 0, 0, tzinfo=timezone.utc), "%-I %p, day %-j", "12 AM, day 34"),
    (date(2023, 1, 9), "%Y-%m-%d (%-d)", "2023-01-09 (9)"),
    (None, "%Y", ""),
])
def test_datefmt(value: date | None, fmt: str, expected: str) -> None:
    assert datefmt(value, fmt) == expected


def test_datefmt_default_is_month_day_year() -> None:
    assert datefmt(datetime(2016, 10, 8, tzinfo=timezone.utc)) == "October 8, 2016"


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc), "2024-05-01T10:00:00+00:00"),
    (datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-7))),
     "2024-05-01T10:00:00-07:00"),
    (date(2024, 5, 1), "2024-05-01"),
    (None, ""),
])
def test_isodate_is_rfc_3339(value: date | None, expected: str) -> None:
    assert isodate(value) == expected


def test_isodate_refuses_a_datetime_without_time_zone() -> None:
    with pytest.raises(ValueError, match="needs a date with a time zone"):
        isodate(datetime(2024, 5, 1, 10, 0))


def test_date_filters_in_a_template_report_a_string_given_as_date(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {"a.html": "\n{{ v|datefmt }}"})
    env = make_environment(templates, site_root=tmp_path, base_url=BASE_URL)
    with pytest.raises(BuildError) as caught:
        render_template(env, "a.html", {"v": "2024-05-01"})
    assert caught.value.render() == (
        "templates/a.html:2: TypeError: datefmt expects a date, got str '2024-05-01' — fix the template")


@pytest.mark.parametrize(("base", "path", "expected"), [
    ("https://example.com/", "/blog/", "https://example.com/blog/"),
    ("https://example.com", "/blog/", "https://example.com/blog/"),
    ("https://example.com/", "blog/post/", "https://example.com/blog/post/"),
    ("https://example.com/docs/", "/a/", "https://example.com/docs/a/"),
    ("https://example.com//", "//a", "https://example.com/a"),
    ("https://example.com/", "", "https://example.com/"),
    ("https://example.com/", "https://other.org/x", "https://other.org/x"),
])
def test_absolute_url_joins_with_exactly_one_slash(base: str, path: str, expected: str) -> None:
    assert absolute_url(base, path) == expected


def test_absolute_url_filter_uses_the_sites_base_url(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {"a.html": "{{ '/tags/'|absolute_url }}"})
    env = make_environment(templates, site_root=tmp_path, base_url="https://notes.example.net")
    assert render_template(env, "a.html", {}) == "https://notes.example.net/tags/"


# ---------------------------------------------------------------- where the theme lives


def test_default_theme_dir_in_a_source_checkout_is_the_repository_templates_folder() -> None:
    assert default_theme_dir() == THEME


def test_default_theme_dir_prefers_the_wheel_layout(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "sitepush"
    (package / "templates").mkdir(parents=True)
    (package / "templates" / "base.html").write_text("wheel", encoding="utf-8")
    # An unrelated templates/ folder beside the package (site-packages/templates) must lose.
    (package.parent / "templates").mkdir()
    (package.parent / "templates" / "base.html").write_text("other", encoding="utf-8")
    assert default_theme_dir(package) == package / "templates"


def test_default_theme_dir_falls_back_to_the_checkout_layout(tmp_path: Path) -> None:
    package = tmp_path / "repo" / "sitepush"
    package.mkdir(parents=True)
    (package.parent / "templates").mkdir()
    (package.parent / "templates" / "base.html").write_text("checkout", encoding="utf-8")
    assert default_theme_dir(package) == package.parent / "templates"


def test_default_theme_dir_missing_is_a_build_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match=r"the default theme is missing .* — reinstall sitepush$"):
        default_theme_dir(tmp_path / "sitepush")


def test_theme_assets_are_sorted_keys_without_dotfiles(tmp_path: Path) -> None:
    for rel in ("assets/style.css", "assets/img/logo.svg", "assets/.DS_Store", "assets/.cache/x.css",
                "base.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    assert theme_assets(tmp_path) == [("assets/img/logo.svg", tmp_path / "assets/img/logo.svg"),
                                      ("assets/style.css", tmp_path / "assets/style.css")]


def test_theme_assets_of_the_default_theme() -> None:
    assert [key for key, _ in theme_assets(THEME)] == [
        "assets/favicon.svg", "assets/style.css", "assets/theme.js"]
    assert theme_assets(THEME.parent / "no-such-theme") == []


def test_theme_module_names_the_theme_folder_as_users_see_it() -> None:
    assert theme.THEME_LABEL == "<theme>"


# ---------------------------------------------------------------- the sandbox

ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ joiner.__init__.__globals__['os'].system('touch MARKER') }}",
    "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ page.__class__.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__['os'].popen('touch MARKER') }}",
    "{{ '{0.__class__}'.format(page) }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_a_template_cannot_reach_python_internals_or_run_a_command(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "ran"
    templates = site_with_templates(tmp_path, {"page.html": (
        '{% extends "base.html" %}\n{% block content %}\n' + payload.replace("MARKER", str(marker))
        + "\n{% endblock %}\n")})
    with pytest.raises(BuildError) as raised:
        render("page.html", contexts()["page.html"], site_root=tmp_path, site_templates=templates)
    message = raised.value.render()
    assert re.fullmatch(r"templates/page\.html:3: (access to attribute|unsafe|.*is unsafe).* — fix the template",
                        message), message
    assert "\n" not in message
    assert not marker.exists()


def test_the_sandbox_still_renders_what_themes_use(tmp_path: Path) -> None:
    templates = site_with_templates(tmp_path, {"page.html": (
        '{% extends "base.html" %}\n{% block content %}'
        "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}"
        "<p>{{ ns.n }} {{ page.title | upper }} {{ '%s-%s' % (1, 2) }} {{ '{}!'.format('ok') }} "
        "{{ dict(a=1).items() | list }}</p>{% endblock %}\n")})
    html = render("page.html", contexts()["page.html"], site_root=tmp_path, site_templates=templates)
    assert "<p>3 DEPLOYING TO S3 1-2 ok! [(&#39;a&#39;, 1)]</p>" in html


def test_an_attribute_found_safe_once_is_read_directly_and_internals_stay_refused(tmp_path: Path) -> None:
    import jinja2.sandbox

    env = theme.make_environment(None, site_root=tmp_path, base_url="https://example.org/")
    page = contexts()["page.html"]["page"]
    assert env.from_string("{{ page.title }}|{{ page.title }}").render(page=page) == \
        f"{page.title}|{page.title}"
    assert (type(page), "title") in env._safe_attributes  # type: ignore[attr-defined]
    for payload in ("{{ page.__class__ }}", "{{ page.title.__class__.__mro__ }}",
                    "{{ cycler.__init__.__globals__ }}"):
        with pytest.raises(jinja2.sandbox.SecurityError):
            env.from_string(payload).render(page=page)
    assert not any(name.startswith("_") for _, name in env._safe_attributes)  # type: ignore[attr-defined]
