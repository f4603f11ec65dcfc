"""keepslot.yaml's packaged copy: the validated config as JSON, read back without validating.

`make package` validates keepslot.yaml and writes `keepslot.yaml.json` beside it, so
a cold start needs neither PyYAML nor the model's validators (building those was a
tenth of the API's cold start). The copy is written only if it reads back equal to
the validated config, and it names the SHA-256 of the YAML it came from: beside any
other YAML it is ignored, and that YAML is validated as always.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import types
from datetime import date, time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def copy_path(yaml_path: Path) -> Path:
    return yaml_path.with_name(yaml_path.name + ".json")


def read(yaml_path: Path, yaml_text: bytes, model: type[M]) -> M | None:
    """The config from the copy beside `yaml_path`, if it was made from `yaml_text`."""
    try:
        copy = json.loads(copy_path(yaml_path).read_bytes())
        if copy["yaml_sha256"] != hashlib.sha256(yaml_text).hexdigest():
            return None
        return _rebuild(model, copy["config"])  # type: ignore[no-any-return]
    except (OSError, ValueError, TypeError, KeyError):
        return None  # no copy, or not one of ours: the YAML decides


def write(yaml_path: Path, yaml_text: bytes, config: BaseModel) -> Path | None:
    """Write the copy of `config` (validated from `yaml_text`); None if it cannot be exact."""
    dumped = json.dumps(config.model_dump(mode="json"), ensure_ascii=False)
    try:
        exact = _rebuild(type(config), json.loads(dumped)) == config
    except (TypeError, ValueError, KeyError):
        exact = False
    if not exact:
        return None
    out = copy_path(yaml_path)
    digest = hashlib.sha256(yaml_text).hexdigest()
    out.write_text(f'{{"yaml_sha256": "{digest}", "config": {dumped}}}', encoding="utf-8")
    return out


def _rebuild(kind: Any, value: Any) -> Any:
    """`value` (the JSON form of a validated `kind`) as `kind` again, trusting it."""
    origin, args = get_origin(kind), get_args(kind)
    if origin is Annotated:
        return _rebuild(args[0], value)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = (a for a in args if a is not type(None))  # only `X | None` in the model
        return _rebuild(inner, value)
    if origin is list:
        return [_rebuild(args[0], v) for v in value]
    if origin is dict:
        return {_rebuild(args[0], k): _rebuild(args[1], v) for k, v in value.items()}
    if not isinstance(kind, type) or kind in (str, int, float, bool):
        return value  # JSON's own, or a Literal[...]
    if issubclass(kind, BaseModel):
        fields = kind.model_fields
        return kind.model_construct(
            **{name: _rebuild(fields[name].annotation, v) for name, v in value.items()}
        )
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(**{name: _rebuild(hints[name], v) for name, v in value.items()})
    if kind in (date, time):
        return kind.fromisoformat(value)
    if issubclass(kind, Enum):
        return kind(value)
    raise TypeError(f"no JSON form for {kind!r}")  # write() then leaves the YAML to Lambda


@functools.cache
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)  # evaluates the annotations: once per class, not per value
