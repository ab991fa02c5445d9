"""Secrets inside a file's bytes: private keys and AWS key pairs that a name alone does not betray.

:func:`secret_in` is pure over the bytes; the scan calls it on every text file under
:data:`MAX_CHECKED_BYTES` that it reads anyway to hash (:meth:`HashCache.read`), so a file whose
stat the hash cache knows is never read again, nor checked again. What is found:

* a PEM private key header, ``-----BEGIN … PRIVATE KEY-----`` (PKCS#1 ``RSA``, ``EC``, ``DSA``,
  PKCS#8 plain and ``ENCRYPTED``, ``OPENSSH``) and ``-----BEGIN PGP PRIVATE KEY BLOCK-----``;
* a PuTTY key file (``PuTTY-User-Key-File-2:`` / ``-3:``, the first line of every ``.ppk``);
* an AWS access key id (``AKIA…`` long-term, ``ASIA…`` temporary: 20 upper-case letters and
  digits, docs: IAM User Guide, "Understanding unique ID prefixes") with a 40-character secret
  (``[A-Za-z0-9/+]{40}``) within :data:`PAIR_DISTANCE` bytes of it. A key id alone is not a
  secret (it names a key, it does not grant anything), and the AWS documentation's own example pair
  (``AKIAIOSFODNN7EXAMPLE`` / ``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY``) is everywhere in docs
  sites: ids and secrets holding ``EXAMPLE`` are not counted.
"""

from __future__ import annotations

import re

MAX_CHECKED_BYTES = 1024 * 1024
"""Files smaller than this (1 MiB) are checked; larger ones are media or data, not key files."""

PAIR_DISTANCE = 400
"""How far (bytes, either way) from an access key id a 40-character secret counts as its pair."""

PRIVATE_KEY = "a private key"
AWS_KEY_PAIR = "an AWS access key and its secret"

_PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|PuTTY-User-Key-File-\d+:")
_ACCESS_KEY_ID = re.compile(rb"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
_SECRET_KEY = re.compile(rb"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


def secret_in(data: bytes) -> str | None:
    """What secret ``data`` holds (:data:`PRIVATE_KEY` or :data:`AWS_KEY_PAIR`), or None.

    Binary data (a NUL byte) and data of :data:`MAX_CHECKED_BYTES` or more are not checked.
    """
    if len(data) >= MAX_CHECKED_BYTES or b"\0" in data:
        return None
    # The substring tests are the whole cost on an ordinary page: regexes run only after a hit.
    if (b"PRIVATE KEY" in data or b"PuTTY-User-Key-File" in data) and _PRIVATE_KEY.search(data):
        return PRIVATE_KEY
    if (b"AKIA" in data or b"ASIA" in data) and _has_key_pair(data):
        return AWS_KEY_PAIR
    return None


def _has_key_pair(data: bytes) -> bool:
    for found in _ACCESS_KEY_ID.finditer(data):
        if b"EXAMPLE" in found.group():
            continue
        window = data[max(0, found.start() - PAIR_DISTANCE):found.end() + PAIR_DISTANCE]
        for secret in _SECRET_KEY.finditer(window):
            text = secret.group()
            # A secret key is random: it mixes cases and digits; a 40-letter word or path is not one.
            if (b"EXAMPLE" not in text and re.search(rb"[a-z]", text) and re.search(rb"[A-Z]", text)
                    and re.search(rb"[0-9]", text)):
                return True
    return False
