"""courses/glossary.yaml: each term explained where a module's page first shows it, once.

The build notes the first place of each term on the page (``balise.catalogue.glossary``):
these tests read the notebooks it builds, and a broken glossary through
``balise build --check``, which must name the file, the line and the fix.
"""

from __future__ import annotations

import ast
import html
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from balise import BaliseError
from balise.catalogue import glossary
from balise.catalogue import rules as content_rules
from balise.catalogue.modules import load_catalogue
from balise.grading.build import source_notebook

REPO = Path(__file__).resolve().parents[2]
COURSES = REPO / "courses"
CATALOGUE = load_catalogue(COURSES)
TERMS = glossary.load_glossary(COURSES / glossary.GLOSSARY_FILE)
TAPPED = re.compile(r'popovertarget="([\w-]+)">([^<]+)</button><span id="\1" popover="auto" '
                    r'class="balise-term-note"><strong>[^<]*</strong><br>([^<]*)<br>')
FRENCH = {t.means["fr"] for t in TERMS}


def built(mid: str) -> list[tuple[str, str]]:
    """(part of the page, its source) in page order: 'text', 'quiz' or 'widget'."""
    nb = source_notebook(CATALOGUE[mid])
    out = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        part = ("text" if cell.cell_type == "markdown" else
                "quiz" if grade_id == "quiz_display" else "widget")
        out.append((part, cell.source))
    return out


def french_words(term: glossary.Term) -> set[str]:
    return {w for form in term.words["fr"] for w in (form, form[:1].upper() + form[1:])}


def notes(node, lang: str = "fr") -> list[str]:
    """The words noted in ``lang`` in a literal of the page's data, in order."""
    if isinstance(node, dict):
        own = [n["word"] for n in node.get("terms", {}).get(lang, [])]
        return own + [w for key, value in node.items() if key != "terms"
                      for w in notes(value, lang)]
    if isinstance(node, list):
        return [w for item in node for w in notes(item, lang)]
    return []


def data_of(source: str) -> list:
    """The literals a code cell hands the page (a scenario's data, the quiz's questions)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Dict, ast.List)):
            try:
                found.append(ast.literal_eval(node))
            except ValueError:
                continue
    outer = [x for x in found if not any(x is not y and str(x) in str(y) for y in found)]
    return outer


def explained(mid: str) -> list[tuple[str, str]]:
    """(part, word) for each French word the page explains, in page order."""
    found = []
    for part, source in built(mid):
        if part == "text":                  # French where the box says a French definition
            words = [word for _, word, means in TAPPED.findall(source)
                     if html.unescape(means) in FRENCH]
        else:
            words = [w for literal in data_of(source) for w in notes(literal)]
        found += [(part, word) for word in words]
    return found


def test_the_glossary_holds_the_words_of_the_brief():
    names = {t.name for t in TERMS}
    assert {"cariste", "CACES", "rayonnage", "danger grave et imminent", "EPI", "transpalette",
            "quai", "nacelle"} <= names
    assert all(t.means["fr"] and t.means["en"] for t in TERMS)


def test_every_term_is_explained_on_some_page():
    on_pages = {word for mid in CATALOGUE for _, word in explained(mid)}
    missing = [t.name for t in TERMS if not french_words(t) & on_pages]
    assert missing == []


@pytest.mark.parametrize("mid", sorted(CATALOGUE))
def test_a_term_is_explained_once_before_the_quiz(mid):
    """Once in a module, at its first place; in the quiz only when the page had not yet."""
    by_term = {w: t.name for t in TERMS for w in french_words(t)}
    before = [by_term[word] for part, word in explained(mid) if part != "quiz" and word in by_term]
    assert len(before) == len(set(before)), f"{mid}: explained twice: {before}"
    in_quiz = {by_term[word] for part, word in explained(mid) if part == "quiz"
               and word in by_term}
    assert not in_quiz & set(before)


@pytest.mark.parametrize("mid", sorted(CATALOGUE))
def test_every_term_a_page_shows_is_explained_on_it_even_one_first_met_on_a_button(mid):
    """A word on an option button, a radio label or a hazard's list cannot open its note
    where it stands: the prompt above says it as a word to know."""
    by_term = {w: t.name for t in TERMS for w in french_words(t)}
    here = {by_term[word] for _, word in explained(mid) if word in by_term}
    lines = glossary.used(TERMS, page_texts_before_answering(mid))
    shown = {t.name for t in TERMS if t.line in lines}
    assert shown - here == set(), mid


AFTER_ANSWERING = ("practice", "consequence", "why", "title")


def page_texts_before_answering(mid: str) -> list[str]:
    """Every French text the module page shows before she answers: module.yaml's, but a
    practice, a story's consequence, a wrong option's why (feedback, explained in her
    result: tests/balise/test_feedback.py), and the notebook's text cells."""
    def french(node) -> list[str]:
        if isinstance(node, dict):
            own = [node["fr"]] if isinstance(node.get("fr"), str) else []
            return own + [t for key, value in node.items()
                          if key != "fr" and key not in AFTER_ANSWERING for t in french(value)]
        if isinstance(node, list):
            return [t for item in node for t in french(item)]
        return []

    module = CATALOGUE[mid]
    data = yaml.safe_load((module.folder / "module.yaml").read_text(encoding="utf-8"))
    texts = french(data)
    for part, source in built(mid):
        if part == "text":
            texts.append(html.unescape(re.sub(r"<[^>]+>", " ", source)))
    return texts


