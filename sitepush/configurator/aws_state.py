"""Reading and writing the resources of :mod:`sitepush.configurator.desired` through boto3 (the configurator's I/O;
the certificate's part is :mod:`sitepush.configurator.certificates`).

Reads use only Get/List/Head/Describe calls; each write is one documented call (UPSERT for records,
``IfMatch`` for distributions). No call ever sends an ACL: buckets are created with
``ObjectOwnership=BucketOwnerEnforced``, under which S3 refuses ACLs anyway.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sitepush.aws import translated_aws_errors
from sitepush.configurator._aws_calls import call as _call
from sitepush.configurator._aws_calls import code as _code
from sitepush.configurator.certificates import (
    covers,
    describe_certificate,
    find_certificate,
    request_certificate,
    wait_until_issued,
)
from sitepush.configurator.desired import CERTIFICATE_REGION, LIFECYCLE_RULE_ID, Known
from sitepush.configurator.distributions import (
    CALLER_REFERENCE_PREFIX,
    distribution_config,
    distribution_fields,
)
from sitepush.configurator.model import PENDING, InfraChange, Resource
from sitepush.configurator.plan import distribution_to_wait_for, refusal_of
from sitepush.configurator.policy import policy_json
from sitepush.errors import InfraError

if TYPE_CHECKING:
    from sitepush.config import Config

State = dict[tuple[str, str], dict[str, Any] | None]
EDGE_KINDS = ("origin-access-control", "function", "key-value-store", "response-headers-policy")


@dataclass(frozen=True)
class InfraClients:
    """One boto3 client per service: S3 in the site's region, ACM in us-east-1, CloudFront, Route 53."""

    s3: Any
    acm: Any
    cloudfront: Any
    route53: Any
    keyvaluestore: Any = None
    """The CloudFront KeyValueStore data API (``cloudfront-keyvaluestore``), for private mode's store."""

    def all(self) -> tuple[Any, ...]:
        return self.s3, self.acm, self.cloudfront, self.route53

    @classmethod
    def of_sandbox(cls, sandbox: Any) -> InfraClients:
        """The four clients of a :class:`~sitepush.sandbox.Sandbox` (moto answers every service)."""
        return cls(s3=sandbox.client("s3"), acm=sandbox.client("acm"), cloudfront=sandbox.client("cloudfront"),
                   route53=sandbox.client("route53"), keyvaluestore=sandbox.client("cloudfront-keyvaluestore"))


# -- discovery: what exists already -----------------------------------------------------------------

def discover(clients: InfraClients, apex: str | None, hosts: Iterable[str], *,
             certificate_names: Iterable[str] = (), requested_certificate: str | None = None,
             zone_id: str = "", edge_host: str | None = None, edge_private: bool = False,
             edge_headers: bool = False) -> Known:
    """The certificate, distributions and hosted zone that already exist for the site's domain.

    ``certificate_names``: the names the site's certificate must cover (none: no certificate is looked
    for). ``requested_certificate``: the ARN this run's RequestCertificate returned, used as it is
    (ACM's listing may not show a new certificate at once). ``zone_id``: ``[domain] hosted_zone_id``.
    ``edge_host``: the canonical host; with ``edge_private`` its OAC, function and store are looked up,
    with ``edge_headers`` its custom response headers policy.
    """
    if apex is None:
        return Known()
    zone = find_zone(clients.route53, apex, zone_id)
    names = tuple(sorted(set(certificate_names)))
    arn, records = find_certificate(clients.acm, apex, names, requested_certificate) if names else (None, ())
    wanted = list(hosts)
    found = _distributions_by_alias(clients, wanted)
    domains = {role: found[host]["DomainName"] for role, host in zip(("main", "redirect"), wanted)
               if host in found}
    known = Known(certificate_arn=arn, validation_records=records, distribution_domains=domains,
                  distribution_ids={host: item["Id"] for host, item in found.items()},
                  distribution_domain_of={host: item["DomainName"] for host, item in found.items()},
                  zone_id=zone["Id"] if zone else None,
                  distribution_arns={host: item["ARN"] for host, item in found.items() if item.get("ARN")},
                  distribution_origins={host: str(((item.get("Origins") or {}).get("Items") or [{}])[0].get(
                      "DomainName", "")) for host, item in found.items()})
    if edge_host is not None and (edge_private or edge_headers):
        from sitepush.configurator.edge_aws import discover_edge

        known = discover_edge(clients, known, edge_host, private=edge_private, headers=edge_headers)
    return known


