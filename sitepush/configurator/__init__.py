"""The AWS side of a website — the configurator: bucket, website hosting, public access, certificate,
CDN, DNS.

::

    sitepush.toml → Config
    discover(clients, apex, hosts) → Known                 zone id, certificate ARN, distribution ids
    desired_resources(config, known) → [Resource]          pure: what the site needs
    read_actual(clients, desired, known) → state           Get/List/Head/Describe only
    plan_infra(desired, state) → InfraPlan                 pure: + create, ~ update, = unchanged
    apply_config → write(change) one step at a time         the only writes, in dependency order
    dns_check: Expectation (Route 53) + Answers (dnspython) → [Finding]

Decisions are pure functions (the policy a bucket gets, the order of changes); the I/O that reads and
applies AWS state lives beside them. Importing this package imports neither boto3 nor dnspython.
"""

from sitepush.configurator.aws_state import InfraClients, discover, read_actual, write
from sitepush.configurator.configure import ConfigureOptions, apply_config, plan_for
from sitepush.configurator.desired import Known, desired_resources, hosts_of, site_bucket_of
from sitepush.configurator.dns_check import (
    Answers,
    DnsProbe,
    Expectation,
    Finding,
    check,
    expectation_from_route53,
    parse_server,
    render,
)
from sitepush.configurator.model import InfraChange, InfraPlan, Resource
from sitepush.configurator.plan import plan_infra
from sitepush.configurator.policy import website_bucket_policy

__all__ = [
    "Answers",
    "ConfigureOptions",
    "DnsProbe",
    "Expectation",
    "Finding",
    "InfraChange",
    "InfraClients",
    "InfraPlan",
    "Known",
    "Resource",
    "apply_config",
    "check",
    "desired_resources",
    "discover",
    "expectation_from_route53",
    "hosts_of",
    "parse_server",
    "plan_for",
    "plan_infra",
    "read_actual",
    "render",
    "site_bucket_of",
    "website_bucket_policy",
    "write",
]
