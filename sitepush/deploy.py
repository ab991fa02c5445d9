"""``sitepush deploy``: make a bucket equal to a built folder — on AWS, an S3-compatible endpoint, or the sandbox.

::

    scan (hash cache) → local_specs → list_remote → plan_sync ─┬─ --dry-run: print the plan, stop
                                                               ├─ nothing to write: summary, no lease
                                                               ├─ blocked, no --yes: SafetyStop (exit 3)
                                                               ├─ older commit, no --allow-older: exit 3
                                                               └─ lease ─► (re-list, re-plan if someone
                                                                  wrote meanwhile) ─► apply_plan
                                                                  (manifest If-Match) ─► record ─► summary

Nothing is written to the bucket before the plan is known and allowed, and every write happens under
the deploy lease (:mod:`sitepush.syncer.lease`; ``[deploy] lock = "off"`` skips it). The plan is made
before the lease is taken, so that a deploy with nothing to do stays one listing; when another deploy
held the lease, or the manifest changed between the listing and the lease, the bucket is listed and
the plan made again, under the lease. Credentials are never handled
here: boto3 finds them (or the sandbox brings its fake ones), and nothing printed or written as JSON
comes from them.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from sitepush.builder.output_folder import MARKER
from sitepush.config import Config, DeployConfig, HeaderRule, WebsiteConfig
from sitepush.errors import DeployError, Interrupted, SafetyStop, SitepushError, UsageError

if TYPE_CHECKING:
    from sitepush.configurator.edge_deploy import EdgeStep
    from sitepush.sandbox import SandboxProcess
    from sitepush.syncer.apply import SyncReport
    from sitepush.syncer.local import LocalSite, SkippedFile
    from sitepush.syncer.model import ObjectSpec, RemoteState, SyncOptions, SyncPlan
    from sitepush.syncer.remote import KnownManifest

SANDBOX_BUCKET = "sitepush-sandbox"


@dataclass(frozen=True)
class DeployTarget:
    """Where a deploy goes and how, after command-line options have overridden sitepush.toml."""

    bucket: str
    prefix: str
    region: str
    endpoint_url: str | None
    profile: str | None
    workers: int
    sandbox: bool
    max_deletes: int | None = None
    state_prefix: str = ".sitepush/"
    distribution_id: str | None = None
    rules: tuple[HeaderRule, ...] = ()
    allow: tuple[str, ...] = ()
    multipart_threshold_mb: int = DeployConfig.multipart_threshold_mb
    """``[deploy] multipart_threshold_mb``; :attr:`multipart_threshold` is the same in bytes."""
    history: bool = True
    """Record the deploy under ``state_prefix + "deploys/"`` when the bucket is versioned."""
    lock: str = DeployConfig.lock
    """``[deploy] lock``: "auto" (lease + conditional manifest) or "off"."""
    wait_lock: float = 60.0
    """``--wait-lock``: seconds to wait for another deploy's lease before stopping (exit 3)."""
    allow_older: bool = False
    """``--allow-older``: deploy a commit that is not a descendant of the bucket's."""
    connect_timeout: float = DeployConfig.connect_timeout
    read_timeout: float = DeployConfig.read_timeout
    canonical_host: str | None = None
    """With ``[domain] name`` and ``[cloudfront] enabled`` but no distribution id: the host whose
    distribution (the one ``sitepush configure`` created) the deploy finds and invalidates."""
    edge_host: str | None = None
    url_prefix: str = ""
    """The end of ``prefix`` that is the site's base-URL path (``docs/`` for ``https://example.org/docs/``):
    it stays in CloudFront invalidation paths, which the rest of the prefix (an origin path) does not."""
    """``[cloudfront] origin = "private"``: the canonical host, whose CloudFront Function answers the
    redirects (no redirect objects are written; the function and its store are updated instead)."""

    @classmethod
    def from_options(cls, config: DeployConfig | None, *, sandbox: bool, bucket: str | None,
                     prefix: str | None, endpoint_url: str | None, region: str | None,
                     profile: str | None, workers: int | None,
                     max_deletes: int | None = None, wait_lock: float | None = None,
                     allow_older: bool = False, site: Config | None = None) -> DeployTarget:
        """Command-line values win over ``[deploy]``; the sandbox needs no bucket name.

        The prefix is ``--prefix``, else ``[deploy] prefix``, else the path of ``[site] base_url`` (a site
        at ``https://example.org/docs/`` is deployed under ``docs/``; see :attr:`Config.deploy_prefix`).

        ``site`` is the whole sitepush.toml: with ``[domain] name`` and no bucket given, the bucket is
        the one ``sitepush configure`` creates for the site (``site_bucket_of``, the same function).
        """
        base = config or DeployConfig()
        hosts = None
        if site is not None and site.domain.name:
            from sitepush.configurator.desired import hosts_of

            hosts = hosts_of(site)
        chosen_bucket = bucket or base.bucket or (SANDBOX_BUCKET if sandbox else "")
        if not chosen_bucket and site is not None and hosts is not None:
            from sitepush.configurator.desired import site_bucket_of

            chosen_bucket = site_bucket_of(site)
        if not chosen_bucket:
            raise UsageError("no bucket to deploy to",
                             hint="set [deploy] bucket (or [domain] name) in sitepush.toml, pass --bucket, "
                                  "or try --sandbox")
        if sandbox and (endpoint_url or profile):
            raise UsageError("--sandbox runs its own S3; it cannot be combined with --endpoint-url or --profile")
        chosen_workers = workers if workers is not None else base.workers
        if chosen_workers < 1:
            raise UsageError("--workers must be at least 1")
        if max_deletes is not None and max_deletes < 0:
            raise UsageError("--max-deletes must be 0 or more")
        if wait_lock is not None and not 0 <= wait_lock <= 86400:
            raise UsageError("--wait-lock must be between 0 and 86400 seconds")
        state_prefix = base.state_prefix.strip("/")
        if not state_prefix:
            raise UsageError("[deploy] state_prefix must name a folder, e.g. \".sitepush/\"")
        # A site under a base-URL path lives under that key prefix unless [deploy] prefix says otherwise.
        chosen_prefix = prefix if prefix is not None else site.deploy_prefix if site is not None else \
            base.prefix or ""
        mount = site.site.base_path.lstrip("/") if site is not None else ""
        chosen_prefix = normalise_prefix(chosen_prefix)
        return cls(bucket=chosen_bucket, prefix=chosen_prefix,
                   url_prefix=mount if mount and chosen_prefix.endswith(mount) else "",
                   region=region or base.region, endpoint_url=endpoint_url or base.endpoint_url or None,
                   profile=profile or base.profile or None, workers=chosen_workers, sandbox=sandbox,
                   max_deletes=max_deletes if max_deletes is not None else base.max_deletes,
                   state_prefix=state_prefix + "/",
                   # The sandbox has no CloudFront distribution; invalidating there would only fail.
                   distribution_id=None if sandbox else base.cloudfront_distribution_id or None,
                   rules=base.headers, allow=base.allow,
                   multipart_threshold_mb=base.multipart_threshold_mb, lock=base.lock,
                   wait_lock=60.0 if wait_lock is None else wait_lock, allow_older=allow_older,
                   connect_timeout=base.connect_timeout, read_timeout=base.read_timeout,
                   canonical_host=hosts.canonical if hosts is not None and site is not None
                   and site.cloudfront.enabled and not sandbox and not base.cloudfront_distribution_id
                   else None,
                   edge_host=hosts.canonical if hosts is not None and site is not None
                   and site.cloudfront.enabled and site.cloudfront.origin == "private" else None)

    @property
    def multipart_threshold(self) -> int:
        """Bytes from which a file is uploaded in parts: what the scan hashes and the upload uses."""
        from sitepush.syncer.hashing import multipart_threshold

        return multipart_threshold(self.multipart_threshold_mb)


