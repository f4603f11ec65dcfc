"""The layers and the one way imports run between them (ARCHITECTURE.md).

`python -m keepslot.layers` (or `make layers`) prints which layer imports which, read
from the source with `ast`, and exits 1 naming every import that runs the wrong way.
tests/unit/test_layers.py runs the same check.

    handlers, cli -> service -> words -> config -> domain
    adapters      -> service.ports, config, domain
    bootstrap     -> anything (it wires adapters to ports; cli_wiring does it for cli/)

An import anywhere in a module counts: at the top, inside a function, or under
`TYPE_CHECKING`.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "keepslot"
ROOT = Path(__file__).parent

# Top to bottom: the order the graph is printed in.
ORDER = (
    "handlers",
    "cli",
    "bootstrap",
    "adapters",
    "service",
    "ports",
    "words",
    "config",
    "domain",
    "package",
    "layers",
)
_BELOW_SERVICE = frozenset({"ports", "words", "config", "domain"})
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "config": frozenset({"domain"}),
    "words": frozenset({"config", "domain"}),
    "ports": frozenset({"config", "domain"}),
    "service": _BELOW_SERVICE,
    "adapters": frozenset({"ports", "config", "domain"}),
    "handlers": frozenset({"bootstrap", "service"}) | _BELOW_SERVICE,
    "cli": frozenset({"bootstrap", "service"}) | _BELOW_SERVICE,
    "bootstrap": frozenset(ORDER) - {"layers", "handlers", "cli"},
    "package": frozenset(),
    "layers": frozenset(),
}
# The domain is pure: the standard library and nothing else.
STDLIB_ONLY = frozenset({"domain", "layers"})


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside the package."""
    parts = module.split(".")
    if parts[:3] == [PACKAGE, "service", "ports"]:
        return "ports"
    if parts[1:] == ["cli_wiring"]:
        return "bootstrap"
    if len(parts) == 1:
        return "package"
    return parts[1]


@dataclass(frozen=True, slots=True, order=True)
class Import:
    module: str  # the importing module
    target: str  # what it imports: a module inside the package, or a top-level name
    line: int


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    module: str
    target: str
    line: int
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}: {self.why}"


def module_name(path: Path, root: Path) -> str:
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str, root: Path) -> bool:
    rel = Path(*name.split(".")[1:])
    return (root / rel).with_suffix(".py").is_file() or (root / rel / "__init__.py").is_file()


def imports_of(source: str, module: str, root: Path, *, package: bool = False) -> list[Import]:
    """Every import in `source` (the text of `module`), relative ones resolved."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if package else module.split(".")[:-1]
                up = here[: len(here) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            if base.split(".")[0] != PACKAGE:
                found.append(Import(module, base, node.lineno))
                continue
            for a in node.names:  # `from keepslot.x import y`: y may be a module
                sub = f"{base}.{a.name}"
                target = sub if _is_module(sub, root) else base
                found.append(Import(module, target, node.lineno))
    return found


def all_imports(root: Path = ROOT) -> list[Import]:
    out: list[Import] = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(path, root)
        out += imports_of(path.read_text(), name, root, package=path.name == "__init__.py")
    return out


def violations(imports: list[Import]) -> list[Violation]:
    bad: list[Violation] = []
    for imp in imports:
        mine = layer_of(imp.module)
        if imp.target.split(".")[0] != PACKAGE:
            top = imp.target.split(".")[0]
            if mine in STDLIB_ONLY and top not in sys.stdlib_module_names and top != "__future__":
                bad.append(Violation(imp.module, imp.target, imp.line, f"{mine} is pure"))
            continue
        theirs = layer_of(imp.target)
        if theirs != mine and theirs not in ALLOWED.get(mine, frozenset()):
            why = f"{mine} may not import {theirs}"
            bad.append(Violation(imp.module, imp.target, imp.line, why))
    return sorted(bad)


def graph(imports: list[Import]) -> dict[str, set[str]]:
    """Which layers each layer imports (itself left out)."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        mine = layer_of(imp.module)
        edges.setdefault(mine, set())
        if imp.target.split(".")[0] == PACKAGE and layer_of(imp.target) != mine:
            edges[mine].add(layer_of(imp.target))
    return edges


def render(edges: dict[str, set[str]]) -> str:
    rank = {name: i for i, name in enumerate(ORDER)}
    width = max(len(name) for name in edges)
    lines = []
    for name in sorted(edges, key=lambda n: rank.get(n, len(ORDER))):
        below = sorted(edges[name], key=lambda n: rank.get(n, len(ORDER)))
        label = "service.ports" if name == "ports" else name
        shown = ["service.ports" if n == "ports" else n for n in below]
        lines.append(f"{label:<{max(width, 13)}} -> {', '.join(shown) or '(standard library)'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m keepslot.layers", description=__doc__)
    parser.add_argument("--root", type=Path, default=ROOT, help="the keepslot package folder")
    args = parser.parse_args(argv)
    found = all_imports(args.root)
    print(render(graph(found)))
    bad = violations(found)
    for v in bad:
        print(f"wrong way: {v}", file=sys.stderr)
    if not bad:
        print("every import runs down the layers")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
