"""The layers of journal/: the events, store, projections, read models and replay at the bottom; the API
over them; the reports over the API; the CLI and the web app (`tj serve`) on top. A module imports only
from its own layer or below, at module level or inside a function alike (issue 16, item 5)."""

from __future__ import annotations

import ast
from pathlib import Path

import journal

ROOT = Path(journal.__file__).resolve().parent


def _imports(path: Path) -> list[tuple[str, str | None]]:
    """Each journal module `path` imports, with the function it is imported in (None: module level)."""
    tree = ast.parse(path.read_text(), str(path))
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inside = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                found.append((child.module, function))
                if child.module == "journal":
                    found.extend((f"journal.{a.name}", function) for a in child.names)
            elif isinstance(child, ast.Import):
                found.extend((a.name, function) for a in child.names)
            visit(child, inside)

    visit(tree, None)
    return [(m, f) for m, f in found if m == "journal" or m.startswith("journal.")]


def _layer(module: str) -> int:
    if module.startswith(("journal.cli", "journal.web")) or module == "journal.__main__":  # the front ends
        return 3
    if module.startswith("journal.reports"):
        return 2
    if module == "journal.api":
        return 1
    return 0


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = []
    for path in sorted(ROOT.rglob("*.py")):
        importer = _module(path)
        for imported, function in _imports(path):
            if _layer(imported) > _layer(importer):
                upward.append(f"{importer} ({function or 'module level'}) imports {imported}")
    assert upward == []


def test_the_statements_replay_and_read_models_import_no_api_at_run_time() -> None:
    for name in ("reports/statements.py", "replay.py", "readmodels.py", "partition.py"):
        tree = ast.parse((ROOT / name).read_text())
        run_time = [
            n
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom)
            and n.module == "journal.api"
            and not any(
                isinstance(p, ast.If) and "TYPE_CHECKING" in ast.unparse(p.test) and n in ast.walk(p)
                for p in ast.walk(tree)
            )
        ]
        assert run_time == [], name


def test_the_layers_are_what_this_test_believes() -> None:
    assert _layer("journal.readmodels") == 0 < _layer("journal.api") < _layer("journal.reports.monthly")
    assert _imports(ROOT / "reports" / "monthly.py")  # the walker finds imports at all
    assert all(imported != "journal.reports.statements" for imported, _ in _imports(ROOT / "api.py"))
