"""`make deploy`: from a clone to a live site on the freelancer's AWS account.

    python -m infra.deploy [--config-env default|staging]

1. create the SSM secrets on the first run (infra/deploy_secrets.py); with
   `payments: stripe`, stop loudly while a Stripe secret is still unset, unless
   told to deploy anyway (--deploy-anyway, KEEPSLOT_DEPLOY_ANYWAY=1, or
   `make deploy ANYWAY=1`): the webhook would refuse every event until it is set;
2. build the site for the deployed origin (SITE_URL) and hash its inline scripts;
3. package the functions (infra/package.py: build/lambda.zip);
4. `sam deploy` with samconfig.toml, plus the parameters keepslot.yaml and the
   build decide (sender, alert address, site URL, CSP hashes);
5. sync build/site to the bucket and invalidate CloudFront.

On the very first deploy without a custom domain the site's URL (the
distribution's name) is known only afterwards: the stack is deployed a second
time with it, so emails link to the right place. Needs the AWS SAM CLI and AWS
credentials; nothing here runs in the tests but the pure helpers.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra import package
from infra.deploy_secrets import (
    SECRETS,
    STRIPE_SECRETS,
    BadSecret,
    calendar_env,
    ensure_secrets,
    store_calendar_addresses,
)
from infra.deploy_site import inline_script_hashes, invalidate, sync_site
from infra.table import load_template
from keepslot.config.model import KeepslotConfig, load_config

ROOT = Path(__file__).resolve().parent.parent
SAMCONFIG = ROOT / "samconfig.toml"
KEEPSLOT_YAML = ROOT / "keepslot.yaml"
SITE_DIR = ROOT / "build" / "site"
BIN = Path(sys.executable).parent


class DeployError(Exception):
    """Something the freelancer must fix before deploying; the message says what."""


@dataclass(frozen=True)
class Target:
    config_env: str
    stack_name: str
    region: str
    overrides: dict[str, str]  # samconfig.toml's parameter_overrides


def read_samconfig(path: Path = SAMCONFIG, config_env: str = "default") -> Target:
    with path.open("rb") as f:
        data: dict[str, Any] = tomllib.load(f)
    if config_env not in data:
        raise DeployError(f"{path.name} has no [{config_env}.deploy.parameters]")
    env = data[config_env]
    deploy = env.get("deploy", {}).get("parameters", {})
    stack = deploy.get("stack_name") or env.get("global", {}).get("parameters", {}).get(
        "stack_name"
    )
    if not stack or "region" not in deploy:
        raise DeployError(f"{path.name} [{config_env}]: stack_name and region are required")
    return Target(config_env, stack, deploy["region"], parse_overrides(deploy))


def parse_overrides(deploy: Mapping[str, Any]) -> dict[str, str]:
    """`Key="value" Other=x` (or a list of `Key=value`) into a dict."""
    raw = deploy.get("parameter_overrides", "")
    pairs = raw if isinstance(raw, list) else shlex.split(raw)
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise DeployError(f"parameter_overrides: {pair!r} is not Key=Value")
        out[key] = value
    return out


def template_defaults() -> dict[str, str]:
    params: dict[str, Any] = load_template()["Parameters"]
    return {k: str(p["Default"]) for k, p in params.items() if "Default" in p}


def secret_names(overrides: Mapping[str, str]) -> dict[str, str]:
    defaults = template_defaults()
    return {
        s.template_parameter: overrides.get(s.template_parameter) or defaults[s.template_parameter]
        for s in SECRETS
    }


def deploy_parameters(
    target: Target,
    config: KeepslotConfig,
    site_url: str,
    script_hashes: list[str],
    environ: Mapping[str, str],
) -> dict[str, str]:
    """samconfig's overrides plus what keepslot.yaml and the build decide."""
    params = dict(target.overrides)
    params["SenderEmail"] = str(config.business.sender)
    params["AlarmEmail"] = str(config.business.alerts)
    params["PublicSiteUrl"] = site_url
    params["InlineScriptHashes"] = " ".join(script_hashes)
    params.setdefault("SiteCertificateArn", "")
    if environ.get("STRIPE_PUBLISHABLE_KEY"):
        params["StripePublishableKey"] = environ["STRIPE_PUBLISHABLE_KEY"]
    return params


