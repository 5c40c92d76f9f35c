"""Layering: the rules sit below the views, and app-wide behaviour is registered by create_app."""
import ast
import re
from pathlib import Path

import pytest

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


def hooks(*names: str) -> list[str]:
    return sorted(f"{path.relative_to(PACKAGE).as_posix()}: {match}" for path in PACKAGE.rglob("*.py")
                  for match in re.findall(rf"\.({'|'.join(names)})\b", path.read_text()))


def test_no_blueprint_hooks_the_whole_app():
    """Headers, compression and request hooks for every page are registered in create_app."""
    assert hooks("after_app_request", "before_app_request", "app_context_processor", "record_once") == []


def test_templates_get_what_they_need_from_their_view():
    """No context processor or template global hides a query behind a template call.

    Left for now: the evidence partials' helpers, which the performing pages are reworking."""
    allowed = {"__init__.py: context_processor",  # navigation and locale, for every page, no query
               "evidence/routes.py: app_template_global"}
    assert set(hooks("context_processor", "app_template_global", "template_global")) <= allowed


MODULES = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_no_function_is_complex(module):
    """Cyclomatic complexity (radon) of rank A or B for each function: rank C starts at 11."""
    from radon.complexity import cc_rank, cc_visit

    blocks = cc_visit((PACKAGE / module).read_text())
    assert [f"{block.name} {block.complexity}" for block in blocks if cc_rank(block.complexity) > "B"] == []
