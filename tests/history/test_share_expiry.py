"""Share links signed with temporary credentials: the link dies with the session, so say so or refuse.

AWS (S3 User Guide, "Sharing objects with presigned URLs"): "If you created a presigned URL using a
temporary token, then the URL expires when the token expires, even if you created the URL with a later
expiration time." moto enforces neither, so the decision is tested purely, and end to end the real
chain: a profile that assumes a role through moto's STS (AWS_ENDPOINT_URL_STS), whose credentials
expire in an hour.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitepush.cli import main
from sitepush.errors import UsageError
from sitepush.history.previews import SigningCredentials, link_lifetime, signing_credentials, spoken_span
from sitepush.sandbox import Sandbox

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
_numbers = itertools.count()


def test_long_lived_credentials_give_the_link_the_expiry_asked_for_and_say_it() -> None:
    lifetime = link_lifetime(timedelta(days=7), SigningCredentials(temporary=False), NOW)
    assert (lifetime.expires_in, lifetime.until) == (timedelta(days=7), NOW + timedelta(days=7))
    assert lifetime.note == "the link works until 2026-05-08 12:00 UTC (7 days)"


def test_temporary_credentials_that_outlast_the_link_are_named_with_their_expiry() -> None:
    session = SigningCredentials(temporary=True, expires=NOW + timedelta(hours=1))
    lifetime = link_lifetime(timedelta(minutes=15), session, NOW)
    assert lifetime.note == ("the link works until 2026-05-01 12:15 UTC (15 minutes); the temporary credentials "
                             "signing it last until 2026-05-01 13:00 UTC")


def test_an_expiry_beyond_the_temporary_credentials_is_refused_with_the_real_limit() -> None:
    session = SigningCredentials(temporary=True, expires=NOW + timedelta(minutes=50, seconds=30))
    with pytest.raises(UsageError) as raised:
        link_lifetime(timedelta(hours=1), session, NOW)
    assert raised.value.render() == (
        "--expires 1h outlasts the temporary credentials that sign the link: they expire at 2026-05-01 "
        "12:50 UTC, and the link with them — use --expires 50m or less, or sign with long-lived credentials "
        "(--profile)")


def test_temporary_credentials_of_unknown_expiry_say_the_session_ends_the_link() -> None:
    lifetime = link_lifetime(timedelta(hours=2), SigningCredentials(temporary=True), NOW)
    assert lifetime.note.endswith("it is signed with temporary credentials, and stops working when their "
                                  "session ends, whatever --expires says")


def test_s3_s_limits_still_apply_first() -> None:
    with pytest.raises(UsageError, match="outside what S3 allows"):
        link_lifetime(timedelta(days=8), SigningCredentials(temporary=False), NOW)


def test_durations_are_said_in_words_a_person_uses() -> None:
    with pytest.raises(UsageError) as refused:
        link_lifetime(timedelta(days=30), SigningCredentials(temporary=False), NOW)
    assert str(refused.value).startswith("--expires 30d (30 days) is outside what S3 allows")
    assert [spoken_span(timedelta(seconds=s)) for s in (86400, 7200, 3600, 5400, 45, 1)] == [
        "1 day", "2 hours", "1 hour", "90 minutes", "45 seconds", "1 second"]
    hour = link_lifetime(timedelta(hours=1), SigningCredentials(temporary=False), NOW)
    assert hour.note == "the link works until 2026-05-01 13:00 UTC (1 hour)"


@pytest.fixture()
def assumed_role(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sandbox: Sandbox) -> str:
    """A profile ``ci`` that assumes a role through moto's STS, as OIDC in CI gives temporary keys."""
    config = tmp_path / "aws-config"
    config.write_text("[profile base]\naws_access_key_id = AKIDSHAREEXPIRY00000\n"
                      "aws_secret_access_key = share-expiry-secret\n\n"
                      "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n"
                      "source_profile = base\nregion = us-east-1\n", "utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sandbox.endpoint_url)
    monkeypatch.setenv("SITEPUSH_CACHE_DIR", str(tmp_path / "cache"))
    bucket = f"share-expiry-{next(_numbers)}"
    sandbox.client("s3").create_bucket(Bucket=bucket)
    return bucket


def test_the_credentials_of_an_assumed_role_are_temporary_with_sts_s_expiry(
        assumed_role: str, sandbox: Sandbox) -> None:
    from sitepush.aws import make_client

    client = make_client("s3", region="us-east-1", endpoint_url=sandbox.endpoint_url, profile="ci")
    credentials = signing_credentials(client)
    assert credentials.temporary and credentials.expires is not None
    assert timedelta(minutes=50) < credentials.expires - datetime.now(UTC) <= timedelta(hours=1)


def test_share_with_a_role_s_credentials_refuses_a_link_longer_than_the_session(
        assumed_role: str, sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    options = ["--bucket", assumed_role, "--endpoint-url", sandbox.endpoint_url, "--profile", "ci"]
    assert main(["share", "/", str(site), "--expires", "2h", *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --expires 2h outlasts the temporary credentials that sign the link: they "
                          "expire at ") and err.count("\n") == 1
    assert main(["share", "/", str(site), "--expires", "30m", *options]) == 0
    out, err = capsys.readouterr()
    assert parse_qs(urlsplit(out.strip()).query)["X-Amz-Expires"] == ["1800"]
    assert "X-Amz-Security-Token" in parse_qs(urlsplit(out.strip()).query)
    assert err.startswith("the link works until ") and "the temporary credentials signing it last until" in err
