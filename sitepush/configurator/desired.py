"""``sitepush.toml`` → the AWS resources a website needs, in the order they must be made (pure).

::

    site bucket (and its ownership: BucketOwnerEnforced, no ACLs) ─ versioning ─ lifecycle ─ website
                ─ public access block (only the two policy flags lifted) ─ policy (GetObject, not .sitepush/)
    redirect bucket (the other host) ─ website (RedirectAllRequestsTo the canonical host)
    hosted zone ─ certificate (ACM, us-east-1, apex + www) ─ its validation CNAMEs
    distributions (canonical host → site bucket, other host → redirect bucket; http-only custom origins)
    A (+ AAAA with CloudFront) alias records for apex and www

The order is the dependency order, and it is also what keeps a public website from ever being
refused: S3's Block Public Access (on by default since April 2023) rejects a public policy, so the
block is lifted — its two policy flags only — before the policy is put (:func:`public_access_block`).
What is only known once something exists (a new certificate's ARN, a new distribution's domain) is
:data:`~sitepush.configurator.model.PENDING` until then, in :class:`Known`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sitepush.config import MAX_ROUTING_RULES, Config, RoutingRule, hsts_max_age
from sitepush.configurator.endpoints import (
    CLOUDFRONT_HOSTED_ZONE_ID,
    bucket_website_host,
    website_endpoint,
    website_hosted_zone_id,
)
from sitepush.configurator.model import PENDING, Resource
from sitepush.configurator.policy import edge_bucket_policy, website_bucket_policy
from sitepush.errors import ConfigError

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""CloudFront's managed cache policy "CachingOptimized" (CloudFront Developer Guide, managed policies)."""
LIFECYCLE_RULE_ID = "sitepush-old-versions"
ABORT_MULTIPART_DAYS = 7
CERTIFICATE_REGION = "us-east-1"  # CloudFront takes certificates from us-east-1 only


@dataclass(frozen=True)
class Known:
    """Facts only AWS can tell: what exists already, found before planning (and after each create)."""

    certificate_arn: str | None = None
    validation_records: tuple[tuple[str, str], ...] = ()
    """(name, value) of the CNAMEs ACM asks for."""
    distribution_domains: Mapping[str, str] = field(default_factory=dict)
    """``main`` / ``redirect`` → ``dxxxx.cloudfront.net``."""
    distribution_ids: Mapping[str, str] = field(default_factory=dict)
    """Host → the id of the distribution that has it as an alias (one listing serves a whole plan)."""
    distribution_domain_of: Mapping[str, str] = field(default_factory=dict)
    """Host → the ``dxxxx.cloudfront.net`` domain of that distribution."""
    zone_id: str | None = None
    distribution_arns: Mapping[str, str] = field(default_factory=dict)
    """Host → the ARN of its distribution (what a private bucket's policy names in ``AWS:SourceArn``)."""
    distribution_origins: Mapping[str, str] = field(default_factory=dict)
    """Host → the domain of the origin its distribution reads now (a website endpoint or the REST one)."""
    origin_access_control: str | None = None
    """The id of the site's Origin Access Control, once it exists."""
    function_arn: str | None = None
    store_arn: str | None = None
    headers_policy_id: str | None = None
    unserved: Mapping[str, str] = field(default_factory=dict)
    """Kind → why: kinds of resource the endpoint answers no API for (an emulator without CloudFront Functions): the
    plan shows them as not served instead of creating them, see :mod:`sitepush.configurator.edge_aws`."""


@dataclass(frozen=True)
class Hosts:
    """The site's host names: the canonical one gets the site, the other one redirects to it."""

    apex: str
    canonical: str
    other: str


def hosts_of(config: Config) -> Hosts | None:
    """The hosts of ``[domain]``, or None when the site has no domain."""
    apex = config.domain.name
    if not apex:
        return None
    www = f"www.{apex}"
    canonical, other = (www, apex) if config.domain.canonical == "www" else (apex, www)
    return Hosts(apex=apex, canonical=canonical, other=other)


def certificate_names(config: Config) -> tuple[str, ...]:
    """The names the site's certificate must cover (apex and www), or none without CloudFront."""
    hosts = hosts_of(config)
    if hosts is None or not config.cloudfront.enabled:
        return ()
    return tuple(sorted({hosts.apex, f"www.{hosts.apex}"}))


