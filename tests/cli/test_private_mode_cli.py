"""`[cloudfront] origin = "private"` as a user runs it on the sandbox: the plan lists the OAC, the function,
the SourceArn policy, Block Public Access all on and the headers policy; a second run plans nothing; a
deploy writes no redirect object and says what happened at the edge."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitepush.cli import main
from sitepush.sandbox import SandboxProcess
from tests.fixtures.paths import EXAMPLE_SITE, REPO

BUCKET = "www.example.com"
PRIVATE = 'enabled = true\norigin = "private"\nsecurity_headers = true\n'
HEADERS = '\n[cloudfront.headers]\n"Content-Security-Policy" = "default-src \'self\'"\n'


@pytest.fixture(scope="module")
def private_site(own_sandbox: SandboxProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of example-site with the private origin, security headers and a CSP, in a fresh sandbox."""
    tmp = tmp_path_factory.mktemp("private-site")
    site = tmp / "site"
    shutil.copytree(EXAMPLE_SITE, site, ignore=shutil.ignore_patterns("_site"))
    toml = site / "sitepush.toml"
    text = toml.read_text("utf-8")
    assert "[cloudfront]\nenabled = true\n" in text
    text = text.replace("[cloudfront]\nenabled = true\n", f"[cloudfront]\n{PRIVATE}")
    # [cloudfront.headers] is a table of its own: after the [[redirects]] array is fine in TOML
    toml.write_text(text + HEADERS, "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEPUSH_CACHE_DIR", str(tmp / "cache"))
        yield site


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def test_private_mode_plan_lists_every_edge_resource_applies_and_a_second_run_plans_nothing(
        private_site: Path, own_sandbox: SandboxProcess) -> None:
    code, out, err = run("configure", str(private_site), "--sandbox", "--plan")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    start = lines.index("+ create origin-access-control sitepush-www-example-com")
    assert lines[start + 1:start + 4] == ["    SigningProtocol: sigv4", "    SigningBehavior: always",
                                          "    OriginAccessControlOriginType: s3"]
    assert any(line.startswith("! unserved function sitepush-www-example-com: this endpoint does not serve "
                               "DescribeFunction") for line in lines)
    assert any(line.startswith("! unserved response-headers-policy sitepush-www-example-com") for line in lines)
    policy = lines[lines.index(f"+ create policy {BUCKET}") + 1]
    assert policy == ('    allows: Allow s3:GetObject to {"Service":"cloudfront.amazonaws.com"} on all but '
                      f'["arn:aws:s3:::{BUCKET}/.sitepush/*"] if '
                      '{"StringEquals":{"AWS:SourceArn":"(known once created)"}}')
    block = lines.index(f"+ create public-access-block {BUCKET}")
    assert lines[block + 1:block + 5] == [f"    {flag}: true" for flag in (
        "BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")]
    main_distribution = lines.index(f"+ create distribution {BUCKET}")
    assert lines[main_distribution + 1] == f"    origin: {BUCKET}.s3.eu-west-1.amazonaws.com"
    assert lines[-1] == "19 to create, 0 to update, 0 unchanged, 2 not served by this endpoint"

    code, out, err = run("configure", str(private_site), "--sandbox", "--yes")
    assert (code, err) == (0, "")
    assert "applied 19 changes; no changes: 19 resources are as configured, 2 not served" in out
    code, out, _ = run("configure", str(private_site), "--sandbox", "--plan")
    assert code == 0 and out.startswith("no changes: 19 resources are as configured, 2 not served by this")
    s3 = own_sandbox.client("s3")
    assert set(s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"].values()) == {True}
    arn = own_sandbox.client("cloudfront").list_distributions()["DistributionList"]["Items"]
    ours = next(item["ARN"] for item in arn if item["DomainName"])
    assert ours in s3.get_bucket_policy(Bucket=BUCKET)["Policy"]


def test_a_private_deploy_writes_no_redirect_object_and_notes_the_edge(
        private_site: Path, own_sandbox: SandboxProcess) -> None:
    code, out, err = run("deploy", str(private_site), "--sandbox")
    assert (code, err) == (0, "")
    s3 = own_sandbox.client("s3")
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
            for o in page.get("Contents", [])]
    assert "getting-started/index.html" not in keys and "2025/old-url/index.html" not in keys
    assert "index.html" in keys
    assert "edge: this endpoint does not serve GetFunction (it answered 404 without an AWS error code): the " \
           "redirect table stays undeployed here (on AWS the function answers it)" in out.splitlines()
    assert "2 redirects" not in out


def test_a_private_dry_run_reports_the_function_size_and_sends_nothing_to_the_edge(
        private_site: Path, own_sandbox: SandboxProcess) -> None:
    code, out, err = run("deploy", str(private_site), "--sandbox", "--dry-run")
    assert (code, err) == (0, ""), err
    assert "edge: the function's redirect table is 2,030 bytes of code, its table inline (not compared in a " \
           "dry run)" in out.splitlines()


EDGE_FIELDS = {"status", "code_bytes", "table", "store_keys", "function_published", "store_created", "keys_put",
               "keys_deleted", "requests", "note"}


def test_a_private_deploy_json_has_an_edge_section_and_the_readme_names_its_fields(
        private_site: Path, tmp_path: Path) -> None:
    code, _, err = run("deploy", str(private_site), "--sandbox", "--json", str(tmp_path / "d.json"))
    assert (code, err) == (0, "")
    document = json.loads((tmp_path / "d.json").read_text("utf-8"))
    assert document["schema"] == "sitepush.deploy/1"
    edge = document["edge"]
    assert set(edge) == EDGE_FIELDS
    assert {k: edge[k] for k in ("status", "code_bytes", "table", "store_keys", "function_published",
                                 "keys_put", "requests")} == {
        "status": "unserved", "code_bytes": 2030, "table": "inline", "store_keys": None,
        "function_published": False, "keys_put": 0, "requests": 1}
    assert edge["note"].startswith("this endpoint does not serve GetFunction")
    documented = (REPO / "README.md").read_text("utf-8").split("<!-- json-fields -->")[1].split(
        "<!-- /json-fields -->")[0].split("- `sitepush.configure/1`")[0]
    assert {name for name in {"edge", *EDGE_FIELDS} if f"`{name}`" not in documented} == set()
    assert all(f'"{status}"' in documented for status in ("updated", "unchanged", "unserved", "dry-run"))


def test_a_private_dry_run_json_says_the_edge_was_not_compared(private_site: Path, tmp_path: Path) -> None:
    code, _, err = run("deploy", str(private_site), "--sandbox", "--dry-run", "--json", str(tmp_path / "d.json"))
    assert (code, err) == (0, "")
    edge = json.loads((tmp_path / "d.json").read_text("utf-8"))["edge"]
    assert (edge["status"], edge["code_bytes"], edge["requests"]) == ("dry-run", 2030, 0)