@dataclass(frozen=True)
class DeployOutcome:
    """What one deploy decided and did."""

    plan: SyncPlan
    report: SyncReport | None
    """None for ``--dry-run``."""
    bucket: str
    prefix: str
    skipped: tuple[SkippedFile, ...]
    listing_requests: int
    """Requests of the listing and the manifest GET (the report counts those of the apply)."""
    bucket_created: bool = False
    edge: Mapping[str, Any] | None = None
    """The ``edge`` section of ``--json`` in private mode (:meth:`EdgeStep.report`); None otherwise."""


class EdgeRun(NamedTuple):
    """The edge step of a private-mode deploy and the clients it syncs the edge with."""

    step: EdgeStep
    clients: Callable[[str], Any]


def normalise_prefix(prefix: str) -> str:
    """``"/blog"`` → ``"blog/"``; ``""`` stays ``""``. Raises UsageError for ``..`` or empty segments."""
    from sitepush.syncer.specs import key_prefix

    try:
        return key_prefix(prefix)
    except DeployError as error:  # the same rule, said as a command-line problem
        raise UsageError(error.problem.message, hint="write a plain key prefix, e.g. --prefix blog/") from None


def sync_options(target: DeployTarget, *, yes: bool) -> SyncOptions:
    """The syncer's options for a deploy to ``target``."""
    from sitepush.syncer.model import SyncOptions

    return SyncOptions(prefix=target.prefix, url_prefix=target.url_prefix, state_prefix=target.state_prefix,
                       max_deletes=target.max_deletes, yes=yes)


