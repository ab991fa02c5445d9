"""Where sitepush keeps its files on this machine: one folder per site in the user's cache.

``$SITEPUSH_CACHE_DIR``, else ``$XDG_CACHE_HOME/sitepush``, else ``~/.cache/sitepush``; never inside the
site, so a cache file planted in a cloned repository is never loaded. The builder's cache, the deploy
hash cache and the sandbox's saved state all live here.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_root() -> Path:
    """The folder holding every site's cache."""
    override = os.environ.get("SITEPUSH_CACHE_DIR")
    if override:
        return Path(override)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitepush"


def cache_dir_for(site_root: Path) -> Path:
    """Where the cache of the site at ``site_root`` is kept."""
    site_hash = hashlib.sha256(str(site_root.resolve()).encode()).hexdigest()[:16]
    return cache_root() / site_hash