def test_a_word_first_met_on_the_options_is_said_under_the_prompt():
    quiz = next(source for part, source in built("ppe") if part == "quiz")
    q2 = next(q for literal in data_of(quiz) if isinstance(literal, list)
              for q in literal if isinstance(q, dict) and q.get("id") == "q2")
    assert "extincteur" not in q2["prompt"]["fr"]
    assert "extincteur" in [n["word"] for n in q2["prompt"]["terms"]["fr"]]


def test_the_warehouse_explains_cariste_in_its_introduction_not_later():
    parts = built("warehouse")
    intro = parts[1][1]
    assert [w for _, w, _ in TAPPED.findall(intro)] == ["forklifts", "cariste",
                                                        "chariot élévateur", "forklift driver"]
    later = "\n".join(source for _, source in parts[2:])
    assert "'word': 'cariste'" not in later and '"word": "cariste"' not in later
    # The quiz's only "CACES" is in a question: drawn or not, the question explains it.
    quiz = next(source for part, source in parts if part == "quiz")
    assert '"word": "CACES"' in quiz


def test_headings_and_sources_are_never_tapped():
    for mid in CATALOGUE:
        for part, source in built(mid):
            if part != "text":
                continue
            for line in source.splitlines():
                if line.lstrip().startswith("#") or "Source :" in line:
                    assert "balise-term" not in line, f"{mid}: {line[:80]}"


def test_the_listen_buttons_say_the_text_not_the_explanations():
    parts = built("warehouse")
    spoken = "\n".join(source for part, source in parts if "Listen(" in source)
    assert "Personne qui conduit" not in spoken and "balise-term" not in spoken


def test_the_glossary_follows_the_course_rules():
    assert content_rules.glossary_problems(TERMS, COURSES / "glossary.yaml",
                                           list(CATALOGUE.values())) == []


def check_output(courses: Path, tmp_path: Path) -> tuple[int, str]:
    from balise.cli import check_courses
    from balise.config import Balise

    out = io.StringIO()
    code = check_courses(Balise(data_dir=str(tmp_path / "data"), courses_dir=str(courses)), out)
    return code, out.getvalue()


@pytest.fixture
def courses(tmp_path):
    """A courses folder of two modules and the real glossary, to break."""
    folder = tmp_path / "courses"
    folder.mkdir()
    for mid in ("warehouse", "culture"):
        shutil.copytree(COURSES / mid, folder / mid)
    # The entries these two modules use (the others would be "in no module's text").
    texts = [t for mid in ("warehouse", "culture") for t in content_rules.french_texts(
        CATALOGUE[mid])]
    lines = glossary.used(TERMS, texts)
    entries = yaml.safe_load((COURSES / "glossary.yaml").read_text(encoding="utf-8"))
    kept = [entry for entry, term in zip(entries, TERMS) if term.line in lines]
    (folder / "glossary.yaml").write_text(yaml.safe_dump(kept, allow_unicode=True,
                                                         sort_keys=False), encoding="utf-8")
    routes = ("routes:\n  - id: logistics\n    title: {fr: Logistique, en: Logistics}\n"
              "    jobs: [logistics]\n    modules: [culture, warehouse]\n")
    (folder / "routes.yaml").write_text(routes, encoding="utf-8")
    return folder


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(),
                                           start=1) if text in line)


