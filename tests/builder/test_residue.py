"""Nothing left behind silently: constructs of other generators left as text are found outside code and
reported once per kind, with the number of pages and the first file:line."""

from __future__ import annotations

import pytest

from sitepush.builder.residue import residue_warnings, scan_residue

CASES = [
    ("liquid in prose", "Hello {{ site.title }}.\n", (("liquid", 1, "{{ site.title }}"),)),
    ("a liquid tag", "\n\n{% include note.html %}\n", (("liquid", 3, "{% include note.html %}"),)),
    ("a hugo shortcode", "x\n{{< youtube abc >}}\n", (("shortcode", 2, "{{< youtube abc >}}"),)),
    ("a hugo markdown shortcode", "{{% note %}}\n", (("shortcode", 1, "{{% note %}}"),)),
    ("an mkautodoc directive", "# API\n\n::: httpx.Client\n    :docstring:\n",
     (("directive", 3, "::: httpx.Client"),)),
    ("an unknown admonition", "!!! seealso \"See\"\n    text\n", (("admonition", 1, "!!! seealso"),)),
    ("a known admonition in any case", "!!! Note\n    text\n??? warning\n    more\n", ()),
    ("fenced code is not residue", "```liquid\n{{ x }}\n{% if %}\n{{< y >}}\n::: z\n```\n", ()),
    ("a tilde fence in a quote", "> ~~~\n> {{ x }}\n> ~~~\n", ()),
    ("indented code after a blank line", "Text.\n\n    {{ x }}\n    :::pycon\n", ()),
    ("indented code inside a list item needs 8 spaces", "- item\n\n        {{ x }}\n", ()),
    ("a list item's own indented text is read", "- item\n\n    {{ x }}\n", (("liquid", 3, "{{ x }}"),)),
    ("inline code spans are not residue", "Write `{{ x }}` or ``{{< y >}}``.\n", ()),
    ("a paired shortcode's body belongs to it", "{{< code >}}\n{{ .Title }}\n{{< /code >}}\n",
     (("shortcode", 1, "{{< code >}}"),)),
    ("only the first of each kind counts", "{{ a }}\n{{ b }}\n{{< c >}}\n",
     (("liquid", 1, "{{ a }}"), ("shortcode", 3, "{{< c >}}"))),
]


@pytest.mark.parametrize(("body", "found"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_residue_is_found_outside_code_only(body: str, found: tuple[tuple[str, int, str], ...]) -> None:
    assert scan_residue(body) == found


def test_lines_are_the_source_files_and_liquid_is_not_residue_in_jekyll_mode() -> None:
    assert scan_residue("{{ x }}\n{{< y >}}\n", first_line=5) == (("liquid", 5, "{{ x }}"), ("shortcode", 6, "{{< y >}}"))
    assert scan_residue("{{ x }}\n", liquid=False) == ()


def test_one_warning_per_kind_with_its_page_count_and_first_file_line() -> None:
    warnings = residue_warnings([
        ("content/b.md", (("shortcode", 4, "{{< b >}}"),)),
        ("content/a.md", (("liquid", 2, "{{ a }}"), ("shortcode", 9, "{{< a-very-long-shortcode-name with=many "
                                                              "arguments and more >}}"))),
        ("content/c.md", ()),
    ])
    assert [w.render() for w in warnings] == [
        "content/a.md:2: template code (Liquid, Tera, Go) left as text on 1 page, first {{ a }} — replace it "
        "with Markdown, or move it into a template",
        "content/a.md:9: Hugo shortcode left as text on 2 pages, first {{< a-very-long-shortcode-name with=many "
        "argume... — replace it with Markdown or HTML, or move it into a template",
    ]
