"""template.yaml around the table: functions, roles' shape, the HTTP API, the clock,
the site's bucket and CloudFront, alarms and outputs, read from the template and
from what the SAM translator makes of it (tests/infra/test_template.py lints it
and checks the table)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load as cfn_load  # type: ignore[import-untyped]

from tests.infra.sam_template import TEMPLATE, as_packaged


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = cfn_load(str(TEMPLATE))
    return loaded


ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ("Api", "Webhook", "Clock", "Dispatcher")
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


@pytest.fixture(scope="module")
def transformed(template: dict[str, Any]) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    class NoIamLookups:
        def load(self) -> dict[str, str]:
            return {}

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_DEFAULT_REGION", "eu-south-1")
        out: dict[str, Any] = transform(as_packaged(template), {}, NoIamLookups())
    return out


def _of_type(doc: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in doc["Resources"].items() if r["Type"] == kind}


def test_sam_adds_no_roles_or_managed_policies_of_its_own(transformed: dict[str, Any]) -> None:
    roles = _of_type(transformed, "AWS::IAM::Role")
    assert set(roles) == {f"{f}Role" for f in FUNCTIONS} | {"ClockSchedulerRole"}
    assert not [r for r in roles.values() if "ManagedPolicyArns" in r["Properties"]]


def test_functions_run_python_313_on_arm64_with_sized_memory_and_timeouts(
    transformed: dict[str, Any],
) -> None:
    functions = _of_type(transformed, "AWS::Lambda::Function")
    assert set(functions) == set(FUNCTIONS)
    for name, fn in functions.items():
        props = fn["Properties"]
        assert props["Runtime"] == "python3.13" and props["Architectures"] == ["arm64"], name
        # Past 1,769 MB (one vCPU) single-threaded Python gains nothing for the money.
        assert 128 <= props["MemorySize"] <= 1769 and 1 <= props["Timeout"] <= 60, name
        assert "Layers" not in props, "Powertools is packaged in the zip (pinned), not a layer"
        assert props["LoggingConfig"]["LogGroup"] == {"Ref": f"{name}LogGroup"}
    # The API answers people: more memory is more CPU is a shorter cold start.
    assert (
        functions["Api"]["Properties"]["MemorySize"]
        > functions["Clock"]["Properties"]["MemorySize"]
    )
    # API Gateway gives up after 30 s: the API must finish well before.
    assert functions["Api"]["Properties"]["Timeout"] <= 15


def test_log_groups_expire(template: dict[str, Any]) -> None:
    groups = _of_type(template, "AWS::Logs::LogGroup")
    assert len(groups) == 5
    assert all(g["Properties"]["RetentionInDays"] <= 90 for g in groups.values())


def test_http_api_stage_throttles_and_logs(transformed: dict[str, Any]) -> None:
    (stage,) = _of_type(transformed, "AWS::ApiGatewayV2::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "$default"  # no stage prefix: CloudFront's /api/* maps 1:1
    assert props["RouteSettings"]["POST /api/bookings"]["ThrottlingRateLimit"] > 0
    assert props["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0
    assert props["AccessLogSettings"]["DestinationArn"] == {
        "Fn::GetAtt": ["HttpApiAccessLogGroup", "Arn"]
    }


def test_access_logs_carry_no_query_string_headers_or_caller(template: dict[str, Any]) -> None:
    fmt = template["Resources"]["HttpApi"]["Properties"]["AccessLogSettings"]["Format"]
    fields = json.loads(fmt)  # one JSON object per request
    assert {"requestId", "route", "status"} <= set(fields)
    for forbidden in ("querystring", "header", "authorizer", "identity", "$context.path"):
        assert forbidden not in fmt.lower(), forbidden


def test_webhook_route_goes_to_its_own_function(template: dict[str, Any]) -> None:
    webhook = template["Resources"]["Webhook"]["Properties"]
    assert webhook["Handler"] == "keepslot.handlers.webhook.handler"
    (event,) = webhook["Events"].values()
    assert event["Properties"]["Path"] == "/api/payments/stripe"
    assert event["Properties"]["Method"] == "POST"


def test_dispatcher_reads_the_stream_with_retries_bisection_and_a_dlq(
    transformed: dict[str, Any],
) -> None:
    (mapping,) = _of_type(transformed, "AWS::Lambda::EventSourceMapping").values()
    props = mapping["Properties"]
    assert props["EventSourceArn"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert props["FunctionName"] == {"Ref": "Dispatcher"}
    assert props["BisectBatchOnFunctionError"] is True
    assert 1 <= props["MaximumRetryAttempts"] <= 10
    assert 1 <= props["BatchSize"] <= 1000
    assert props["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": ["DispatcherDLQ", "Arn"]
    }


def test_dispatcher_wakes_only_for_new_outbox_items(transformed: dict[str, Any]) -> None:
    (mapping,) = _of_type(transformed, "AWS::Lambda::EventSourceMapping").values()
    (only,) = mapping["Properties"]["FilterCriteria"]["Filters"]
    pattern = json.loads(only["Pattern"])
    assert pattern == {
        "eventName": ["INSERT"],
        "dynamodb": {"Keys": {"PK": {"S": [{"prefix": "OUTBOX#"}]}}},
    }


def test_clock_runs_every_minute_with_retries_and_a_dlq(template: dict[str, Any]) -> None:
    schedule = template["Resources"]["ClockSchedule"]["Properties"]
    assert schedule["ScheduleExpression"] == "rate(1 minute)"
    target = schedule["Target"]
    assert target["Arn"] == {"Fn::GetAtt": ["Clock", "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["ClockDLQ", "Arn"]}
    clock = template["Resources"]["Clock"]["Properties"]
    assert clock["EventInvokeConfig"]["MaximumRetryAttempts"] == 0  # the next tick is the retry


def test_scheduler_may_invoke_the_clock_and_feed_its_dlq_only(template: dict[str, Any]) -> None:
    role = template["Resources"]["ClockSchedulerRole"]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    (policy,) = role["Policies"]
    granted = {
        (s["Action"], json.dumps(s["Resource"])) for s in policy["PolicyDocument"]["Statement"]
    }
    assert granted == {
        ("lambda:InvokeFunction", json.dumps({"Fn::GetAtt": ["Clock", "Arn"]})),
        ("sqs:SendMessage", json.dumps({"Fn::GetAtt": ["ClockDLQ", "Arn"]})),
    }


def _distribution(template: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = template["Resources"]["Distribution"]["Properties"][
        "DistributionConfig"
    ]
    return config


def test_site_origin_is_the_private_bucket_through_oac(template: dict[str, Any]) -> None:
    dist = _distribution(template)
    site = next(o for o in dist["Origins"] if o["Id"] == "site")
    assert site["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert site["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert site["S3OriginConfig"] == {"OriginAccessIdentity": ""}  # OAC, not the legacy OAI
    assert dist["DefaultRootObject"] == "index.html"
    assert dist["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_api_behaviour_forwards_everything_and_caches_nothing(template: dict[str, Any]) -> None:
    dist = _distribution(template)
    (api,) = dist["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*"
    assert api["TargetOriginId"] == "api"
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(api["AllowedMethods"]) == {
        "GET",
        "HEAD",
        "OPTIONS",
        "PUT",
        "PATCH",
        "POST",
        "DELETE",
    }
    origin = next(o for o in dist["Origins"] if o["Id"] == "api")
    assert origin["DomainName"] == {
        "Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"


def test_bucket_policy_lets_only_this_distribution_read(template: dict[str, Any]) -> None:
    statements = template["Resources"]["SiteBucketPolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    allow = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allow) == 1
    assert allow[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow[0]["Action"] == "s3:GetObject"
    assert "${Distribution}" in allow[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]


def test_site_bucket_is_encrypted_and_owner_enforced(template: dict[str, Any]) -> None:
    props = template["Resources"]["SiteBucket"]["Properties"]
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def _csp(template: dict[str, Any], hashes: str = "") -> dict[str, str]:
    config = template["Resources"]["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    text = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    resolved = text["Fn::Sub"].replace("${InlineScriptHashes}", hashes)
    directives = {}
    for part in resolved.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


def test_csp_lets_stripe_in_and_nothing_frame_the_site(template: dict[str, Any]) -> None:
    csp = _csp(template)
    assert "https://js.stripe.com" in csp["script-src"].split()
    assert "https://js.stripe.com" in csp["frame-src"].split()
    assert "https://api.stripe.com" in csp["connect-src"].split()
    assert csp["frame-ancestors"] == "'none'"
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"]


def test_csp_takes_the_inline_script_hashes_make_deploy_computes(
    template: dict[str, Any], tmp_path: Path
) -> None:
    from infra.deploy_site import inline_script_hashes

    page = tmp_path / "index.html"
    page.write_text(
        "<script>var a = 1;</script><script src='x.js'></script>"
        '<script type="application/json">{"a": 1}</script>'
    )
    hashes = " ".join(inline_script_hashes(tmp_path))
    pattern = template["Parameters"]["InlineScriptHashes"]["AllowedPattern"]
    assert re.fullmatch(pattern, hashes)
    assert hashes in _csp(template, hashes)["script-src"]
    many = " ".join([hashes] * 12)  # a dozen distinct inline scripts still fit the header
    assert re.fullmatch(pattern, many)
    assert len("; ".join(f"{k} {v}" for k, v in _csp(template, many).items())) < 1783


def test_security_headers_hsts_nosniff_deny_referrer(template: dict[str, Any]) -> None:
    config = template["Resources"]["SecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    headers = config["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    dist = _distribution(template)
    for behaviour in [dist["DefaultCacheBehavior"], *dist["CacheBehaviors"]]:
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SecurityHeaders"}


def test_every_function_alarms_on_errors_and_throttles(template: dict[str, Any]) -> None:
    alarms = _of_type(template, "AWS::CloudWatch::Alarm").values()
    watched = {
        (a["Properties"]["MetricName"], a["Properties"]["Dimensions"][0]["Value"]["Ref"])
        for a in alarms
        if a["Properties"]["Namespace"] == "AWS/Lambda"
    }
    assert watched == {(m, f) for m in ("Errors", "Throttles") for f in FUNCTIONS}


def test_every_dead_letter_queue_alarms_when_it_holds_a_message(template: dict[str, Any]) -> None:
    queues = set(_of_type(template, "AWS::SQS::Queue"))
    alarms = _of_type(template, "AWS::CloudWatch::Alarm").values()
    watched = {
        a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for a in alarms
        if a["Properties"]["Namespace"] == "AWS/SQS"
    }
    assert queues == watched == {"DispatcherDLQ", "ClockDLQ"}


# What each alarm counts in the logs, and the functions that write that line.
LOG_ALARMS = {
    "delivery_failed": ("DeliveryFailed", {"DispatcherLogGroup", "ClockLogGroup"}),
    "job_failed": ("JobFailed", {"ClockLogGroup"}),
    "webhook_secret_unset": ("WebhookSecretUnset", {"WebhookLogGroup"}),
    "deposit_mismatch": ("DepositMismatch", {"ApiLogGroup", "WebhookLogGroup", "ClockLogGroup"}),
}


def test_log_lines_that_need_the_freelancer_are_counted_and_alarmed(
    template: dict[str, Any],
) -> None:
    found: dict[str, tuple[str, set[str]]] = {}
    for f in _of_type(template, "AWS::Logs::MetricFilter").values():
        props = f["Properties"]
        pattern = props["FilterPattern"].strip('"')
        (t,) = props["MetricTransformations"]
        assert t["MetricNamespace"]["Fn::Sub"] == "keepslot/${AWS::StackName}"
        metric, groups = found.setdefault(pattern, (t["MetricName"], set()))
        assert t["MetricName"] == metric
        groups.add(props["LogGroupName"]["Ref"])
    assert found == LOG_ALARMS
    alarmed = {
        a["Properties"]["MetricName"]
        for a in _of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["Namespace"] == {"Fn::Sub": "keepslot/${AWS::StackName}"}
    }
    assert alarmed == {metric for metric, _ in LOG_ALARMS.values()}
    # Each counted line is one the code really writes.
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "functions/keepslot").rglob("*.py")
    )
    for pattern in LOG_ALARMS:
        assert f'"{pattern} ' in code or f'"{pattern}:' in code, pattern


def test_every_alarm_emails_the_freelancer(template: dict[str, Any]) -> None:
    for name, alarm in _of_type(template, "AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
    topic = template["Resources"]["AlarmTopic"]["Properties"]
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]


def test_outputs_give_the_site_and_the_webhook_url_and_no_secret(template: dict[str, Any]) -> None:
    outputs = template["Outputs"]
    assert {"SiteUrl", "WebhookUrl", "TableName"} <= set(outputs)
    webhook = json.dumps(outputs["WebhookUrl"]["Value"])
    assert webhook.count("/api/payments/stripe") == 2  # with and without a custom domain
    text = json.dumps(outputs)
    for secret in (
        "TokenKeyParam",
        "StripeSecretParam",
        "StripeWebhookParam",
        "FeedTokenParam",
        "EdgeSecretParam",
    ):
        assert secret not in text


def test_deploy_parameters_are_declared(template: dict[str, Any]) -> None:
    params = template["Parameters"]
    for name in ("Stage", "TableDeletionProtection", "AlarmEmail", "SenderEmail", "SiteDomain"):
        assert name in params
    assert params["SiteDomain"]["Default"] == ""
    for name in (
        "TokenKeyParam",
        "StripeSecretParam",
        "StripeWebhookParam",
        "FeedTokenParam",
        "EdgeSecretParam",
    ):
        assert params[name]["Default"].startswith("/keepslot/"), name  # names, not values


def test_a_custom_domain_needs_its_certificate(template: dict[str, Any]) -> None:
    rule = template["Rules"]["CustomDomainNeedsCertificate"]
    assert rule["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "SiteDomain"}, ""]}]}
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "SiteCertificateArn"}, ""]}]}