def find_zone(route53: Any, apex: str, zone_id: str = "") -> dict[str, Any] | None:
    """The public hosted zone of ``apex``: ``zone_id`` when given (``[domain] hosted_zone_id``), else the
    only public zone of that name; None when there is none.

    Route 53 lets one account hold several public zones of one name, and only the one the registrar
    delegates to answers (Route 53 Developer Guide, "Working with public hosted zones"): records put
    in another are never seen, and a certificate validated there never issues. So two are refused.
    """
    if zone_id:
        wanted = zone_id.rsplit("/", 1)[-1]
        found = _call("read the hosted zone", wanted, lambda: route53.get_hosted_zone(Id=wanted),
                      missing=("NoSuchHostedZone",))
        zone = (found or {}).get("HostedZone")
        if not zone or zone["Name"].rstrip(".").lower() != apex.lower() or zone.get("Config", {}).get(
                "PrivateZone"):
            raise InfraError(f"[domain] hosted_zone_id {zone_id} is not a public hosted zone of {apex} in "
                             "this account", file="sitepush.toml",
                             hint="copy the id of the zone the registrar delegates to from the Route 53 "
                                  "console, or empty hosted_zone_id to find it by name")
        return dict(zone)
    listed = _call("list hosted zones", apex,
                   lambda: route53.list_hosted_zones_by_name(DNSName=apex, MaxItems="100"))
    zones = [dict(z) for z in listed.get("HostedZones", [])
             if z["Name"].rstrip(".").lower() == apex.lower() and not z.get("Config", {}).get("PrivateZone")]
    if len(zones) > 1:
        ids = ", ".join(z["Id"].rsplit("/", 1)[-1] for z in zones)
        raise InfraError(f"{len(zones)} public hosted zones are named {apex}: {ids}", file="sitepush.toml",
                         hint="set [domain] hosted_zone_id to the one the registrar delegates to "
                              "(its name servers are the domain's NS records)")
    return zones[0] if zones else None


