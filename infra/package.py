"""Build the Lambda zip: what the functions run on Lambda (Python 3.13, arm64).

    python -m infra.package [--out build/lambda.zip] [--work build/package]

The runtime dependencies come from pyproject.toml's [project].dependencies,
installed as Linux aarch64 CPython 3.13 wheels (`sam build` needs a local 3.13 or
Docker; pip's platform options need neither), with Babel's locale data trimmed
to the languages keepslot speaks. Then `functions/keepslot`, and `keepslot.yaml`
as `keepslot/keepslot.yaml` (config.PACKAGED_CONFIG), so the functions enforce
exactly the policy the site publishes, with its validated copy beside it
(`keepslot.yaml.json`, config/packaged.py): a cold start neither parses YAML
nor builds the model's validators.

Bytecode: Lambda cannot write `__pycache__` in /var/task, so a zip without it
makes every cold start compile every module it imports. A local Python 3.13
(LAMBDA_PYTHON, `python3.13`, or pyenv's) compiles the whole tree; without one the
zip ships sources only, and says so.

Wheels are cached in build/wheels: a rebuild installs from there without the
network, and downloads from PyPI only when something is missing.

The zip is deterministic for given inputs: sorted entries, fixed timestamps and
permissions, bytecode checked by hash (not by timestamp) and only for 3.13.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import get_args

from keepslot.config.model import ConfigError, Locale, write_copy

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
SOURCE = ROOT / "functions" / "keepslot"
CONFIG = ROOT / "keepslot.yaml"
OUT = ROOT / "build" / "lambda.zip"
WORK = ROOT / "build" / "package"
WHEELS = ROOT / "build" / "wheels"

PLATFORM_ARGS = (
    "--platform",
    "manylinux2014_aarch64",
    "--python-version",
    "3.13",
    "--implementation",
    "cp",
    "--only-binary=:all:",
)
# The Lambda runtime ships these; a packaged copy would shadow the managed one.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
# Never shipped: test suites inside dependencies, console scripts, other Pythons' bytecode.
SKIPPED_DIRS = frozenset({"tests", "test"})
SKIPPED_TOP = frozenset({"bin"})
SKIPPED_SUFFIXES = (".pyc", ".pyo")
LAMBDA_PYTHON = (3, 13)  # template.yaml's Runtime
LAMBDA_BYTECODE = ".cpython-313.pyc"
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks the zip: the paths tracebacks show
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold
# Babel carries ~1,000 locales (half the zip); the site and mail speak these only.
LOCALES: tuple[str, ...] = get_args(Locale)


class PackageError(Exception):
    """The package cannot be built as asked (a dependency or a file is missing)."""


def requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """pyproject's runtime dependencies, minus what the Lambda runtime provides."""
    with pyproject.open("rb") as f:
        deps: list[str] = tomllib.load(f)["project"]["dependencies"]
    return [d for d in deps if _name(d) not in RUNTIME_PROVIDED]


def _name(requirement: str) -> str:
    for stop in "=<>!~[; ":
        requirement = requirement.split(stop, 1)[0]
    return requirement.strip().lower().replace("_", "-")


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def install_dependencies(reqs: list[str], target: Path, wheels: Path) -> None:
    """`pip install --target` for Lambda's platform, from the wheel cache when it can."""
    install = ("install", "--quiet", "--no-compile", "--target", str(target), *PLATFORM_ARGS)
    cached = _pip(*install, "--no-index", "--find-links", str(wheels), *reqs)
    if cached.returncode == 0:
        return
    wheels.mkdir(parents=True, exist_ok=True)
    fetched = _pip("download", "--quiet", "--dest", str(wheels), *PLATFORM_ARGS, *reqs)
    if fetched.returncode != 0:
        raise PackageError(f"pip could not download the Lambda wheels:\n{fetched.stderr}")
    shutil.rmtree(target, ignore_errors=True)
    done = _pip(*install, "--no-index", "--find-links", str(wheels), *reqs)
    if done.returncode != 0:
        raise PackageError(f"pip could not install the Lambda wheels:\n{done.stderr}")


def trim_babel(target: Path, locales: Iterable[str] = LOCALES) -> int:
    """Drop Babel's data for locales keepslot never speaks; returns how many files went.

    Kept: `root` (every locale's last parent) and each language with its regional
    variants (`it`, `it_CH`, ...). `settings.Locale` is the list, so a new language
    there is packaged without touching this file.
    """
    data = target / "babel" / "locale-data"
    if not data.is_dir():
        raise PackageError(f"{data} is missing: has Babel moved its locale data?")
    keep = {"root", *locales}
    dropped = 0
    for path in data.glob("*.dat"):
        if path.stem.split("_", 1)[0] not in keep:
            path.unlink()
            dropped += 1
    return dropped


