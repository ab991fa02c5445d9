"""Hostile endpoints, odd file names and big inputs: one clear line each, and nothing wrong reaches the bucket.

- an endpoint that answers HTML (a web server, the S3 *website* endpoint) is named in one line, exit 4,
  and no plan is made from its "listing";
- S3's 1,024-byte key limit is checked on the whole key, prefix included;
- a control character or a backslash in a file name: the file is skipped, every printed name escaped;
- a ``+`` in a key is uploaded with a warning (the website endpoint reads it as a space);
- ``serve --bucket`` never serves sitepush's state; the folder preview and the bucket agree on NFD
  names and backslashes;
- a Markdown file over ``[build] max_page_mb`` is an error naming it and the option.
"""

from __future__ import annotations

import http.client
import http.server
import itertools
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitepush.cli import main
from sitepush.config import WebsiteConfig
from sitepush.errors import DeployError
from sitepush.preview.server import PreviewServer
from sitepush.preview.sources import BucketSource, FolderSource
from sitepush.sandbox import Sandbox
from sitepush.syncer.local import scan_site
from sitepush.syncer.specs import local_specs

from .conftest import deploy, write_files

_numbers = itertools.count()


class _Answers(http.server.BaseHTTPRequestHandler):
    """Answers every request with 200 and the class's body: what a misconfigured endpoint does."""

    body = b"<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>"
    content_type = "text/html; charset=utf-8"
    requests = 0

    def _answer(self) -> None:
        type(self).requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(self.body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def html_endpoint() -> Iterator[tuple[str, type[_Answers]]]:
    handler = type("Html", (_Answers,), {"requests": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "deploy"])
def test_an_endpoint_answering_html_to_everything_is_one_line_exit_4_and_no_plan(
        html_endpoint: tuple[str, type[_Answers]], tmp_path: Path, dry_run: bool) -> None:
    url, handler = html_endpoint
    write_files(tmp_path / "built", {"index.html": b"<p>home</p>"})
    result = deploy(["--site-dir", str(tmp_path / "built"), "--bucket", "site", "--endpoint-url", url,
                     *(["--dry-run"] if dry_run else ["--yes"])], tmp_path / "cache", timeout=120)
    assert (result.returncode, result.stderr.splitlines()) == (
        4, [f"error: {url} does not answer as S3 (text/html) — check --endpoint-url"])
    assert "Plan for" not in result.stdout and "upload" not in result.stdout
    assert handler.requests == 1  # not retried as a server error, and nothing written after it


def test_an_xml_answer_without_etags_is_not_taken_for_a_listing(
        html_endpoint: tuple[str, type[_Answers]], tmp_path: Path) -> None:
    url, handler = html_endpoint
    handler.content_type = "application/xml"
    handler.body = (b'<?xml version="1.0"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                    b"<IsTruncated>false</IsTruncated><Contents><Key>index.html</Key></Contents></ListBucketResult>")
    write_files(tmp_path / "built", {"index.html": b"<p>home</p>"})
    result = deploy(["--site-dir", str(tmp_path / "built"), "--bucket", "site", "--endpoint-url", url,
                     "--dry-run"], tmp_path / "cache", timeout=120)
    assert (result.returncode, result.stderr.splitlines()) == (
        4, [f"error: {url} does not answer as S3 (its listing has no Key, ETag and Size) — check --endpoint-url"])


def test_the_key_limit_counts_the_prefix(tmp_path: Path) -> None:
    # 4 folders of 200 bytes and a 220-byte file name: a 1,020-byte path, under the limit alone.
    rel = "/".join(["d" * 199] * 4) + "/" + "f" * 215 + ".html"
    assert len(rel.encode()) == 1020
    write_files(tmp_path, {rel: b"x"})
    site = scan_site(tmp_path)
    assert len(local_specs(site, {}, ())) == 1
    with pytest.raises(DeployError) as raised:
        local_specs(site, {}, (), prefix="previews/branch-feature-abc/")
    assert raised.value.render() == (
        f"the key previews/branch-feature-abc/{'d' * 32}… is 1,048 bytes with the prefix "
        "'previews/branch-feature-abc/', over S3's 1,024-byte key limit — shorten the file or folder names, "
        "or the prefix")


def test_control_characters_and_backslashes_in_names_are_skipped_and_printed_escaped(
        sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = f"hostile-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    write_files(tmp_path / "built", {"index.html": b"<p>home</p>", "a\nb.html": b"x", "x\x1b[2J\x1b[31m.html": b"x",
                                     "tab\tdir/page.html": b"x", "back\\slash.html": b"x"})
    result = deploy(["--site-dir", str(tmp_path / "built"), "--bucket", bucket, "--endpoint-url",
                     sandbox.endpoint_url], tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    keys = {o["Key"] for o in sandbox.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert {k for k in keys if not k.startswith(".sitepush/")} == {"index.html"}
    assert "\x1b" not in result.stdout + result.stderr
    skipped = next(line for line in result.stdout.splitlines() if line.startswith("skipped"))
    assert skipped == ("skipped 4 files: a\\nb.html (control character in the name), back\\slash.html "
                       "(backslash in the name), tab\\tdir/ (control character in the name), "
                       "x\\x1b[2J\\x1b[31m.html (control character in the name)")


def test_a_key_with_a_plus_is_uploaded_with_a_warning_that_the_website_reads_it_as_a_space(
        sandbox: Sandbox, tmp_path: Path) -> None:
    bucket = f"hostile-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    write_files(tmp_path / "built", {"index.html": b"<p>home</p>", "lang/c++.html": b"<p>c++</p>"})
    for extra in (["--dry-run"], []):
        result = deploy(["--site-dir", str(tmp_path / "built"), "--bucket", bucket, "--endpoint-url",
                         sandbox.endpoint_url, *extra], tmp_path / "cache")
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines()[0] == (
            'warning: 1 key holds a "+" (lang/c++.html): the S3 website endpoint reads "+" in a URL as a space, '
            'so a plain link to it finds nothing — rename it (e.g. "plus" for "+")')
    keys = {o["Key"] for o in sandbox.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert "lang/c++.html" in keys


def _status(server: PreviewServer, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


NFC_NAME = unicodedata.normalize("NFC", "café.html")
NFD_NAME = unicodedata.normalize("NFD", "café.html")
# path asked for → status from the built folder and from the bucket it was deployed to, alike
SAME_ANSWER = [
    ("/index.html", 200),
    ("/caf%C3%A9.html", 200),            # NFC, as a link on a page writes it; the file on disk is NFD
    ("/cafe%CC%81.html", 404),           # NFD: S3 holds the NFC key only, byte for byte
    ("/docs/r%C3%A9sum%C3%A9/", 200),    # an NFD folder
    ("/back%5Cslash.html", 404),         # the file exists, but a deploy skips it
    ("/back\\slash.html", 404),
    ("/notes/setup.txt", 404),           # holds a private key: a deploy skips it, the preview too
    ("/.sitepush/manifest.json", 404),   # sitepush's own state is never served
    ("/.sitepush/deploys/", 404),
]


@pytest.fixture(scope="module")
def both_sources(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, PreviewServer]]:
    built = tmp_path_factory.mktemp("built")
    write_files(built, {"index.html": b"<p>home</p>", "404.html": b"<p>nope</p>", NFD_NAME: b"<p>cafe</p>",
                        unicodedata.normalize("NFD", "docs/résumé/index.html"): b"<p>cv</p>",
                        "back\\slash.html": b"<p>back</p>",
                        "notes/setup.txt": b"-----BEGIN RSA " + b"PRIVATE KEY-----\nMIIE\n"})
    bucket = f"hostile-{next(_numbers)}"
    client = sandbox.client("s3")
    client.create_bucket(Bucket=bucket)
    result = deploy(["--site-dir", str(built), "--bucket", bucket, "--endpoint-url", sandbox.endpoint_url],
                    tmp_path_factory.mktemp("cache"))
    assert result.returncode == 0, result.stderr
    assert any(o["Key"] == ".sitepush/manifest.json" for o in client.list_objects_v2(Bucket=bucket)["Contents"])
    website = WebsiteConfig()
    servers = {"folder": PreviewServer(FolderSource(built), lambda: website, port=0),
               "bucket": PreviewServer(BucketSource(client, bucket), lambda: website, port=0)}
    for server in servers.values():
        server.start()
    try:
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.mark.parametrize(("path", "status"), SAME_ANSWER, ids=[row[0] for row in SAME_ANSWER])
def test_the_folder_preview_and_the_bucket_answer_alike(
        both_sources: dict[str, PreviewServer], path: str, status: int) -> None:
    assert {name: _status(server, path) for name, server in both_sources.items()} == \
        {"folder": status, "bucket": status}


def test_a_markdown_file_over_max_page_mb_is_an_error_naming_it_and_the_option(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    write_files(site, {"sitepush.toml": b"[build]\nmax_page_mb = 1\n", "content/index.md": b"# Home\n",
                       "content/big.md": b"# Big\n\n" + b"A line of a very long page.\n" * 60_000})
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    code = main(["build", str(site)])
    assert (code, capsys.readouterr().err.splitlines()) == (1, [
        "error: content/big.md: 1.7 MB is more than [build] max_page_mb (1) — split the page, or raise "
        "max_page_mb in sitepush.toml"])
