"""The edge resources of a site through boto3: Origin Access Control, CloudFront Function, KeyValueStore,
response headers policy (the configurator's I/O for ``[cloudfront] origin = "private"`` and headers).

::

    discover_edge(clients, known, host) → Known with the OAC id, function ARN, store ARN, policy id
    read_edge(clients, resource, known) → the fields sitepush sets, None, or {UNSERVED: why}
    write_edge(clients, change, known, config) → create / update (+ publish) one of them

The requests are built by pure functions (``*_request``) that the tests validate against botocore's
service model. An endpoint that does not answer an API at all (an emulator: moto 5.2 has no CloudFront
Functions, KeyValueStore or response headers policies) is recognised by its answer — a 404 without an
AWS error code, a 501, ``NotImplemented`` — never by its name: the resource is then *unserved*, shown in
the plan and not written, and the distribution is configured without it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sitepush.aws import translated_aws_errors
from sitepush.configurator._aws_calls import call as _call
from sitepush.configurator._aws_calls import code
from sitepush.configurator.desired import FUNCTION_RUNTIME, Known, edge_name
from sitepush.configurator.model import UNSERVED, InfraChange, Resource
from sitepush.errors import InfraError

if TYPE_CHECKING:
    from sitepush.config import Config

_UNSERVED_CODES = ("NotImplemented", "UnsupportedOperation", "InvalidAction")
STORE_WAIT = 120.0
"""Seconds to wait for a new KeyValueStore to be READY (CloudFront: "usually a few seconds")."""
UPDATE_KEYS_BATCH = 50
"""Keys per UpdateKeys call: sitepush keeps each batch small (the API takes up to 3 MB of payload)."""


def unserved_reason(error: Exception, operation: str) -> str | None:
    """Why ``error`` says the endpoint has no such API (None: an ordinary AWS error).

    AWS answers every CloudFront request it knows with an XML error carrying a code; an endpoint that
    routes no such path answers a bare 404 (botocore then reports the status as the code) or 501.
    """
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if status == 501 or code in _UNSERVED_CODES or (status == 404 and code in ("404", "NotFound", "")):
        return f"this endpoint does not serve {operation} (it answered {status or code} without an AWS error code)"
    return None


def _probe(operation: str, request: Callable[[], Any], missing: tuple[str, ...]) -> tuple[Any, str | None]:
    """``(answer, None)``, ``(None, None)`` when missing, ``(None, why)`` when the API is unserved."""
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]

    with translated_aws_errors(action=f"read {operation}", resource=operation):
        try:
            return request(), None
        except ClientError as error:
            if code(error) in missing:
                return None, None
            why = unserved_reason(error, operation)
            if why is None:
                raise
            return None, why


# -- the requests (pure) ----------------------------------------------------------------------------

def oac_request(name: str) -> dict[str, Any]:
    """CreateOriginAccessControl: SigV4, always signing, for an S3 origin (CloudFront Developer Guide,
    "Restrict access to an Amazon S3 origin")."""
    return {"OriginAccessControlConfig": {
        "Name": name, "Description": "sitepush: CloudFront reads the private site bucket",
        "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}}


def function_config(store_arn: str | None) -> dict[str, Any]:
    """A FunctionConfig: cloudfront-js-2.0, associated with the store when there is one (the code then
    reads it with ``cf.kvs()``, which needs exactly one associated store)."""
    config: dict[str, Any] = {"Comment": "sitepush: index documents and redirects", "Runtime": FUNCTION_RUNTIME}
    if store_arn:
        config["KeyValueStoreAssociations"] = {"Quantity": 1, "Items": [{"KeyValueStoreARN": store_arn}]}
    return config


def create_function_request(name: str, code: str, store_arn: str | None) -> dict[str, Any]:
    return {"Name": name, "FunctionConfig": function_config(store_arn), "FunctionCode": code.encode("utf-8")}


def update_function_request(name: str, etag: str, code: str, store_arn: str | None) -> dict[str, Any]:
    return {"Name": name, "IfMatch": etag, "FunctionConfig": function_config(store_arn),
            "FunctionCode": code.encode("utf-8")}


def store_request(name: str) -> dict[str, Any]:
    return {"Name": name, "Comment": "sitepush: the redirect table of the site's function"}


def update_keys_requests(arn: str, puts: Mapping[str, str], deletes: tuple[str, ...] | list[str]
                         ) -> list[dict[str, Any]]:
    """UpdateKeys calls (``IfMatch`` filled in one after the other) for the given puts and deletes."""
    items: list[tuple[str, str | None]] = [*sorted(puts.items()), *((key, None) for key in sorted(deletes))]
    batches = []
    for start in range(0, len(items), UPDATE_KEYS_BATCH):
        chunk = items[start:start + UPDATE_KEYS_BATCH]
        request: dict[str, Any] = {"KvsARN": arn, "IfMatch": ""}
        put = [{"Key": k, "Value": v} for k, v in chunk if v is not None]
        delete = [{"Key": k} for k, v in chunk if v is None]
        if put:
            request["Puts"] = put
        if delete:
            request["Deletes"] = delete
        batches.append(request)
    return batches


# -- discovery and reads ----------------------------------------------------------------------------

def discover_edge(clients: Any, known: Known, host: str, *, private: bool, headers: bool) -> Known:
    """``known`` with the site's OAC id, function ARN, store ARN and headers policy id (what exists)."""
    cloudfront = clients.cloudfront
    name = edge_name(host)
    unserved: dict[str, str] = {}
    oac = function = store = policy = None
    if private:
        listed, why = _probe("ListOriginAccessControls", lambda: cloudfront.list_origin_access_controls(), ())
        if why:
            unserved["origin-access-control"] = why
        items = ((listed or {}).get("OriginAccessControlList") or {}).get("Items") or []
        oac = next((item["Id"] for item in items if item.get("Name") == name), None)
        described, why = _probe("DescribeFunction", lambda: cloudfront.describe_function(Name=name),
                                ("NoSuchFunctionExists",))
        if why:
            unserved["function"] = why
        function = ((described or {}).get("FunctionSummary") or {}).get("FunctionMetadata", {}).get("FunctionARN")
        found, why = _probe("DescribeKeyValueStore", lambda: cloudfront.describe_key_value_store(Name=name),
                            ("EntityNotFound",))
        if why:
            unserved["key-value-store"] = why
        store = ((found or {}).get("KeyValueStore") or {}).get("ARN")
    if headers:
        policy, why = _find_headers_policy(cloudfront, name)
        if why:
            unserved["response-headers-policy"] = why
    return replace(known, origin_access_control=oac, function_arn=function, store_arn=store,
                   headers_policy_id=policy, unserved=unserved)


