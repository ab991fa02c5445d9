"""A CloudFront DistributionConfig ↔ the fields :mod:`sitepush.configurator.desired` sets (pure).

Two origins: the S3 *website* endpoint as a custom origin (http-only), or the bucket's regional *REST*
endpoint as an S3 origin signed with an Origin Access Control (``[cloudfront] origin = "private"``), with
the viewer-request function and the index document at the root. Only these fields are compared; a
distribution keeps whatever else it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sitepush.configurator.model import UNREPORTED

CALLER_REFERENCE_PREFIX = "sitepush "
"""How sitepush knows the distributions it made: it never touches one it did not."""
COMMENT_LIMIT = 128
ORIGIN_ID = "s3-website"
"""The origin's id inside the distribution (kept for the REST origin too: the cache behaviour names it)."""


def distribution_fields(config: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a DistributionConfig that sitepush sets, in :mod:`.desired`'s shape.

    An origin that reports neither ``S3OriginConfig`` nor ``CustomOriginConfig`` (AWS always returns one:
    CloudFront API Reference, ``Origin``) tells nothing about its protocol or OAC: those are UNREPORTED.
    """
    origin = ((config.get("Origins") or {}).get("Items") or [{}])[0]
    behaviour = config.get("DefaultCacheBehavior") or {}
    certificate = config.get("ViewerCertificate") or {}
    errors = (config.get("CustomErrorResponses") or {}).get("Items") or []
    pages = {int(e.get("ErrorCode", 0)): e.get("ResponsePagePath") for e in errors}
    functions = (behaviour.get("FunctionAssociations") or {}).get("Items") or []
    viewer_request = next((f.get("FunctionARN") for f in functions if f.get("EventType") == "viewer-request"),
                          None)
    reported = "S3OriginConfig" in origin or "CustomOriginConfig" in origin
    return {
        "aliases": list((config.get("Aliases") or {}).get("Items") or []),
        "origin": origin.get("DomainName"),
        "origin_protocol": (origin.get("CustomOriginConfig") or {}).get("OriginProtocolPolicy")
        if reported else UNREPORTED,
        "origin_access_control": (origin.get("OriginAccessControlId") or None) if reported else UNREPORTED,
        "default_root_object": config.get("DefaultRootObject") or "",
        "certificate": certificate.get("ACMCertificateArn"),
        "ssl_support": certificate.get("SSLSupportMethod"),
        "minimum_protocol": certificate.get("MinimumProtocolVersion"),
        "viewer_protocol": behaviour.get("ViewerProtocolPolicy"),
        "cache_policy": behaviour.get("CachePolicyId"),
        "compress": bool(behaviour.get("Compress")),
        "ipv6": bool(config.get("IsIPV6Enabled")),
        "price_class": config.get("PriceClass"),
        "error_404": pages.get(404),
        "error_403": pages.get(403),
        "function": viewer_request,
        "response_headers_policy": behaviour.get("ResponseHeadersPolicyId") or None,
        "enabled": bool(config.get("Enabled")),
    }


def distribution_config(value: Mapping[str, Any], caller_reference: str) -> dict[str, Any]:
    """A whole DistributionConfig from :mod:`.desired`'s fields (``certificate`` must be an ARN)."""
    origin: dict[str, Any] = {"Id": ORIGIN_ID, "DomainName": value["origin"]}
    if value.get("origin_access_control"):
        # CloudFront API Reference, S3OriginConfig: "OriginAccessIdentity … If you're using origin access
        # control (OAC) instead of origin access identity, specify an empty OriginAccessIdentity element."
        origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
        origin["OriginAccessControlId"] = value["origin_access_control"]
    else:
        origin["CustomOriginConfig"] = {"HTTPPort": 80, "HTTPSPort": 443,
                                        "OriginProtocolPolicy": value["origin_protocol"]}
        origin["OriginAccessControlId"] = ""
    behaviour: dict[str, Any] = {
        "TargetOriginId": ORIGIN_ID, "ViewerProtocolPolicy": value["viewer_protocol"],
        "CachePolicyId": value["cache_policy"], "Compress": value["compress"],
        "AllowedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"],
                           "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]}},
        "FunctionAssociations": {"Quantity": 0, "Items": []}}
    if value.get("function"):
        behaviour["FunctionAssociations"] = {"Quantity": 1, "Items": [
            {"FunctionARN": value["function"], "EventType": "viewer-request"}]}
    if value.get("response_headers_policy"):
        behaviour["ResponseHeadersPolicyId"] = value["response_headers_policy"]
    config: dict[str, Any] = {
        "CallerReference": caller_reference,
        "Aliases": {"Quantity": len(value["aliases"]), "Items": list(value["aliases"])},
        "DefaultRootObject": value["default_root_object"],
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": behaviour,
        # CloudFront API Reference, DistributionConfig: "Comment … The comment cannot be longer than
        # 128 characters." A host name may have 253.
        "Comment": f"sitepush: {value['aliases'][0]}"[:COMMENT_LIMIT],
        "PriceClass": value["price_class"],
        "Enabled": value["enabled"],
        "ViewerCertificate": {"ACMCertificateArn": value["certificate"], "SSLSupportMethod": value["ssl_support"],
                              "MinimumProtocolVersion": value["minimum_protocol"]},
        "HttpVersion": "http2and3",
        "IsIPV6Enabled": value["ipv6"],
    }
    errors = [{"ErrorCode": code, "ResponsePagePath": value[field], "ResponseCode": "404", "ErrorCachingMinTTL": 60}
              for code, field in ((403, "error_403"), (404, "error_404")) if value.get(field)]
    config["CustomErrorResponses"] = {"Quantity": len(errors), "Items": errors} if errors else {"Quantity": 0}
    return config