WAF_MIN_RATE = 10  # AWS WAF refuses a rate-based limit below this


def check_firewall(target: Target) -> None:
    """The optional booking firewall (BookingRateLimit) is a CloudFront web ACL, which AWS
    only creates in us-east-1, with a limit WAF accepts: say so before sam fails late."""
    raw = target.overrides.get("BookingRateLimit", "0") or "0"
    if not raw.isdigit():
        raise DeployError(f"BookingRateLimit: must be a whole number, got {raw!r}")
    limit = int(raw)
    if limit == 0:
        return
    if limit < WAF_MIN_RATE:
        raise DeployError(f"BookingRateLimit: 0 (off) or at least {WAF_MIN_RATE}, got {limit}")
    if target.region != "us-east-1":
        raise DeployError(
            f"BookingRateLimit needs the stack in us-east-1 (CloudFront's web ACLs live "
            f"there); [{target.config_env}] deploys to {target.region}: set it to 0 there"
        )


def sam_command(target: Target, params: Mapping[str, str]) -> list[str]:
    """`sam deploy`; each value wrapped in double quotes, which sam's override parser
    strips (so "" stays empty and the CSP hashes keep their spaces and single quotes)."""
    for key, value in params.items():
        if '"' in value or "\\" in value:
            raise DeployError(f"parameter {key}: quotes and backslashes cannot be passed to sam")
    return [
        "sam",
        "deploy",
        "--config-file",
        str(SAMCONFIG),
        "--config-env",
        target.config_env,
        "--template-file",
        str(ROOT / "template.yaml"),
        "--no-progressbar",
        "--parameter-overrides",
        *(f'{key}="{value}"' for key, value in sorted(params.items())),
    ]


def known_site_url(overrides: Mapping[str, str], outputs: Mapping[str, str] | None) -> str:
    if overrides.get("SiteDomain"):
        return f"https://{overrides['SiteDomain']}"
    return (outputs or {}).get("SiteUrl", "")


def _run(cmd: list[str], env: Mapping[str, str] | None = None) -> None:
    print("+", " ".join(shlex.quote(c) for c in cmd[:6]), "..." if len(cmd) > 6 else "")
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, check=False)
    if done.returncode != 0:
        raise DeployError(f"{cmd[0]} {cmd[1]} failed (exit {done.returncode})")


def build_site(site_url: str) -> list[str]:
    """mkdocs for the deployed origin; returns the CSP hashes of its inline scripts."""
    _run([str(BIN / "mkdocs"), "build", "--strict", "--quiet"], {"SITE_URL": site_url})
    return inline_script_hashes(SITE_DIR)


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str] | None:
    try:
        found = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    except cloudformation.exceptions.ClientError as e:
        if "does not exist" in str(e):
            return None
        raise
    return {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}


ANYWAY_ENV = "KEEPSLOT_DEPLOY_ANYWAY"


def stripe_unset_warning(
    config: KeepslotConfig, pending: list[str], names: Mapping[str, str]
) -> str:
    """The banner for a stripe-mode deploy whose Stripe secrets are still unset ("" if set)."""
    unset = [names[p] for p in STRIPE_SECRETS if names[p] in pending]
    if config.payments.mode != "stripe" or not unset:
        return ""
    bar = "!" * 78
    return "\n".join(
        [
            bar,
            "payments.mode is stripe, but these Stripe secrets are still unset:",
            *(f"    {name}" for name in unset),
            "Until Stripe's webhook secret (whsec_...) is stored, the webhook refuses EVERY",
            "event (503, and an alarm), and without the secret key no card can be charged.",
            "Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (README: Deploy, Stripe), or,",
            "for a first deploy that only needs the webhook URL, deploy anyway:",
            f"    make deploy ANYWAY=1   (or {ANYWAY_ENV}=1, or --deploy-anyway)",
            bar,
        ]
    )


def prepare_secrets(
    ssm: Any,
    config: KeepslotConfig,
    overrides: Mapping[str, str],
    environ: Mapping[str, str],
    *,
    anyway: bool,
) -> list[str]:
    """Create or update the secrets; stop a stripe-mode deploy whose Stripe secrets are
    unset, unless `anyway`. Returns the names still holding a placeholder."""
    names = secret_names(overrides)
    try:
        pending = ensure_secrets(ssm, names, environ)
    except BadSecret as e:
        raise DeployError(str(e)) from e
    warning = stripe_unset_warning(config, pending, names)
    if warning:
        print(warning, file=sys.stderr)
        if not anyway:
            raise DeployError("stopped before deploying: the Stripe secrets above are unset")
    return pending


