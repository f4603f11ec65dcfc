"""`make package` (infra/package.py) builds the zip Lambda runs: arm64 wheels for
Python 3.13, the keepslot package and the freelancer's keepslot.yaml (with its
validated copy), their 3.13 bytecode, nothing else. Built here with the test
fixture config in the freelancer's place.

The build reuses build/wheels (pip downloads only what is missing), so after the
first run it takes seconds and needs no network.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath
from typing import get_args

import pytest

from infra import package
from keepslot.config.model import Locale, load_config
from tests.infra import policy_model as pm
from tests.support.configs import FIXTURE

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# Measured at 17.8 MB (Babel trimmed to it/en; 8.4 MB of it 3.13 bytecode, which spares
# every cold start compiling what it imports); the budget leaves ~20% headroom.
SIZE_BUDGET = 21_400_000
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("package")
    out = package.build(
        out=tmp / "lambda.zip", work=tmp / "package", wheels=package.WHEELS, config=FIXTURE
    )
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
    from keepslot.config.environment import PACKAGED_CONFIG

    inside = PACKAGED_CONFIG.relative_to(ROOT / "functions").as_posix()
    assert inside == "keepslot/keepslot.yaml"
    with zipfile.ZipFile(built[0]) as zf:
        assert zf.read(inside) == FIXTURE.read_bytes()


def test_packaged_config_loads_from_its_copy_without_pyyaml(built: tuple[Path, Path]) -> None:
    assert (built[1] / "keepslot" / "keepslot.yaml.json").is_file()
    code = (
        "import sys, json; sys.modules['yaml'] = None  # importing PyYAML would fail\n"
        "from keepslot.config.model import load_config\n"
        "c = load_config(sys.argv[1])\n"
        "print(json.dumps([c.business.name, c.policy_version]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(built[1] / "keepslot" / "keepslot.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = load_config(FIXTURE)
    assert json.loads(done.stdout) == [expected.business.name, expected.policy_version]


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


def test_zip_holds_no_tests(names: list[str]) -> None:
    parts = {p for n in names for p in n.split("/")[:-1]}
    assert not parts & {"tests", "test", ".venv"}


def test_bytecode_is_lambdas_and_sits_beside_its_source(names: list[str]) -> None:
    shipped = set(names)
    for name in (n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n):
        pyc = PurePosixPath(name)
        stem, _, tag = pyc.name.partition(".")
        assert pyc.parent.name == "__pycache__" and tag == "cpython-313.pyc", name
        assert str(pyc.parent.parent / f"{stem}.py") in shipped, name


def test_every_module_ships_bytecode_when_a_python_313_is_here(names: list[str]) -> None:
    # Lambda cannot write __pycache__: without it each cold start compiles what it imports.
    shipped = set(names)
    sources = [n for n in names if n.endswith(".py")]
    compiled = [n for n in sources if _pyc(n) in shipped]
    if package.lambda_python() is None:
        assert compiled == []
    else:
        assert compiled == sources


def test_bytecode_is_checked_by_hash_not_by_the_zips_fixed_dates(
    built: tuple[Path, Path],
) -> None:
    with zipfile.ZipFile(built[0]) as zf:
        pycs = [n for n in zf.namelist() if n.startswith("keepslot/") and n.endswith(".pyc")]
        # Without a local 3.13 no bytecode ships, and there is nothing to check: say so.
        assert bool(pycs) == (package.lambda_python() is not None)
        for name in pycs:
            header = zf.read(name)[:16]
            assert header[:4] == b"\xf3\r\r\n", name  # Python 3.13's magic number
            assert int.from_bytes(header[4:8], "little") == 0b01, name  # hash, unchecked


def test_bytecode_comes_only_from_lambdas_python(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("x = 1\n")
    with pytest.raises(package.PackageError, match=r"is not Python 3\.13"):
        package.compile_bytecode(tmp_path, sys.executable)
    assert not (tmp_path / "__pycache__").exists()


def _pyc(source: str) -> str:
    py = PurePosixPath(source)
    return str(py.parent / "__pycache__" / f"{py.stem}.cpython-313.pyc")


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
        "import babel, keepslot.words.formats as f\n"
        "assert babel.__file__.startswith(sys.argv[1]), babel.__file__\n"
        "print(f.format_money(6000, 'EUR', sys.argv[2]))\n"
        "print(f.format_when(datetime(2026, 12, 3, 9, tzinfo=UTC), sys.argv[2],"
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
