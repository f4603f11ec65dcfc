"""template.yaml gives the API its callers' real addresses (holds.per_ip) behind CloudFront,
under the header names and the secret keepslot/handlers/viewer.py reads."""

from __future__ import annotations

from typing import Any

import pytest

from keepslot.handlers.viewer import EDGE_HEADER, VIEWER_HEADER
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
    assert header["HeaderValue"] == {
        "Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]
    }
