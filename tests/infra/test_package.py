"""`make package` (infra/package.py) builds the zip Lambda runs: arm64 wheels for
Python 3.13, the keepslot package and the freelancer's keepslot.yaml, nothing else.

The build reuses build/wheels (pip downloads only what is missing), so after the
first run it takes seconds and needs no network.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path
from typing import get_args

import pytest

from infra import package
from keepslot.adapters.settings import Locale
from tests.infra import policy_model as pm

ROOT = Path(__file__).resolve().parents[2]
# Measured at 9.4 MB (Babel trimmed to it/en); the budget leaves ~20% headroom.
SIZE_BUDGET = 11_300_000
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("package")
    out = package.build(out=tmp / "lambda.zip", work=tmp / "package", wheels=package.WHEELS)
    return out, tmp / "package"


@pytest.fixture(scope="module")
def names(built: tuple[Path, Path]) -> list[str]:
    with zipfile.ZipFile(built[0]) as zf:
        return zf.namelist()


def test_zip_is_under_its_size_budget(built: tuple[Path, Path]) -> None:
    assert built[0].stat().st_size < SIZE_BUDGET


def test_unzipped_package_fits_lambda(built: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(built[0]) as zf:
        assert sum(i.file_size for i in zf.infolist()) < LAMBDA_UNZIPPED_LIMIT


def test_zip_holds_every_handler_the_template_names(names: list[str]) -> None:
    template = pm.load()
    for props in pm.functions(template).values():
        module = props["Handler"].rpartition(".")[0]
        assert module.replace(".", "/") + ".py" in names, module
    assert "keepslot/handlers/api.py" in names


def test_zip_carries_the_freelancers_config_where_config_py_looks(
    built: tuple[Path, Path],
) -> None:
    from keepslot.config import PACKAGED_CONFIG

    inside = PACKAGED_CONFIG.relative_to(ROOT / "functions").as_posix()
    assert inside == "keepslot/keepslot.yaml"
    with zipfile.ZipFile(built[0]) as zf:
        assert zf.read(inside) == (ROOT / "keepslot.yaml").read_bytes()


def test_zip_ships_tzdata(names: list[str]) -> None:
    assert "tzdata/zoneinfo/Europe/Rome" in names


def test_pydantic_core_is_built_for_arm64_python_313(names: list[str]) -> None:
    binaries = [n for n in names if n.startswith("pydantic_core/") and n.endswith(".so")]
    assert binaries, "no compiled pydantic_core"
    assert all("cpython-313" in n and "aarch64" in n for n in binaries), binaries


@pytest.mark.parametrize("forbidden", ["boto3/", "botocore/", "s3transfer/", ".venv/", "bin/"])
def test_zip_leaves_out_what_lambda_provides_or_never_runs(
    names: list[str], forbidden: str
) -> None:
    assert not [n for n in names if n.startswith(forbidden)]


def test_zip_holds_no_tests_and_no_bytecode(names: list[str]) -> None:
    parts = {p for n in names for p in n.split("/")[:-1]}
    assert not parts & {"tests", "test", "__pycache__", ".venv"}
    assert not [n for n in names if n.endswith((".pyc", ".pyo"))]


def test_babel_keeps_exactly_the_locales_keepslot_speaks(names: list[str]) -> None:
    data = {
        Path(n).stem for n in names if n.startswith("babel/locale-data/") and n.endswith(".dat")
    }
    assert {"root", *get_args(Locale)} <= data
    assert {d.split("_", 1)[0] for d in data} == {"root", *get_args(Locale)}


@pytest.mark.parametrize("locale", get_args(Locale))
def test_packaged_babel_still_formats_money_and_dates(
    built: tuple[Path, Path], locale: str
) -> None:
    # Pure-Python parts only: this interpreter is not Lambda's 3.13 on arm64.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from datetime import datetime, UTC\n"
        "import babel, keepslot.adapters.words.formats as f\n"
        "assert babel.__file__.startswith(sys.argv[1]), babel.__file__\n"
        "print(f.format_money(6000, 'EUR', sys.argv[2]))\n"
        "print(f.format_datetime(datetime(2026, 12, 3, 9, tzinfo=UTC), sys.argv[2],"
        " 'America/New_York'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code, str(built[1]), locale],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "60" in done.stdout and "2026" in done.stdout


def test_requirements_leave_out_the_runtimes_own_sdk(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["boto3==1.0", "botocore>=1", "tzdata==2026.6"]\n'
    )
    assert package.requirements(pyproject) == ["tzdata==2026.6"]


def test_runtime_requirements_come_from_pyproject() -> None:
    reqs = package.requirements()
    assert any(r.startswith("aws-lambda-powertools==") for r in reqs)  # packaged, not a layer
    assert any(r.startswith("tzdata==") for r in reqs)


def test_zip_is_reproducible(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "pkg" / "__pycache__").mkdir(parents=True)
    (tree / "pkg" / "__init__.py").write_text("x = 1\n")
    (tree / "pkg" / "__pycache__" / "m.cpython-311.pyc").write_bytes(b"\0")
    first = package.write_zip(tree, tmp_path / "a.zip")
    (tree / "pkg" / "__init__.py").touch()  # a newer mtime changes nothing
    package.write_zip(tree, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert first == ["pkg/__init__.py"]
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        (info,) = zf.infolist()
        assert info.date_time == package.ZIP_EPOCH
        assert info.external_attr >> 16 == 0o100644


def test_missing_config_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(package.PackageError, match=r"keepslot\.yaml is missing"):
        package.copy_sources(tmp_path, config=tmp_path / "keepslot.yaml")
