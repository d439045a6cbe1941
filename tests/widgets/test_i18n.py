"""Every widget word comes from the gettext catalogues, in French and in English."""

import ast
from pathlib import Path

from balise.widgets.i18n import catalogue, gettext, say

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"


def used_msgids() -> set[str]:
    """String literals handed to say(), word_rich() or labelled() in the widgets' code."""
    found = set()
    for path in WIDGETS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                args = {"say": 0, "word_rich": 0, "labelled": 1}
                if node.func.id in args and len(node.args) > args[node.func.id]:
                    arg = node.args[args[node.func.id]]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
    return found


def test_every_word_a_widget_says_is_in_both_catalogues():
    used = used_msgids()
    assert len(used) >= 10, used                        # the scan finds the widgets' words
    for lang in ("fr", "en"):
        missing = sorted(used - set(catalogue(lang)))
        assert not missing, f"{lang} catalogue lacks {missing}"


def test_french_is_translated_and_english_is_the_id():
    assert gettext("Check", "fr") == "Vérifier" and gettext("Check", "en") == "Check"
    assert say("Check", "both") == "Vérifier / Check" and say("Check", "fr") == "Vérifier"
    untranslated = [m for m, t in catalogue("fr").items() if t == m and m not in
                    {"Source", "Question"}]
    assert not untranslated
