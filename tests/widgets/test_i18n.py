"""Every word Balise says, on a page, a certificate or a widget, is in both catalogues.

The code is read with :mod:`ast`: each literal handed to a function that says a
word (``say("Check")``, ``word("Name")``, ``N_("Saved.")`` in a table) is a
message id that ``balise/locale/fr`` and ``balise/locale/en`` must hold, and each
literal key handed to :mod:`balise.messages` (``both("submit")``,
``CATALOGUE["forbidden"]``) must be one of its keys.
"""

import ast
import re
from pathlib import Path

from balise import messages
from balise.widgets.i18n import say
from balise.words import LANGS, catalogue, gettext, word

REPO = Path(__file__).resolve().parents[2]
PARTS = ("balise", "widgets", "grading", "progress")

# Functions that take a message id, and which positional argument it is.
SAYING = {"say": 0, "word_rich": 0, "labelled": 1, "word": 0, "N_": 0, "gettext": 0}
# Functions that take a key of balise.messages (result_view's filled fills its {names}).
KEYED = {"text": 0, "both": 0, "tagged": 0, "filled": 0, "say_key": 0, "tagged_plain": 0}
# Where they are defined: a name counts in a file that imports it from there, or defines it.
SOURCES = {"balise.words", "balise.widgets.i18n", "balise.widgets.base", "balise.messages",
           "balise.result_view"}
# French writes these as English does.
SAME_IN_FRENCH = {"Source", "Date", "Site", "Sites", "Administration", "Question", "Question {n}",
                  "Situation {n}", "{questions} questions + {scenarios} situations",
                  "{done}/{total} modules",
                  "{done}/{total} modules · {checked}/{checks} validations"}


def said(source: str) -> tuple[set[str], set[str]]:
    """(message ids, keys of balise.messages) handed as literals in ``source``."""
    tree = ast.parse(source)
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in SOURCES:
            names.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[node.name] = node.name
    msgids, keys = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = names.get(node.func.id)
            for table, found in ((SAYING, msgids), (KEYED, keys)):
                if name in table and len(node.args) > table[name]:
                    arg = node.args[table[name]]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
              and names.get(node.value.id) == "CATALOGUE"
              and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
            keys.add(node.slice.value)
    return msgids, keys


def missing(msgids: set[str], keys: set[str]) -> list[str]:
    """What the catalogues lack for these ids and keys, one line each."""
    out = [f"{lang} catalogue lacks {m!r}" for lang in LANGS
           for m in sorted(msgids - set(catalogue(lang)))]
    return out + [f"balise.messages has no key {k!r}" for k in sorted(keys - set(messages.MSGIDS))]


def used() -> tuple[set[str], set[str]]:
    msgids, keys = set(), set()
    for part in PARTS:
        for path in sorted((REPO / part).rglob("*.py")):
            found = said(path.read_text(encoding="utf-8"))
            msgids |= found[0]
            keys |= found[1]
    return msgids, keys


def test_every_word_said_is_in_both_catalogues():
    msgids, keys = used()
    # The scan finds the widgets', the pages', the certificate's and the trainer tools' words.
    assert {"Check", "Submit my answers", "Safety training certificate", "Saved.",
            "Hazard hunt"} <= msgids
    assert {"submit", "forbidden", "pass_mark"} <= keys
    assert not missing(msgids, keys), "\n".join(missing(msgids, keys))


def test_every_key_of_the_messages_names_a_word_of_both_catalogues():
    bad = [key for key, msgid in messages.MSGIDS.items()
           if not isinstance(msgid, str) or any(msgid not in catalogue(lang) for lang in LANGS)]
    assert not bad, f"balise.messages keys without a word in both catalogues: {bad}"


def test_the_scan_finds_a_word_or_a_key_the_catalogues_lack():
    """The checks above can fail: a made-up id or key, in each form, is reported."""
    source = ("from balise.words import N_, word\nfrom balise.messages import CATALOGUE, both\n"
              "def page():\n    both('no_such_key'), CATALOGUE['nor_this']\n"
              "    return word('No such word'), N_('Nor this one')\n"
              "def text(key):\n    return key\ntext('a_local_helper_key')\n")
    msgids, keys = said(source)
    assert msgids == {"No such word", "Nor this one"}
    assert keys == {"no_such_key", "nor_this", "a_local_helper_key"}
    report = missing(msgids | {"Check"}, keys | {"submit"})
    assert "fr catalogue lacks 'No such word'" in report
    assert "en catalogue lacks 'Nor this one'" in report
    assert "balise.messages has no key 'nor_this'" in report
    assert not [line for line in report if "'Check'" in line or "'submit'" in line]
    # A name not from Balise's words is not taken for one.
    assert said("from elsewhere import word\nword('Anything')\n") == (set(), set())


