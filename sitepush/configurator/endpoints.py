"""Region → S3 website endpoint → the Route 53 hosted zone id an alias record to it must name.

Source: AWS General Reference, "Amazon Simple Storage Service endpoints and quotas", table "Amazon S3
website endpoints" (https://docs.aws.amazon.com/general/latest/gr/s3.html#s3_website_region_endpoints).
The older regions use a dash (``s3-website-us-east-1``), newer ones a dot (``s3-website.eu-west-3``);
the table cannot be derived from the region name, so it is written out. A region missing here is
refused before anything is written (an alias to a guessed zone id would never resolve). An alias to CloudFront names
the fixed zone :data:`CLOUDFRONT_HOSTED_ZONE_ID` (Route 53 API Reference, ``AliasTarget``).
"""

from __future__ import annotations

from sitepush.errors import ConfigError

CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"

_DASH = "-"
_DOT = "."

WEBSITE_ENDPOINTS: dict[str, tuple[str, str]] = {
    # region: (separator after "s3-website", hosted zone id)
    "us-east-1": (_DASH, "Z3AQBSTGFYJSTF"),
    "us-east-2": (_DOT, "Z2O1EMRO9K5GLX"),
    "us-west-1": (_DASH, "Z2F56UZL2M1ACD"),
    "us-west-2": (_DASH, "Z3BJ6K6RIION7M"),
    "af-south-1": (_DOT, "Z83WF9RJE8B12"),
    "ap-east-1": (_DOT, "ZNB98KWMFR0R6"),
    "ap-south-1": (_DOT, "Z11RGJOFQNVJUP"),
    "ap-northeast-1": (_DASH, "Z2M4EHUR26P7ZW"),
    "ap-northeast-2": (_DOT, "Z3W03O7B5YMIYP"),
    "ap-northeast-3": (_DOT, "Z2YQB5RD63NC85"),
    "ap-southeast-1": (_DASH, "Z3O0J2DXBE1FTB"),
    "ap-southeast-2": (_DASH, "Z1WCIGYICN2BYD"),
    "ca-central-1": (_DOT, "Z1QDHH18159H29"),
    "eu-central-1": (_DOT, "Z21DNDUVLTQW6Q"),
    "eu-west-1": (_DASH, "Z1BKCTXD74EZPE"),
    "eu-west-2": (_DOT, "Z3GKZC51ZF0DB4"),
    "eu-west-3": (_DOT, "Z3R1K369G5AVDG"),
    "eu-north-1": (_DOT, "Z3BAZG2TWCNX0D"),
    "eu-south-1": (_DOT, "Z30OZKI7KPW7MI"),
    "me-south-1": (_DOT, "Z1MPMWCPA7YB62"),
    "sa-east-1": (_DASH, "Z7KQH4QJS55SO"),
    # The regions opened since 2022 (all dot style), from the same table.
    "ap-south-2": (_DOT, "Z02976202B4EZMXIPMXF7"),
    "ap-southeast-3": (_DOT, "Z01846753K324LI26A3VV"),
    "ap-southeast-4": (_DOT, "Z0312387243XT5FE14WFO"),
    "ap-southeast-5": (_DOT, "Z08660063OXLMA7F1FJHU"),
    "ca-west-1": (_DOT, "Z03565811Z33SLEZTHOUL"),
    "eu-central-2": (_DOT, "Z030506016YDQGETNASS"),
    "eu-south-2": (_DOT, "Z0081959F7139GRJC19J"),
    "il-central-1": (_DOT, "Z09640613K4A3MN55U7GU"),
    "me-central-1": (_DOT, "Z06143092I8HRXZRUZROF"),
    # AWS GovCloud (US): the same table's GovCloud rows (AWS GovCloud (US) User Guide, "Amazon S3").
    "us-gov-east-1": (_DOT, "Z2NIFVYYW2VKV1"),
    "us-gov-west-1": (_DASH, "Z31GFT0UA1I2HV"),
}


def website_endpoint(region: str) -> str:
    """The S3 website endpoint host of ``region``, e.g. ``s3-website-us-east-1.amazonaws.com``."""
    separator, _ = _row(region)
    return f"s3-website{separator}{region}.amazonaws.com"


def website_hosted_zone_id(region: str) -> str:
    """The hosted zone id of ``region``'s S3 website endpoint, for Route 53 alias records."""
    return _row(region)[1]


def bucket_website_host(bucket: str, region: str) -> str:
    """The website host of one bucket: ``BUCKET.s3-website-REGION.amazonaws.com``."""
    return f"{bucket}.{website_endpoint(region)}"


def _row(region: str) -> tuple[str, str]:
    try:
        return WEBSITE_ENDPOINTS[region]
    except KeyError:
        raise ConfigError(f"region {region!r} has no S3 website endpoint in sitepush's table",
                          file="sitepush.toml",
                          hint=f"use one of {', '.join(sorted(WEBSITE_ENDPOINTS))} for [deploy] region"
                          ) from None
