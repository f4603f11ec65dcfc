"""`make deploy` and the calendars' secret addresses: from KEEPSLOT_CALENDAR_<ID> into
SSM, never into the template."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from infra.deploy_secrets import calendar_env, store_calendar_addresses

if TYPE_CHECKING:
    from mypy_boto3_ssm import SSMClient

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ssm(moto_aws: None) -> SSMClient:
    import boto3

    return boto3.client("ssm", region_name="eu-south-1")


def test_each_calendars_address_comes_from_its_variable_as_a_securestring(ssm: SSMClient) -> None:
    env = {calendar_env("work-google"): "https://calendar.example.com/private-abc/basic.ics"}
    missing = store_calendar_addresses(ssm, "/k/calendar/", ["work-google", "home"], env)
    assert calendar_env("work-google") == "KEEPSLOT_CALENDAR_WORK_GOOGLE"
    assert missing == ["home"]
    param = ssm.get_parameter(Name="/k/calendar/work-google", WithDecryption=True)["Parameter"]
    assert param["Type"] == "SecureString" and param["Value"].endswith("basic.ics")
    # A later deploy without the variable keeps the stored address.
    assert store_calendar_addresses(ssm, "/k/calendar/", ["work-google"], {}) == []


def test_no_feed_address_is_in_the_template_and_only_the_clock_may_read_them() -> None:
    from infra.table import load_template

    template = load_template()
    env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert not [k for k in env if k.startswith("KEEPSLOT_CALENDAR")]
    assert not [k for k in template["Parameters"] if "Url" in k and "Calendar" in k]
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    assert text.count("parameter${CalendarParamPrefix}*") == 1  # the clock's role only