class ListingAhead:
    """The bucket, connected and listed on a thread of its own — started before the build, so the listing
    (mostly waiting for S3) overlaps the build and the scan instead of following them.

    For the sandbox, starting it means first reaching (or starting) the shared sandbox and configuring it
    as ``sitepush configure`` would; that happens on the calling thread, before the build prints a line.
    A listing made early is as safe as one made late: every write happens under the lease, which lists the
    bucket again when its manifest changed since this listing (see :func:`_sync`).
    """

    def __init__(self, folder: Path, target: DeployTarget, options: SyncOptions, *, dry_run: bool,
                 out: TextIO, configure: Config | None = None) -> None:
        from sitepush.aws import make_client

        self.folder = folder
        self.target = target
        self.options = options
        self.sandbox: SandboxProcess | None = None
        self.created = False
        if target.sandbox:
            client = self._sandbox_client(dry_run=dry_run, out=out, configure=configure)

            def connect() -> Any:
                return client
            memo_target = replace(target, endpoint_url=self.sandbox.endpoint_url if self.sandbox else None)
        else:
            def connect() -> Any:
                return make_client("s3", region=target.region, endpoint_url=target.endpoint_url,
                                   profile=target.profile, max_pool=target.workers,
                                   connect_timeout=target.connect_timeout, read_timeout=target.read_timeout)
            memo_target = target
        # The same memo of the manifest on AWS and in the sandbox (keyed by the endpoint, so a new sandbox
        # process never trusts an old one's): a no-change deploy lists and reads nothing more.
        self.memo = _ManifestMemo(folder, memo_target, options)
        self.known = self.memo.load()
        # A daemon thread, not a pool's: after a Ctrl-C or a failed build the process must not wait at
        # exit for a listing that an endpoint stalls (a pool's threads are joined when the interpreter ends).
        self._listing: Future[tuple[Any, RemoteState, int]] = Future()
        threading.Thread(target=self._connect_and_list, args=(connect,), name="sitepush-listing",
                         daemon=True).start()

    def _sandbox_client(self, *, dry_run: bool, out: TextIO, configure: Config | None) -> Any:
        from sitepush.sandbox import shared_sandbox
        from sitepush.syncer.remote import ensure_bucket

        self.sandbox = shared_sandbox(out)
        client = self.sandbox.client("s3", max_pool=self.target.workers)
        if configure is not None and not dry_run:
            self.created = _configure_sandbox(self.sandbox, configure, self.target, out) > 0
        elif not dry_run:
            self.created = ensure_bucket(client, self.target.bucket, self.sandbox.region)
            if self.created:
                print(f"created the bucket {self.target.bucket}", file=out)
        return client

    def _connect_and_list(self, connect: Callable[[], Any]) -> None:
        if not self._listing.set_running_or_notify_cancel():
            return
        try:
            client = connect()
            remote, requests = _list_bucket(client, self.target.bucket, self.options, self.known)
        except BaseException as error:  # handed to the main thread, which raises it  # noqa: BLE001
            self._listing.set_exception(error)
        else:
            self._listing.set_result((client, remote, requests))

    def result(self) -> tuple[Any, RemoteState, int]:
        """The client, the bucket as listed, and the requests that took (or the error the listing met)."""
        return self._listing.result()

    def relist(self, client: Any) -> tuple[RemoteState, int]:
        """The bucket listed again (under the lease), now, on this thread."""
        return _list_bucket(client, self.target.bucket, self.options, self.known)

    def abandon(self) -> None:
        """Stop waiting for the listing (a build that failed, a Ctrl-C): its daemon thread is never joined."""
        self._listing.cancel()


