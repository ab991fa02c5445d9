"""Run a generated viewer-request function in Node (``/usr/bin/node``), as CloudFront calls it.

The code is written to ``function.mjs`` with ``export { handler }`` added (CloudFront calls ``handler``
by name; Node needs it exported), next to ``node_modules/cloudfront``: the stub in ``node/cloudfront.mjs``,
test scaffolding standing in for the runtime's ``cloudfront`` module. ``node/harness.mjs`` builds
CloudFront's event for each request and prints what the function returned.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "node"
NODE = shutil.which("node") or "/usr/bin/node"


def run_function(code: str, requests: Sequence[tuple[str, str]], folder: Path,
                 store: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The function's answer to each (uri, querystring): ``{"redirect": [status, location]}`` or ``{"rewrite": uri}``."""
    module = folder / "node_modules" / "cloudfront"
    module.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "cloudfront.mjs", module / "index.mjs")
    (module / "package.json").write_text(json.dumps({"name": "cloudfront", "type": "module",
                                                     "exports": "./index.mjs"}))
    (folder / "package.json").write_text(json.dumps({"type": "module"}))
    (folder / "function.mjs").write_text(code + "\nexport { handler };\n", "utf-8")
    payload = json.dumps({"store": dict(store) if store is not None else None,
                          "requests": [{"uri": uri, "querystring": query} for uri, query in requests]})
    done = subprocess.run([NODE, str(HERE / "harness.mjs"), str(folder)], input=payload, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    return results
