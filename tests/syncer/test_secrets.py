"""Secrets never leave the machine: skipped by name or by content, each named with how to allow it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sitepush.syncer.hashing import HashCache
from sitepush.syncer.leaks import AWS_KEY_PAIR, PRIVATE_KEY, secret_in
from sitepush.syncer.local import SkippedFile, scan_site, summarise_skipped

# Built at run time so that no scanner flags this file itself as a leak.
AWS_ID = "AKIA" + "Q3EGKZ7XJ5N2HWPB"
AWS_SECRET = "k9Vd2Lr7" + "Qw4Zx8Mn1Bt6Yc3Hs5Fg0Jp/Ae+Ku7Rl"
PEM = b"-----BEGIN " + b"OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"

SECRET_NAMES = [
    "id_ecdsa", "id_dsa", "id_rsa", "id_ed25519_sk", "keys/mykey.ppk", "keystore.p12", "cert.PFX",
    "app.jks", "release.keystore", "terraform.tfstate", "infra/terraform.tfstate.backup",
    "credentials.json", "credentials-prod.json", "service-account.json", "gcp-service-account-key.json",
    "secrets.yml", "config/secrets.toml", "api.secret", "db.secrets.json", ".npmrc", ".pypirc", ".netrc",
    ".docker/config.json", "wp-config.php.bak", "index.php.save", "settings.py.orig", "site.old",
    "notes.md~", ".page.html.swp",
]


def write(root: Path, rel: str, data: bytes = b"x") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = time.time_ns() - 3600 * 1_000_000_000  # old enough to be cached
    os.utime(path, ns=(stamp, stamp))
    return path


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_a_secret_name_is_skipped_wherever_it_is(tmp_path: Path, name: str) -> None:
    write(tmp_path, "index.html", b"<p>home</p>")
    write(tmp_path, f"docs/{name}")
    write(tmp_path, name)
    site = scan_site(tmp_path)
    assert [f.key for f in site.files] == ["index.html"]
    assert {s.reason for s in site.skipped} == {"secret-looking"}


def test_public_halves_of_ssh_keys_and_ordinary_pages_are_uploaded(tmp_path: Path) -> None:
    for name in ("id_ed25519.pub", "id_rsa.pub", "old-posts.html", "secret-recipes.html", "credentials.html",
                 "backup.html", "index.php", "terraform.html"):
        write(tmp_path, name, b"<p>public</p>")
    assert len(scan_site(tmp_path).files) == 8


@pytest.mark.parametrize(("data", "found"), [
    (b"<pre>" + PEM + b"</pre>", PRIVATE_KEY),
    (b"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", PRIVATE_KEY),
    (b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n", PRIVATE_KEY),
    (b"-----BEGIN PGP PRIVATE KEY BLOCK-----\n", PRIVATE_KEY),
    (b"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n", PRIVATE_KEY),
    (f"aws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n".encode(), AWS_KEY_PAIR),
    (f'{{"AccessKeyId": "{AWS_ID.replace("AKIA", "ASIA")}", "SecretAccessKey": "{AWS_SECRET}"}}'.encode(),
     AWS_KEY_PAIR),
    # The AWS documentation's example pair is in every docs site about S3.
    (b"AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None),
    # A key id alone grants nothing; a secret far from any id is just a long token.
    (f"key id {AWS_ID}".encode(), None),
    (f"{AWS_ID}{' ' * 2000}{AWS_SECRET}".encode(), None),
    (b"-----BEGIN PUBLIC KEY-----\nMIIB\n-----BEGIN CERTIFICATE-----\n", None),
    (b"\0binary" + PEM, None),  # binary files are not text: media, fonts, archives
    (b"<p>" + b"PRIVATE KEY " * 100 + b"</p>", None),
])
def test_the_content_check_finds_private_keys_and_aws_key_pairs(data: bytes, found: str | None) -> None:
    assert secret_in(data) == found


def test_a_text_file_holding_a_secret_is_skipped_unless_allowed_by_its_name(tmp_path: Path) -> None:
    write(tmp_path, "index.html", b"<p>home</p>")
    write(tmp_path, "notes/setup.txt", b"paste this:\n" + PEM)
    write(tmp_path, "js/config.js", f'const id="{AWS_ID}", key="{AWS_SECRET}";'.encode())
    write(tmp_path, "big.txt", b"x" * (1024 * 1024) + PEM)  # 1 MiB and more is not checked
    site = scan_site(tmp_path)
    assert [f.key for f in site.files] == ["big.txt", "index.html"]
    assert site.skipped == (SkippedFile("js/config.js", "holds an AWS access key and its secret"),
                            SkippedFile("notes/setup.txt", "holds a private key"))
    assert summarise_skipped(site.skipped).splitlines()[1] == \
        '  to upload them anyway (only if public by design): [deploy] allow = ["js/config.js", "notes/setup.txt"]'
    allowed = scan_site(tmp_path, allow=["notes/setup.txt"])
    assert [f.key for f in allowed.files] == ["big.txt", "index.html", "notes/setup.txt"]
    assert [f.key for f in scan_site(tmp_path, allow=["notes/*"]).files] == ["big.txt", "index.html"]


def test_the_content_check_reads_only_what_the_hash_cache_does_not_know(tmp_path: Path) -> None:
    write(tmp_path, "index.html", b"<p>home</p>")
    leak = write(tmp_path, "leak.txt", PEM)
    cache = HashCache()
    scan_site(tmp_path, hashes=cache)
    assert cache.reads == 2
    again = scan_site(tmp_path, hashes=cache)
    # The clean page is served from the cache; the leak was never cached, so it is checked again.
    assert cache.reads == 3 and [s.rel for s in again.skipped] == ["leak.txt"]
    write(tmp_path, "index.html", b"<p>" + PEM + b"</p>")  # a changed file is checked again
    assert [s.rel for s in scan_site(tmp_path, hashes=cache).skipped] == ["index.html", "leak.txt"]
    leak.write_bytes(b"fixed")
    assert [f.key for f in scan_site(tmp_path, hashes=cache).files] == ["leak.txt"]