def site_bucket_of(config: Config) -> str:
    """``[deploy] bucket``, else the canonical host; raises ConfigError when neither is set."""
    hosts = hosts_of(config)
    bucket = config.deploy.bucket or (hosts.canonical if hosts else "")
    if not bucket:
        raise ConfigError("no bucket to configure", file="sitepush.toml",
                          hint='set [deploy] bucket, or [domain] name = "example.com"')
    problem = bucket_name_problem(bucket)
    if problem:
        raise ConfigError(f"the bucket name {bucket!r} {problem}", file="sitepush.toml",
                          hint="choose a valid [deploy] bucket name, e.g. \"www.example.com\"")
    if hosts and not config.cloudfront.enabled and bucket != hosts.canonical:
        # Without CloudFront, Route 53 aliases the host to the S3 website endpoint, which finds the
        # bucket by the Host header: the bucket must be named exactly like the host.
        raise ConfigError(f"[deploy] bucket {bucket!r} must be named {hosts.canonical!r} to serve that host "
                          "from the S3 website endpoint", file="sitepush.toml",
                          hint=f'set bucket = "{hosts.canonical}", or [cloudfront] enabled = true')
    return bucket


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would refuse ``name`` as a bucket name (User Guide, "Bucket naming rules"), or None."""
    if not 3 <= len(name) <= 63:
        return "must be 3 to 63 characters long"
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        return "may hold only lower-case letters, digits, dots and hyphens, and start and end with a letter or digit"
    if ".." in name or ".-" in name or "-." in name:
        return "may not have two dots, or a dot beside a hyphen"
    if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name):
        return "may not look like an IP address"
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3")):
        return "uses a prefix or suffix S3 reserves"
    return None


def public_access_block(public_website: bool) -> dict[str, bool]:
    """The Block Public Access settings of the site bucket.

    ACL blocking stays on always (the bucket owner owns every object; sitepush never sends an ACL).
    Only a public website needs the two *policy* flags off, so that its public-read policy is
    accepted and honoured; a private bucket keeps all four on.
    """
    return {"BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": not public_website, "RestrictPublicBuckets": not public_website}


def routing_rules_api(rules: tuple[RoutingRule, ...], *, behind_cdn_host: str | None = None
                      ) -> list[dict[str, Any]]:
    """``[[website.routing_rules]]`` as PutBucketWebsite's ``RoutingRules``.

    ``behind_cdn_host``: the canonical host, when CloudFront serves the site. A redirect without a
    ``HostName`` goes to the host the request came to (S3 API Reference, ``Redirect``: "HostName — The
    host name to use in the redirect request"; default: the request's), which behind CloudFront is the
    ``s3-website`` origin, over http: so the rule names the canonical host and https itself.
    """
    result = []
    for rule in rules:
        condition = {k: v for k, v in (("KeyPrefixEquals", rule.key_prefix_equals),
                                        ("HttpErrorCodeReturnedEquals", rule.http_error_code_returned_equals))
                     if v is not None}
        host_name, protocol = rule.host_name, rule.protocol
        if behind_cdn_host is not None:
            host_name, protocol = host_name or behind_cdn_host, protocol or "https"
        redirect = {k: v for k, v in (("HostName", host_name), ("Protocol", protocol),
                                       ("ReplaceKeyPrefixWith", rule.replace_key_prefix_with),
                                       ("ReplaceKeyWith", rule.replace_key_with),
                                       ("HttpRedirectCode", rule.http_redirect_code)) if v is not None}
        result.append({"Condition": condition, "Redirect": redirect} if condition else {"Redirect": redirect})
    return result


def desired_resources(config: Config, known: Known) -> list[Resource]:
    """Every resource of the site, in dependency order (see the module docstring)."""
    region = config.deploy.region
    website_endpoint(region)  # a region outside the table is a ConfigError before anything else
    bucket = site_bucket_of(config)
    hosts = hosts_of(config)
    cloudfront = config.cloudfront.enabled
    if hosts is not None and bucket == hosts.other:
        raise ConfigError(f"[deploy] bucket {bucket!r} is the bucket that redirects {hosts.other} to "
                          f"{hosts.canonical}", file="sitepush.toml",
                          hint=f'name the site bucket "{hosts.canonical}" (or drop [deploy] bucket)')
    if cloudfront and hosts is None:
        raise ConfigError("[cloudfront] enabled needs a domain for its certificate and aliases",
                          file="sitepush.toml", hint='set [domain] name = "example.com"')
    # A site under a base-URL path (https://example.org/docs/) is the bucket's docs/ folder, its URLs the
    # keys: the website's error document is docs/404.html and the private state is docs/.sitepush/.
    site_prefix = config.site.base_path.lstrip("/")
    if config.deploy_prefix.strip("/") and config.deploy_prefix.strip("/") + "/" != site_prefix:
        raise ConfigError("sitepush configure sets up a website whose URLs are its keys, and [deploy] prefix "
                          f"is {config.deploy_prefix!r} while base_url's path is {config.site.base_path!r}",
                          file="sitepush.toml",
                          hint="drop [deploy] prefix (the site is then deployed under its base URL's path), "
                               "or configure the bucket by hand")
    state_prefix = site_prefix + config.deploy.state_prefix.strip("/") + "/"
    # Website hosting is compared whole: a routing rule taken out of sitepush.toml goes away in S3 too.
    # In private mode the function answers the rules; the website endpoint keeps them while S3 can hold
    # them (during a switch the distribution reads it until CloudFront has moved), none beyond S3's limit.
    rules = config.website.routing_rules
    if config.cloudfront.origin == "private" and len(rules) > MAX_ROUTING_RULES:
        rules = ()
    website: dict[str, Any] = {"IndexDocument": {"Suffix": config.website.index_document},
                               "ErrorDocument": {"Key": error_document_key(config)},
                               "RoutingRules": routing_rules_api(
                                   rules, behind_cdn_host=hosts.canonical if cloudfront and hosts else None),
                               "RedirectAllRequestsTo": None}
    resources = [
        Resource("bucket", bucket, _bucket(region)),
    ]
    if config.deploy.versioning:
        resources += [
            Resource("versioning", bucket, {"Status": "Enabled"}),
            Resource("lifecycle", bucket, {"rule": {
                "ID": LIFECYCLE_RULE_ID, "Status": "Enabled", "Filter": {"Prefix": ""},
                "NoncurrentVersionExpiration": {"NoncurrentDays": config.deploy.noncurrent_version_days},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_MULTIPART_DAYS}}}),
        ]
    resources.append(Resource("website", bucket, website))
    private = config.cloudfront.origin == "private"
    if private and not cloudfront:
        raise ConfigError('[cloudfront] origin = "private" needs CloudFront in front of the bucket',
                          file="sitepush.toml", hint='set [cloudfront] enabled = true, or origin = "website"')
    access = bucket_access(config, known, bucket, state_prefix)
    if not private:
        resources += access
    if hosts is None:
        return resources
    protocol = "https" if cloudfront else "http"
    resources += [
        Resource("bucket", hosts.other, _bucket(region)),
        Resource("website", hosts.other, {"IndexDocument": None, "ErrorDocument": None, "RoutingRules": [],
                                          "RedirectAllRequestsTo": {"HostName": hosts.canonical,
                                                                    "Protocol": protocol}}),
        Resource("hosted-zone", hosts.apex, {"name": hosts.apex + "."}),
    ]
    if cloudfront:
        # Any usable certificate whose names cover these serves (a wildcard one included): the plan
        # compares what it covers, so an existing wider certificate is used, not requested again.
        resources.append(Resource("certificate", hosts.apex, {
            "covers": list(certificate_names(config)), "validation": "DNS", "region": CERTIFICATE_REGION}))
        if known.certificate_arn is None:
            # ACM names the validation records only once the certificate exists; the plan still
            # shows (and counts) the one CNAME per name it will write.
            resources += [Resource("record", f"CNAME (validation of {name})",
                                   {"type": "CNAME", "value": PENDING, "ttl": 300})
                          for name in certificate_names(config)]
        resources += [Resource("record", f"CNAME {name}", {"type": "CNAME", "value": value, "ttl": 300})
                      for name, value in known.validation_records]
        certificate = known.certificate_arn or PENDING
        main = _distribution(hosts.canonical, bucket_website_host(bucket, region), certificate, config,
                             error_document=True)
        headers = headers_policy_resource(config, hosts.canonical)
        if headers is not None and "response-headers-policy" not in known.unserved:
            main["response_headers_policy"] = known.headers_policy_id or PENDING
        elif config.cloudfront.security_headers:
            main["response_headers_policy"] = SECURITY_HEADERS_POLICY
        if private:
            main.update(private_origin_fields(config, known, bucket, hosts.canonical))
        # Reachable through a switch of modes: while the distribution still reads the old origin, the
        # policy that lets it read the new one goes first (see bucket_access).
        switching = hosts.canonical in known.distribution_ids
        edge = edge_resources(config, known, hosts.canonical) if private else []
        resources += [*([headers] if headers is not None else []), *edge]
        if private and switching:
            resources += access
        resources += [
            Resource("distribution", hosts.canonical, main),
            Resource("distribution", hosts.other,
                     _distribution(hosts.other, bucket_website_host(hosts.other, region), certificate, config,
                                   error_document=False)),
        ]
        if private and not switching:
            resources += access
    for host in (hosts.canonical, hosts.other):
        if cloudfront:
            role = "main" if host == hosts.canonical else "redirect"
            target = known.distribution_domains.get(role, PENDING)
            for record_type in ("A", "AAAA"):
                resources.append(Resource("record", f"{record_type} {host}.", {
                    "type": record_type, "alias": target + "." if target != PENDING else target,
                    "zone": CLOUDFRONT_HOSTED_ZONE_ID}))
        else:
            resources.append(Resource("record", f"A {host}.", {
                "type": "A", "alias": website_endpoint(region) + ".", "zone": website_hosted_zone_id(region)}))
    return resources


def error_document_key(config: Config) -> str:
    """The key of the website's error document: the site's 404 page, under the base URL's path
    (``docs/404.html`` for ``https://example.org/docs/``), where the build's ``404.html`` is deployed."""
    return config.site.base_path.lstrip("/") + config.website.error_document


def _bucket(region: str) -> dict[str, Any]:
    # Object ownership is part of the bucket: CreateBucket sets it (its ObjectOwnership parameter), so
    # creating a bucket is one change, and only an existing bucket with another setting is updated.
    return {"region": region, "ObjectOwnership": "BucketOwnerEnforced"}


def _distribution(host: str, origin: str, certificate: str, config: Config, *,
                  error_document: bool) -> dict[str, Any]:
    return {
        "aliases": [host],
        "origin": origin,
        "origin_protocol": "http-only",  # S3 website endpoints speak http only
        # None: the S3 website origin answers "/" (and every folder) with its index document itself;
        # with a DefaultRootObject the redirect distribution would fetch "/index.html" and send
        # https://apex/ to https://www.apex/index.html (CloudFront Developer Guide, "Specify a default
        # root object": it applies to the root URL only, the origin's own index handling is better).
        "default_root_object": "",
        "certificate": certificate,
        "ssl_support": "sni-only",
        "minimum_protocol": "TLSv1.2_2021",
        "viewer_protocol": "redirect-to-https",
        "cache_policy": CACHING_OPTIMIZED,
        "compress": True,
        "ipv6": True,
        "price_class": config.cloudfront.price_class,
        "error_404": f"/{error_document_key(config)}" if error_document else None,
        "error_403": None,
        "origin_access_control": None,
        "function": None,
        "response_headers_policy": None,
        "enabled": True,
    }


# -- private mode: a bucket only CloudFront reads -----------------------------------------------------

SECURITY_HEADERS_POLICY = "67f7725c-6f97-4210-82d7-5512b31e9d03"
"""CloudFront's managed response headers policy "SecurityHeadersPolicy" (CloudFront Developer Guide, "Use
managed response headers policies"): HSTS max-age=31536000, X-Content-Type-Options nosniff, X-Frame-Options
SAMEORIGIN, Referrer-Policy strict-origin-when-cross-origin, X-XSS-Protection 1; mode=block."""
FUNCTION_RUNTIME = "cloudfront-js-2.0"
NAME_LIMIT = 64
"""CloudFront API Reference: function, KeyValueStore and Origin Access Control names are at most 64
characters; functions and stores of ``[a-zA-Z0-9-_]``."""


def edge_name(host: str) -> str:
    """The name of the site's Origin Access Control, function, store and headers policy: ``sitepush-``
    and the host with dots as hyphens, shortened with a hash of the host when longer than 64."""
    import hashlib

    name = "sitepush-" + re.sub(r"[^a-zA-Z0-9-_]", "-", host)
    if len(name) <= NAME_LIMIT:
        return name
    return f"{name[:NAME_LIMIT - 9]}-{hashlib.sha256(host.encode()).hexdigest()[:8]}"


def bucket_rest_host(bucket: str, region: str) -> str:
    """The bucket's regional REST endpoint, the origin CloudFront signs requests to with OAC (CloudFront
    Developer Guide, "Restrict access to an Amazon S3 origin": ``bucket.s3.region.amazonaws.com``)."""
    return f"{bucket}.s3.{region}.amazonaws.com"


def bucket_access(config: Config, known: Known, bucket: str, state_prefix: str) -> list[Resource]:
    """Block Public Access and the bucket policy, for either mode and for every step between them.

    ``website``: the public-read policy, its two policy flags lifted first. ``private``: all four flags
    on, and only the distribution (``AWS:SourceArn``) may read. A switch is ordered so that whatever
    origin the distribution reads at each step can be read (the distribution's change takes CloudFront
    some minutes to reach every edge, so both must answer meanwhile):

    website → private: the OAC is made; the policy gains the SourceArn statement, the public one still
    there; the distribution moves to the REST origin with the OAC; then the public statement goes and
    the four flags are turned on.
    private → website: the two policy flags are lifted and the public statement added beside the
    SourceArn one; the distribution moves back to the website endpoint; then the SourceArn statement goes.

    Which step a site is at is read from where its distribution points now (``Known.distribution_origins``).
    """
    hosts = hosts_of(config)
    private = config.cloudfront.origin == "private"
    canonical = hosts.canonical if hosts else ""
    current = known.distribution_origins.get(canonical)
    rest = bucket_rest_host(bucket, config.deploy.region)
    reads_rest = current is not None and current == rest
    reads_website = current is not None and current != rest
    if not private and not reads_rest:
        return [Resource("public-access-block", bucket, public_access_block(True)),
                Resource("policy", bucket, {"policy": website_bucket_policy(bucket, state_prefix=state_prefix)})]
    public = not private or reads_website
    # Before the distribution exists its ARN is PENDING: the plan shows the statement, the write waits.
    arn = known.distribution_arns.get(canonical, PENDING)
    policy = edge_bucket_policy(bucket, distribution_arns=(arn,), public=public, state_prefix=state_prefix)
    resources = [Resource("public-access-block", bucket, public_access_block(public)),
                 Resource("policy", bucket, {"policy": policy})]
    # Lifting the flags goes before a public policy; turning them on goes after the public one is gone.
    return resources if public else resources[::-1]


def private_origin_fields(config: Config, known: Known, bucket: str, host: str) -> dict[str, Any]:
    """The distribution fields that differ in private mode: the REST origin signed with the OAC, the
    index document at the root, S3's 403 for a missing key answered with the error document and 404,
    and the viewer-request function."""
    error = f"/{error_document_key(config)}"
    function: Any = None
    if "function" not in known.unserved:
        function = known.function_arn or PENDING
    return {"origin": bucket_rest_host(bucket, config.deploy.region), "origin_protocol": None,
            "origin_access_control": known.origin_access_control or PENDING,
            # CloudFront Developer Guide, "Specify a default root object": with an S3 REST origin "/" is a
            # request for the empty key; the function rewrites every other folder path itself.
            "default_root_object": config.website.index_document,
            # S3 answers 403, not 404, for a missing key when the reader may not s3:ListBucket (S3 API
            # Reference, GetObject, "Permissions"), which CloudFront through OAC may not.
            "error_403": error, "error_404": error, "function": function}


def edge_resources(config: Config, known: Known, host: str) -> list[Resource]:
    """The OAC, the store (when the redirect table outgrows the function's code), the function."""
    from sitepush.edge import edge_code, edge_table

    name = edge_name(host)
    code = edge_code(edge_table(config))
    resources = [Resource("origin-access-control", name, {
        "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"})]
    if code.store_entries is not None:
        resources.append(Resource("key-value-store", name, {"status": "READY"}))
    resources.append(Resource("function", name, {"runtime": FUNCTION_RUNTIME, "published": True}))
    return resources


def headers_policy_resource(config: Config, host: str) -> Resource | None:
    """``[cloudfront.headers]`` as a custom response headers policy (None without the table).

    A cache behaviour takes one response headers policy, so with ``security_headers = true`` as well the
    custom policy carries the managed policy's security headers too, the table's own values winning.
    """
    if not config.cloudfront.headers:
        return None
    return Resource("response-headers-policy", edge_name(host),
                    {"config": response_headers_policy_config(edge_name(host), config.cloudfront.headers,
                                                              security=config.cloudfront.security_headers)})


_MANAGED_SECURITY = {"Strict-Transport-Security": "max-age=31536000", "X-Content-Type-Options": "nosniff",
                     "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "strict-origin-when-cross-origin",
                     "X-XSS-Protection": "1; mode=block"}


def response_headers_policy_config(name: str, headers: Mapping[str, str], *, security: bool) -> dict[str, Any]:
    """A ResponseHeadersPolicyConfig: the headers CloudFront has a security slot for go there (it
    refuses them as custom headers), every other one is a custom header; all override the origin's."""
    wanted = {**(_MANAGED_SECURITY if security else {}), **headers}
    by_lower = {k.lower(): (k, v) for k, v in wanted.items()}
    secure: dict[str, Any] = {}
    if "content-security-policy" in by_lower:
        secure["ContentSecurityPolicy"] = {"ContentSecurityPolicy": by_lower.pop("content-security-policy")[1],
                                           "Override": True}
    if "x-content-type-options" in by_lower:
        by_lower.pop("x-content-type-options")
        secure["ContentTypeOptions"] = {"Override": True}
    if "x-frame-options" in by_lower:
        secure["FrameOptions"] = {"FrameOption": by_lower.pop("x-frame-options")[1].upper(), "Override": True}
    if "referrer-policy" in by_lower:
        secure["ReferrerPolicy"] = {"ReferrerPolicy": by_lower.pop("referrer-policy")[1], "Override": True}
    if "strict-transport-security" in by_lower:
        secure["StrictTransportSecurity"] = _hsts(by_lower.pop("strict-transport-security")[1])
    if "x-xss-protection" in by_lower:
        secure["XSSProtection"] = _xss(by_lower.pop("x-xss-protection")[1])
    config: dict[str, Any] = {"Name": name, "Comment": "sitepush: [cloudfront.headers]"}
    if secure:
        config["SecurityHeadersConfig"] = secure
    if by_lower:
        items = [{"Header": k, "Value": v, "Override": True} for k, v in sorted(by_lower.values())]
        config["CustomHeadersConfig"] = {"Quantity": len(items), "Items": items}
    return config


def _hsts(value: str) -> dict[str, Any]:
    parts = [p.strip().lower() for p in value.split(";") if p.strip()]
    age = hsts_max_age(value)
    if age is None:  # parse_config refuses it at its line; a Config built in code may still hold one
        raise ConfigError(f'[cloudfront.headers] Strict-Transport-Security "{value}" has no max-age',
                          file="sitepush.toml", hint='write e.g. "max-age=63072000; includeSubDomains"')
    return {"Override": True, "AccessControlMaxAgeSec": age,
            "IncludeSubdomains": "includesubdomains" in parts, "Preload": "preload" in parts}


def _xss(value: str) -> dict[str, Any]:
    parts = [p.strip() for p in value.split(";")]
    result: dict[str, Any] = {"Override": True, "Protection": parts[0] == "1"}
    if any(p.lower() == "mode=block" for p in parts[1:]):
        result["ModeBlock"] = True
    report = next((p.partition("=")[2] for p in parts[1:] if p.lower().startswith("report=")), "")
    if report:
        result["ReportUri"] = report
    return result
