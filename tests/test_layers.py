"""The layers of src/helpers/ import only downwards: core ← data ← engine ← report ← batch ← cli.

Every `import helpers.X` or `from helpers.X import` in a module (at any depth, including
imports inside functions) must name its own layer or a lower one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "helpers"
LAYERS = ["core", "data", "engine", "report", "batch", "cli"]


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "helpers" and parts[1] in LAYERS else None


def _imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = (
                [f"{node.module}.{a.name}" for a in node.names] if node.module == "helpers" else [node.module]
            )
            out += [(node.lineno, n) for n in names]
    return out


MODULES = sorted(p for p in SRC.rglob("*.py") if p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_only_to_the_same_or_lower_layers(path):
    own = path.relative_to(SRC).parts[0]
    assert own in LAYERS, f"{path} is outside the layers {LAYERS}"
    wrong = [
        f"line {line}: {name}"
        for line, name in _imports(path)
        if (target := _layer(name)) is not None and LAYERS.index(target) > LAYERS.index(own)
    ]
    assert not wrong, f"{path.relative_to(SRC)} ({own}) imports a higher layer: {wrong}"


def test_every_module_is_in_a_layer_and_none_is_a_warehouse():
    top = [p.name for p in SRC.glob("*.py") if p.name != "__init__.py"]
    assert top == [], f"modules outside the layers: {top}"
    large = {str(p.relative_to(SRC)): n for p in MODULES if (n := len(p.read_text().splitlines())) > 450}
    assert not large, f"modules over 450 lines: {large}"


def test_the_checker_sees_a_wrong_import(tmp_path):
    path = tmp_path / "x.py"
    path.write_text("def f():\n    from helpers.report.tables import styled\n")
    assert _imports(path) == [(2, "helpers.report.tables")]
    assert _layer("helpers.report.tables") == "report" and _layer("helpers") is None
