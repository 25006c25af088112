"""Import rules of ``src/kg``, checked by scanning every module's syntax tree.

Flask stays in ``kg.web``, pyoxigraph in ``kg.store``, imports point one way (the core never
imports the web layer or the CLI), and only ``kg.config`` reads the environment.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "kg"
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def uses(found: set[str], top: str) -> bool:
    return any(name == top or name.startswith(top + ".") for name in found)


def in_package(path: Path, package: str) -> bool:
    return module_name(path) == package or module_name(path).startswith(package + ".")


def test_the_scan_finds_the_modules() -> None:
    assert len(MODULES) > 10
    assert {"kg.config", "kg.web", "kg.store", "kg.cli"} <= {module_name(p) for p in MODULES}


@pytest.mark.parametrize(
    ("library", "home"),
    [
        ("flask", "kg.web"),
        ("werkzeug", "kg.web"),
        ("gunicorn", "kg.web"),
        ("pyoxigraph", "kg.store"),
    ],
)
def test_each_library_is_imported_only_in_its_home_package(library: str, home: str) -> None:
    offenders = [
        module_name(p) for p in MODULES if uses(imports(p), library) and not in_package(p, home)
    ]
    assert offenders == []


#: package -> packages it must never import (imports point one way).
LAYERS = {
    "kg.config": ["kg.web", "kg.cli", "kg.store", "kg.query", "kg.loader"],
    "kg.errors": ["kg.web", "kg.cli", "kg.store", "kg.config"],
    "kg.store": ["kg.web", "kg.cli", "kg.query", "kg.loader", "kg.update"],
    "kg.query": ["kg.web", "kg.cli"],
    "kg.loader": ["kg.web", "kg.cli", "kg.query"],
    "kg.serializers": ["kg.web", "kg.cli"],
    "kg.query.guard": ["kg.web", "kg.cli", "kg.store"],
}


def is_cli(name: str) -> bool:
    """``kg.cli`` and its modules."""
    return name == "kg.cli" or name.startswith("kg.cli.")


def core_modules() -> list[Path]:
    return [p for p in MODULES if not in_package(p, "kg.web") and not is_cli(module_name(p))]


@pytest.mark.parametrize("path", core_modules(), ids=module_name)
def test_the_core_never_imports_the_web_layer_or_the_cli(path: Path) -> None:
    found = imports(path)
    assert not uses(found, "kg.web") and not any(is_cli(name) for name in found)


@pytest.mark.parametrize(("package", "forbidden"), LAYERS.items())
def test_lower_layers_never_import_higher_ones(package: str, forbidden: list[str]) -> None:
    paths = [p for p in MODULES if in_package(p, package)]
    assert paths
    offenders = {module_name(p): sorted(f for f in forbidden if uses(imports(p), f)) for p in paths}
    assert {k: v for k, v in offenders.items() if v} == {}


def reads_environment(path: Path) -> list[int]:
    """Lines where ``path`` touches ``os.environ``/``os.getenv`` (a module's own ``os``, or
    an import from it); a WSGI ``environ`` (the request's, not the process's) is fine."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            if isinstance(node.value, ast.Name) and node.value.id in ("os", "posix"):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if any(a.name in ("environ", "getenv") for a in node.names):
                lines.append(node.lineno)
    return lines


def test_only_config_reads_the_environment() -> None:
    readers = {module_name(p): reads_environment(p) for p in MODULES}
    assert readers["kg.config"]
    assert {name: lines for name, lines in readers.items() if lines and name != "kg.config"} == {}


def test_the_environment_scan_sees_every_spelling(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import environ, getenv\nos.environ['A']\nos.getenv('B')\n"
        "request.environ['PATH_INFO']\n",
        encoding="utf-8",
    )
    assert reads_environment(sample) == [2, 3, 4]
