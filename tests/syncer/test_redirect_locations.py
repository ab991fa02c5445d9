"""Redirect targets reach S3 as ASCII: non-ASCII text percent-encoded, a non-ASCII host in IDNA.

The target travels as the header ``x-amz-website-redirect-location``; the test reads the header bytes
botocore puts on the wire (``before-send``), since moto stores whatever bytes it is given.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from sitepush.errors import DeployError
from sitepush.sandbox import Sandbox
from sitepush.syncer.apply import apply_plan
from sitepush.syncer.local import scan_site
from sitepush.syncer.model import SyncOptions
from sitepush.syncer.plan import plan_sync
from sitepush.syncer.redirects import redirect_objects, website_location
from sitepush.syncer.remote import list_remote
from sitepush.syncer.specs import local_specs

_numbers = itertools.count()


@pytest.mark.parametrize(("written", "sent"), [
    ("/café/", "/caf%C3%A9/"),
    ("/☕/menu", "/%E2%98%95/menu"),
    ("https://bücher.example/ü?q=é#top", "https://xn--bcher-kva.example/%C3%BC?q=%C3%A9#top"),
    ("https://user@bücher.example:8443/", "https://user@xn--bcher-kva.example:8443/"),
    ("/already%20escaped/caf%C3%A9/", "/already%20escaped/caf%C3%A9/"),
    ("/cafe\u0301/", "/caf%C3%A9/"),  # decomposed é: NFC first, as the keys are
])
def test_non_ascii_targets_are_written_as_their_uri_form(written: str, sent: str) -> None:
    assert website_location("/old/", written) == sent
    assert redirect_objects({"/old/": written}) == {"old/index.html": sent}


def test_two_spellings_of_one_target_are_one_location_not_a_conflict() -> None:
    assert redirect_objects({"/a": "/café/", "/a/": "/caf%C3%A9/"}) == {
        "a": "/caf%C3%A9/", "a/index.html": "/caf%C3%A9/"}


def test_a_target_too_long_once_encoded_is_refused_with_the_redirect_named() -> None:
    with pytest.raises(DeployError) as raised:
        redirect_objects({"/old/": "/" + "é" * 700})  # 1,401 bytes of UTF-8, 4,201 once encoded
    assert raised.value.render() == (
        "redirect /old/: the target is longer than S3's 2048 bytes once percent-encoded — shorten the target URL")


def test_the_redirect_header_on_the_wire_is_percent_encoded_ascii(sandbox: Sandbox, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_bytes(b"<!doctype html><h1>Home</h1>")
    client = sandbox.client("s3")
    bucket = f"redirect-locations-{next(_numbers)}"
    client.create_bucket(Bucket=bucket)
    sent: list[bytes] = []

    def note(request: Any, **_: Any) -> None:
        value = request.headers.get("x-amz-website-redirect-location")
        if value is not None:  # str headers go out as Latin-1 (http.client); bytes as they are
            sent.append(value if isinstance(value, bytes) else value.encode("latin-1", "replace"))

    client.meta.events.register("before-send.s3.PutObject", note)
    options = SyncOptions()
    specs = local_specs(scan_site(folder), {"/menu/": "/café/☕/", "/shop": "https://bücher.example/"}, ())
    apply_plan(plan_sync(specs, list_remote(client, bucket, options), options), client=client, bucket=bucket,
               options=options, workers=2)
    assert sorted(sent) == [b"/caf%C3%A9/%E2%98%95/", b"https://xn--bcher-kva.example/",
                            b"https://xn--bcher-kva.example/"]
    heads = {key: client.head_object(Bucket=bucket, Key=key)["WebsiteRedirectLocation"]
             for key in ("menu/index.html", "shop", "shop/index.html")}
    assert heads == {"menu/index.html": "/caf%C3%A9/%E2%98%95/", "shop": "https://xn--bcher-kva.example/",
                     "shop/index.html": "https://xn--bcher-kva.example/"}
