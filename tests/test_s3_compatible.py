"""S3-compatible stores: for an endpoint that is not AWS's, Content-MD5 where S3 requires an integrity
header, and no checksum mode on reads — asserted on the requests botocore puts on the wire.

botocore ≥ 1.36 sends CRC32 (``x-amz-checksum-crc32``) and no Content-MD5 on DeleteObjects and the
bucket-configuration calls, and ``x-amz-checksum-mode: ENABLED`` on GetObject; older MinIO, Ceph RGW
and Backblaze B2 refuse those requests. moto accepts both forms, so the requests are what is checked
(moto does check a Content-MD5 it is given: a wrong one is refused with BadDigest).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any

import pytest

from sitepush.aws import is_aws_endpoint, make_client
from sitepush.sandbox import Sandbox

_numbers = itertools.count()


@pytest.mark.parametrize(("endpoint", "aws"), [
    (None, True),
    ("https://s3.eu-west-1.amazonaws.com", True),
    ("https://s3.dualstack.us-east-1.amazonaws.com/", True),
    ("https://s3.cn-north-1.amazonaws.com.cn", True),
    ("https://s3.us-east-1.api.aws", True),
    ("http://127.0.0.1:9000", False),
    ("https://account.r2.cloudflarestorage.com", False),
    ("https://s3.us-west-004.backblazeb2.com", False),
    ("https://amazonaws.com.evil.example", False),
])
def test_aws_endpoints_are_told_from_s3_compatible_ones(endpoint: str | None, aws: bool) -> None:
    assert is_aws_endpoint(endpoint) is aws


def test_clients_for_aws_keep_botocore_s_response_validation_and_s3_compatible_ones_ask_only_when_required(
        sandbox: Sandbox) -> None:
    on_aws = make_client("s3", region="eu-west-1", endpoint_url=None)
    assert on_aws.meta.config.response_checksum_validation == "when_supported"
    assert sandbox.client("s3").meta.config.response_checksum_validation == "when_required"


def test_s3_compatible_requests_carry_content_md5_where_s3_requires_it_and_no_crc32(sandbox: Sandbox) -> None:
    s3 = sandbox.client("s3")
    bucket = f"s3-compatible-{next(_numbers)}"
    s3.create_bucket(Bucket=bucket)
    sent: dict[str, dict[str, str]] = {}

    def note(request: Any, event_name: str, **_: Any) -> None:
        headers = {name.lower(): (value.decode() if isinstance(value, bytes) else value)
                   for name, value in request.headers.items()}
        if isinstance(request.body, (bytes, str)):  # the configuration calls; PutObject streams a file
            body = request.body.encode() if isinstance(request.body, str) else request.body
            headers["body-md5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
        sent[event_name.rsplit(".", 1)[-1]] = headers

    s3.meta.events.register("before-send.s3", note)
    s3.put_object(Bucket=bucket, Key="a.html", Body=b"<p>a</p>")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                      "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "old", "Status": "Enabled", "Filter": {"Prefix": ".sitepush/previews/"},
         "Expiration": {"Days": 30}}]})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_object(Bucket=bucket, Key="a.html")["Body"].read() == b"<p>a</p>"
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a.html"}], "Quiet": False})
    required = ("DeleteObjects", "PutBucketPolicy", "PutBucketWebsite", "PutBucketLifecycleConfiguration",
                "PutBucketVersioning")
    for operation in required:
        headers = sent[operation]
        assert headers.get("content-md5") == headers["body-md5"], operation
        assert not [name for name in headers if name.startswith(("x-amz-checksum-", "x-amz-sdk-checksum"))], \
            operation
    assert "x-amz-checksum-mode" not in sent["GetObject"]
    assert not [name for name in sent["PutObject"] if name.startswith("x-amz-checksum-")]