def deploy_folder(folder: Path, redirects: Mapping[str, str], target: DeployTarget, *,
                  dry_run: bool = False, yes: bool = False, json_path: Path | None = None,
                  keep: bool = False, website: WebsiteConfig | None = None, out: TextIO,
                  err: TextIO | None = None, configure: Config | None = None,
                  cloudfront: Any | None = None, ahead: ListingAhead | None = None,
                  site: Config | None = None) -> DeployOutcome:
    """Sync ``folder`` and the redirect objects to ``target``; prints the plan or the summary to ``out``.

    ``ahead`` is the listing started before the build (:class:`ListingAhead`; made here when None).
    ``cloudfront`` is the CloudFront client to use (default: one for AWS, made when needed). ``site``: the
    sitepush.toml, for the edge table of a private-mode site (``target.edge_host``): its redirects go to
    the CloudFront Function after the bucket is synced, none as objects
    (:class:`~sitepush.configurator.edge_deploy.EdgeStep`). Raises
    SafetyStop (exit 3) when the plan deletes more than allowed and ``yes`` is False, before any
    write; DeployError or AwsRefused naming what failed otherwise.
    """
    options = sync_options(target, yes=yes)
    edge = _edge_step(site, redirects, target, folder) if target.edge_host and site is not None else None
    if edge is not None:
        redirects = {}  # private mode: the function answers every redirect, S3 holds no redirect object
    if ahead is not None and (ahead.folder != folder or ahead.target != target or ahead.options != options):
        ahead.abandon()  # listed for another deploy: list again for this one
        ahead = None
    if ahead is None:
        ahead = ListingAhead(folder, target, options, dry_run=dry_run, out=out, configure=configure)
    try:
        scanned, specs = _local_side(folder, redirects, target)
    except BaseException:
        ahead.abandon()
        raise
    client, remote, listing_requests = ahead.result()
    if ahead.sandbox is not None:
        return _finish_in_sandbox(ahead, client, scanned, specs, remote, listing_requests, dry_run=dry_run,
                                  json_path=json_path, keep=keep, website=website or WebsiteConfig(), out=out,
                                  err=err, configure=configure, edge=edge)
    from sitepush.aws import is_aws_endpoint, make_client

    def aws_client(service: str, region: str = target.region) -> Any:
        """A client of AWS itself (CloudFront is global: never the S3 endpoint the deploy was given)."""
        return make_client(service, region=region, endpoint_url=None, profile=target.profile,
                           connect_timeout=target.connect_timeout, read_timeout=target.read_timeout)

    # An S3-compatible store (--endpoint-url MinIO, R2) has no CloudFront of AWS's to look in.
    if target.distribution_id is None and target.canonical_host and not dry_run and (
            cloudfront is not None or is_aws_endpoint(target.endpoint_url)):
        cloudfront = cloudfront or aws_client("cloudfront")
        target = replace(target, distribution_id=_found_distribution(cloudfront, folder, target, out))
    if target.distribution_id and not dry_run:
        cloudfront = cloudfront or aws_client("cloudfront")
    else:
        cloudfront = None
    edge_run = EdgeRun(edge, lambda service: aws_client(service, "us-east-1")) if edge is not None else None
    outcome = _sync(client, cloudfront, scanned, specs, remote, listing_requests, target, options,
                    dry_run=dry_run, json_path=json_path, out=out, err=err, site_folder=folder,
                    relist=lambda: ahead.relist(client), edge=edge_run)
    ahead.memo.save(ahead.known, remote, outcome.report)
    if edge is not None and dry_run:
        edge.preview(out)
    return outcome


def _edge_step(site: Config, redirects: Mapping[str, str], target: DeployTarget, folder: Path) -> EdgeStep:
    from sitepush.configurator.edge_deploy import EdgeStep

    assert target.edge_host is not None
    where = f"{'sandbox' if target.sandbox else target.profile or ''}|{target.edge_host}"
    return EdgeStep(site, redirects, target.edge_host, _cache_dir(folder) / "edge.json", where)


