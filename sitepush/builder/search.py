"""The site's search index: Pagefind (PyPI ``pagefind[bin]``) run over the built HTML.

No server and no request to anyone: Pagefind writes a static, chunked index and its UI script under
``pagefind/`` in the output folder, which the preview server and S3 serve like every other file.
The index is rebuilt only when an HTML file of the output changed; otherwise the last one is kept.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitepush.errors import BuildError

FOLDER = "pagefind"
"""Output folder of the index and of Pagefind's UI (``/pagefind/pagefind-ui.js``)."""


def build_search_index(output_dir: Path, *, timeout: float = 600) -> list[str]:
    """Index every HTML file of ``output_dir`` (Pagefind reads ``data-pagefind-body`` and skips
    ``data-pagefind-ignore``); return the output keys of the files it wrote.

    Raises :class:`BuildError` naming ``sitepush.toml`` when Pagefind is not installed or fails.
    """
    try:
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(output_dir),
                               "--output-subdir", FOLDER, "--silent",
                               # heading permalinks ("#") are not words of the page
                               "--exclude-selectors", "a.anchor"],
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"the search index took longer than {timeout:.0f} s", file="sitepush.toml",
                         hint="set [build] search = false, or report the site that makes Pagefind slow") from None
    if done.returncode != 0:
        missing = "No module named pagefind" in done.stderr or "binary" in done.stderr.lower()
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BuildError("search is on but Pagefind is not installed" if missing else
                         f"Pagefind failed: {detail}", file="sitepush.toml",
                         hint="pip install 'pagefind[bin]', or set [build] search = false")
    folder = output_dir / FOLDER
    return sorted(path.relative_to(output_dir).as_posix() for path in folder.rglob("*") if path.is_file())
