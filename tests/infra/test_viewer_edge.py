"""template.yaml gives the API its callers' real addresses (holds.per_ip) behind CloudFront,
under the header names and the secret keepslot/handlers/network.py reads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from keepslot.handlers.network import EDGE_HEADER, VIEWER_HEADER
from tests.infra import policy_model as pm


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return pm.load()


def _distribution(template: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = template["Resources"]["Distribution"]["Properties"][
        "DistributionConfig"
    ]
    return config


def test_every_api_request_passes_the_viewer_address_function(template: dict[str, Any]) -> None:
    (api,) = _distribution(template)["CacheBehaviors"]
    assert api["FunctionAssociations"] == [
        {
            "EventType": "viewer-request",
            "FunctionARN": {"Fn::GetAtt": ["ViewerAddress", "FunctionMetadata.FunctionARN"]},
        }
    ]
    code = template["Resources"]["ViewerAddress"]["Properties"]["FunctionCode"]
    # Set (not appended) from what CloudFront saw: a caller's own value is replaced.
    assert f"request.headers['{VIEWER_HEADER}'] = {{value: event.viewer.ip}};" in code


def test_the_api_origin_carries_the_secret_the_functions_compare(template: dict[str, Any]) -> None:
    origin = next(o for o in _distribution(template)["Origins"] if o["Id"] == "api")
    [header] = origin["OriginCustomHeaders"]
    assert header["HeaderName"] == EDGE_HEADER
    for name, props in pm.functions(template).items():
        assert props["Environment"]["Variables"]["EDGE_SECRET"] == header["HeaderValue"], name
    # Not the stack id (which anyone who can describe the stack reads): a random value
    # that make deploy puts in SSM, resolved by CloudFormation at deploy time.
    assert header["HeaderValue"] == {"Fn::Sub": "{{resolve:ssm:${EdgeSecretParam}}}"}
    assert "StackId" not in json.dumps(template["Globals"])


def test_make_deploy_generates_the_edge_secret_once(moto_aws: None) -> None:
    import boto3

    from infra.deploy import secret_names
    from infra.deploy_secrets import ensure_secrets

    ssm = boto3.client("ssm", region_name="eu-south-1")
    names = secret_names({})
    ensure_secrets(ssm, names, {})
    param = ssm.get_parameter(Name=names["EdgeSecretParam"])["Parameter"]
    assert param["Name"] == "/keepslot/edge-secret"
    assert param["Type"] == "String"  # what {{resolve:ssm:...}} can read
    assert len(param["Value"]) >= 40
    ensure_secrets(ssm, names, {})  # a later deploy keeps it: CloudFront and the API agree
    assert ssm.get_parameter(Name=names["EdgeSecretParam"])["Parameter"]["Value"] == param["Value"]