def _find_headers_policy(cloudfront: Any, name: str) -> tuple[str | None, str | None]:
    listed, why = _probe("ListResponseHeadersPolicies",
                         lambda: cloudfront.list_response_headers_policies(Type="custom"), ())
    items = ((listed or {}).get("ResponseHeadersPolicyList") or {}).get("Items") or []
    for item in items:
        policy = item.get("ResponseHeadersPolicy") or {}
        if (policy.get("ResponseHeadersPolicyConfig") or {}).get("Name") == name:
            return str(policy["Id"]), None
    return None, why


def read_edge(clients: Any, resource: Resource, known: Known) -> dict[str, Any] | None:
    """The current fields of one edge resource, None when it does not exist, ``{UNSERVED: why}``."""
    kind, name = resource.ref
    cloudfront = clients.cloudfront
    if kind in known.unserved:
        return {UNSERVED: f"{known.unserved[kind]}; not made here (on AWS it is)"}
    if kind == "origin-access-control":
        if known.origin_access_control is None:
            return None
        listed = _call("list origin access controls", name, lambda: cloudfront.list_origin_access_controls())
        items = (listed.get("OriginAccessControlList") or {}).get("Items") or []
        item = next((i for i in items if i.get("Id") == known.origin_access_control), None)
        return None if item is None else {k: item.get(k) for k in resource.value}
    if kind == "function":
        if known.function_arn is None:
            return None
        live, _ = _probe("DescribeFunction", lambda: cloudfront.describe_function(Name=name, Stage="LIVE"),
                         ("NoSuchFunctionExists",))
        development = _call("describe the function", name, lambda: cloudfront.describe_function(Name=name))
        runtime = development["FunctionSummary"]["FunctionConfig"].get("Runtime")
        return {"runtime": runtime, "published": live is not None}
    if kind == "key-value-store":
        if known.store_arn is None:
            return None
        found = _call("describe the key value store", name,
                      lambda: cloudfront.describe_key_value_store(Name=name))
        return {"status": found["KeyValueStore"].get("Status")}
    if kind == "response-headers-policy":
        if known.headers_policy_id is None:
            return None
        policy_id = known.headers_policy_id
        found = _call("read the response headers policy", name,
                      lambda: cloudfront.get_response_headers_policy_config(Id=policy_id))
        return {"config": projected(found["ResponseHeadersPolicyConfig"], resource.value["config"])}
    return None  # pragma: no cover - desired.py makes only the kinds above


def projected(actual: Any, wanted: Any) -> Any:
    """``actual`` cut down to the keys ``wanted`` has (CloudFront hands back defaults sitepush never set)."""
    if isinstance(actual, Mapping) and isinstance(wanted, Mapping):
        return {k: projected(actual.get(k), v) for k, v in wanted.items()}
    if isinstance(actual, list) and isinstance(wanted, list) and len(actual) == len(wanted):
        return [projected(a, w) for a, w in zip(actual, wanted)]
    return actual


# -- writes -----------------------------------------------------------------------------------------