def copy_sources(target: Path, source: Path = SOURCE, config: Path = CONFIG) -> None:
    """The keepslot package, and the freelancer's config inside it."""
    if not config.is_file():
        raise PackageError(f"{config} is missing: the functions need the freelancer's config")
    dest = target / "keepslot"
    shutil.copytree(
        source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", "tests")
    )
    place_config(dest, config)


def place_config(dest: Path, config: Path = CONFIG) -> Path:
    """keepslot.yaml into `dest`, validated, with its packaged copy beside it."""
    placed = dest / "keepslot.yaml"
    shutil.copy2(config, placed)
    try:
        copy = write_copy(placed)
    except ConfigError as e:
        raise PackageError(str(e)) from e
    if copy is None:
        print(
            f"package: {config.name} has no exact JSON copy; Lambda validates it", file=sys.stderr
        )
    return placed


def lambda_python() -> str | None:
    """A local Python of Lambda's version, to compile bytecode with; None if there is none."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    found = [os.environ.get("LAMBDA_PYTHON"), shutil.which("python3.13")]
    found += [str(p) for p in sorted(pyenv.glob("versions/3.13*/bin/python3.13"))]
    return next((p for p in found if p and _is_lambda_python(p)), None)


def _is_lambda_python(python: str) -> bool:
    check = f"import sys; raise SystemExit(sys.version_info[:2] != {LAMBDA_PYTHON})"
    try:
        return subprocess.run([python, "-c", check], capture_output=True).returncode == 0
    except OSError:
        return False


def compile_bytecode(target: Path, python: str) -> None:
    """Every module's bytecode, as Lambda's Python would cache it if /var/task were writable.

    Checked by source hash, never by timestamp: the zip's fixed dates cannot make it
    stale, and the same sources give the same bytes.
    """
    if not _is_lambda_python(python):
        raise PackageError(f"{python} is not Python {'.'.join(map(str, LAMBDA_PYTHON))}")
    paths = ("-s", str(target), "-p", LAMBDA_TASK_ROOT, str(target))  # /var/task/... in tracebacks
    done = subprocess.run(
        [python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise PackageError(f"compileall failed:\n{done.stdout}{done.stderr}")


def _shipped(root: Path) -> Iterator[tuple[str, Path]]:
    """(archive name, file) for every file to ship, sorted by archive name."""
    files = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if not path.is_file() or rel.parts[0] in SKIPPED_TOP:
            continue
        if SKIPPED_DIRS.intersection(rel.parts[:-1]) or _foreign(rel):
            continue
        files.append((rel.as_posix(), path))
    yield from sorted(files)


def _foreign(rel: Path) -> bool:
    """Bytecode Lambda's Python would not read (other versions, stray files in __pycache__)."""
    if "__pycache__" in rel.parts[:-1]:
        return rel.parent.name != "__pycache__" or not rel.name.endswith(LAMBDA_BYTECODE)
    return rel.name.endswith(SKIPPED_SUFFIXES)


def write_zip(root: Path, out: Path) -> list[str]:
    """A reproducible zip of `root`: same inputs, same bytes. Returns the names."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.tmp")
    names = []
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, path in _shipped(root):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.create_system = 3  # Unix, so the mode below is honoured
            info.external_attr = 0o100644 << 16  # a regular file, readable by Lambda's user
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes(), compresslevel=9)
            names.append(name)
    tmp.replace(out)
    return names


def build(
    out: Path = OUT,
    work: Path = WORK,
    wheels: Path = WHEELS,
    python: str | None = None,
    config: Path = CONFIG,
) -> Path:
    """Install, copy, compile, zip. `work` is emptied first. `python`: a 3.13 to compile with;
    `config`: the keepslot.yaml to ship (the root one unless told)."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    install_dependencies(requirements(), work, wheels)
    _refuse_runtime_copies(path.name for path in work.iterdir())
    trim_babel(work)
    copy_sources(work, config=config)
    python = python or lambda_python()
    if python:
        compile_bytecode(work, python)
    else:
        print(
            "package: no Python 3.13 found (set LAMBDA_PYTHON): the zip ships no bytecode, "
            "so every cold start compiles each module it imports",
            file=sys.stderr,
        )
    write_zip(work, out)
    return out


def _refuse_runtime_copies(top_level: Iterable[str]) -> None:
    found = sorted(RUNTIME_PROVIDED.intersection(top_level))
    if found:
        raise PackageError(f"a dependency pulled in {found}, which the Lambda runtime provides")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--wheels", type=Path, default=WHEELS)
    args = parser.parse_args(argv)
    try:
        out = build(args.out, args.work, args.wheels)
    except PackageError as e:
        print(f"package: {e}", file=sys.stderr)
        return 1
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    print(f"{shown}: {out.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