def deploy(
    target: Target,
    environ: Mapping[str, str],
    *,
    anyway: bool = False,
    config_path: Path = KEEPSLOT_YAML,
) -> dict[str, str]:
    import boto3

    if shutil.which("sam") is None:
        raise DeployError(
            "the AWS SAM CLI is missing: https://docs.aws.amazon.com/serverless-"
            "application-model/latest/developerguide/install-sam-cli.html"
        )
    check_firewall(target)
    config = load_config(config_path)
    session = boto3.Session(region_name=target.region)
    cfn = session.client("cloudformation")
    ssm = session.client("ssm")
    pending = prepare_secrets(ssm, config, target.overrides, environ, anyway=anyway)
    prefix = (
        target.overrides.get("CalendarParamPrefix") or template_defaults()["CalendarParamPrefix"]
    )
    calendars = [c.id for c in config.calendars]
    no_address = store_calendar_addresses(ssm, prefix, calendars, environ)

    site_url = known_site_url(target.overrides, stack_outputs(cfn, target.stack_name))
    hashes = build_site(site_url)
    print(package.build())
    _run(sam_command(target, deploy_parameters(target, config, site_url, hashes, environ)))
    outputs = stack_outputs(cfn, target.stack_name) or {}
    if outputs.get("SiteUrl") and outputs["SiteUrl"] != site_url:  # first deploy, no domain
        site_url = outputs["SiteUrl"]
        hashes = build_site(site_url)
        _run(sam_command(target, deploy_parameters(target, config, site_url, hashes, environ)))

    synced = sync_site(session.client("s3"), outputs["SiteBucketName"], SITE_DIR)
    invalidate(session.client("cloudfront"), outputs["DistributionId"])
    print(f"site: {len(synced.uploaded)} uploaded, {len(synced.deleted)} deleted")
    feed = feed_url(ssm, secret_names(target.overrides), outputs["SiteUrl"])
    summary(outputs, pending, config, feed, no_address)
    return outputs


def feed_url(ssm: Any, names: Mapping[str, str], site_url: str) -> str:
    """The bookings feed's private address: the site's feed route and its token."""
    name = names["FeedTokenParam"]
    token = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    return f"{site_url.rstrip('/')}/api/feed.ics?token={token}"


def summary(
    outputs: Mapping[str, str],
    pending: list[str],
    config: KeepslotConfig,
    feed: str,
    no_address: Sequence[str] = (),
) -> None:
    print(f"\nSite:        {outputs['SiteUrl']}\nStripe hook: {outputs['WebhookUrl']}")
    # Private like a password: whoever has it sees every booking (README).
    print(f"Bookings:    {feed}\n             (subscribe from your calendar app; keep it private)")
    if config.business.site_url.rstrip("/") != outputs["SiteUrl"].rstrip("/"):
        print(f"note: keepslot.yaml's business.site_url is {config.business.site_url}")
    for name in pending:
        print(f"to do: {name} holds a placeholder; see README, Deploy, Stripe")
    for cid in no_address:
        print(
            f"to do: calendar {cid} has no feed address: `keepslot calendar set {cid} --region "
            f"<region>`, or export {calendar_env(cid)} and deploy again (see README)"
        )
    print("to do (once): confirm the SNS email sent to", config.business.alerts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deploy keepslot with AWS SAM.")
    parser.add_argument("--config-env", default="default", help="a table in samconfig.toml")
    parser.add_argument(
        "--deploy-anyway",
        action="store_true",
        help=f"deploy even while Stripe's secrets are unset (also {ANYWAY_ENV}=1)",
    )
    args = parser.parse_args(argv)
    anyway = args.deploy_anyway or os.environ.get(ANYWAY_ENV, "") not in ("", "0")
    try:
        deploy(read_samconfig(SAMCONFIG, args.config_env), os.environ, anyway=anyway)
    except DeployError as e:
        print(f"deploy: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