def _distributions_by_alias(clients: InfraClients, hosts: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Host → the summary of the distribution that has it as an alias, from one listing."""
    wanted = set(hosts)
    found: dict[str, dict[str, Any]] = {}
    if not wanted:
        return found
    paginator = clients.cloudfront.get_paginator("list_distributions")
    with translated_aws_errors(action="list distributions", resource=", ".join(sorted(wanted))):
        for page in paginator.paginate():
            for item in page.get("DistributionList", {}).get("Items", []) or []:
                aliases = item.get("Aliases")
                if aliases is None or item.get("Origins") is None:
                    # a summary without its aliases or origins (moto's): read them from the config
                    config = clients.cloudfront.get_distribution_config(Id=item["Id"])["DistributionConfig"]
                    aliases, item = config.get("Aliases"), {**item, "Origins": config.get("Origins")}
                for host in wanted.intersection((aliases or {}).get("Items") or []):
                    found.setdefault(host, dict(item))
    return found


# -- reading the resources --------------------------------------------------------------------------

def read_actual(clients: InfraClients, desired: Iterable[Resource], known: Known) -> State:
    """The current fields of every desired resource (None: it does not exist)."""
    state: State = {}
    records: dict[str, dict[str, Any]] | None = None
    existing_buckets: dict[str, bool] = {}
    for resource in desired:
        kind, name = resource.ref
        if kind == "bucket":
            state[resource.ref] = _read_bucket(clients, name)
            existing_buckets[name] = state[resource.ref] is not None
        elif kind in _BUCKET_READERS:
            state[resource.ref] = _BUCKET_READERS[kind](clients, name) if existing_buckets.get(name) else None
        elif kind == "hosted-zone":
            state[resource.ref] = {"name": name + "."} if known.zone_id else None
        elif kind == "certificate":
            state[resource.ref] = _read_certificate(clients, known, resource.value)
        elif kind == "distribution":
            state[resource.ref] = _read_distribution(clients, name, known.distribution_ids.get(name))
        elif kind in EDGE_KINDS:
            from sitepush.configurator.edge_aws import read_edge

            state[resource.ref] = read_edge(clients, resource, known)
        elif kind == "record":
            if records is None:
                records = _read_records(clients, known.zone_id)
            state[resource.ref] = records.get(name)
    return state


def read_leftovers(clients: InfraClients, desired: Iterable[Resource], known: Known, hosts: Iterable[str], *,
                   prune: bool) -> tuple[list[Resource], list[str]]:
    """What sitepush made for ``hosts`` that ``desired`` no longer has: alias records to its own
    distributions (deleted), and those distributions (deleted only with ``prune``; else a note says so).

    Only what sitepush provably made is touched: a distribution whose CallerReference is sitepush's,
    a record whose alias target is such a distribution.
    """
    wanted = {resource.ref for resource in desired}
    hosts = list(hosts)
    ours: dict[str, tuple[str, bool]] = {}  # host → (distribution id, enabled), sitepush's only
    for host, distribution_id in known.distribution_ids.items():
        with translated_aws_errors(action="read the distribution", resource=host):
            config = clients.cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"]
        if str(config.get("CallerReference", "")).startswith(CALLER_REFERENCE_PREFIX):
            ours[host] = (distribution_id, bool(config.get("Enabled")))
    domains = {known.distribution_domain_of[host].lower().rstrip(".") for host in ours
               if host in known.distribution_domain_of}
    leftovers: list[Resource] = []
    notes: list[str] = []
    if domains and known.zone_id is not None:
        records = _read_records(clients, known.zone_id)
        for host in hosts:
            for record_type in ("A", "AAAA"):
                name = f"{record_type} {host}."
                current = records.get(name)
                if (("record", name) not in wanted and current and "alias" in current
                        and str(current["alias"]).lower().rstrip(".") in domains):
                    leftovers.append(Resource("record", name, current))
    for host, (distribution_id, enabled) in ours.items():
        if ("distribution", host) in wanted:
            continue
        if prune:
            leftovers.append(Resource("distribution", host, {"id": distribution_id, "enabled": enabled}))
        else:
            notes.append(f"the CloudFront distribution {distribution_id} ({host}) is no longer used and is "
                         "kept; `sitepush configure --prune` disables and deletes it")
    return leftovers, notes


def _read_bucket(clients: InfraClients, bucket: str) -> dict[str, Any] | None:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    with translated_aws_errors(action="check the bucket", resource=f"s3://{bucket}"):
        try:
            clients.s3.head_bucket(Bucket=bucket)
        except ClientError as error:
            if _code(error) in ("404", "NoSuchBucket"):
                return None
            if _code(error) in ("403", "AccessDenied"):
                # S3 API Reference, HeadBucket: 403 Forbidden when the bucket exists and "you don't
                # have permission to access it" — another account's bucket, or no s3:ListBucket here.
                raise InfraError(f"the bucket {bucket} exists, but these credentials may not read it: it "
                                 "belongs to another AWS account, or they lack s3:ListBucket on it",
                                 hint="grant s3:ListBucket on it if it is yours; else choose another "
                                      "[deploy] bucket (or domain), bucket names are global") from None
            raise
        location = clients.s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    region = {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)
    return {"region": region, **_read_ownership(clients, bucket)}


def _read_ownership(clients: InfraClients, bucket: str) -> dict[str, Any]:
    found = _call("read the object ownership", f"s3://{bucket}",
                  lambda: clients.s3.get_bucket_ownership_controls(Bucket=bucket),
                  missing=("OwnershipControlsNotFoundError",))
    rules = (found or {}).get("OwnershipControls", {}).get("Rules", [])
    return {"ObjectOwnership": rules[0].get("ObjectOwnership") if rules else None}


def _read_versioning(clients: InfraClients, bucket: str) -> dict[str, Any]:
    found = _call("read versioning", f"s3://{bucket}", lambda: clients.s3.get_bucket_versioning(Bucket=bucket))
    return {"Status": found.get("Status")}


def _read_lifecycle(clients: InfraClients, bucket: str) -> dict[str, Any]:
    rules = _lifecycle_rules(clients, bucket)
    ours = next((rule for rule in rules if rule.get("ID") == LIFECYCLE_RULE_ID), None)
    return {"rule": _normal_rule(ours) if ours else None}


def _lifecycle_rules(clients: InfraClients, bucket: str) -> list[dict[str, Any]]:
    found = _call("read the lifecycle rules", f"s3://{bucket}",
                  lambda: clients.s3.get_bucket_lifecycle_configuration(Bucket=bucket),
                  missing=("NoSuchLifecycleConfiguration",))
    return list((found or {}).get("Rules", []))


def _normal_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {"ID": rule.get("ID"), "Status": rule.get("Status"),
            "Filter": {"Prefix": (rule.get("Filter") or {}).get("Prefix", rule.get("Prefix", ""))},
            "NoncurrentVersionExpiration": {"NoncurrentDays": (rule.get("NoncurrentVersionExpiration") or {}
                                                               ).get("NoncurrentDays")},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": (
                rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")}}


def _read_website(clients: InfraClients, bucket: str) -> dict[str, Any]:
    found = _call("read website hosting", f"s3://{bucket}", lambda: clients.s3.get_bucket_website(Bucket=bucket),
                  missing=("NoSuchWebsiteConfiguration",))
    found = found or {}
    return {"IndexDocument": found.get("IndexDocument"), "ErrorDocument": found.get("ErrorDocument"),
            "RoutingRules": found.get("RoutingRules", []),
            "RedirectAllRequestsTo": found.get("RedirectAllRequestsTo")}


def _read_public_access(clients: InfraClients, bucket: str) -> dict[str, Any]:
    found = _call("read Block Public Access", f"s3://{bucket}",
                  lambda: clients.s3.get_public_access_block(Bucket=bucket),
                  missing=("NoSuchPublicAccessBlockConfiguration",))
    settings = (found or {}).get("PublicAccessBlockConfiguration", {})
    return {name: bool(settings.get(name, False))
            for name in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}


def _read_policy(clients: InfraClients, bucket: str) -> dict[str, Any]:
    found = _call("read the bucket policy", f"s3://{bucket}", lambda: clients.s3.get_bucket_policy(Bucket=bucket),
                  missing=("NoSuchBucketPolicy",))
    return {"policy": json.loads(found["Policy"]) if found else None}


_BUCKET_READERS: dict[str, Callable[[InfraClients, str], dict[str, Any]]] = {
    "versioning": _read_versioning, "lifecycle": _read_lifecycle,
    "website": _read_website, "public-access-block": _read_public_access, "policy": _read_policy,
}


def _read_certificate(clients: InfraClients, known: Known, wanted: Mapping[str, Any]) -> dict[str, Any] | None:
    """The names of ``wanted`` that the known certificate covers (all of them: nothing to request)."""
    if known.certificate_arn is None:
        return None
    described = describe_certificate(clients.acm, known.certificate_arn)
    held = set(described.get("SubjectAlternativeNames") or []) | {str(described.get("DomainName"))}
    return {"covers": sorted(n for n in wanted["covers"] if covers(held, n)),
            "validation": "DNS", "region": CERTIFICATE_REGION}


def _read_records(clients: InfraClients, zone_id: str | None) -> dict[str, dict[str, Any]]:
    if zone_id is None:
        return {}
    records: dict[str, dict[str, Any]] = {}
    paginator = clients.route53.get_paginator("list_resource_record_sets")
    with translated_aws_errors(action="list DNS records", resource=zone_id):
        for page in paginator.paginate(HostedZoneId=zone_id):
            for record in page.get("ResourceRecordSets", []):
                name = f"{record['Type']} {record['Name']}"
                if "AliasTarget" in record:
                    records[name] = {"type": record["Type"], "alias": record["AliasTarget"]["DNSName"],
                                     "zone": record["AliasTarget"]["HostedZoneId"],
                                     "evaluate": bool(record["AliasTarget"].get("EvaluateTargetHealth"))}
                else:
                    values = [r["Value"] for r in record.get("ResourceRecords", [])]
                    records[name] = {"type": record["Type"], "value": values[0] if len(values) == 1 else values,
                                     "ttl": record.get("TTL")}
    return records


def _read_distribution(clients: InfraClients, host: str, distribution_id: str | None) -> dict[str, Any] | None:
    if distribution_id is None:
        return None
    config = _call("read the distribution", host,
                   lambda: clients.cloudfront.get_distribution_config(Id=distribution_id))["DistributionConfig"]
    if not str(config.get("CallerReference", "")).startswith(CALLER_REFERENCE_PREFIX):
        raise InfraError(f"{host} is an alias of the CloudFront distribution {distribution_id}, which sitepush "
                         "did not create", hint="remove the alias there (or turn [cloudfront] off), then rerun")
    return distribution_fields(config)


# -- writing ----------------------------------------------------------------------------------------

def write(clients: InfraClients, change: InfraChange, known: Known, *, certificate_wait: float,
          create_zone: bool, sleep: Callable[[float], None] = time.sleep,
          distribution_wait: float = 1800.0, config: Config | None = None) -> Written:
    """Make one resource as ``change.desired`` says (one call, or a few for a certificate or a CDN).

    Returns what the user must do about it, if anything (a new zone's name servers for the registrar),
    and what the next step must know (a new certificate's ARN).
    """
    kind, name, value = change.kind, change.name, change.desired
    where = f"s3://{name}"
    s3 = clients.s3
    refusal = refusal_of(change, create_zone=create_zone)
    if refusal is not None:
        raise refusal
    if change.action == "delete":
        _delete(clients, change, known, wait=distribution_wait, sleep=sleep)
    elif kind == "bucket" and change.action == "create":
        _create_bucket(clients, name, value["region"])
    elif kind == "bucket":
        _call("set object ownership", where, lambda: s3.put_bucket_ownership_controls(
            Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": value["ObjectOwnership"]}]}))
    elif kind == "versioning":
        _call("turn on versioning", where, lambda: s3.put_bucket_versioning(
            Bucket=name, VersioningConfiguration={"Status": value["Status"]}))
    elif kind == "lifecycle":
        others = [r for r in _lifecycle_rules(clients, name) if r.get("ID") != LIFECYCLE_RULE_ID]
        _call("set the lifecycle rules", where, lambda: s3.put_bucket_lifecycle_configuration(
            Bucket=name, LifecycleConfiguration={"Rules": [*others, value["rule"]]}))
    elif kind == "website":
        _call("set website hosting", where, lambda: s3.put_bucket_website(
            Bucket=name, WebsiteConfiguration={k: v for k, v in value.items() if v}))
    elif kind == "public-access-block":
        _call("set Block Public Access", where, lambda: s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=dict(value)))
    elif kind == "policy":
        if PENDING in json.dumps(value["policy"]):
            raise InfraError(f"the policy of {name} names a distribution that does not exist yet",
                             hint="rerun sitepush configure")
        reader = distribution_to_wait_for(change)
        if reader is not None:
            # The edges still reading the origin the distribution just left need its statement until
            # the move is Deployed everywhere (CloudFront: minutes).
            waited = _wait_deployed(clients, reader, wait=distribution_wait, sleep=sleep)
            _put_policy(clients, name, value["policy"])
            return Written(note=f"waited {waited:.0f} s for the distribution {reader} to be Deployed before "
                                "taking the old origin's reader away" if waited >= 1 else None)
        _put_policy(clients, name, value["policy"])
    elif kind in EDGE_KINDS:
        from sitepush.configurator.edge_aws import write_edge

        if config is None:  # pragma: no cover - apply_config passes it
            raise InfraError(f"sitepush needs the site's configuration to make its {kind}")
        write_edge(clients, change, known, config, sleep=sleep)
    elif kind == "hosted-zone":
        return Written(note=_create_zone(clients, name, allowed=create_zone))
    elif kind == "certificate":
        return Written(certificate_arn=request_certificate(clients.acm, name, value["covers"], sleep=sleep))
    elif kind == "record":
        _upsert_record(clients, known, name, value)
    elif kind == "distribution":
        _put_distribution(clients, known, name, value, certificate_wait=certificate_wait, sleep=sleep)
    else:  # pragma: no cover - desired.py makes only the kinds above
        raise InfraError(f"sitepush cannot make a {kind}")
    return Written()


def _wait_deployed(clients: InfraClients, distribution_id: str, *, wait: float,
                   sleep: Callable[[float], None]) -> float:
    """Seconds waited until the distribution's status is Deployed (InfraError after ``wait``)."""
    started = time.monotonic()
    deadline = started + wait
    for _ in range(int(wait / 15) + 2):
        status = _call("read the distribution", distribution_id, lambda: clients.cloudfront.get_distribution(
            Id=distribution_id))["Distribution"]["Status"]
        if status == "Deployed":
            return time.monotonic() - started
        if time.monotonic() >= deadline:
            break
        sleep(min(15.0, max(0.0, deadline - time.monotonic())))
    raise InfraError(f"the distribution {distribution_id} is still {status} after {wait:.0f} s, and the public "
                     "statement of its bucket stays until it is Deployed", hint="rerun sitepush configure later")


@dataclass(frozen=True)
class Written:
    """What one write tells the next step: a note for the user, a certificate ARN to keep."""

    note: str | None = None
    certificate_arn: str | None = None


def _delete(clients: InfraClients, change: InfraChange, known: Known, *, wait: float,
            sleep: Callable[[float], None]) -> None:
    value = change.desired
    if change.kind == "record":
        record_type, _, record_name = change.name.partition(" ")
        zone_id = known.zone_id
        # Route 53 API Reference, ChangeResourceRecordSets: a DELETE must match the record exactly.
        record = {"Name": record_name, "Type": record_type, "AliasTarget": {
            "HostedZoneId": value["zone"], "DNSName": value["alias"], "EvaluateTargetHealth": value["evaluate"]}}
        _call("delete the DNS record", change.name, lambda: clients.route53.change_resource_record_sets(
            HostedZoneId=zone_id, ChangeBatch={"Comment": "sitepush configure --prune",
                                               "Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]}))
        return
    if change.kind != "distribution":  # pragma: no cover - read_leftovers yields only these two kinds
        raise InfraError(f"sitepush does not delete a {change.kind}")
    distribution_id = str(value["id"])
    cloudfront = clients.cloudfront
    with translated_aws_errors(action="delete the distribution", resource=f"{distribution_id} ({change.name})"):
        current = cloudfront.get_distribution_config(Id=distribution_id)
        etag = current["ETag"]
        if current["DistributionConfig"].get("Enabled"):
            # CloudFront Developer Guide, "Delete a distribution": disable it, wait until its status
            # is Deployed, then delete it with the ETag of the disabled configuration.
            etag = cloudfront.update_distribution(
                Id=distribution_id, IfMatch=etag,
                DistributionConfig={**current["DistributionConfig"], "Enabled": False})["ETag"]
        deadline = time.monotonic() + wait
        for _ in range(int(wait / 15) + 2):
            status = cloudfront.get_distribution(Id=distribution_id)["Distribution"]["Status"]
            if status == "Deployed":
                break
            if time.monotonic() >= deadline:
                raise InfraError(f"the distribution {distribution_id} is disabled but still {status} after "
                                 f"{wait:.0f} s", hint="rerun `sitepush configure --prune` later to delete it")
            sleep(min(15.0, max(0.0, deadline - time.monotonic())))
        cloudfront.delete_distribution(Id=distribution_id, IfMatch=etag)


def _put_policy(clients: InfraClients, bucket: str, policy: Mapping[str, Any]) -> None:
    from botocore.exceptions import ClientError

    with translated_aws_errors(action="put the bucket policy", resource=f"s3://{bucket}"):
        try:
            clients.s3.put_bucket_policy(Bucket=bucket, Policy=policy_json(policy))
        except ClientError as error:
            if _code(error) != "AccessDenied":
                raise
            # The bucket's own Block Public Access was lifted one step before, so an AccessDenied
            # here is the account's (or the organisation's) BlockPublicPolicy: S3 User Guide,
            # "Blocking public access to your Amazon S3 storage" — "PUT Bucket policy calls fail if
            # the specified bucket policy allows public access" when it is on at either level.
            raise InfraError(
                f"S3 refused the public-read policy of {bucket}: the AWS account's Block Public Access "
                "setting blocks public bucket policies (or these credentials lack s3:PutBucketPolicy)",
                hint="turn off BlockPublicPolicy and RestrictPublicBuckets for the account (S3 console → "
                     "Block Public Access settings for this account, or `aws s3control "
                     "put-public-access-block`), then rerun") from None


def _create_bucket(clients: InfraClients, bucket: str, region: str) -> None:
    from botocore.exceptions import ClientError

    params: dict[str, Any] = {"Bucket": bucket, "ObjectOwnership": "BucketOwnerEnforced"}
    if region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    with translated_aws_errors(action="create the bucket", resource=f"s3://{bucket}"):
        try:
            clients.s3.create_bucket(**params)
        except ClientError as error:
            if _code(error) == "BucketAlreadyExists":
                raise InfraError(f"the bucket name {bucket} is taken by another AWS account",
                                 hint="bucket names are global: choose another [deploy] bucket (or domain)"
                                 ) from None
            if _code(error) != "BucketAlreadyOwnedByYou":
                raise


def _create_zone(clients: InfraClients, apex: str, *, allowed: bool) -> str:
    if not allowed:
        raise InfraError(f"no public Route 53 hosted zone for {apex}",
                         hint="create it in Route 53, or set [domain] create_hosted_zone = true")
    created = _call("create the hosted zone", apex, lambda: clients.route53.create_hosted_zone(
        Name=apex, CallerReference=f"sitepush-{uuid.uuid4().hex}"))
    servers = created.get("DelegationSet", {}).get("NameServers", [])
    return f"created the hosted zone {apex}: set its name servers at the registrar: {', '.join(servers)}"


def _upsert_record(clients: InfraClients, known: Known, name: str, value: Mapping[str, Any]) -> None:
    if known.zone_id is None:
        raise InfraError(f"no hosted zone to put {name} in", hint="see the hosted-zone line of the plan")
    record_type, _, record_name = name.partition(" ")
    record: dict[str, Any] = {"Name": record_name, "Type": record_type}
    if "alias" in value:
        if value["alias"] == PENDING:
            raise InfraError(f"{name}: its target does not exist yet", hint="rerun sitepush configure")
        record["AliasTarget"] = {"HostedZoneId": value["zone"], "DNSName": value["alias"],
                                 "EvaluateTargetHealth": False}
    else:
        if value["value"] == PENDING:
            raise InfraError(f"{name}: ACM has not given this validation record yet",
                             hint="rerun `sitepush configure` in a minute")
        record["TTL"] = value["ttl"]
        record["ResourceRecords"] = [{"Value": value["value"]}]
    zone_id = known.zone_id
    _call("UPSERT the DNS record", name, lambda: clients.route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Comment": "sitepush configure",
                                           "Changes": [{"Action": "UPSERT", "ResourceRecordSet": record}]}))


def _put_distribution(clients: InfraClients, known: Known, host: str, value: Mapping[str, Any], *,
                      certificate_wait: float, sleep: Callable[[float], None]) -> None:
    from botocore.exceptions import ClientError

    if known.certificate_arn is None:
        raise InfraError(f"the distribution for {host} needs the certificate first",
                         hint="rerun sitepush configure")
    wait_until_issued(clients.acm, known.certificate_arn, certificate_wait, sleep)
    wanted = {**value, "certificate": known.certificate_arn}
    distribution_id = known.distribution_ids.get(host)
    with translated_aws_errors(action="configure the distribution", resource=host):
        try:
            if distribution_id is None:
                reference = f"{CALLER_REFERENCE_PREFIX}{host} {uuid.uuid4().hex[:12]}"
                clients.cloudfront.create_distribution(DistributionConfig=distribution_config(wanted, reference))
            else:
                current = clients.cloudfront.get_distribution_config(Id=distribution_id)
                merged = {**current["DistributionConfig"],
                          **distribution_config(wanted, current["DistributionConfig"]["CallerReference"])}
                clients.cloudfront.update_distribution(Id=distribution_id, IfMatch=current["ETag"],
                                                       DistributionConfig=merged)
        except ClientError as error:
            if _code(error) == "CNAMEAlreadyExists":
                raise InfraError(f"{host} is already an alias of another CloudFront distribution",
                                 hint="remove it from that distribution's alternate domain names, then rerun"
                                 ) from None
            raise