def test_build_check_passes_the_glossary_as_it_is(courses, tmp_path):
    code, out = check_output(courses, tmp_path)
    assert code == 0, out
    assert "glossary.yaml: ok (" in out


@pytest.mark.parametrize("broken,problem,fix", [
    ("    en: A person who drives a forklift.\n", "def must be given in French and English",
     "write it as {fr: '...', en: '...'}"),
    ("  en: forklift driver\n", "the term in English is missing", "add 'en: ...'"),
])
def test_build_check_names_the_glossary_line_and_fix(courses, tmp_path, broken, problem, fix):
    path = courses / "glossary.yaml"
    text = path.read_text(encoding="utf-8")
    assert broken in text
    path.write_text(text.replace(broken, "", 1), encoding="utf-8")
    entry = line_of(path, "- fr: cariste")
    code, out = check_output(courses, tmp_path)
    assert code == 1
    assert f"{path}, line " in out and problem in out and f"Fix: {fix}" in out
    line = int(re.search(rf"{re.escape(str(path))}, line (\d+)", out).group(1))
    assert entry <= line < line_of(path, "- fr: chariot élévateur")     # in the entry
    assert "glossary.yaml: PROBLEMS (0 terms)" in out
    assert "warehouse: ok" in out                      # the modules are still checked
    assert out.splitlines()[-1].startswith("RESULT modules=2 ")


def test_build_check_refuses_a_term_no_module_writes(courses, tmp_path):
    path = courses / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "\n- fr: gerbeur\n  en: stacker\n  def:\n    fr: Un engin.\n    en: A machine.\n"),
        encoding="utf-8")
    code, out = check_output(courses, tmp_path)
    assert code == 1
    line = line_of(path, "- fr: gerbeur")
    assert (f"{path}, line {line}: 'gerbeur' is in no module's French text. Fix: add under "
            "'also:' the form the modules write") in out


@pytest.mark.parametrize("entry,problem", [
    ("- fr: quai\n  en: platform\n  def: {fr: Un bord., en: An edge.}\n",
     "'quai' is already in the entry of line"),
    ("- fr: nacelle\n  en: basket\n  defn: {fr: Un panier., en: A basket.}\n",
     "unknown key 'defn'"),
    ("- fr: <b>gras</b>\n  en: bold\n  def: {fr: Gras., en: Bold.}\n",
     "'<b>gras</b>' is not a word the modules can write"),
    ("- fr: arrêt\n  en: stop\n  def: {fr: Un danger grave et immédiat., en: A stop.}\n",
     "says 'grave et immédiat'. Fix: write 'danger grave et imminent'"),
])
def test_a_broken_entry_is_refused_with_its_line(tmp_path, entry, problem):
    path = tmp_path / "glossary.yaml"
    path.write_text((COURSES / "glossary.yaml").read_text(encoding="utf-8") + "\n" + entry,
                    encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines()) - entry.count("\n") + 1
    try:
        found = content_rules.glossary_problems(glossary.load_glossary(path), path,
                                                list(CATALOGUE.values()))
    except BaliseError as err:
        found = [str(err)]
    said = [p for p in found if f"{path}, line {line}" in p and problem in p]
    assert said and "Fix: " in said[0]


def test_a_glossary_that_is_not_a_list_says_how_to_start(tmp_path):
    path = tmp_path / "glossary.yaml"
    path.write_text("cariste: forklift driver\n", encoding="utf-8")
    with pytest.raises(BaliseError, match=r"glossary.yaml, line 1: the glossary must be a list"):
        glossary.load_glossary(path)
    assert glossary.load_glossary(tmp_path / "none.yaml") == ()
