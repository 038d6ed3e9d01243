"""The parts of STYLE.md's dependency picture that import-linter cannot see.

import-linter (``pyproject.toml``) checks the layers it is told about; a module
left out of every layer is checked by nothing, so the first test makes sure each
top-level module of an app is placed. The second holds interfaces (views, API,
forms, commands...) to reading rows through selectors and writing them through
services: they may import a models module for its vocabulary (Role,
RapidReview.State), never to query.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
IN_APP = next(c for c in CONFIG["contracts"] if c.get("containers"))
APPS = IN_APP["containers"]

# Interfaces: they call services and selectors, which own every query.
INTERFACE_PARTS = {
    "views",
    "api",
    "tasks",
    "management",
    "forms",
    "templatetags",
    "context_processors",
    "access",
    "urls",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def _placed_modules(app: str) -> set[str]:
    """The modules of the app that a contract places: in a layer of the in-app contract, or named
    (``partnership.subjects``) by a contract of their own."""
    placed = {name for layer in IN_APP["layers"] for name in re.findall(r"\(?(\w+)\)?", layer)}
    for contract in CONFIG["contracts"]:
        for key in ("source_modules", "forbidden_modules"):
            for module in contract.get(key, []):
                parts = module.split(".")
                if len(parts) == 2 and parts[0] == app:
                    placed.add(parts[1])
    return placed


def _top_level_modules(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).iterdir():
        if path.name.startswith(("_", ".")):
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            found.add(path.stem)
    return found


@pytest.mark.parametrize("app", APPS)
def test_every_module_of_an_app_sits_in_a_layer(app):
    unplaced = _top_level_modules(app) - _placed_modules(app)
    assert not unplaced, f"{app}: place {sorted(unplaced)} in a layer of '{IN_APP['name']}' in pyproject.toml"


def _interface_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT / app).with_suffix("").parts
            if parts and (parts[0] in INTERFACE_PARTS or parts[0].startswith("urls")):
                yield path


def _manager_uses(tree: ast.AST) -> list[int]:
    """Lines that touch a model manager, except ``Model.objects.none()`` (a form field's empty start)."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            parent = parents.get(node)
            if isinstance(parent, ast.Attribute) and parent.attr == "none":
                continue
            lines.append(node.lineno)
    return lines


def test_interfaces_never_query_models_themselves():
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in _interface_files()
        if (lines := _manager_uses(ast.parse(path.read_text(), filename=str(path))))
    }
    assert not offenders, f"Query through a selector or a service instead: {offenders}"


def test_the_manager_check_sees_a_query():
    # The check itself must bite, or the test above proves nothing.
    assert _manager_uses(ast.parse("Agency.objects.filter(pk=1)")) == [1]
    assert _manager_uses(ast.parse("Agency.objects.none()")) == []
