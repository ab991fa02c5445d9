"""`sitepush build` on broken input: exit code 1 and exactly one `error: file:line: what — fix` line each.

Table-driven like Hugo's hugolib/hugo_sites_build_errors_test.go: a small site with one broken file goes
in through the command line, the exact stderr comes out, and never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from sitepush.cli import main

PAGE = "---\ntitle: Fine\n---\n\nA page.\n"
LINK_HINT = "fix the path (relative to this file) or remove the link"
TEMPLATE_HINT = "fix the template"


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, "utf-8")
    return root


class Run(Protocol):
    def __call__(self, files: dict[str, str | bytes], *args: str) -> tuple[int, str, str]: ...


@pytest.fixture()
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(files, *args) -> (exit code, stdout, stderr)`` for `sitepush build SITE ARGS`."""
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))

    def build(files: dict[str, str | bytes], *args: str) -> tuple[int, str, str]:
        site = write_site(tmp_path / "site", files)
        code = main(["build", str(site), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return build


ERRORS: list[tuple[str, dict[str, str | bytes], tuple[str, ...], str]] = [
    ("broken YAML front matter",
     {"content/x.md": "---\ntitle: Hello\ntags: a: b\n---\nBody.\n"}, (),
     "content/x.md:3: invalid front matter: mapping values are not allowed in this context"
     " — fix the YAML between the --- lines"),
    ("YAML string never closed",
     {"content/x.md": '---\ntitle: "Hello\n---\nBody.\n'}, (),
     "content/x.md:2: invalid front matter: found unexpected end of stream (while scanning a quoted scalar)"
     " — fix the YAML between the --- lines"),
    ("broken TOML front matter",
     {"content/x.md": '+++\ntitle = "Hello"\ntags = ["a", "b"\n+++\nBody.\n'}, (),
     "content/x.md:3: invalid front matter: Unclosed array — fix the TOML between the +++ lines"),
    ("TOML key given twice",
     {"content/x.md": '+++\ntitle = "Hello"\ntitle = "Again"\n+++\nBody.\n'}, (),
     "content/x.md:3: invalid front matter: Cannot overwrite a value — fix the TOML between the +++ lines"),
    ("unclosed front matter",
     {"content/x.md": "---\ntitle: Hello\n\nBody.\n"}, (),
     "content/x.md:1: front matter opened with --- is never closed — add a closing --- line"),
    ("date that is not a date (YAML) under --strict",
     {"content/x.md": "---\ntitle: Hello\ndate: next tuesday\n---\nBody.\n"}, ("--strict",),
     'content/x.md:3: date "next tuesday" is not a date, so the page has no date'
     ' — write it as 2024-05-01 or 2024-05-01T10:00:00Z'),
    ("date that is not a date (TOML string) under --strict",
     {"content/2024-05-01-x.md": '+++\ntitle = "Hello"\n\ndate = "yesterday"\n+++\nBody.\n'}, ("--strict",),
     'content/2024-05-01-x.md:4: date "yesterday" is not a date, so the page takes its file name\'s date'
     ' — write it as 2024-05-01 or 2024-05-01T10:00:00Z'),
    ("date that does not exist",
     {"content/x.md": "---\ntitle: Hello\ndate: 2025-02-30\n---\nBody.\n"}, (),
     'content/x.md:3: invalid front matter: "2025-02-30" is not a real date (day is out of range for month)'
     " — fix the date between the --- lines"),
    ("source that is not UTF-8",
     {"content/x.md": b"---\ntitle: Hello\n---\nBody \xff\xfe here.\n"}, (),
     "content/x.md:4: is not valid UTF-8 — save the file as UTF-8"),
    ("template syntax error",
     {"content/x.md": PAGE,
      "templates/page.html": '{% extends "base.html" %}\n{% block content %}\n'
                             "{{ page.title }\n{% endblock %}\n"},
     (), f"templates/page.html:3: unexpected '}}' — {TEMPLATE_HINT}"),
    ("template using an undefined attribute",
     {"content/x.md": PAGE,
      "templates/page.html": '{% extends "base.html" %}\n{% block content %}\n'
                             "<h1>{{ page.subtitle }}</h1>\n{% endblock %}\n"},
     (), "templates/page.html:3: 'page' has no attribute 'subtitle'"
         f" — {TEMPLATE_HINT}"),
    ("template extending a missing template",
     {"content/x.md": PAGE, "templates/page.html": '{% extends "nothere.html" %}\n'},
     (), 'templates/page.html:1: template "nothere.html" not found in templates/ and <theme>/'
         f" — {TEMPLATE_HINT}"),
    ("template raising at render time",
     {"content/x.md": PAGE,
      "templates/page.html": '{% extends "base.html" %}\n{% block content %}\n{{ 1 / 0 }}\n{% endblock %}\n'},
     (), f"templates/page.html:3: ZeroDivisionError: division by zero — {TEMPLATE_HINT}"),
    ("page template missing under --strict",
     {"content/x.md": "---\ntitle: Hello\ntemplate: fancy.html\n---\nBody.\n"}, ("--strict",),
     'content/x.md:3: template "fancy.html" not found, using page.html'
     " — create templates/fancy.html or remove `template:`"),
    ("page layout missing under --strict: the hint names the key the file uses",
     {"content/x.md": "---\ntitle: Hello\nlayout: fancy\n---\nBody.\n"}, ("--strict",),
     'content/x.md:3: template "fancy.html" not found, using page.html'
     " — create templates/fancy.html or remove `layout:`"),
    ("broken .md link under --strict",
     {"content/x.md": "---\ntitle: Hello\n---\n\nSee [the guide](guide.md) for more.\n"}, ("--strict",),
     f"content/x.md:5: broken link to guide.md: no such page — {LINK_HINT}"),
    ("link to a draft under --strict",
     {"content/x.md": "---\ntitle: Hello\n---\n\nSee [b](b.md).\n",
      "content/b.md": "---\ntitle: B\ndraft: true\n---\n"}, ("--strict",),
     f"content/x.md:5: broken link to b.md: it is a draft or not yet published — {LINK_HINT}"),
    ("two pages with one URL",
     {"content/a.md": "---\ntitle: A\nslug: same\n---\n", "content/b.md": "---\ntitle: B\nslug: same\n---\n"},
     (), "content/b.md:3: /same/ is also the URL of content/a.md"
         " — give one of them another `slug` or `url` in its front matter"),
    ("alias that is another page's URL",
     {"content/a.md": PAGE, "content/b.md": "---\ntitle: B\naliases: [/a/]\n---\n"}, (),
     "content/b.md:3: alias /a/ is the URL of another page — remove the alias or move the other page"),
    ("static file over a built page",
     {"content/a.md": PAGE, "static/a/index.html": "<p>old</p>"}, (),
     "static/a/index.html: would overwrite the page built at a/index.html"
     " — remove the static file or give the page another URL"),
    ("unknown config key",
     {"sitepush.toml": "[build]\npaginat = 3\n", "content/x.md": PAGE}, (),
     "sitepush.toml:2: unknown key `build.paginat` — did you mean `paginate`?"),
    ("config value of the wrong type",
     {"sitepush.toml": '[build]\npaginate = "three"\n', "content/x.md": PAGE}, (),
     'sitepush.toml:2: `build.paginate` must be a whole number, not "three" (a string)'
     " — write e.g. `paginate = 10`"),
    ("no content folder",
     {"sitepush.toml": '[site]\ntitle = "x"\n'}, (),
     "sitepush.toml: content folder content/ does not exist"
     " — create it with your Markdown pages, or set [build] content_dir"),
]


@pytest.mark.parametrize(("files", "args", "expected"), [case[1:] for case in ERRORS],
                         ids=[case[0] for case in ERRORS])
def test_broken_input_exits_1_with_one_error_line(run: Run, files: dict[str, str | bytes],
                                                  args: tuple[str, ...], expected: str) -> None:
    code, out, err = run(files, *args)
    assert (code, err) == (1, f"error: {expected}\n")
    assert out == ""
    assert "Traceback" not in out + err


def test_every_broken_source_is_reported_in_one_run_in_file_order(run: Run) -> None:
    code, _, err = run({"content/b.md": "---\ndraft: nope\n---\n", "content/a.md": "---\ntitle: [\n---\n",
                          "content/c.md": PAGE})
    assert code == 1
    assert err == (
        "error: content/a.md:3: invalid front matter: did not find expected node content (while parsing a flow"
        " node) — fix the YAML between the --- lines\n"
        'error: content/b.md:2: draft must be true or false, not "nope" — write `draft: true`\n')


@pytest.mark.parametrize(("files", "warning"), [
    ({"content/x.md": "---\ntitle: Hello\n---\n\nSee [the guide](guide.md) for more.\n"},
     f"content/x.md:5: broken link to guide.md: no such page — {LINK_HINT}"),
    ({"content/x.md": "---\ntitle: Hello\ntemplate: fancy.html\n---\nBody.\n"},
     'content/x.md:3: template "fancy.html" not found, using page.html'
     " — create templates/fancy.html or remove `template:`"),
], ids=["broken .md link", "missing page template"])
def test_without_strict_the_same_problems_are_warnings_and_the_site_builds(
        run: Run, files: dict[str, str | bytes], warning: str) -> None:
    code, out, err = run(files)
    assert (code, err) == (0, f"warning: {warning}\n")
    assert out.startswith("Built 1 page from 1 source in ")


def test_each_broken_link_is_reported_at_its_own_line(run: Run) -> None:
    code, _, err = run({"content/x.md": "---\ntitle: Hello\n---\n\n"
                                        "Read [the intro](guide.md#intro) first.\n\n"
                                        "Then [the guide](guide.md) itself.\n\n"
                                        "And [the guide](guide.md) again.\n"})
    assert code == 0
    assert err == (f"warning: content/x.md:5: broken link to guide.md#intro: no such page — {LINK_HINT}\n"
                   f"warning: content/x.md:7: broken link to guide.md: no such page — {LINK_HINT}\n"
                   f"warning: content/x.md:9: broken link to guide.md: no such page — {LINK_HINT}\n")


def test_a_failed_build_leaves_the_previous_output_untouched(run: Run, tmp_path: Path) -> None:
    assert run({"content/x.md": PAGE})[0] == 0
    out = tmp_path / "site" / "_site"
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*") if p.is_file()}
    code, _, err = run({"content/x.md": "---\ntitle: [\n---\n"})
    assert code == 1 and err.startswith("error: content/x.md:3: ")
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    assert {p: v for p, v in after.items() if p.name != ".sitepush-build"} == \
        {p: v for p, v in before.items() if p.name != ".sitepush-build"}


def test_fixing_the_error_makes_the_next_build_succeed(run: Run) -> None:
    assert run({"content/x.md": "---\ntitle: [\n---\n"})[0] == 1
    code, out, err = run({"content/x.md": PAGE})
    assert (code, err) == (0, "")
    assert out.startswith("Built 1 page from 1 source in ")
