"""The optional booking firewall: a WAF rate-based rule on POST /api/bookings in front of
CloudFront, off by default (a web ACL costs money), priced on the cost page, and checked
by `make deploy` before sam would fail late."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load as cfn_load  # type: ignore[import-untyped]

from infra import cost, deploy
from tests.infra.sam_template import TEMPLATE, as_packaged

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = cfn_load(str(TEMPLATE))
    return loaded


def test_the_booking_firewall_is_off_unless_a_rate_is_given(template: dict[str, Any]) -> None:
    param = template["Parameters"]["BookingRateLimit"]
    assert (param["Type"], param["Default"]) == ("Number", 0)
    on = {"Fn::Not": [{"Fn::Equals": [{"Ref": "BookingRateLimit"}, "0"]}]}
    assert template["Conditions"]["HasBookingFirewall"] == on
    acl = template["Resources"]["BookingFirewall"]
    assert (acl["Type"], acl["Condition"]) == ("AWS::WAFv2::WebACL", "HasBookingFirewall")
    dist = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    assert dist["WebACLId"] == {
        "Fn::If": [
            "HasBookingFirewall",
            {"Fn::GetAtt": ["BookingFirewall", "Arn"]},
            {"Ref": "AWS::NoValue"},
        ]
    }


def test_the_rule_limits_only_post_bookings_per_ip_and_answers_429(
    template: dict[str, Any],
) -> None:
    props = template["Resources"]["BookingFirewall"]["Properties"]
    assert props["Scope"] == "CLOUDFRONT" and props["DefaultAction"] == {"Allow": {}}
    (rule,) = props["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["Limit"] == {"Ref": "BookingRateLimit"}
    assert (rate["AggregateKeyType"], rate["EvaluationWindowSec"]) == ("IP", 300)
    matches = {
        next(iter(m["ByteMatchStatement"]["FieldToMatch"])): m["ByteMatchStatement"]
        for m in rate["ScopeDownStatement"]["AndStatement"]["Statements"]
    }
    assert matches["Method"]["SearchString"] == "POST"
    assert matches["UriPath"]["SearchString"] == "/api/bookings"
    assert {m["PositionalConstraint"] for m in matches.values()} == {"EXACTLY"}
    block = rule["Action"]["Block"]["CustomResponse"]
    assert block["ResponseCode"] == 429
    body = props["CustomResponseBodies"][block["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON" and '"error"' in body["Content"]


def test_the_sam_translator_keeps_the_firewall_and_its_condition(
    template: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from samtranslator.translator.transform import transform  # type: ignore[import-untyped]

    class NoIamLookups:
        def load(self) -> dict[str, str]:
            return {}

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    out = transform(as_packaged(template), {"BookingRateLimit": 300}, NoIamLookups())
    assert out["Resources"]["BookingFirewall"]["Condition"] == "HasBookingFirewall"
    assert "HasBookingFirewall" in out["Conditions"]


def test_the_cost_page_states_what_the_firewall_costs() -> None:
    page = (ROOT / "site" / "cost.md").read_text(encoding="utf-8")
    assert "BookingRateLimit" in page and "$5.00 a month" in page
    assert cost.firewall(100) == pytest.approx(6.0, abs=0.01)
    row = next(line for line in page.splitlines() if line.startswith("| Booking firewall"))
    assert row.count("$6.") == 3  # about $6 a month at every volume: the ACL and its rule


def target(region: str, **overrides: str) -> deploy.Target:
    return deploy.Target("default", "keepslot-prod", region, dict(overrides))


def test_make_deploy_refuses_a_firewall_outside_us_east_1_or_under_wafs_minimum() -> None:
    deploy.check_firewall(target("eu-south-1"))  # off: fine anywhere
    deploy.check_firewall(target("eu-south-1", BookingRateLimit="0"))
    deploy.check_firewall(target("us-east-1", BookingRateLimit="100"))
    with pytest.raises(deploy.DeployError, match="us-east-1"):
        deploy.check_firewall(target("eu-south-1", BookingRateLimit="100"))
    with pytest.raises(deploy.DeployError, match="at least 10"):
        deploy.check_firewall(target("us-east-1", BookingRateLimit="5"))
    with pytest.raises(deploy.DeployError, match="whole number"):
        deploy.check_firewall(target("us-east-1", BookingRateLimit="lots"))
