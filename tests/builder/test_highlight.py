"""Code highlighting: Pygments CSS classes for known languages, plain escaped code otherwise, never a
guessed lexer, lexers and formatters built once, and one stylesheet for light and dark readers."""

from __future__ import annotations

from typing import Any

import pygments.lexers
import pytest

from sitepush.builder import highlight
from sitepush.builder.highlight import highlight_code, highlight_css
from sitepush.errors import BuildError


def test_a_known_language_gets_pygments_spans_inside_div_highlight() -> None:
    assert highlight_code("x = 1\n", "python") == (
        '<div class="highlight"><pre><span></span><code><span class="n">x</span> '
        '<span class="o">=</span> <span class="mi">1</span>\n</code></pre></div>')


def test_language_names_are_matched_without_regard_to_case() -> None:
    assert highlight_code("x = 1\n", "Python") == highlight_code("x = 1\n", "python")


@pytest.mark.parametrize(("lang", "expected"), [
    ("go-html-template", '<pre><code class="language-go-html-template">{{ if .X }}&lt;b&gt;{{ end }}\n'
                         "</code></pre>"),
    (None, "<pre><code>{{ if .X }}&lt;b&gt;{{ end }}\n</code></pre>"),
    ("", "<pre><code>{{ if .X }}&lt;b&gt;{{ end }}\n</code></pre>"),
    ('x"><script>', '<pre><code class="language-x&quot;&gt;&lt;script&gt;">{{ if .X }}&lt;b&gt;{{ end }}\n'
                    "</code></pre>"),
])
def test_no_or_unknown_language_gives_plain_escaped_code(lang: str | None, expected: str) -> None:
    assert highlight_code("{{ if .X }}<b>{{ end }}\n", lang) == expected


def test_code_without_a_language_is_never_guessed_even_when_it_is_obviously_python() -> None:
    code = "#!/usr/bin/env python3\nimport os\ndef main():\n    print(os.getcwd())\n"
    assert highlight_code(code, None) == f"<pre><code>{code}</code></pre>"


def test_highlighted_lines_are_wrapped_in_span_hll_counting_from_one() -> None:
    assert highlight_code("a\nb\nc\n", "python", hl_lines=[2]) == (
        '<div class="highlight"><pre><span></span><code><span class="n">a</span>\n'
        '<span class="hll"><span class="n">b</span>\n</span><span class="n">c</span>\n</code></pre></div>')


def test_a_leading_blank_line_is_kept_so_hl_lines_match_what_the_author_counts() -> None:
    html = highlight_code("\nb\n", "python", hl_lines=[2])
    assert '<code>\n<span class="hll"><span class="n">b</span>' in html


def test_line_numbers_are_a_table_beside_the_code() -> None:
    assert highlight_code("a\nb\n", "python", linenums=True) == (
        '<div class="highlight"><table class="highlighttable"><tr><td class="linenos">'
        '<div class="linenodiv"><pre><span class="normal">1</span>\n<span class="normal">2</span></pre>'
        '</div></td><td class="code"><div><pre><span></span><code><span class="n">a</span>\n'
        '<span class="n">b</span>\n</code></pre></div></td></tr></table></div>')


def test_highlighting_uses_css_classes_never_inline_styles() -> None:
    html = highlight_code("def f():\n    return 'x'  # c\n", "python", hl_lines=[1], linenums=True)
    assert "style=" not in html


def test_each_language_name_is_looked_up_once_per_process_hits_and_misses_alike(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = pygments.lexers.get_lexer_by_name

    def counting(name: str, **options: Any) -> Any:
        calls.append(name)
        return real(name, **options)

    monkeypatch.setattr(highlight, "_lexers", {})
    monkeypatch.setattr(highlight, "get_lexer_by_name", counting)
    for _ in range(3):
        highlight_code("x\n", "python")
        highlight_code("x\n", "PYTHON")
        highlight_code("x\n", "no-such-language")
    assert calls == ["python"]
    assert highlight._lexers == {"python": highlight._lexers["python"], "no-such-language": None}


def test_plugin_lexers_are_never_searched_for_an_unknown_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object) -> None:
        raise AssertionError("the plugin entry points were scanned")

    monkeypatch.setattr(highlight, "_lexers", {})
    monkeypatch.setattr("pygments.lexers.find_plugin_lexers", forbidden)
    monkeypatch.setattr("pygments.plugin.find_plugin_lexers", forbidden)
    assert highlight_code("```tree\nx\n```\n", "md").startswith('<div class="highlight">')
    assert highlight_code("x\n", "tree") == '<pre><code class="language-tree">x\n</code></pre>'


def test_one_formatter_is_built_per_option_set() -> None:
    first = highlight._formatter_for((1, 3), False)
    assert highlight._formatter_for((1, 3), False) is first
    assert highlight._formatter_for((1, 3), True) is not first
    assert highlight._formatter_for((), False) is not first


def test_the_dark_style_applies_when_the_system_or_the_reader_s_choice_is_dark() -> None:
    css = highlight_css("default", "monokai")
    light, _, rest = css.partition("@media (prefers-color-scheme: dark) {\n")
    system_dark, _, chosen_dark = rest.partition("\n}\n")
    # default: keywords green and bold; monokai: keywords blue.
    assert ".highlight .k { color: #008000; font-weight: bold } /* Keyword */" in light
    assert ".highlight { background: #f8f8f8; }" in light
    # System dark, unless the reader switched the theme to light...
    assert '  :root:not([data-theme="light"]) .highlight .k { color: #66D9EF } /* Keyword */' in system_dark
    assert ('  :root:not([data-theme="light"]) .highlight { background: #272822; color: #F8F8F2 }'
            in system_dark)
    # ...and dark whenever the reader chose dark (theme.js sets <html data-theme="dark">).
    assert ':root[data-theme="dark"] .highlight .k { color: #66D9EF } /* Keyword */' in chosen_dark
    assert "@media" not in chosen_dark


def test_every_rule_of_the_stylesheet_is_scoped_to_div_highlight() -> None:
    css = highlight_css("friendly", "github-dark")
    rules = [line.strip() for line in css.splitlines()
             if line.strip() and not line.startswith(("/*", "@media", "}"))]
    assert len(rules) > 100
    scopes = (".highlight", ':root:not([data-theme="light"]) .highlight', ':root[data-theme="dark"] .highlight')
    assert [rule for rule in rules if not rule.startswith(scopes)] == []


@pytest.mark.parametrize(("light", "dark", "message"), [
    ("monokia", "monokai", 'sitepush.toml: unknown highlight style "monokia" — use one of: monokai, '
                           "default, friendly, github-dark, ..."),
    ("default", "darkest", 'sitepush.toml: unknown highlight style "darkest" — use one of: nord-darker, '
                           "one-dark, default, friendly, monokai, ..."),
    ("default", "qqq", 'sitepush.toml: unknown highlight style "qqq" — use one of: default, friendly, '
                       "monokai, github-dark, ..."),
])
def test_an_unknown_style_is_a_build_error_naming_the_config_file(light: str, dark: str,
                                                                  message: str) -> None:
    with pytest.raises(BuildError) as caught:
        highlight_css(light, dark)
    assert caught.value.render() == message