def write_edge(clients: Any, change: InfraChange, known: Known, config: Config, *,
               sleep: Callable[[float], None] = time.sleep) -> None:
    """Create or update one edge resource (a function is published after every change)."""
    kind, name = change.kind, change.name
    cloudfront = clients.cloudfront
    if kind == "origin-access-control":
        request = oac_request(name)
        if known.origin_access_control is None:
            _call("create the origin access control", name,
                  lambda: cloudfront.create_origin_access_control(**request))
        else:
            oac_id = known.origin_access_control
            etag = _call("read the origin access control", name,
                         lambda: cloudfront.get_origin_access_control(Id=oac_id))["ETag"]
            _call("update the origin access control", name, lambda: cloudfront.update_origin_access_control(
                Id=oac_id, IfMatch=etag, **request))
    elif kind == "key-value-store":
        created = _call("create the key value store", name,
                        lambda: cloudfront.create_key_value_store(**store_request(name)))
        arn = created["KeyValueStore"]["ARN"]
        _wait_ready(cloudfront, name, sleep)
        from sitepush.edge import edge_code, edge_table

        entries = edge_code(edge_table(config)).store_entries or {}
        fill_store(clients.keyvaluestore, arn, {}, entries)
    elif kind == "function":
        _write_function(clients, change, known, config)
    elif kind == "response-headers-policy":
        policy = change.desired["config"]
        if known.headers_policy_id is None:
            _call("create the response headers policy", name, lambda: cloudfront.create_response_headers_policy(
                ResponseHeadersPolicyConfig=policy))
        else:
            policy_id = known.headers_policy_id
            etag = _call("read the response headers policy", name,
                         lambda: cloudfront.get_response_headers_policy_config(Id=policy_id))["ETag"]
            _call("update the response headers policy", name, lambda: cloudfront.update_response_headers_policy(
                Id=policy_id, IfMatch=etag, ResponseHeadersPolicyConfig=policy))
    else:  # pragma: no cover - desired.py makes only the kinds above
        raise InfraError(f"sitepush cannot make a {kind}")


def _write_function(clients: Any, change: InfraChange, known: Known, config: Config) -> None:
    from sitepush.edge import edge_code, edge_table

    cloudfront = clients.cloudfront
    name = change.name
    code = edge_code(edge_table(config))
    if code.store_entries is not None and known.store_arn is None:
        raise InfraError(f"the function {name} needs its key value store first", hint="rerun sitepush configure")
    store = known.store_arn if code.store_entries is not None else None
    if known.function_arn is None:
        etag = _call("create the function", name, lambda: cloudfront.create_function(
            **create_function_request(name, code.code, store)))["ETag"]
    else:
        described = _call("describe the function", name, lambda: cloudfront.describe_function(Name=name))
        etag = described["ETag"]
        current = described["FunctionSummary"].get("FunctionConfig") or {}
        if current.get("Runtime") != FUNCTION_RUNTIME:
            # The code (deploy's) and the store association are kept; only the runtime is set.
            found = _call("read the function", name, lambda: cloudfront.get_function(Name=name))
            items = (current.get("KeyValueStoreAssociations") or {}).get("Items") or []
            request = update_function_request(name, etag, found["FunctionCode"].read().decode("utf-8"),
                                              items[0]["KeyValueStoreARN"] if items else None)
            etag = _call("update the function", name, lambda: cloudfront.update_function(**request))["ETag"]
    # CloudFront Developer Guide, "Publish functions": a distribution runs the LIVE stage only.
    _call("publish the function", name, lambda: cloudfront.publish_function(Name=name, IfMatch=etag))


def _wait_ready(cloudfront: Any, name: str, sleep: Callable[[float], None]) -> None:
    deadline = time.monotonic() + STORE_WAIT
    for _ in range(int(STORE_WAIT) + 1):
        status = _call("describe the key value store", name,
                       lambda: cloudfront.describe_key_value_store(Name=name))["KeyValueStore"].get("Status")
        if status == "READY":
            return
        if time.monotonic() >= deadline:
            break
        sleep(1.0)
    raise InfraError(f"the key value store {name} is not READY after {STORE_WAIT:.0f} s",
                     hint="rerun sitepush configure in a minute")


def fill_store(keyvaluestore: Any, arn: str, current: Mapping[str, str], desired: Mapping[str, str]) -> int:
    """Make the store hold ``desired`` with the fewest writes (:func:`sitepush.edge.store_writes`), each
    UpdateKeys with the ETag the last one returned (``IfMatch``); returns the keys written."""
    from sitepush.edge import store_writes

    writes = store_writes(current, desired)
    requests = update_keys_requests(arn, dict(writes.puts), list(writes.deletes))
    if not requests:
        return 0
    etag = _call("describe the key value store", arn,
                 lambda: keyvaluestore.describe_key_value_store(KvsARN=arn))["ETag"]
    for request in requests:
        sent = {**request, "IfMatch": etag}
        etag = _call("update the key value store", arn, lambda: keyvaluestore.update_keys(**sent))["ETag"]
    return len(writes.puts) + len(writes.deletes)


def store_keys(keyvaluestore: Any, arn: str) -> dict[str, str]:
    """Every key and value of the store (ListKeys, 50 a page)."""
    keys: dict[str, str] = {}
    token: str | None = None
    for _ in range(100_000):
        params: dict[str, Any] = {"KvsARN": arn, "MaxResults": 50, **({"NextToken": token} if token else {})}
        page = _call("list the key value store", arn, lambda: keyvaluestore.list_keys(**params))
        keys.update({item["Key"]: item["Value"] for item in page.get("Items", [])})
        token = page.get("NextToken")
        if not token:
            break
    return keys
