"""No part reaches up: the lower parts import nothing from the rooms above them.

``grading``, ``widgets`` and ``progress`` sit under the web pages, the hub, the
command line and the demo; ``widgets`` knows nothing of grading. The imports are read
with :mod:`ast`, so a forbidden import anywhere in a file (even inside a function)
is found without running it.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

ABOVE = ("balise.web", "balise.hub", "balise.cli", "balise.demo")
FORBIDDEN = {
    "grading": ABOVE,
    "widgets": ABOVE + ("balise.grading",),
    "progress": ABOVE,
}
PACKAGE = {"grading": "balise.grading", "widgets": "balise.widgets",
           "progress": "balise.progress"}


def imported(source: str, package: str) -> list[tuple[int, str]]:
    """Every module a source imports, relative imports resolved against ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # ``from balise import web`` imports the room itself
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def reaching_up(part: str, source: str, name: str = "<source>") -> list[str]:
    bad = []
    for line, module in imported(source, PACKAGE[part]):
        for room in FORBIDDEN[part]:
            if module == room or module.startswith(room + "."):
                bad.append(f"{name}:{line}: {part} imports {module}")
    return bad


def test_no_part_reaches_up():
    bad = []
    for part in FORBIDDEN:
        for path in sorted((REPO / part).rglob("*.py")):
            bad += reaching_up(part, path.read_text(), str(path.relative_to(REPO)))
    assert not bad, "\n".join(bad)


def test_the_walk_finds_a_forbidden_import():
    """The check above can fail: each kind of forbidden import is seen."""
    assert reaching_up("grading", "def f():\n    from balise.cli import load_config\n")
    assert reaching_up("grading", "from balise import web\n")
    assert reaching_up("widgets", "import balise.grading.worker\n")
    assert reaching_up("progress", "from balise.web.pages import Page\n")
    assert reaching_up("widgets", "from ..grading import results\n")
    assert not reaching_up("grading", "from balise.store.models import Store\n")
    assert not reaching_up("widgets", "from balise.widgets.base import Scenario\n")