def _found_distribution(cloudfront: Any, folder: Path, target: DeployTarget, out: TextIO) -> str | None:
    """The distribution sitepush configured for the canonical host: remembered, else looked up once."""
    from sitepush.syncer.distribution import DistributionMemo, find_distribution

    host = target.canonical_host
    assert host is not None
    memo = DistributionMemo(_cache_dir(folder) / "distribution.json", f"{target.profile or ''}|{host}")
    found = memo.load()
    if found is None:
        found = find_distribution(cloudfront, host)
        if found is not None:
            memo.save(found)
    if found is None:
        print(f"CloudFront: no distribution of sitepush's serves {host}, so nothing is invalidated — run "
              "`sitepush configure`, or set [deploy] cloudfront_distribution_id", file=out)
    else:
        print(f"CloudFront: distribution {found} serves {host} (the one `sitepush configure` made)", file=out)
    return found


def _list_bucket(client: Any, bucket: str, options: SyncOptions,
                 known: KnownManifest | None) -> tuple[RemoteState, int]:
    from sitepush.syncer.apply import RequestCounter
    from sitepush.syncer.remote import list_remote

    with RequestCounter().watching(client) as counter:
        remote = list_remote(client, bucket, options, known_manifest=known)
    return remote, counter.total


def _local_side(folder: Path, redirects: Mapping[str, str],
                target: DeployTarget) -> tuple[LocalSite, dict[str, ObjectSpec]]:
    from sitepush.syncer.hashing import HashCache
    from sitepush.syncer.local import scan_site
    from sitepush.syncer.specs import local_specs

    hashes = HashCache.load(folder, threshold=target.multipart_threshold)
    site = scan_site(folder, allow=target.allow, hashes=hashes)
    hashes.save(folder)
    # The builder's own marker file is not content: not uploaded, and not worth a "skipped" line.
    site = replace(site, skipped=tuple(s for s in site.skipped if s.rel != MARKER))
    return site, local_specs(site, redirects, target.rules, prefix=target.prefix)


def _cache_dir(folder: Path) -> Path:
    from sitepush.user_cache import cache_dir_for

    return cache_dir_for(folder)


class _ManifestMemo:
    """The deploy manifest as this folder's last deploy left it in the bucket, kept in the user's cache.

    A listing shows the manifest's ETag; when it equals the one kept here, the manifest is not
    downloaded again (a deploy that changes nothing is then one ListObjectsV2 pass and nothing else).
    Anything unreadable here is ignored: the deploy then GETs the manifest, which is always correct.
    """

    def __init__(self, folder: Path, target: DeployTarget, options: SyncOptions) -> None:
        from sitepush.syncer.manifest import manifest_key

        self._path = _cache_dir(folder) / "remote-manifest.json"
        self._where = "|".join((target.endpoint_url or f"aws:{target.region}", target.profile or "",
                                target.bucket, manifest_key(options)))

    def load(self) -> KnownManifest | None:
        from sitepush.syncer.manifest import decode_manifest

        try:
            data = json.loads(self._path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(data, dict) and data.get("where") == self._where
                and isinstance(data.get("etag"), str) and isinstance(data.get("manifest"), str)):
            return None
        manifest = decode_manifest(data["manifest"].encode("utf-8"))
        return None if manifest is None else (data["etag"], manifest)

    def save(self, known: KnownManifest | None, remote: RemoteState, report: SyncReport | None) -> None:
        from sitepush.syncer.manifest import encode_manifest

        if report is not None and report.manifest is not None and report.manifest_etag:
            latest: KnownManifest = (report.manifest_etag, report.manifest)
        elif remote.manifest is not None and remote.manifest_etag:
            latest = (remote.manifest_etag, remote.manifest)
        else:
            return
        if known is not None and known[0] == latest[0]:
            return
        text = json.dumps({"where": self._where, "etag": latest[0],
                           "manifest": encode_manifest(latest[1]).decode("ascii")})
        temporary = self._path.with_name(f"{self._path.name}.{os.getpid()}.tmp")
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, "utf-8")
            os.replace(temporary, self._path)
        except OSError:
            pass  # a memo that cannot be kept costs the next deploy one GET, nothing more


