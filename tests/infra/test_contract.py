"""The template and the code agree: handlers exist, every variable the code reads is
set, and every AWS call the code makes is allowed by the calling function's role.

Two ways to find the calls, because each misses something the other sees:
- statically, from the source: each DynamoDB call and transaction item kind in
  keepslot/adapters/dynamo/*.py, for every function whose handler imports it;
- by recording: one booking's whole life runs through the real handlers against
  moto, every botocore call is recorded per function (each step a fresh Lambda:
  new clients, empty caches) and checked against that function's grants. The
  same recording measures the counts infra/cost.py prices.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra import cost
from tests.infra import policy_model as pm
from tests.infra.lifecycle import Call, Recording, measured, record_lifecycle

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "functions" / "keepslot"
CONFIG_PY = PACKAGE / "config" / "environment.py"
DYNAMO_ADAPTERS = sorted((PACKAGE / "adapters" / "dynamo").glob("*.py"))
TRANSACT_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return pm.load()


@pytest.fixture(scope="module")
def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return pm.functions(template)


def test_the_stack_has_one_function_per_entry_point(functions: dict[str, Any]) -> None:
    assert set(functions) == {"Api", "Webhook", "Clock", "Dispatcher"}


# ---- handlers ---------------------------------------------------------------------------


@pytest.mark.parametrize("function", ["Api", "Webhook", "Clock", "Dispatcher"])
def test_handler_resolves_to_a_callable_in_the_package(
    functions: dict[str, dict[str, Any]], function: str
) -> None:
    module_name, _, attr = functions[function]["Handler"].rpartition(".")
    module = importlib.import_module(module_name)  # ImportError here names what is missing
    assert Path(module.__file__ or "").is_relative_to(PACKAGE), module.__file__
    assert callable(getattr(module, attr))


# ---- environment ----------------------------------------------------------------------


def env_vars_read(source: Path = CONFIG_PY) -> set[str]:
    """Names read as e.get("X"), environ.get("X"), environ["X"] or getenv("X")."""
    names = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("get", "getenv") and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and getattr(node.value, "attr", getattr(node.value, "id", "")) in ("environ", "e")
        ):
            names.add(str(node.slice.value))
    return names


def config_defaults(source: Path = CONFIG_PY) -> dict[str, str]:
    """The default each e.get("X", "default") in config.py falls back to."""
    out = {}
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and len(node.args) == 2:
            name, default = node.args
            if isinstance(name, ast.Constant) and isinstance(default, ast.Constant):
                out[str(name.value)] = str(default.value)
    return out


def test_env_parser_finds_what_config_reads() -> None:
    # Proves the parser is live: these are read today, by these spellings.
    assert {"TABLE_NAME", "KEEPSLOT_CONFIG", "TOKEN_KEY_PARAM", "SITE_URL"} <= env_vars_read()


def test_env_parser_sees_every_spelling(tmp_path: Path) -> None:
    src = tmp_path / "config.py"
    src.write_text(
        "import os\ne = os.environ\n"
        "a = e.get('A', 'x')\nb = os.environ['B']\nc = os.getenv('C')\nd = os.environ.get('D')\n"
    )
    assert env_vars_read(src) == {"A", "B", "C", "D"}


@pytest.mark.parametrize("function", ["Api", "Webhook", "Clock", "Dispatcher"])
def test_every_variable_config_reads_is_set_on_the_function(
    functions: dict[str, dict[str, Any]], function: str
) -> None:
    variables = functions[function]["Environment"]["Variables"]
    assert env_vars_read() - set(variables) == set()


def test_functions_read_the_packaged_keepslot_yaml(functions: dict[str, dict[str, Any]]) -> None:
    from keepslot.config.environment import PACKAGED_CONFIG

    packaged = PACKAGED_CONFIG.relative_to(PACKAGE.parent).as_posix()  # keepslot/keepslot.yaml
    for props in functions.values():
        assert props["Environment"]["Variables"]["KEEPSLOT_CONFIG"] == f"/var/task/{packaged}"


def test_secret_names_default_to_what_config_py_uses(
    template: dict[str, Any], functions: dict[str, dict[str, Any]]
) -> None:
    variables = functions["Api"]["Environment"]["Variables"]
    defaults = config_defaults()
    checked = 0
    for var, value in variables.items():
        if var.endswith("_PARAM"):
            param = template["Parameters"][value["Ref"]]
            assert param["Default"] == defaults[var], var
            checked += 1
    assert checked == 4


# ---- DynamoDB, statically ----------------------------------------------------------------


def dynamodb_actions(source: Path) -> tuple[set[str], set[str]]:
    """(IAM actions, index names) of the DynamoDB calls in one adapter module."""
    actions, indexes = set(), set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value  # self._client().<method>(...)
            if isinstance(target, ast.Call) and getattr(target.func, "attr", "") == "_client":
                method = node.func.attr
                if method != "transact_write_items":
                    actions.add("dynamodb:" + method.title().replace("_", ""))
            for kw in node.keywords:
                if kw.arg == "IndexName" and isinstance(kw.value, ast.Constant):
                    indexes.add(str(kw.value.value))
        if isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and key.value in TRANSACT_ACTIONS:
                    actions.add(TRANSACT_ACTIONS[key.value])
    return actions, indexes


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "keepslot":
        return None
    base = PACKAGE.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(entry: Path) -> set[Path]:
    """Every keepslot module `entry` imports, directly or not, lazily or not
    (imports under `if TYPE_CHECKING:` do not run and are left out)."""
    seen: set[Path] = set()
    todo = [entry]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {
            id(n)
            for top in ast.walk(tree)
            if isinstance(top, ast.If) and "TYPE_CHECKING" in ast.unparse(top.test)
            for n in ast.walk(top)
        }
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                found = _module_file(name)
                if found:
                    todo.append(found)
    return seen


def handler_file(props: dict[str, Any]) -> Path:
    found = _module_file(props["Handler"].rpartition(".")[0])
    assert found, props["Handler"]
    return found


def test_static_scan_finds_the_calls_the_store_makes() -> None:
    # Proves the scan is live: the store reads and queries two indexes; the items of its
    # transactions are built next door, in transaction.py.
    actions, indexes = dynamodb_actions(PACKAGE / "adapters" / "dynamo" / "store.py")
    assert {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"} <= actions
    assert indexes == {"calendar", "due"}
    in_transactions, _ = dynamodb_actions(PACKAGE / "adapters" / "dynamo" / "transaction.py")
    assert {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"} <= in_transactions


@pytest.mark.parametrize("function", ["Api", "Webhook", "Clock", "Dispatcher"])
def test_every_dynamodb_call_a_function_can_reach_is_allowed(
    template: dict[str, Any], functions: dict[str, dict[str, Any]], function: str
) -> None:
    reached = imported_modules(handler_file(functions[function]))
    grants = pm.grants(template, function)
    missing = set()
    for module in DYNAMO_ADAPTERS:
        if module not in reached:
            continue
        actions, indexes = dynamodb_actions(module)
        missing |= {(a, "Table", module.name) for a in actions if (a, "Table") not in grants}
        missing |= {
            ("dynamodb:Query", f"Table/index/{i}", module.name)
            for i in indexes
            if ("dynamodb:Query", f"Table/index/{i}") not in grants
        }
    assert missing == set()


def test_no_role_allows_a_dynamodb_action_the_code_never_calls(template: dict[str, Any]) -> None:
    used = set().union(*(dynamodb_actions(m)[0] for m in DYNAMO_ADAPTERS))
    stream = {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}
    for function in pm.functions(template):
        for action, resource in pm.grants(template, function):
            if action.startswith("dynamodb:") and resource.startswith("Table"):
                allowed = stream if resource == "Table.StreamArn" else used
                assert action in allowed, (function, action, resource)


@pytest.mark.parametrize("function", ["Api", "Webhook", "Clock", "Dispatcher"])
def test_no_function_scans_the_table(
    template: dict[str, Any], functions: dict[str, dict[str, Any]], function: str
) -> None:
    # Scans are the CLI's (the freelancer's own credentials); the feed is a Query.
    assert not {a for a, _ in pm.grants(template, function) if a == "dynamodb:Scan"}
    reached = imported_modules(handler_file(functions[function]))
    assert not {m.name for m in reached if "dynamodb:Scan" in dynamodb_actions(m)[0]}


# ---- roles: written out, narrow -----------------------------------------------------------


@pytest.mark.parametrize("function", ["Api", "Webhook", "Clock", "Dispatcher"])
def test_role_is_inline_and_names_its_resources(template: dict[str, Any], function: str) -> None:
    role = template["Resources"][pm.role_of(template, function)]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    for action, resource in pm.grants(template, function):
        assert "*" not in action, action
        assert resource != "*" or action == "dynamodb:ListStreams", (action, resource)


def test_only_the_dispatcher_reads_the_stream_and_only_the_clock_and_dispatcher_send_mail(
    template: dict[str, Any],
) -> None:
    for function in pm.functions(template):
        actions = {a for a, _ in pm.grants(template, function)}
        assert ("dynamodb:GetRecords" in actions) is (function == "Dispatcher")
        assert ("ses:SendEmail" in actions) is (function in ("Clock", "Dispatcher"))


# ---- the HTTP API and the bucket ---------------------------------------------------------


def test_http_api_has_no_cors(template: dict[str, Any]) -> None:
    api = template["Resources"]["HttpApi"]["Properties"]
    assert "CorsConfiguration" not in api
    assert "CorsConfiguration" not in template.get("Globals", {}).get("HttpApi", {})


def test_stage_and_booking_route_are_throttled(template: dict[str, Any]) -> None:
    api = template["Resources"]["HttpApi"]["Properties"]
    stage = api["DefaultRouteSettings"]
    booking = api["RouteSettings"]["POST /api/bookings"]
    assert stage["ThrottlingRateLimit"] > 0 and stage["ThrottlingBurstLimit"] > 0
    assert 0 < booking["ThrottlingRateLimit"] < stage["ThrottlingRateLimit"]
    assert 0 < booking["ThrottlingBurstLimit"] < stage["ThrottlingBurstLimit"]


def test_throttled_booking_route_is_a_real_route(functions: dict[str, dict[str, Any]]) -> None:
    # API Gateway refuses route settings for a route that does not exist.
    routes = {
        f"{e['Properties']['Method']} {e['Properties']['Path']}"
        for props in functions.values()
        for e in props.get("Events", {}).values()
        if e["Type"] == "HttpApi"
    }
    assert routes == {"ANY /api/{proxy+}", "POST /api/bookings", "POST /api/payments/stripe"}


def test_site_bucket_blocks_every_kind_of_public_access(template: dict[str, Any]) -> None:
    block = template["Resources"]["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert block == dict.fromkeys(
        ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"],
        True,
    )


# ---- the recorded lifecycle ----------------------------------------------------------------


@pytest.fixture(scope="module")
def recording(template: dict[str, Any]) -> Iterator[Recording]:
    with pytest.MonkeyPatch.context() as mp:
        yield record_lifecycle(template, mp)


def required_grants(call: Call, rec: Recording) -> set[pm.Grant]:
    p = call.params
    if call.iam_service == "dynamodb":
        if call.operation == "TransactWriteItems":
            items = [next(iter(entry.items())) for entry in p["TransactItems"]]
            assert {request["TableName"] for _, request in items} == {rec.table}
            return {(TRANSACT_ACTIONS[kind], "Table") for kind, _ in items}
        assert p["TableName"] == rec.table
        index = f"/index/{p['IndexName']}" if "IndexName" in p else ""
        return {(f"dynamodb:{call.operation}", "Table" + index)}
    if call.iam_service == "ssm" and call.operation == "GetParameter":
        return {("ssm:GetParameter", f"ssm:{rec.ssm_names[p['Name']]}")}
    if call.iam_service == "ses" and call.operation == "SendEmail":
        assert p["FromEmailAddress"] == rec.sender  # the SenderEmail make deploy passes
        return {("ses:SendEmail", "ses:SenderEmail"), ("ses:SendEmail", "ses:SenderEmail.domain")}
    return {(f"{call.iam_service}:{call.operation}", "(unmapped)")}


@pytest.mark.parametrize("function", ["Api", "Webhook", "Clock", "Dispatcher"])
def test_every_recorded_call_is_allowed_by_the_functions_role(
    template: dict[str, Any], recording: Recording, function: str
) -> None:
    calls = recording.of(function)
    assert calls, f"the lifecycle never ran {function}"
    grants = pm.grants(template, function)
    missing = {
        (grant, call.operation)
        for call in calls
        for grant in required_grants(call, recording)
        if grant not in grants
    }
    assert missing == set()


def test_recorded_check_catches_a_missing_grant(
    template: dict[str, Any], recording: Recording
) -> None:
    narrowed = pm.grants(template, "Dispatcher") - {("dynamodb:Query", "Table/index/due")}
    required = {g for c in recording.of("Dispatcher") for g in required_grants(c, recording)}
    assert required - narrowed == {("dynamodb:Query", "Table/index/due")}


def test_recording_saw_reads_transactions_secrets_and_mail(recording: Recording) -> None:
    seen = {(c.iam_service, c.operation) for c in recording.calls}
    assert {("dynamodb", "Query"), ("dynamodb", "TransactWriteItems")} <= seen
    assert {("ssm", "GetParameter"), ("ses", "SendEmail")} <= seen


def test_cost_model_matches_the_recorded_lifecycle(recording: Recording) -> None:
    lifecycle, idle = measured(recording)
    assert lifecycle == cost.LIFECYCLE, "update infra/cost.py, then python -m infra.cost"
    assert idle == cost.IDLE_TICK
