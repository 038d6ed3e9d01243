"""Every service that takes a row lock does so inside a transaction.

``select_for_update`` outside ``transaction.atomic`` is an error on PostgreSQL
(TransactionManagementError, a 500) and silently nothing on SQLite, and the
ordinary tests run inside a transaction anyway, so a service that forgot its
``@transaction.atomic`` passes every test but the few that run in autocommit
(CI's API fuzz found ``gap_action_add`` that way). This test reads the services
instead: a public service function that locks, itself or through helpers of
its own that are not atomic, must be atomic.

A few functions lock on purpose inside their caller's transaction (the sign-off
hooks, run inside a partner's decision); they are named below with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("partnership", "reviews", "audits", "learninghub", "scrutiny")

# Run inside their caller's transaction by design; the caller is atomic.
LOCK_IN_CALLERS_TRANSACTION = {
    # A subject type's sign-off hooks run inside the kernel's sign_off_decide (atomic).
    "partnership.services.recommendations.recommendation_round_sign_off_prepare",
    "partnership.services.recommendations.recommendation_round_sign_off_settled",
    "reviews.services.decision.rapid_review_sign_off_prepare",
    "reviews.services.decision.rapid_review_sign_off_settled",
    # Resolves and locks the batch for recommendation_round_create (atomic), its only caller.
    "partnership.services.recommendations.recommendations_resolve",
}


def _service_functions() -> tuple[dict[str, ast.FunctionDef], dict[str, dict[str, str]]]:
    functions: dict[str, ast.FunctionDef] = {}
    imports: dict[str, dict[str, str]] = {}
    for app in APPS:
        for path in sorted((ROOT / app).glob("services/**/*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            tree = ast.parse(path.read_text())
            imports[module] = {}
            for node in tree.body:
                if isinstance(node, ast.ImportFrom) and node.module:
                    for alias in node.names:
                        imports[module][alias.asname or alias.name] = f"{node.module}.{alias.name}"
                elif isinstance(node, ast.FunctionDef):
                    functions[f"{module}.{node.name}"] = node
    return functions, imports


def _is_atomic(function: ast.FunctionDef) -> bool:
    if any("atomic" in ast.unparse(decorator) for decorator in function.decorator_list):
        return True
    return any(
        isinstance(node, ast.With) and any("atomic" in ast.unparse(item.context_expr) for item in node.items)
        for node in ast.walk(function)
    )


def _resolve(name: str, module: str, functions: dict, imports: dict) -> str | None:
    if f"{module}.{name}" in functions:
        return f"{module}.{name}"
    target = imports[module].get(name)
    if target is None:
        return None
    if target in functions:
        return target
    # Imported through a package's __init__ (``from reviews.services import x``).
    package, _, bare = target.rpartition(".")
    return next((key for key in functions if key.startswith(package + ".") and key.endswith("." + bare)), None)


def lock_takers_outside_a_transaction() -> list[str]:
    functions, imports = _service_functions()
    locking: set[str] = set()
    changed = True
    while changed:
        changed = False
        for key, function in functions.items():
            if key in locking:
                continue
            module = key.rpartition(".")[0]
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                if isinstance(node.func, ast.Attribute) and node.func.attr == "select_for_update":
                    locking.add(key)
                    changed = True
                    break
                if isinstance(node.func, ast.Name):
                    callee = _resolve(node.func.id, module, functions, imports)
                    if callee in locking and not _is_atomic(functions[callee]):
                        locking.add(key)
                        changed = True
                        break
    return sorted(
        key
        for key in locking
        if not key.rpartition(".")[2].startswith("_")
        and not _is_atomic(functions[key])
        and key not in LOCK_IN_CALLERS_TRANSACTION
    )


def test_every_service_that_locks_a_row_runs_in_a_transaction():
    assert lock_takers_outside_a_transaction() == []


def test_the_check_sees_a_lock_taken_through_a_helper(tmp_path, monkeypatch):
    """The check is not vacuous: a service locking through a private helper, without atomic, is caught."""
    app = tmp_path / "audits" / "services"
    app.mkdir(parents=True)
    (app / "example.py").write_text(
        "from django.db import transaction\n"
        "def _lock(x):\n    return X.objects.select_for_update().get(pk=x)\n"
        "def forgot(x):\n    _lock(x)\n"
        "@transaction.atomic\ndef remembered(x):\n    _lock(x)\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert lock_takers_outside_a_transaction() == ["audits.services.example.forgot"]