def _configure_sandbox(sandbox: SandboxProcess, config: Config, target: DeployTarget, out: TextIO) -> int:
    """Every sandbox deploy first makes the sandbox match sitepush.toml as `sitepush configure` would on AWS
    (bucket, website, policy, versioning, redirect bucket, zone, certificate, CloudFront, aliases).
    Returns the changes made.

    What was configured is remembered in the user cache, keyed by the configuration and the sandbox
    process: nothing but sitepush writes to the sandbox, so while both are the same the next deploy
    skips the reads (and the four AWS clients they need)."""
    import hashlib

    from sitepush.configurator.aws_state import InfraClients
    from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for

    wanted = replace(config, deploy=replace(config.deploy, bucket=target.bucket))
    digest = hashlib.sha256(repr((wanted.deploy, wanted.website, wanted.domain, wanted.cloudfront,
                                  sandbox.pid, sandbox.started)).encode()).hexdigest()
    memo = _cache_dir(config.root) / "sandbox-configured"
    try:
        if memo.read_text("utf-8") == digest:
            return 0
    except OSError:
        pass
    clients = InfraClients.of_sandbox(sandbox)
    made = 0
    if plan_for(wanted, clients).pending:
        print("Configuring the sandbox as `sitepush configure` would on AWS:", file=out, flush=True)
        made = apply_config(wanted, clients, ConfigureOptions(certificate_wait=30, create_zone=True),
                            progress=out)
        print(f"configured: {made} {'change' if made == 1 else 'changes'}", file=out, flush=True)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        memo.write_text(digest, "utf-8")
    except OSError:
        pass  # the next deploy reads the sandbox again: slower, as correct
    return made


def _finish_in_sandbox(ahead: ListingAhead, client: Any, site: LocalSite, specs: dict[str, ObjectSpec],
                       remote: RemoteState, listing_requests: int, *, dry_run: bool, json_path: Path | None,
                       keep: bool, website: WebsiteConfig, out: TextIO, err: TextIO | None,
                       configure: Config | None = None, edge: EdgeStep | None = None) -> DeployOutcome:
    """The sandbox's side of a deploy, once the bucket is listed: its CloudFront, the sync, ``--keep``."""
    sandbox, target, options, folder = ahead.sandbox, ahead.target, ahead.options, ahead.folder
    assert sandbox is not None
    cloudfront = None
    if configure is not None and configure.cloudfront.enabled and configure.domain.name and not dry_run:
        # The sandbox's own CloudFront: the distribution the configure step made is invalidated as on AWS.
        from sitepush.configurator.desired import hosts_of
        from sitepush.syncer.distribution import find_distribution

        hosts = hosts_of(configure)
        cloudfront = sandbox.client("cloudfront")
        found = find_distribution(cloudfront, hosts.canonical) if hosts is not None else None
        target = replace(target, distribution_id=found)
    # Other processes reach the shared sandbox too: under the lease, a bucket written meanwhile is read again.
    outcome = _sync(client, cloudfront if target.distribution_id else None, site, specs, remote, listing_requests,
                    target, options, dry_run=dry_run, json_path=json_path, out=out, err=err, site_folder=folder,
                    relist=lambda: ahead.relist(client),
                    edge=EdgeRun(edge, sandbox.client) if edge is not None else None)
    ahead.memo.save(ahead.known, remote, outcome.report)
    if edge is not None and dry_run:
        edge.preview(out)
    if keep:
        from sitepush.preview.server import PreviewServer
        from sitepush.preview.sources import BucketSource

        browse = PreviewServer(BucketSource(client, target.bucket, target.prefix), lambda: website)
        try:
            browse.start()  # inside the try: a Ctrl-C while its thread starts stops browsing like any other
            print(f"Browse the bucket as the S3 website endpoint serves it: {browse.url}", file=out)
            print("Press Ctrl-C to stop browsing (the sandbox itself keeps running).", file=out, flush=True)
            _wait_for_ctrl_c()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            browse.stop()
    elif not dry_run and (outcome.plan.uploads or outcome.plan.deletes):
        print(f"Next: `sitepush serve --bucket {target.bucket} --sandbox` to browse it as S3 serves it, "
              "`sitepush history --sandbox` for the deploys, `sitepush sandbox status` for what the sandbox "
              "holds.", file=out)
    return replace(outcome, bucket_created=ahead.created)


def _wait_for_ctrl_c() -> None:
    """Sleep until SIGINT. A bare ``Event().wait()`` can miss it: the main thread must wake up to run
    Python's signal handler, so it sleeps in short, bounded slices."""
    try:
        while True:
            time.sleep(0.2)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)


