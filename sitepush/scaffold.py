"""``sitepush new``: the files of a new site a user would keep — pure (kind → files), then written once.

::

    site_files(kind, title, today) → {relative path: text}      pure
    write_new_site(folder, kind)  → [written paths]             refuses a folder that is not empty
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from sitepush.errors import UsageError

KINDS = ("blog", "docs")

_CONFIG = '''\
# sitepush.toml — every key has a default; the full reference is in sitepush's README.
# An unknown or misspelled key stops the build with the line and a suggestion.

[site]
title = "{title}"
# The public address, with its trailing slash: canonical links, the sitemap and the feed use it.
base_url = "https://www.example.com/"
description = "{description}"
language = "en"
# Dates written without an offset are read in this zone.
timezone = "UTC"
# Your logo beside the title (and as the favicon): put it in static/ and name it by its path on the site.
# logo = "/images/logo.svg"

[build]
# `docs/install.md` is written as `docs/install/index.html` and served as `/docs/install/`.
pretty_urls = true
{build_extra}
# Where `sitepush deploy` puts the built site. Credentials never go here: they come from the usual AWS
# chain (environment, ~/.aws, instance role) or `profile = "..."`.
# Try everything locally first: `sitepush deploy --sandbox` needs no AWS account.
[deploy]
bucket = "www.example.com"
region = "us-east-1"

# Your own domain: `sitepush configure` then makes the certificate, the redirect bucket for the other
# host and the Route 53 records. Uncomment and set it.
# [domain]
# name = "example.com"
# canonical = "www"

# A CDN with https in front of the bucket (needs [domain]).
# [cloudfront]
# enabled = true
'''

_NOT_FOUND = '''\
---
title: Page not found
---

Sorry, there is nothing at this address. It may have been mistyped, or the page may have moved.

[Go to the home page](/)
'''

_FAVICON = '''\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" \
fill="#2f6feb"/><text x="16" y="22" font-size="18" text-anchor="middle" fill="#fff" \
font-family="sans-serif">S</text></svg>
'''


def site_files(kind: str, title: str, today: date) -> dict[str, str]:
    """The files of a new ``kind`` site (``blog`` or ``docs``) called ``title``."""
    if kind not in KINDS:
        raise UsageError(f"--kind {kind} is not a kind of site", hint=f"use one of: {', '.join(KINDS)}")
    files = {
        ".gitignore": "_site/\n",
        "content/404.md": _NOT_FOUND,
        "static/favicon.svg": _FAVICON,
    }
    if kind == "blog":
        files["sitepush.toml"] = _CONFIG.format(title=title, description="Notes, written in Markdown.",
                                                build_extra="# Posts per listing page.\npaginate = 10\n")
        files["content/_index.md"] = (f"---\ntitle: {title}\n---\n\nWelcome! The newest posts are below; "
                                      "write yours in `content/posts/`.\n")
        files["content/posts/_index.md"] = "---\ntitle: Posts\n---\n"
        files["content/posts/hello-world.md"] = (
            f"---\ntitle: Hello, world\ndate: {today.isoformat()}\ntags: [welcome]\n---\n\n"
            "This is the first post. Edit it, or add another file next to it: every Markdown file in "
            "`content/` becomes a page.\n\n"
            "Run `sitepush serve` and this page reloads as you save.\n")
        files["content/about.md"] = "---\ntitle: About\n---\n\nWho writes here, and why.\n"
    else:
        files["sitepush.toml"] = _CONFIG.format(title=title, description="Documentation, written in Markdown.",
                                                build_extra="")
        files["content/_index.md"] = (f"---\ntitle: {title}\n---\n\nStart with "
                                      "[Getting started](docs/getting-started.md).\n")
        files["content/docs/_index.md"] = "---\ntitle: Documentation\nweight: 10\n---\n"
        files["content/docs/getting-started.md"] = (
            "---\ntitle: Getting started\nweight: 10\n---\n\n## Install\n\n```bash\npip install sitepush\n```\n\n"
            "## Next\n\nRead the [configuration](configuration.md).\n")
        files["content/docs/configuration.md"] = (
            "---\ntitle: Configuration\nweight: 20\n---\n\nEvery key of `sitepush.toml` has a default.\n")
    return dict(sorted(files.items()))


def write_new_site(folder: Path, kind: str, *, today: date | None = None) -> list[Path]:
    """Write a new site into ``folder`` (created if missing); refuses a folder that holds anything."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} is not empty", hint="choose a new folder, e.g. `sitepush new my-site`")
    title = folder.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "My site"
    files: Mapping[str, str] = site_files(kind, title, today or date.today())
    written = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    return written
