"""The house's shape, checked: stages import only downwards, and no room outgrows itself.

The layer contract lives in pyproject.toml (``[tool.importlinter]``) and ``make lint``
runs it; here it is run once on the package as it is and once on a copy in which a
lower stage imports a higher one, which it must refuse.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "geomap"
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600
MAX_RENDER_MAP_LINES = 60

pytest.importorskip(
    "importlinter", reason="import-linter is a dev dependency (pip install -e '.[dev]')"
)


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    code = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_function_or_module_too_long() -> None:
    long_functions, long_modules = [], []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") + 1 > MAX_MODULE_LINES:
            long_modules.append(str(path.relative_to(ROOT)))
        for fn in _functions(ast.parse(text)):
            n = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            limit = MAX_RENDER_MAP_LINES if fn.name == "render_map" else MAX_FUNCTION_LINES
            if n > limit:
                long_functions.append(f"{path.relative_to(ROOT)}:{fn.name} ({n} lines)")
    assert long_modules == []
    assert long_functions == []


def test_no_geomap_import_inside_a_function() -> None:
    found = []
    for path in _modules():
        for fn in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            for node in ast.walk(fn):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else ["geomap"]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(n == "geomap" or n.startswith("geomap.") for n in names):
                    found.append(f"{path.relative_to(ROOT)}:{fn.name}:{node.lineno}")
    assert found == []


def test_layer_contract_holds() -> None:
    proc = _lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


def test_layer_contract_refuses_a_lower_stage_importing_a_higher_one(tmp_path: Path) -> None:
    shutil.copytree(PACKAGE, tmp_path / "geomap", ignore=shutil.ignore_patterns("_static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    model = tmp_path / "geomap" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\nimport geomap.map  # noqa\n")
    proc = _lint_imports(tmp_path)
    assert proc.returncode != 0
    assert "geomap.model -> geomap.map" in proc.stdout