def _sync(client: Any, cloudfront: Any | None, site: LocalSite, specs: dict[str, ObjectSpec],
          remote: RemoteState, listing_requests: int, target: DeployTarget, options: SyncOptions, *,
          dry_run: bool, json_path: Path | None, out: TextIO, err: TextIO | None,
          site_folder: Path | None = None,
          relist: Callable[[], tuple[RemoteState, int]] | None = None, edge: EdgeRun | None = None) -> DeployOutcome:
    """Plan, check, lease, apply, record, sync the edge (private mode), then print. ``relist`` lists the
    bucket again, under the lease, when someone wrote it meanwhile (None: no lease is taken)."""
    from sitepush.syncer.apply import apply_plan
    from sitepush.syncer.local import scan_warnings
    from sitepush.syncer.plan import plan_sync
    from sitepush.syncer.report import ProgressLine, format_plan

    plan = plan_sync(specs, remote, options)
    for warning in scan_warnings(site):
        print(f"warning: {warning}", file=err if err is not None else out)
    outcome = DeployOutcome(plan=plan, report=None, bucket=target.bucket, prefix=target.prefix,
                            skipped=site.skipped, listing_requests=listing_requests,
                            edge=edge.step.report(None, status="dry-run" if dry_run else "stopped")
                            if edge is not None else None)
    if dry_run:
        print(format_plan(plan, bucket=target.bucket, prefix=target.prefix,
                          distribution_id=target.distribution_id), file=out)
        _write_json(json_path, outcome, dry_run=True)
        return outcome
    writes = bool(plan.uploads or plan.deletes or plan.manifest_changed)
    commit: str | None = None
    if writes:
        commit = _git_commit(site_folder)
        _check_allowed(outcome, remote, commit, site_folder, target, options, json_path)
    progress = ProgressLine(err) if err is not None else None
    lease = None
    interrupted = False
    report: SyncReport | None = None
    try:
        if writes and target.lock == "auto" and relist is not None:
            lease = _take_lease(client, target, options, commit, out=err or out,
                                progress=progress or (lambda line: None))
            if lease.waited or lease.took_over or _manifest_etag_now(client, target, options) != remote.manifest_etag:
                if not (lease.waited or lease.took_over):  # those said so already
                    print("another deploy wrote the bucket since it was listed: listing it again",
                          file=err or out, flush=True)
                remote, more = relist()
                plan = plan_sync(specs, remote, options)
                outcome = replace(outcome, plan=plan, listing_requests=outcome.listing_requests + more)
                _check_allowed(outcome, remote, commit, site_folder, target, options, json_path)
        report = apply_plan(plan, client=client, bucket=target.bucket, options=options,
                            workers=target.workers, cloudfront=cloudfront,
                            distribution_id=target.distribution_id, progress=progress,
                            multipart_threshold=target.multipart_threshold,
                            conditional_manifest=lease is not None and lease.conditional,
                            manifest_etag=remote.manifest_etag, commit=commit)
        outcome = replace(outcome, report=report)
        if progress is not None:
            progress.close()
        # The deploy record is a write too: under the lease, like every other one.
        outcome = _finish(outcome, client, remote, target, options, out=out, json_path=json_path,
                          site_folder=site_folder, edge=edge)
    except KeyboardInterrupt:
        interrupted = True
        done = report.uploaded if report is not None else 0
        raise Interrupted(f"interrupted after {done} of {len(plan.uploads)} uploads",
                          hint="run the same command again to finish") from None
    except Interrupted:
        interrupted = True
        raise
    finally:
        if progress is not None:
            progress.close()
        if lease is not None:
            # After an interrupt the lease gets one more second; a lease left behind expires anyway.
            lease.release(timeout=1.0 if interrupted else None)
    return outcome


