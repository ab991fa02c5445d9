"""`sitepush serve` in private mode (`[cloudfront] origin = "private"`) answers as the edge function and the
private bucket would: index rewrites, every redirect as the function sends it, the error page with 404."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sitepush.preview.server import PreviewServer
from sitepush.preview.watch import SiteRebuilder
from tests.fixtures.paths import REPO
from tests.fixtures.processes import ctrl_c_reaches_it, printed_url


def private_site(folder: Path) -> Path:
    site = folder / "site"
    shutil.copytree(REPO / "example-site", site)
    config = site / "sitepush.toml"
    text = config.read_text("utf-8")
    assert "[cloudfront]\nenabled = true\n" in text
    text = text.replace("[cloudfront]\nenabled = true\n", '[cloudfront]\nenabled = true\norigin = "private"\n')
    config.write_text(text + '\n[[redirects]]\nfrom = "/notes/*"\nto = "/blog/:splat"\n', "utf-8")
    return site


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    folder = tmp_path_factory.mktemp("private")
    rebuilder = SiteRebuilder(private_site(folder), None, drafts=False, output_dir=folder / "out",
                              cache_folder=folder / "cache")
    assert rebuilder.build()
    preview = PreviewServer(rebuilder.source, lambda: rebuilder.website, port=0, edge=lambda: rebuilder.edge)
    preview.start()
    yield preview
    preview.stop()


def ask(server: PreviewServer, path: str, method: str = "GET",
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_a_folder_with_its_slash_gets_its_index_document(server: PreviewServer) -> None:
    status, headers, body = ask(server, "/docs/")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<html" in body


def test_a_folder_without_its_slash_gets_a_301_not_s3s_302(server: PreviewServer) -> None:
    status, headers, _ = ask(server, "/docs?lang=en")
    assert (status, headers["location"]) == (301, "/docs/?lang=en")


def test_a_redirect_is_answered_as_the_edge_function_does_query_kept(server: PreviewServer) -> None:
    status, headers, _ = ask(server, "/getting-started/?from=mail")
    assert (status, headers["location"]) == (301, "/docs/quick-start/?from=mail")


def test_a_page_alias_redirects_and_no_redirect_object_answers_instead(server: PreviewServer) -> None:
    status, headers, body = ask(server, "/2025/old-url/")
    assert status == 301 and headers["location"].startswith("/blog/") and body == b""
    status, headers, _ = ask(server, "/2025/old-url/index.html")
    assert status == 301 and headers["location"].startswith("/blog/")


def test_a_splat_redirect_carries_the_rest_of_the_path(server: PreviewServer) -> None:
    status, headers, _ = ask(server, "/notes/some%20post/")
    assert (status, headers["location"]) == (301, "/blog/some%20post/")


def test_a_missing_key_gets_the_error_document_with_404(server: PreviewServer) -> None:
    status, _, body = ask(server, "/no-such-page.html")
    _, _, error_page = ask(server, "/404.html")
    assert status == 404 and body == error_page and b"<html" in body


def test_head_and_revalidation_behave_as_s3s_rest_api(server: PreviewServer) -> None:
    status, headers, body = ask(server, "/docs/", "HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0
    status, _, _ = ask(server, "/docs/", headers={"If-None-Match": headers["etag"]})
    assert status == 304
    status, _, _ = ask(server, "/docs/", "POST")
    assert status == 405


def test_serve_says_it_serves_the_private_origin_and_answers_with_the_edge(tmp_path: Path) -> None:
    site = private_site(tmp_path)
    env = dict(os.environ, SITEPUSH_CACHE_DIR=str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-m", "sitepush", "serve", str(site), "--port", "0",
                                "--no-reload"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, preexec_fn=ctrl_c_reaches_it)
    try:
        url = printed_url(process, r"edge function would \(private origin\) at (http://127\.0\.0\.1:\d+/)", 60)
        assert url is not None, "serve printed no private-origin URL"
        host, port = url.removeprefix("http://").rstrip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/docs")
        response = connection.getresponse()
        assert (response.status, response.getheader("Location")) == (301, "/docs/")
        connection.close()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "Traceback" not in err
