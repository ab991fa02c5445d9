"""What a deploy tells GitHub Actions: the step summary, the step outputs, and error annotations.

Pure functions over the ``--json`` document of ``sitepush deploy`` (and :class:`~sitepush.errors.Problem`),
plus a small command the composite action (``action.yml``) runs after sitepush::

    python -m sitepush.ci_output --json PLAN.json --summary "$GITHUB_STEP_SUMMARY" --outputs "$GITHUB_OUTPUT"

Workflow commands and their escaping follow GitHub's documentation ("Workflow commands for GitHub
Actions": ``%`` → ``%25``, CR → ``%0D``, LF → ``%0A`` in messages; ``:`` → ``%3A`` and ``,`` → ``%2C`` as
well in properties). Multi-line outputs use the ``name<<DELIMITER`` form with a random delimiter.
Nothing here reads the environment's credentials; the JSON document holds none.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sitepush.errors import Problem

SHOWN_PATHS = 50


def escape_data(text: str) -> str:
    """A workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem, *, level: str = "error", site: Path | None = None) -> str:
    """``::error file=F,line=N,title=sitepush::message — fix`` for one problem.

    Problems name files relative to the site folder; GitHub places annotations by paths relative to
    the workspace (the working directory), so a relative ``site`` folder is put in front.
    """
    properties = []
    if problem.file:
        file = Path(problem.file)
        if site is not None and not file.is_absolute() and not site.is_absolute() and str(site) != ".":
            file = site / file
        properties.append(f"file={escape_property(file.as_posix())}")
    if problem.line:
        properties.append(f"line={problem.line}")
    properties.append("title=sitepush")
    message = problem.message + (f" — {problem.hint}" if problem.hint else "")
    return f"::{level} {','.join(properties)}::{escape_data(message)}"


def output_lines(outputs: Mapping[str, str]) -> str:
    """``$GITHUB_OUTPUT`` text: ``name=value``, or ``name<<DELIM`` … ``DELIM`` for multi-line values."""
    lines = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"sitepush_{secrets.token_hex(8)}"
            lines += [f"{name}<<{delimiter}", value, delimiter]
        else:
            lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def deploy_outputs(document: Mapping[str, Any], json_path: str) -> dict[str, str]:
    """The action's outputs: ``uploaded``, ``deleted``, ``invalidation-id``, ``plan-json``."""
    plan = document.get("plan") or {}
    result = document.get("result") or {}
    dry_run = bool(document.get("dry_run"))
    uploaded = len(plan.get("uploads", [])) if dry_run else int(result.get("uploaded", 0))
    deleted = len(plan.get("deletes", [])) if dry_run else int(result.get("deleted", 0))
    ids = (result.get("invalidation") or {}).get("ids", [])
    return {"uploaded": str(uploaded), "deleted": str(deleted),
            "invalidation-id": ",".join(ids), "plan-json": json_path}


def step_summary(document: Mapping[str, Any]) -> str:
    """The Markdown a deploy (or a dry run) writes to the run's summary page."""
    plan = document.get("plan") or {}
    result = document.get("result")
    dry_run = bool(document.get("dry_run"))
    where = f"s3://{document.get('bucket', '?')}/{document.get('prefix', '')}"
    uploads = plan.get("uploads", [])
    deletes = plan.get("deletes", [])
    paths = plan.get("invalidation_paths", [])
    if document.get("stopped"):
        head = f"### ⛔ sitepush stopped before changing {where}"
    elif dry_run:
        head = f"### sitepush dry run: what a merge would deploy to {where}"
    else:
        head = f"### sitepush deployed to {where}"
    verb = "would upload" if dry_run else "uploaded"
    lines = [head, "", "| | |", "| --- | ---: |",
             f"| {verb} | {len(uploads) if result is None else result.get('uploaded', 0)} |",
             f"| unchanged | {plan.get('unchanged', 0)} |",
             f"| {'would delete' if dry_run else 'deleted'} | "
             f"{len(deletes) if result is None else result.get('deleted', 0)} |",
             f"| CloudFront paths | {len(paths)} (≈ ${plan.get('invalidation_cost_usd', 0.0):.3f}) |"]
    if result is not None:
        megabytes = int(result.get("uploaded_bytes", 0)) / 1_000_000
        lines += [f"| sent | {megabytes:.1f} MB |",
                  f"| requests | {int(result.get('total_requests', result.get('requests', 0)))} |",
                  f"| time | {float(result.get('seconds', 0.0)):.1f} s |"]
    if document.get("stopped"):
        lines += ["", f"> {document['stopped']}"]
    changed = [f"- `{u['key']}` ({u['reason']})" for u in uploads] + [f"- `{key}` (deleted)" for key in deletes]
    if changed:
        lines += ["", "<details><summary>Changed paths</summary>", ""]
        lines += changed[:SHOWN_PATHS]
        if len(changed) > SHOWN_PATHS:
            lines.append(f"- … and {len(changed) - SHOWN_PATHS} more")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _append(path: str | None, text: str) -> None:
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the step summary and outputs from a ``--json`` document (missing document: nothing)."""
    parser = argparse.ArgumentParser(prog="python -m sitepush.ci_output",
                                     description="Write a sitepush deploy's GitHub step summary and outputs.")
    parser.add_argument("--json", required=True, help="the document `sitepush deploy --json` wrote")
    parser.add_argument("--summary", help="file to append the Markdown summary to ($GITHUB_STEP_SUMMARY)")
    parser.add_argument("--outputs", help="file to append the step outputs to ($GITHUB_OUTPUT)")
    args = parser.parse_args(argv)
    try:
        document = json.loads(Path(args.json).read_text("utf-8"))
    except FileNotFoundError:
        print(f"sitepush: no report at {args.json} (the command failed before writing one)", file=sys.stderr)
        _append(args.outputs, output_lines({"plan-json": ""}))
        return 0
    except (OSError, ValueError) as error:
        print(f"sitepush: cannot read {args.json}: {error}", file=sys.stderr)
        return 1
    if "plan" in document and isinstance(document["plan"], dict):
        _append(args.summary, step_summary(document))
        _append(args.outputs, output_lines(deploy_outputs(document, args.json)))
    else:  # `configure --json`: the infrastructure plan
        changes = [c for c in document.get("plan", []) if c.get("action") != "unchanged"]
        _append(args.summary, "### sitepush configure\n\n" + ("\n".join(
            f"- {c['action']} {c['kind']} `{c['name']}`" for c in changes) or "no changes") + "\n")
        _append(args.outputs, output_lines({"plan-json": args.json, "uploaded": "0", "deleted": "0",
                                            "invalidation-id": ""}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