def _finish(outcome: DeployOutcome, client: Any, remote: RemoteState, target: DeployTarget,
            options: SyncOptions, *, out: TextIO, json_path: Path | None, site_folder: Path | None,
            edge: EdgeRun | None = None) -> DeployOutcome:
    """Record the deploy, sync the edge, write the JSON, and only then print: a closed stdout cannot lose
    the record. The edge follows the bucket (a redirect never points to a page not uploaded yet), under
    the same lease."""
    from sitepush.syncer.local import summarise_skipped
    from sitepush.syncer.report import format_summary

    plan, report = outcome.plan, outcome.report
    assert report is not None
    record = None
    if report.versions and target.history and (plan.uploads or plan.deletes):
        # A versioned bucket (every write returned a version id): keep the record rollback needs.
        from sitepush.history.store import record_deploy
        from sitepush.syncer.manifest import manifest_key

        record = record_deploy(client, target.bucket, target.prefix, target.state_prefix, report.versions,
                               plan.deletes, uploaded=report.uploaded, folder=site_folder,
                               previous=_previous_versions(remote, report.versions, manifest_key(options)))
    edge_line = None
    if edge is not None:
        try:
            done = edge.step.sync(edge.clients)
        except SitepushError as error:
            _write_json(json_path, replace(outcome, edge={**edge.step.report(None, status="failed"),
                                                          "note": error.render()}), dry_run=False)
            raise
        outcome, edge_line = replace(outcome, edge=edge.step.report(done)), edge.step.line(done)
    _write_json(json_path, outcome, dry_run=False)
    print(format_summary(plan, report, bucket=target.bucket, prefix=target.prefix,
                         listing_requests=outcome.listing_requests), file=out)
    if record is not None:
        print(f"recorded as deploy {record.id} (`sitepush history`, `sitepush rollback`)", file=out)
    skipped = summarise_skipped(outcome.skipped)
    if skipped:
        print(skipped, file=out)
    if edge_line is not None:
        print(edge_line, file=out)
    return outcome


def _git_commit(folder: Path | None) -> str | None:
    from sitepush.history.records import git_commit

    return git_commit(folder) if folder is not None else None


def _check_allowed(outcome: DeployOutcome, remote: RemoteState, commit: str | None, folder: Path | None,
                   target: DeployTarget, options: SyncOptions, json_path: Path | None) -> None:
    """SafetyStop (exit 3, before any write) for too many deletes, or an older build over a newer one."""
    stop: SafetyStop | None = None
    if outcome.plan.blocked is not None and not options.yes:
        # plan.blocked already says how many, the limit, and --yes / --max-deletes N.
        stop = SafetyStop(f"stopped before changing anything: {outcome.plan.blocked}")
    elif not target.allow_older:
        from sitepush.history.lineage import older_build_stop

        live = remote.manifest.commit if remote.manifest is not None else None
        stop = older_build_stop(live, commit, folder)
    if stop is not None:
        _write_json(json_path, outcome, dry_run=False, stopped=stop.render())
        raise stop


def _take_lease(client: Any, target: DeployTarget, options: SyncOptions, commit: str | None, *,
                out: TextIO, progress: Callable[[str], None]) -> Any:
    import time

    from sitepush.syncer.lease import DeployLease, lease_key, this_process

    lease = DeployLease(client, target.bucket, lease_key(options.prefix, options.state_prefix),
                        this_process(commit, time.time()), wait_seconds=target.wait_lock,
                        say=lambda line: print(line, file=out, flush=True), progress=progress)
    lease.acquire()
    return lease


def _manifest_etag_now(client: Any, target: DeployTarget, options: SyncOptions) -> str | None:
    from sitepush.syncer.manifest import manifest_key
    from sitepush.syncer.remote import manifest_etag

    return manifest_etag(client, target.bucket, manifest_key(options))


def _previous_versions(remote: RemoteState, written: Mapping[str, str], manifest: str) -> dict[str, str]:
    """Key → its version before this deploy ("" for a key that did not exist), where sitepush can vouch
    for it: the manifest recorded the version it wrote, and the object is still that one (same ETag)."""
    entries = remote.manifest.entries if remote.manifest is not None else {}
    previous = {}
    for key in written:
        if key == manifest:
            continue  # the manifest's own earlier version is read from its version list when needed
        current = remote.objects.get(key)
        entry = entries.get(key)
        if current is None:
            previous[key] = ""
        elif entry is not None and entry.version and entry.etag == current.etag:
            previous[key] = entry.version
    return previous


def _write_json(path: Path | None, outcome: DeployOutcome, *, dry_run: bool, stopped: str | None = None) -> None:
    if path is None:
        return
    from sitepush.syncer.report import plan_json, report_json, write_json

    result = None
    if outcome.report is not None:
        result = {**report_json(outcome.report), "listing_requests": outcome.listing_requests,
                  "total_requests": outcome.report.requests + outcome.listing_requests}
    write_json(path, {
        "schema": "sitepush.deploy/1",
        "bucket": outcome.bucket, "prefix": outcome.prefix, "dry_run": dry_run,
        "plan": plan_json(outcome.plan), "result": result, "stopped": stopped,
        "skipped": [{"path": s.rel, "reason": s.reason} for s in outcome.skipped],
        "edge": dict(outcome.edge) if outcome.edge is not None else None,
    })

