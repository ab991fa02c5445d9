"""The embedded AWS (moto's server on loopback) and the boto3 clients sitepush builds."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import (  # type: ignore[import-untyped]
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

from sitepush.aws import Credentials, aws_error, make_client, translated_aws_errors
from sitepush.errors import AwsRefused, DeployError, SitepushError
from sitepush.sandbox import Sandbox
from tests.fixtures.paths import REPO


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def test_sandbox_serves_s3_on_loopback(sandbox: Sandbox) -> None:
    assert sandbox.endpoint_url.startswith("http://127.0.0.1:")
    assert int(sandbox.endpoint_url.rsplit(":", 1)[1]) > 0
    assert sandbox.region == "us-east-1"
    s3 = sandbox.client("s3")
    s3.create_bucket(Bucket="sandbox-serves-s3")
    assert "sandbox-serves-s3" in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_second_sandbox_gets_another_port_and_stops_cleanly(sandbox: Sandbox) -> None:
    with Sandbox() as second:
        assert second.endpoint_url != sandbox.endpoint_url
        url = second.endpoint_url
        assert second.client("s3").list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert not second.running
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)
    second.stop()  # stopping twice is harmless


def test_sandbox_credentials_are_fixed_fake_keys_that_never_print(sandbox: Sandbox) -> None:
    assert sandbox.credentials == Sandbox().credentials
    assert sandbox.credentials.secret_access_key not in repr(sandbox.credentials)


def test_sandbox_client_ignores_the_users_aws_environment(
        sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile broken]\nregion = mars-north-1\n")
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAUSERSREALKEY0000")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    before = dict(os.environ)
    s3 = sandbox.client("s3")
    assert s3.meta.region_name == "us-east-1"
    assert s3.list_buckets()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert dict(os.environ) == before


def test_client_before_start_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="before start"):
        Sandbox().client("s3")


def test_missing_moto_says_how_to_install_it() -> None:
    result = run_python(
        "import sys; sys.modules['moto'] = None; sys.modules['moto.server'] = None\n"
        "from sitepush.sandbox import Sandbox\n"
        "from sitepush.errors import SitepushError\n"
        "try:\n    Sandbox().start()\nexcept SitepushError as e:\n    print(e.render())\n")
    assert result.stdout == "the sandbox needs moto — run pip install 'sitepush[sandbox]'\n"


def test_importing_sandbox_aws_and_publish_loads_neither_boto3_nor_moto() -> None:
    result = run_python(
        "import sys, sitepush.sandbox, sitepush.aws, sitepush.syncer\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'boto3', 'botocore', 'moto'}))")
    assert result.stdout == "[]\n", result.stderr


def test_client_uses_standard_retries_a_pool_for_the_workers_and_path_style(sandbox: Sandbox) -> None:
    s3 = make_client("s3", region="eu-west-1", endpoint_url=sandbox.endpoint_url, max_pool=32,
                     credentials=sandbox.credentials)
    config = s3.meta.config
    # botocore reads max_attempts as retries: 5 retries are 6 attempts in all.
    assert config.retries == {"mode": "standard", "total_max_attempts": 6}
    assert config.max_pool_connections == 32
    assert config.s3 == {"addressing_style": "path"}
    assert make_client("s3", region="eu-west-1", endpoint_url=sandbox.endpoint_url, max_pool=2,
                       credentials=sandbox.credentials).meta.config.max_pool_connections == 10


def test_client_for_aws_itself_keeps_virtual_hosted_addressing() -> None:
    s3 = make_client("s3", region="eu-west-1", endpoint_url=None,
                     credentials=Credentials("AKIDEXAMPLE", "not-a-secret"))
    assert s3.meta.config.s3 is None
    assert s3.meta.endpoint_url == "https://s3.eu-west-1.amazonaws.com"


def test_unknown_profile_names_the_profile_and_the_fix() -> None:
    with pytest.raises(DeployError) as raised:
        make_client("s3", region="us-east-1", endpoint_url=None, profile="staging")
    assert raised.value.render() == (
        "cannot create the s3 client: 'staging' is not a profile in ~/.aws/config"
        " — run `aws configure --profile NAME` or fix `profile` in [deploy]")


def test_no_credentials_is_aws_refused_with_exit_4(sandbox: Sandbox) -> None:
    s3 = make_client("s3", region="us-east-1", endpoint_url=sandbox.endpoint_url)
    with pytest.raises(AwsRefused) as raised, \
            translated_aws_errors(action="list", resource="s3://some-bucket"):
        s3.list_objects_v2(Bucket="some-bucket")
    assert raised.value.exit_code == 4
    assert raised.value.render() == (
        "cannot list s3://some-bucket: no AWS credentials found"
        " — set AWS_PROFILE or run `aws configure`, or try it locally with --sandbox")


def client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "PutObject")


@pytest.mark.parametrize(("error", "kind", "line"), [
    (EndpointConnectionError(endpoint_url="http://127.0.0.1:1/b/k"), DeployError,
     ("cannot upload s3://b/k: cannot reach http://127.0.0.1:1/b/k — check --endpoint-url and the network, "
      "then rerun")),
    (NoCredentialsError(), AwsRefused,
     ("cannot upload s3://b/k: no AWS credentials found — set AWS_PROFILE or run `aws configure`, "
      "or try it locally with --sandbox")),
    (ProfileNotFound(profile="prod"), DeployError,
     ("cannot upload: 'prod' is not a profile in ~/.aws/config — run `aws configure --profile NAME` "
      "or fix `profile` in [deploy]")),
    (client_error("AccessDenied", "Access Denied"), AwsRefused,
     ("cannot upload s3://b/k: access denied (AccessDenied) — grant these credentials the S3 permission "
      "for it, or use another --profile")),
    (client_error("InvalidAccessKeyId", "Key AKIAIOSFODNN7EXAMPLE is not known"), AwsRefused,
     ("cannot upload s3://b/k: the access key id is not known to AWS (InvalidAccessKeyId) — check the "
      "credentials of the profile in use (`aws sts get-caller-identity`)")),
    (client_error("NoSuchBucket", "The specified bucket does not exist"), DeployError,
     ("cannot upload s3://b/k: the bucket does not exist — check the bucket name, or create it with "
      "`sitepush configure`")),
    (client_error("BadDigest", "The Content-MD5 you specified did not match"), DeployError,
     ("cannot upload s3://b/k: the file changed while it was being uploaded — let the build finish, "
      "then rerun the deploy")),
    (client_error("SlowDown", "Please reduce your request rate."), AwsRefused,
     ("cannot upload s3://b/k: AWS is throttling requests (SlowDown)"
      " — rerun the deploy, or lower --workers")),
    (client_error("InvalidStorageClass", "Owner AKIAIOSFODNN7EXAMPLE: bad class"), AwsRefused,
     ("cannot upload s3://b/k: Owner [access key id]: bad class (InvalidStorageClass) — fix what AWS names "
      "above, then rerun")),
])
def test_botocore_errors_become_one_line_with_a_fix(
        error: Exception, kind: type[SitepushError], line: str) -> None:
    translated = aws_error(error, action="upload", resource="s3://b/k")
    assert type(translated) is kind
    assert translated.render() == line
    assert "AKIAIOSFODNN7EXAMPLE" not in translated.render()