TEMPLATES = REPO / "balise" / "web" / "templates"
# A template says a word with the Jinja globals of balise.web.page_words: w("...") or wd("...").
TEMPLATE_WORD = re.compile(r"""\bwd?\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
# The pages' bilingual form written by hand: it is w()'s to write, from the catalogue.
LITERAL_PAIR = re.compile(r"""lang=["']en["'][^>]*>\s*/|/\s*<span\b[^>]*\blang=["']en["']""")


def template_words(source: str) -> set[str]:
    """The message ids a template hands as literals to ``w`` or ``wd``."""
    return {a or b for a, b in TEMPLATE_WORD.findall(source)}


def literal_pairs(source: str) -> list[str]:
    """The lines of a template that write French / English by hand, outside ``w``."""
    return [line.strip() for line in source.splitlines() if LITERAL_PAIR.search(line)]


def test_every_word_of_the_templates_is_in_both_catalogues():
    msgids = set()
    for path in sorted(TEMPLATES.glob("*.html")):
        msgids |= template_words(path.read_text(encoding="utf-8"))
    assert {"My modules", "Page not found.", "To do now", "Sign in", "Home"} <= msgids
    assert not missing(msgids, set()), "\n".join(missing(msgids, set()))


def test_no_template_writes_its_words_by_hand():
    bad = [f"{path.name}: {line}" for path in sorted(TEMPLATES.glob("*.html"))
           for line in literal_pairs(path.read_text(encoding="utf-8"))]
    assert not bad, "words written by hand, not with w():\n" + "\n".join(bad)


def test_the_template_scan_finds_a_missing_word_and_a_hand_written_pair():
    """The two template checks can fail: a made-up id, and each hand-written form."""
    source = ('<h1>{{ w("My modules") }}</h1><p>{{ wd(\'No such page word\').fr }}</p>'
              '{{ w("Next: {title}", title=t) }}{{ w(module.title) }}{{ now("Not a word") }}')
    assert template_words(source) == {"My modules", "No such page word", "Next: {title}"}
    report = missing(template_words(source), set())
    assert report == [f"{lang} catalogue lacks 'No such page word'" for lang in LANGS]
    assert literal_pairs('<h1>Mes modules <span class="en" lang="en">/ My modules</span></h1>')
    assert literal_pairs('<a>Accueil / <span lang="en">Home</span></a>')
    assert literal_pairs('<a>Refaire <span lang="en">/ Take it again</span></a>')
    assert not literal_pairs('<h1>{{ w("My modules") }}</h1><p>{{ s.fr }}<br>'
                             '<span class="en" lang="en">{{ s.en }}</span></p>')


def test_french_is_translated_and_english_is_the_id():
    assert gettext("Check", "fr") == "Vérifier" and gettext("Check", "en") == "Check"
    assert say("Check", "both") == "Vérifier / Check" and say("Check", "fr") == "Vérifier"
    assert messages.both("submit") == "Envoyer mes réponses / Submit my answers"
    untranslated = [m for m, t in catalogue("fr").items() if t == m and m not in SAME_IN_FRENCH]
    assert not untranslated
    assert all(t == m for m, t in catalogue("en").items())
    assert set(catalogue("fr")) == set(catalogue("en"))


def test_a_word_fills_the_same_names_in_both_languages():
    assert word("Note too long: {most} characters at most.", most=500) == {
        "fr": "Note trop longue : 500 caractères au plus.",
        "en": "Note too long: 500 characters at most."}
    # A value said per language (a date in words) fills each language with its own.
    assert word("valid until {day}", day={"fr": "3 décembre 2026", "en": "3 December 2026"}) == {
        "fr": "valable jusqu'au 3 décembre 2026", "en": "valid until 3 December 2026"}
    names = re.compile(r"\{(\w*)\}")
    for msgid, french in catalogue("fr").items():
        assert set(names.findall(french)) == set(names.findall(msgid)), msgid
