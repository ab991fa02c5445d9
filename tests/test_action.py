"""The GitHub Action, without GitHub: action.yml checked against the metadata schema, then its steps run.

The composite action's ``run`` steps are executed in order with bash, their ``${{ … }}`` expressions
filled in the way the runner would (inputs, github.*, runner.temp, env), against moto's server over
HTTP, with GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointing at temp files. ``uses:`` steps
(actions/setup-python) are the runner's business and skipped; so is the install step, because this
checkout is already installed (editable) in the interpreter running the tests, whose folder is put
first on PATH.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sitepush.sandbox import Sandbox
from tests.fixtures.paths import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text("utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETSECRET"
_numbers = itertools.count()


# -- metadata ---------------------------------------------------------------------------------------

def test_action_yml_has_the_required_metadata_of_a_composite_action() -> None:
    assert {"name", "description", "runs"} <= set(ACTION)
    assert ACTION["runs"]["using"] == "composite"
    for step in ACTION["runs"]["steps"]:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step["shell"] == "bash", step


def test_the_action_docs_say_untrusted_pull_requests_never_get_deploy_credentials() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Deploy from GitHub Actions", 1)[1].split("\n## ", 1)[0]
    for text in (section, ACTION["description"]):
        assert "Untrusted pull requests must never get deploy credentials" in text
    assert "pull_request_target" in section  # the one trigger that hands a fork's code the secrets


def test_inputs_are_the_documented_ones_with_descriptions_and_defaults() -> None:
    inputs = ACTION["inputs"]
    assert set(inputs) == {"site", "command", "args", "python-version", "sitepush-version", "dry-run"}
    for name, spec in inputs.items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name)
        assert spec["description"] and "default" in spec
    assert inputs["command"]["default"] == "deploy"


def test_every_output_maps_to_an_output_of_an_existing_step() -> None:
    ids = {step.get("id") for step in ACTION["runs"]["steps"]}
    assert set(ACTION["outputs"]) == {"uploaded", "deleted", "invalidation-id", "plan-json"}
    for name, spec in ACTION["outputs"].items():
        match = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", spec["value"])
        assert match and match.group(1) in ids and match.group(2) == name


def test_no_step_puts_an_expression_straight_into_a_shell_line() -> None:
    # Inputs reach the shell through env only: an input can never become shell code.
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", "")


# -- running the steps ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    summary: str
    outputs: dict[str, str]


def expression(text: str, context: Mapping[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context[m.group(1)], text)


def run_action(tmp: Path, inputs: Mapping[str, str], env: Mapping[str, str], event: str = "push") -> Run:
    summary, outputs, temp = tmp / "summary.md", tmp / "outputs.txt", tmp / "runner-temp"
    temp.mkdir(exist_ok=True)
    context = {f"inputs.{name}": inputs.get(name, str(spec.get("default", "")))
               for name, spec in ACTION["inputs"].items()}
    context |= {"github.action_path": str(REPO), "github.event_name": event, "runner.temp": str(temp)}
    base = {**os.environ, **env, "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs),
            "GITHUB_ACTIONS": "true", "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    stdout, stderr, failed = "", "", 0
    for step in ACTION["runs"]["steps"]:
        if "uses" in step or step.get("id") == "install":
            continue
        if failed and step.get("if") != "always()":
            continue
        step_env = {name: expression(str(value), context) for name, value in step.get("env", {}).items()}
        done = subprocess.run(["bash", "-e", "-c", step["run"]], env={**base, **step_env}, cwd=tmp,
                              capture_output=True, text=True, timeout=300)
        stdout += done.stdout
        stderr += done.stderr
        failed = failed or done.returncode
    parsed = dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line) \
        if outputs.exists() else {}
    return Run(failed, stdout, stderr, summary.read_text() if summary.exists() else "", parsed)


@pytest.fixture()
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    shutil.copytree(REPO / "example-site", folder, ignore=shutil.ignore_patterns("_site"))
    return folder


@pytest.fixture()
def bucket(sandbox: Sandbox) -> str:
    name = f"action-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=name)
    return name


def credentials(tmp_path: Path) -> dict[str, str]:
    return {"AWS_ACCESS_KEY_ID": "AKIDACTIONTEST000000", "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_DEFAULT_REGION": "us-east-1", "SITEPUSH_CACHE_DIR": str(tmp_path / "cache")}


def test_a_push_deploys_and_the_summary_and_outputs_say_what_was_deployed(
        site: Path, bucket: str, sandbox: Sandbox, tmp_path: Path) -> None:
    result = run_action(tmp_path, {"site": str(site), "args": f"--bucket {bucket} --endpoint-url "
                                                             f"{sandbox.endpoint_url}"}, credentials(tmp_path))
    assert result.code == 0, result.stderr
    assert result.outputs == {"uploaded": "41", "deleted": "0", "invalidation-id": "",
                              "plan-json": str(tmp_path / "runner-temp" / "sitepush-plan.json")}
    lines = result.summary.splitlines()
    assert lines[:7] == [f"### sitepush deployed to s3://{bucket}/", "", "| | |", "| --- | ---: |",
                         "| uploaded | 41 |", "| unchanged | 0 |", "| deleted | 0 |"]
    assert "| CloudFront paths | 0 (≈ $0.000) |" in lines
    assert "- `index.html` (new)" in lines and "<details><summary>Changed paths</summary>" in lines
    keys = {o["Key"] for o in sandbox.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert "index.html" in keys


def test_a_pull_request_is_a_dry_run_that_shows_what_a_merge_would_deploy(
        site: Path, bucket: str, sandbox: Sandbox, tmp_path: Path) -> None:
    result = run_action(tmp_path, {"site": str(site), "args": f"--bucket {bucket} --endpoint-url "
                                                             f"{sandbox.endpoint_url}"},
                        credentials(tmp_path), event="pull_request")
    assert result.code == 0, result.stderr
    assert result.summary.startswith(f"### sitepush dry run: what a merge would deploy to s3://{bucket}/")
    assert "| would upload | 41 |" in result.summary
    assert result.outputs["uploaded"] == "41"
    assert "Contents" not in sandbox.client("s3").list_objects_v2(Bucket=bucket)


def test_the_secret_key_appears_in_no_output_stream_summary_output_or_plan(
        site: Path, bucket: str, sandbox: Sandbox, tmp_path: Path) -> None:
    result = run_action(tmp_path, {"site": str(site), "args": f"--bucket {bucket} --endpoint-url "
                                                             f"{sandbox.endpoint_url}"}, credentials(tmp_path))
    plan = (tmp_path / "runner-temp" / "sitepush-plan.json").read_text()
    for text in (result.stdout, result.stderr, result.summary, "\n".join(result.outputs.values()), plan):
        assert SECRET not in text and "AKIDACTIONTEST" not in text


def test_a_build_error_becomes_an_annotation_on_the_file_and_line(site: Path, tmp_path: Path) -> None:
    (site / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n", "utf-8")
    result = run_action(tmp_path, {"site": "site", "args": "--sandbox"}, credentials(tmp_path))
    assert result.code != 0
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1  # the path is the workspace's, so GitHub shows it on the PR diff
    assert annotations[0].startswith("::error file=site/content/broken.md,line=2,title=sitepush::")
    assert result.outputs == {"plan-json": ""}
