"""The package is layered (the order is in ``model/__init__.py``'s docstring): no module imports from a layer
above its own, nor from a sibling layer of the same rank."""

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "model"


def layer_order() -> list[set[str]]:
    """The layers, bottom to top, as ``model/__init__.py``'s docstring lists them (the one place the order is
    written): each numbered line names its layers, e.g. ``7. ``model.analysis`` and ``model.calibration``
    (neither imports the other): ...``; layers of one rank may not import each other. ``model/__init__.py``
    (the public facade) and ``model/__main__.py`` sit above everything and are not checked."""
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text()))
    numbered = re.findall(r"^\s*\d+\.\s+(.*?):", doc, flags=re.M)
    return [set(re.findall(r"``(model\.\w+)``", line)) for line in numbered]


LAYERS = layer_order()
RANK = {layer: rank for rank, layers in enumerate(LAYERS) for layer in layers}


def layer_of(module: str) -> str:
    """The layer ('model.core', 'model.errors', ...) of a dotted module name inside the package."""
    return ".".join(module.split(".")[:2])


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(text: str, name: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute dotted name) of every import of the package in the source ``text`` of module ``name``,
    lazy imports inside functions included."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module
            # ``from . import x`` imports the module (or name) ``x`` of base: its layer is that of base.x
            found += [(node.lineno, f"{base}.{a.name}" if node.module is None else base) for a in node.names]
    return [(line, target) for line, target in found if target == "model" or target.startswith("model.")]


def upward(text: str, name: str, is_package: bool = False) -> list[str]:
    """The imports in ``text`` (module ``name``) from a layer of the same rank as its own, or above."""
    own = layer_of(name)
    return [f"line {line}: {target}" for line, target in imported_modules(text, name, is_package)
            if layer_of(target) != own and RANK.get(layer_of(target), len(LAYERS)) >= RANK[own]]


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "params" not in p.relative_to(PACKAGE).parts
                 and p.relative_to(PACKAGE).as_posix() not in ("__init__.py", "__main__.py"))


def test_the_order_is_read_from_the_package_docstring():
    assert LAYERS[0] == {"model.errors", "model._version"} and LAYERS[-1] == {"model.cli"}
    assert all(LAYERS) and len(RANK) == sum(len(layer) for layer in LAYERS) >= 10


def test_every_module_has_a_layer():
    assert len(MODULES) > 40
    assert not [module_name(p) for p in MODULES if layer_of(module_name(p)) not in RANK]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_only_downward(path):
    name = module_name(path)
    wrong = upward(path.read_text(), name, path.name == "__init__.py")
    assert not wrong, f"{name} ({layer_of(name)}) imports from its own rank or above: {wrong}"


@pytest.mark.parametrize(("name", "line", "caught"), [
    ("model.engine.integrator", "from ..results import simulate", True),
    ("model.engine.integrator", "from ..results.simulate import simulate", True),
    ("model.inputs.parameters", "from .. import cli", True),
    ("model.inputs.parameters", "import model.present.plots", True),
    ("model.analysis.uncertainty", "from ..calibration import fit", True),
    ("model.results.dataset", "def f():\n    from ..sweeps.spec import SweepSpec", True),
    ("model.results.dataset", "from ..engine import integrator as engine", False),
    ("model.results.dataset", "from . import cf", False),
    ("model.core.structure", "from ..errors import InputError", False),
    ("model.commands.projections", "from ..cli import build_parser", True),
    ("model.present.report", "from ..commands.common import wide_pandas", True),
    ("model.cli", "from .commands.projections import cmd_run", False),
])
def test_the_check_sees_an_upward_import(name, line, caught):
    """The check is not vacuous: upward and sideways imports, lazy ones too, are caught; downward ones pass."""
    assert bool(upward(line, name)) is caught
