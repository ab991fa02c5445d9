"""The local manifest: every object the bucket should hold after a deploy, as :class:`ObjectSpec`.

::

    scan_site(folder, hashes=HashCache.load(folder, threshold=T)) ──► LocalSite (keys, sizes, ETags)
    [[redirects]] + page aliases ──redirect_objects──► zero-byte redirect objects
    [[deploy.headers]] ──headers_for──► ObjectHeaders of each
                                  ╰──► local_specs(...) -> {full key: ObjectSpec}

Pure over its inputs (the scan has already read the files), so the plan's tests can build specs
without a bucket or a folder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sitepush.config import HeaderRule
from sitepush.errors import DeployError, printable
from sitepush.syncer.headers import check_rules, headers_for, redirect_headers
from sitepush.syncer.local import MAX_KEY_BYTES, LocalSite
from sitepush.syncer.model import EMPTY_MD5, ObjectSpec
from sitepush.syncer.redirects import redirect_objects


def local_specs(site: LocalSite, redirects: Mapping[str, str], rules: Sequence[HeaderRule], *,
                prefix: str = "") -> dict[str, ObjectSpec]:
    """Every object of the deploy, keyed (and sorted) by its full key ``prefix + site key``.

    ``redirects`` maps site paths (``/old/``) to targets; each becomes one or two zero-byte objects
    (see :func:`~sitepush.syncer.redirects.keys_for_path`). ``rules`` are the ``[[deploy.headers]]``
    in file order; their globs match the site key, without the prefix. Raises DeployError for a
    redirect that would replace a file or a bad prefix, ConfigError for a rule S3 would refuse.
    """
    where = key_prefix(prefix)
    check_rules(rules)
    specs: dict[str, ObjectSpec] = {}
    for file in site.files:
        specs[where + file.key] = ObjectSpec(
            key=where + file.key, path=file.path, size=file.size, md5=file.md5, etag=file.etag,
            headers=headers_for(file.key, file.content_type, rules))
    for key, location in redirect_objects(redirects).items():
        if where + key in specs:
            raise DeployError(f"the redirect object {key} → {location} would replace the file {key}",
                              hint="remove the redirect or the page it points away from")
        specs[where + key] = ObjectSpec(
            key=where + key, path=None, size=0, md5=EMPTY_MD5, etag=EMPTY_MD5,
            headers=redirect_headers(key, location, rules))
    if where:
        # The scan checked each key alone; S3's limit is on the whole key, prefix included.
        longest = max(specs, key=lambda k: len(k.encode("utf-8")), default="")
        if len(longest.encode("utf-8")) > MAX_KEY_BYTES:
            raise DeployError(f"the key {printable(longest[:60])}… is {len(longest.encode('utf-8')):,} bytes with "
                              f"the prefix {where!r}, over S3's {MAX_KEY_BYTES:,}-byte key limit",
                              hint="shorten the file or folder names, or the prefix")
    return dict(sorted(specs.items()))


def key_prefix(prefix: str) -> str:
    """``"/blog"`` → ``"blog/"``; ``""`` stays ``""``. Raises DeployError for ``..`` or empty segments."""
    stripped = prefix.strip("/")
    if not stripped:
        return ""
    if any(segment in ("", ".", "..") for segment in stripped.split("/")):
        raise DeployError(f"the prefix {prefix!r} has an empty, `.` or `..` segment",
                          hint='write a plain key prefix, e.g. prefix = "blog/"')
    return stripped + "/"
