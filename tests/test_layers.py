"""Layering: the rules sit below the views, and app-wide behaviour is registered by create_app."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "checkapp"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            names.update(f"{node.module}.{alias.name}" if node.module else alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_permissions_import_no_view_module():
    views = {name for name in imported_modules(PACKAGE / "permissions.py") if "routes" in name.split(".")[-1]}
    assert views == set()


def test_no_blueprint_hooks_the_whole_app():
    """Headers, compression and template helpers for every page are registered in create_app."""
    app_wide = ("after_app_request", "before_app_request", "app_context_processor", "record_once")
    hooks = [f"{path.relative_to(PACKAGE)}: {name}" for path in sorted(PACKAGE.rglob("*.py"))
             for name in app_wide if f".{name}(" in path.read_text()]
    assert hooks == []
