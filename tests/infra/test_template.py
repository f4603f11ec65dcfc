"""template.yaml: lint-clean, SAM-translatable, and the table it declares is the
one ARCHITECTURE.md describes (GSIs, TTL, stream, PITR, protection), with
every item type documented above it.

The template is read with cfn-lint's own loader, independent of infra/table.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint_file  # type: ignore[import-untyped]
from cfnlint.decode.cfn_yaml import load as cfn_load  # type: ignore[import-untyped]

from tests.infra.sam_template import TEMPLATE, as_packaged

LINT_REGIONS = ["eu-south-1", "eu-west-1", "us-east-1"]


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = cfn_load(str(TEMPLATE))
    return loaded


@pytest.fixture(scope="module")
def table_props(template: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = template["Resources"]["Table"]["Properties"]
    return props


def _lint(path: Path) -> list[str]:
    matches = lint_file(path, config=ManualArgs(regions=LINT_REGIONS))
    return [f"{m.rule.id} {m.message} ({m.linenumber})" for m in matches]


def test_cfn_lint_reports_no_errors_or_warnings() -> None:
    assert _lint(TEMPLATE) == []


def test_lint_gate_does_catch_warnings(tmp_path: Path) -> None:
    # Without UpdateReplacePolicy, cfn-lint warns (W3011): proves the gate above is live.
    broken = tmp_path / "template.yaml"
    broken.write_text(
        "".join(
            line
            for line in TEMPLATE.read_text(encoding="utf-8").splitlines(keepends=True)
            if "UpdateReplacePolicy" not in line
        ),
        encoding="utf-8",
    )
    assert any(found.startswith("W3011") for found in _lint(broken))


def test_sam_translator_transforms_the_template(aws_env: None, template: dict[str, Any]) -> None:
    from samtranslator.translator.transform import transform  # type: ignore[import-untyped]

    class NoIamLookups:
        """Stands in for ManagedPolicyLoader, which asks IAM for AWS managed policy
        ARNs (only needed for `Policies: [PolicyName]`): no network in tests."""

        def load(self) -> dict[str, str]:
            return {}

    output = transform(as_packaged(template), {}, NoIamLookups())
    assert "Transform" not in output
    assert output["Resources"]["Table"]["Type"] == "AWS::DynamoDB::Table"
    assert output["Outputs"]["TableName"]["Value"] == {"Ref": "Table"}


def test_template_is_sam(template: dict[str, Any]) -> None:
    assert template["Transform"] == "AWS::Serverless-2016-10-31"


def test_table_is_on_demand_with_pk_sk(table_props: dict[str, Any]) -> None:
    assert table_props["BillingMode"] == "PAY_PER_REQUEST"
    assert table_props["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    types = {a["AttributeName"]: a["AttributeType"] for a in table_props["AttributeDefinitions"]}
    keys = ["PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK"]
    assert types == dict.fromkeys(keys, "S")


@pytest.mark.parametrize(
    ("index", "hash_key", "range_key"),
    [("calendar", "GSI1PK", "GSI1SK"), ("due", "GSI2PK", "GSI2SK"), ("feed", "GSI3PK", "GSI3SK")],
)
def test_table_has_gsi(
    table_props: dict[str, Any], index: str, hash_key: str, range_key: str
) -> None:
    gsis = {g["IndexName"]: g for g in table_props["GlobalSecondaryIndexes"]}
    assert gsis[index]["KeySchema"] == [
        {"AttributeName": hash_key, "KeyType": "HASH"},
        {"AttributeName": range_key, "KeyType": "RANGE"},
    ]
    assert gsis[index]["Projection"] == {"ProjectionType": "ALL"}


def test_table_has_exactly_the_three_documented_gsis(table_props: dict[str, Any]) -> None:
    assert sorted(g["IndexName"] for g in table_props["GlobalSecondaryIndexes"]) == [
        "calendar",
        "due",
        "feed",
    ]


def test_ttl_stream_pitr_and_encryption_are_on(table_props: dict[str, Any]) -> None:
    assert table_props["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at",
        "Enabled": True,
    }
    assert table_props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table_props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table_props["SSESpecification"] == {"SSEEnabled": True}


def test_table_survives_stack_deletion_and_replacement(template: dict[str, Any]) -> None:
    table = template["Resources"]["Table"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


def _resolve(value: Any, params: dict[str, str], conditions: dict[str, Any]) -> Any:
    """Just enough of CloudFormation to evaluate Ref, Fn::Equals and Fn::If."""
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Ref":
            return params[arg]
        if fn == "Fn::Equals":
            left, right = (_resolve(a, params, conditions) for a in arg)
            return left == right
        if fn == "Fn::If":
            name, if_true, if_false = arg
            chosen = if_true if _resolve(conditions[name], params, conditions) else if_false
            return _resolve(chosen, params, conditions)
    return value


@pytest.mark.parametrize(("choice", "expected"), [("true", True), ("false", False)])
def test_deletion_protection_follows_its_parameter(
    template: dict[str, Any], table_props: dict[str, Any], choice: str, expected: bool
) -> None:
    param = template["Parameters"]["TableDeletionProtection"]
    assert param["Type"] == "String"
    assert sorted(param["AllowedValues"]) == ["false", "true"]
    resolved = _resolve(
        table_props["DeletionProtectionEnabled"],
        {"TableDeletionProtection": choice},
        template.get("Conditions", {}),
    )
    assert resolved is expected


def test_deletion_protection_is_on_by_default(
    template: dict[str, Any], table_props: dict[str, Any]
) -> None:
    default = template["Parameters"]["TableDeletionProtection"]["Default"]
    resolved = _resolve(
        table_props["DeletionProtectionEnabled"],
        {"TableDeletionProtection": default},
        template.get("Conditions", {}),
    )
    assert resolved is True


def test_stage_defaults_to_prod_and_table_name_is_an_output(template: dict[str, Any]) -> None:
    assert template["Parameters"]["Stage"]["Default"] == "prod"
    assert template["Outputs"]["TableName"]["Value"] == {"Ref": "Table"}


# -- the documentation block above `Table:` ---------------------------------------------------

DOCUMENTED = [
    ("booking", "BOOKING#", "BOOKING"),
    ("ledger entry", "BOOKING#", "LEDGER#"),
    ("job", "BOOKING#", "JOB#"),
    ("slot lock", "LOCK#", "LOCK"),
    ("day counter", "DAY#", "DAY"),
    ("client", "CLIENT#", "PROFILE"),
    ("client event", "CLIENT#", "EVENT#"),
    ("credit", "CLIENT#", "CREDIT#"),
    ("open hold marker", "CLIENT#", "HOLD#"),
    ("idempotency item", "IDEM#", "IDEM"),
    ("outbox item", "OUTBOX#", "OUTBOX"),
    ("Stripe event seen", "STRIPE#", "EVENT"),
    ("IP hold counter", "IP#", "HOLDS"),
]


def _doc_block() -> list[str]:
    """The comment lines directly above the `Table:` resource, without '#'."""
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    end = lines.index("  Table:")
    block: list[str] = []
    for line in reversed(lines[:end]):
        if not line.lstrip().startswith("#"):
            break
        block.insert(0, line.lstrip()[1:])
    return block


def _item_rows() -> dict[str, tuple[str, str]]:
    """`type  PK  SK  notes` rows (columns split on 2+ spaces) -> {type: (PK, SK)}."""
    rows = {}
    for line in _doc_block():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 3:
            rows[cells[0]] = (cells[1], cells[2])
    return rows


@pytest.mark.parametrize(("item_type", "pk_prefix", "sk_prefix"), DOCUMENTED)
def test_item_type_is_documented_above_the_table(
    item_type: str, pk_prefix: str, sk_prefix: str
) -> None:
    rows = _item_rows()
    assert item_type in rows, f"{item_type!r} missing from the comment block above Table"
    pk, sk = rows[item_type]
    assert pk.startswith(pk_prefix), (item_type, pk)
    assert sk.startswith(sk_prefix), (item_type, sk)


def test_sparse_gsi_keys_are_documented() -> None:
    text = "\n".join(_doc_block())
    assert 'GSI1PK = "CAL", GSI1SK = <start iso UTC>#<booking id>' in text
    assert 'GSI2PK = "DUE", GSI2SK = <due iso UTC>#<PK>#<SK>' in text
    assert "expires_at" in text
