"""template.yaml's functions and their IAM roles, reduced to what tests compare.

A grant is an (action, resource) pair with the resource named symbolically by
the template's own identifiers:

    !GetAtt Table.Arn                         -> "Table"
    !Sub "${Table.Arn}/index/due"             -> "Table/index/due"
    !GetAtt Table.StreamArn                   -> "Table.StreamArn"
    !Sub "arn:...:parameter${TokenKeyParam}"  -> "ssm:TokenKeyParam"
    !Sub "arn:...:identity/${SenderEmail}"    -> "ses:SenderEmail"
    the domain part of SenderEmail            -> "ses:SenderEmail.domain"
    "*"                                       -> "*"

so "the Api may Query the due index" is `("dynamodb:Query", "Table/index/due") in grants`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cfnlint.decode.cfn_yaml import load as cfn_load  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
FUNCTION = "AWS::Serverless::Function"

_ATTR = re.compile(r"^\$\{(\w+)\.Arn\}(/.*)?$")
_PARAMETER = re.compile(r":parameter\$\{(\w+)\}$")
_IDENTITY = re.compile(r":identity/\$\{(\w+)\}$")

Grant = tuple[str, str]


def load() -> dict[str, Any]:
    template: dict[str, Any] = cfn_load(str(TEMPLATE))
    return template


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id -> properties, with Globals.Function merged in (as SAM does)."""
    globals_ = template.get("Globals", {}).get("Function", {})
    out = {}
    for name, res in template["Resources"].items():
        if res["Type"] != FUNCTION:
            continue
        props = {**globals_, **res["Properties"]}
        env = {
            **globals_.get("Environment", {}).get("Variables", {}),
            **res["Properties"].get("Environment", {}).get("Variables", {}),
        }
        props["Environment"] = {"Variables": env}
        out[name] = props
    return out


def symbol(resource: Any) -> str:
    if resource == "*":
        return "*"
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        name, attr = resource["Fn::GetAtt"]
        return str(name) if attr == "Arn" else f"{name}.{attr}"
    if isinstance(resource, dict) and "Fn::Sub" in resource:
        sub = resource["Fn::Sub"]
        text = sub if isinstance(sub, str) else sub[0]
        if m := _ATTR.match(text):
            return m[1] + (m[2] or "")
        if m := _PARAMETER.search(text):
            return f"ssm:{m[1]}"
        if m := _IDENTITY.search(text):
            variables = {} if isinstance(sub, str) else sub[1]
            if m[1] not in variables:
                return f"ses:{m[1]}"
            # Domain: !Select [1, !Split ["@", !Ref SenderEmail]]
            split = variables[m[1]]["Fn::Select"][1]["Fn::Split"]
            assert split[0] == "@", split
            return f"ses:{split[1]['Ref']}.domain"
        return text
    raise AssertionError(f"unexpected resource form {resource!r}")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_of(template: dict[str, Any], function: str) -> str:
    role = template["Resources"][function]["Properties"]["Role"]
    assert isinstance(role, dict) and role.get("Fn::GetAtt", [None, None])[1] == "Arn", role
    return str(role["Fn::GetAtt"][0])


def statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    res = template["Resources"][role]
    assert res["Type"] == "AWS::IAM::Role", role
    assert "ManagedPolicyArns" not in res["Properties"], "policies are written out, inline"
    return [
        st for pol in res["Properties"]["Policies"] for st in pol["PolicyDocument"]["Statement"]
    ]


def grants(template: dict[str, Any], function: str) -> set[Grant]:
    """Every (action, symbolic resource) the function's role allows."""
    out = set()
    for st in statements(template, role_of(template, function)):
        assert st["Effect"] == "Allow"
        for action in _listed(st["Action"]):
            for resource in _listed(st["Resource"]):
                out.add((action, symbol(resource)))
    return out
