"""`make deploy`'s pieces that need no real AWS: samconfig.toml, the parameters it
passes, the SSM secrets it creates and the site sync (against moto)."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from infra import deploy
from infra.deploy_secrets import PLACEHOLDER, ensure_secrets
from infra.deploy_site import cache_control, content_type, inline_script_hashes, sync_site
from keepslot.config.model import load_config
from tests.support.configs import FIXTURE, with_payments
from tests.support.site import site_for

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

ROOT = Path(__file__).resolve().parents[2]
NAMES = {
    "TokenKeyParam": "/t/token-key",
    "FeedTokenParam": "/t/feed-token",
    "EdgeSecretParam": "/t/edge-secret",
    "StripeSecretParam": "/t/stripe-secret",
    "StripeWebhookParam": "/t/stripe-webhook-secret",
}


def test_samconfig_default_deploys_prod_to_milan_with_protection_on() -> None:
    target = deploy.read_samconfig()
    assert (target.stack_name, target.region) == ("keepslot-prod", "eu-south-1")
    assert target.overrides["Stage"] == "prod"
    assert target.overrides["TableDeletionProtection"] == "true"
    assert target.overrides["SiteDomain"] == ""
    assert deploy.secret_names(target.overrides)["TokenKeyParam"] == "/keepslot/token-key"


def test_samconfig_staging_keeps_its_secrets_apart() -> None:
    staging = deploy.read_samconfig(config_env="staging")
    names = deploy.secret_names(staging.overrides)
    prod = deploy.secret_names(deploy.read_samconfig().overrides)
    assert staging.stack_name == "keepslot-staging"
    assert not set(names.values()) & set(prod.values())


def test_samconfig_overrides_name_only_template_parameters() -> None:
    declared = deploy.load_template()["Parameters"]
    for env in ("default", "staging"):
        assert set(deploy.read_samconfig(config_env=env).overrides) <= set(declared)


def test_unknown_config_env_is_refused() -> None:
    with pytest.raises(deploy.DeployError, match=r"no \[nope"):
        deploy.read_samconfig(config_env="nope")


def test_sender_and_alerts_come_from_keepslot_yaml() -> None:
    config = load_config(FIXTURE)
    target = deploy.read_samconfig()
    params = deploy.deploy_parameters(
        target, config, "https://d1.cloudfront.net", ["'sha256-a'", "'sha256-b'"], {}
    )
    assert params["SenderEmail"] == str(config.business.sender)
    assert params["AlarmEmail"] == str(config.business.alerts)
    assert params["PublicSiteUrl"] == "https://d1.cloudfront.net"
    assert params["InlineScriptHashes"] == "'sha256-a' 'sha256-b'"
    assert "StripePublishableKey" not in params
    with_key = deploy.deploy_parameters(
        target, config, "", [], {"STRIPE_PUBLISHABLE_KEY": "pk_live_x"}
    )
    assert with_key["StripePublishableKey"] == "pk_live_x"
    assert set(params) <= set(deploy.load_template()["Parameters"])


def test_sam_command_quotes_every_value() -> None:
    cmd = deploy.sam_command(
        deploy.read_samconfig(), {"SiteDomain": "", "InlineScriptHashes": "'a' 'b'"}
    )
    assert cmd[:2] == ["sam", "deploy"]
    assert cmd[cmd.index("--config-env") + 1] == "default"
    overrides = cmd[cmd.index("--parameter-overrides") + 1 :]
    assert overrides == ["InlineScriptHashes=\"'a' 'b'\"", 'SiteDomain=""']


def test_sam_command_refuses_what_sam_cannot_take_quoted() -> None:
    with pytest.raises(deploy.DeployError, match="SenderEmail"):
        deploy.sam_command(deploy.read_samconfig(), {"SenderEmail": 'a"b@example.com'})


def test_site_url_is_the_domain_else_what_the_stack_said() -> None:
    assert deploy.known_site_url({"SiteDomain": "b.example.com"}, None) == "https://b.example.com"
    assert deploy.known_site_url({}, {"SiteUrl": "https://d1.cloudfront.net"}) == (
        "https://d1.cloudfront.net"
    )
    assert deploy.known_site_url({"SiteDomain": ""}, None) == ""  # first deploy


# ---- secrets ------------------------------------------------------------------------------


@pytest.fixture
def ssm(moto_aws: None) -> SSMClient:
    import boto3

    return boto3.client("ssm", region_name="eu-south-1")


def _value(ssm: SSMClient, name: str) -> str:
    return str(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"].get("Value"))


def test_first_deploy_creates_every_secret_as_securestring(ssm: SSMClient) -> None:
    pending = ensure_secrets(ssm, NAMES, {})
    assert sorted(pending) == ["/t/stripe-secret", "/t/stripe-webhook-secret"]
    for key, name in NAMES.items():
        kind = "String" if key == "EdgeSecretParam" else "SecureString"  # see deploy_secrets
        assert ssm.get_parameter(Name=name)["Parameter"]["Type"] == kind
    assert len(_value(ssm, "/t/token-key")) >= 60
    assert _value(ssm, "/t/token-key") != _value(ssm, "/t/feed-token")
    assert _value(ssm, "/t/stripe-secret") == PLACEHOLDER


def test_later_deploys_keep_generated_keys(ssm: SSMClient) -> None:
    ensure_secrets(ssm, NAMES, {})
    key = _value(ssm, "/t/token-key")
    ensure_secrets(ssm, NAMES, {})
    assert _value(ssm, "/t/token-key") == key  # rotating it would break every emailed link


STRIPE_ENV = {
    "STRIPE_SECRET_KEY": "sk_live_51Habcdefghijklmnop",
    "STRIPE_WEBHOOK_SECRET": "whsec_a1b2c3d4e5f6g7h8i9j0",
}


def test_stripe_secrets_come_from_the_environment(ssm: SSMClient) -> None:
    ensure_secrets(ssm, NAMES, {})
    assert ensure_secrets(ssm, NAMES, STRIPE_ENV) == []
    assert _value(ssm, "/t/stripe-secret") == STRIPE_ENV["STRIPE_SECRET_KEY"]
    assert _value(ssm, "/t/stripe-webhook-secret") == STRIPE_ENV["STRIPE_WEBHOOK_SECRET"]
    assert ensure_secrets(ssm, NAMES, {}) == []  # no longer placeholders


def test_stripe_mode_deploy_stops_loudly_while_a_stripe_secret_is_a_placeholder(
    ssm: SSMClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(with_payments("stripe", tmp_path))
    with pytest.raises(deploy.DeployError, match="stopped before deploying"):
        deploy.prepare_secrets(ssm, config, NAMES, {}, anyway=False)
    banner = capsys.readouterr().err
    assert "/t/stripe-webhook-secret" in banner and "/t/stripe-secret" in banner
    assert "refuses EVERY" in banner and "make deploy ANYWAY=1" in banner
    # Told to go on, it does, and still says why loudly.
    pending = deploy.prepare_secrets(ssm, config, NAMES, {}, anyway=True)
    assert sorted(pending) == ["/t/stripe-secret", "/t/stripe-webhook-secret"]
    assert "refuses EVERY" in capsys.readouterr().err
    # With both secrets supplied, nothing to say.
    assert deploy.prepare_secrets(ssm, config, NAMES, STRIPE_ENV, anyway=False) == []
    assert capsys.readouterr().err == ""


def test_offline_mode_deploy_goes_on_with_stripe_placeholders(
    ssm: SSMClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(with_payments("offline", tmp_path))
    pending = deploy.prepare_secrets(ssm, config, NAMES, {}, anyway=False)
    assert sorted(pending) == ["/t/stripe-secret", "/t/stripe-webhook-secret"]
    assert capsys.readouterr().err == ""


def test_a_stored_webhook_secret_that_is_not_stripes_counts_as_unset(
    ssm: SSMClient, tmp_path: Path
) -> None:
    ensure_secrets(ssm, NAMES, STRIPE_ENV)
    ssm.put_parameter(
        Name="/t/stripe-webhook-secret", Value="secret", Type="SecureString", Overwrite=True
    )
    config = load_config(with_payments("stripe", tmp_path))
    with pytest.raises(deploy.DeployError, match="stopped"):
        deploy.prepare_secrets(ssm, config, NAMES, {}, anyway=False)


@pytest.mark.parametrize(
    ("env", "value"),
    [("STRIPE_WEBHOOK_SECRET", "unset"), ("STRIPE_SECRET_KEY", "whsec_a1b2c3d4e5f6g7h8")],
)
def test_a_supplied_value_that_is_not_stripes_is_refused_before_anything_is_written(
    ssm: SSMClient, tmp_path: Path, env: str, value: str
) -> None:
    config = load_config(with_payments("stripe", tmp_path))
    with pytest.raises(deploy.DeployError, match=env):
        deploy.prepare_secrets(ssm, config, NAMES, STRIPE_ENV | {env: value}, anyway=True)
    assert ssm.describe_parameters()["Parameters"] == []


def test_make_deploy_anyway_passes_the_flag() -> None:
    def dry_run(*extra: str) -> str:
        done = subprocess.run(
            ["make", "-n", "deploy", *extra], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout

    assert "--deploy-anyway" in dry_run("ANYWAY=1")
    assert "--deploy-anyway" not in dry_run()


def test_the_deploy_ends_by_printing_the_bookings_feed_url(
    ssm: SSMClient, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ensure_secrets(ssm, NAMES, {})
    url = deploy.feed_url(ssm, NAMES, "https://d1.cloudfront.net/")
    assert url == f"https://d1.cloudfront.net/api/feed.ics?token={_value(ssm, '/t/feed-token')}"
    outputs = {"SiteUrl": "https://d1.cloudfront.net", "WebhookUrl": "https://d1/x"}
    deploy.summary(outputs, [], load_config(with_payments("offline", tmp_path)), url)
    assert f"Bookings:    {url}" in capsys.readouterr().out


# ---- the site -----------------------------------------------------------------------------


def test_inline_script_hashes_are_what_browsers_compute(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<script>var a = 1;</script><script src="b.js"></script>'
        '<script id="__config" type="application/json">{"x": 1}</script>'
        "<script type='module'>import('x')</script>"
    )
    (tmp_path / "index.html").write_text("<SCRIPT>var a = 1;</SCRIPT>")  # same script: one hash

    def sha(text: str) -> str:
        return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"

    assert inline_script_hashes(tmp_path) == sorted([sha("var a = 1;"), sha("import('x')")])


def test_built_site_inline_scripts_hash_within_the_header_limit() -> None:
    hashes = inline_script_hashes(site_for(FIXTURE))
    assert hashes  # mkdocs-material inlines a few: without them the theme's scripts fail
    assert len(" ".join(hashes)) < 1000


@pytest.fixture
def s3(moto_aws: None) -> Any:
    import boto3

    client = boto3.client("s3", region_name="eu-south-1")
    client.create_bucket(
        Bucket="site", CreateBucketConfiguration={"LocationConstraint": "eu-south-1"}
    )
    return client


def test_sync_uploads_changes_only_and_deletes_what_is_gone(s3: Any, tmp_path: Path) -> None:
    (tmp_path / "policy").mkdir()
    (tmp_path / "index.html").write_text("<h1>home</h1>")
    (tmp_path / "policy" / "index.html").write_text("<h1>policy</h1>")
    (tmp_path / "bundle.a5f9d56c.min.js").write_text("x")
    first = sync_site(s3, "site", tmp_path)
    assert first.uploaded == ["bundle.a5f9d56c.min.js", "index.html", "policy/index.html"]
    assert sync_site(s3, "site", tmp_path).uploaded == []
    (tmp_path / "index.html").write_text("<h1>home, edited</h1>")
    (tmp_path / "policy" / "index.html").unlink()
    later = sync_site(s3, "site", tmp_path)
    assert (later.uploaded, later.deleted) == (["index.html"], ["policy/index.html"])
    head = s3.head_object(Bucket="site", Key="index.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "no-cache"


def test_cache_headers_follow_what_can_change() -> None:
    assert cache_control("policy/index.html") == "no-cache"
    assert "immutable" in cache_control("assets/javascripts/bundle.a5f9d56c.min.js")
    assert cache_control("assets/js/book.js") == "public, max-age=300"
    assert content_type("assets/js/book.js").endswith("charset=utf-8")
