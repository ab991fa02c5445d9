"""The Hugo column of bench/build.py and its ``--scale`` corpus.

Hugo (Debian's ``hugo`` package, 0.111 here) builds the hugo-docs content with the smallest site that
lets it: ``hugo.toml`` pointing ``contentDir`` at the corpus copy (raw HTML allowed, no sitemap or
robots.txt), three layouts (``baseof``, ``single``, ``list``: the title and the content, a list links its
pages) and one shortcode template per shortcode the corpus uses, found by scanning it: an empty file,
or ``{{ if false }}{{ .Inner }}{{ end }}`` for those used with a closing tag (Hugo refuses a closing tag
for a template that never reads ``.Inner``). So Hugo parses and renders every page, and the shortcodes
render nothing, as sitepush leaves them as literal text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

_SHORTCODE_RE = re.compile(r"\{\{[<%]\s*(/?)\s*([A-Za-z][A-Za-z0-9_/-]*)")
_EXPLICIT_URL_RE = re.compile(r"^(url|slug)\s*[:=].*\n", re.MULTILINE)
BASEOF = ('<!doctype html><html><head><title>{{ .Title }}</title></head>'
          '<body>{{ block "main" . }}{{ end }}</body></html>\n')
SINGLE = '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n'
LIST = ('{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n')


def prepare_hugo(docs: Path, site: Path) -> Path:
    """Write the minimal Hugo site for the corpus at ``docs`` into ``site``; returns ``site``."""
    shutil.rmtree(site, ignore_errors=True)
    layouts = site / "layouts"
    (layouts / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        f'baseURL = "https://bench.example.com/"\ncontentDir = "{docs}"\n'
        'disableKinds = ["sitemap", "robotsTXT"]\n[markup.goldmark.renderer]\nunsafe = true\n', "utf-8")
    (layouts / "_default" / "baseof.html").write_text(BASEOF, "utf-8")
    (layouts / "_default" / "single.html").write_text(SINGLE, "utf-8")
    (layouts / "_default" / "list.html").write_text(LIST, "utf-8")
    used: set[str] = set()
    closed: set[str] = set()
    for path in docs.rglob("*.md"):
        for match in _SHORTCODE_RE.finditer(path.read_text("utf-8", errors="replace")):
            (closed if match[1] else used).add(match[2])
    for name in sorted(used | closed):
        template = layouts / "shortcodes" / f"{name}.html"
        template.parent.mkdir(parents=True, exist_ok=True)
        template.write_text("{{ if false }}{{ .Inner }}{{ end }}\n" if name in closed else "", "utf-8")
    return site


def scale_corpus(docs: Path, factor: int) -> int:
    """Copy the corpus at ``docs`` into itself ``factor - 1`` more times (``copy-2/`` …), explicit
    ``url``/``slug`` lines dropped from the copies so their pages do not claim the originals' URLs.
    Returns the number of Markdown files now in ``docs``."""
    originals = [p for p in docs.rglob("*") if p.is_file()]
    for number in range(2, factor + 1):
        target = docs / f"copy-{number}"
        for path in originals:
            rel = path.relative_to(docs)
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".md":
                text = path.read_text("utf-8", errors="replace")
                head, sep, body = text.partition("\n---\n") if text.startswith("---\n") else ("", "", text)
                # head lacks the newline before the closing ---: add it so its last line matches too
                kept = _EXPLICIT_URL_RE.sub("", head + "\n").removesuffix("\n")
                out.write_text(kept + sep + body if sep else text, "utf-8")
            else:
                shutil.copyfile(path, out)
    return sum(1 for _ in docs.rglob("*.md"))
