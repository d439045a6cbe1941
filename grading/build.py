"""Building a module: source notebook (authored cells + quiz from module.yaml) → release.

The authored notebook ``courses/<id>/<id>.ipynb`` holds the intro and the
scenarios and one cell tagged ``balise-quiz``; here that cell becomes the quiz:
a display cell (public questions), the answer sheet (nbgrader solution cell,
holding the key in the source only) and one hidden-test grade cell per
question. nbgrader's ``generate_assignment`` then writes the release notebook,
in which neither the key nor the hidden tests remain.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import pprint
import re
import shutil
from pathlib import Path
from typing import Sequence

import nbformat

from balise import BaliseError
from balise.catalogue import glossary
from balise.catalogue.kinds import feedback_practices, hidden_test
from balise.catalogue.modules import Module

QUIZ_TAG = "balise-quiz"
INSTRUCTIONS_TAG = "balise-instructions"
# The page's top: back to her modules, her name, her language, her last result.
HEADER_CELL = "from balise import client as _balise\n\n_balise.header({module!r})"
SCENARIO_TAG = "balise-scenario"
BUILD_STAMP = ".balise-build"
# The module's pictures, copied into nbgrader's source (and so the release) for its page.
ASSETS = "assets"


def _meta(grade_id: str, *, grade=False, solution=False, locked=True, points=0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def scenario_cell(module: Module, scenario_id: str,
                  words: glossary.FirstUse | None = None) -> nbformat.NotebookNode:
    scenario = module.scenario(scenario_id)
    if scenario is None:
        raise BaliseError(f"{module.notebook}: a cell names scenario '{scenario_id}', which "
                          f"{module.folder / 'module.yaml'} does not define. Fix: add it there "
                          "or correct the cell's balise.scenario metadata.")
    public = words.scenario(scenario.public()) if words else scenario.public()
    return nbformat.v4.new_code_cell(
        "from balise import client as _balise\n"
        f"_balise.scenario({module.id!r}, "
        f"{pprint.pformat(public, sort_dicts=False, width=96)})",
        metadata=_meta(f"display_{scenario_id}"))


def slot_test(module: Module, slot: str) -> str:
    """Slot k is right when it holds a bank question with its right option.

    Which question a slot holds is decided by nbgrader's DrawQuiz step from the
    learner and attempt, not by the sheet: the sheet holds answers by question.
    """
    pairs = [[q.id, q.answer] for q in module.quiz]
    return f"assert ANSWERS.get({slot!r}) in {pairs!r}"


def quiz_cells(module: Module,
               words: glossary.FirstUse | None = None) -> list[nbformat.NotebookNode]:
    v4 = nbformat.v4
    public = [q.public() for q in module.quiz]
    if words:
        # Drawn per attempt: a word still unexplained is explained in each question holding it.
        prompts = words.note_each([q["prompt"] for q in public])
        # A word first met on a question's options (radio buttons) is explained under it.
        prompts = [words.also(prompt, q["options"], claim=False)
                   for q, prompt in zip(public, prompts)]
        public = [{**q, "prompt": prompt} for q, prompt in zip(public, prompts)]
    key = {item.id: item.right_answer for item in module.scenarios}
    key.update({slot: [q.id, q.answer] for slot, q in zip(module.slots, module.quiz)})
    cells = [
        v4.new_code_cell(
            "from balise import client as _balise\n"
            f"QUESTIONS = {json.dumps(public, ensure_ascii=False, indent=1)}\n"
            f"quiz = _balise.quiz({module.id!r}, QUESTIONS, {module.draw_size})\nquiz",
            metadata=_meta("quiz_display")),
        v4.new_code_cell(
            f"### BEGIN SOLUTION\nANSWERS = {key!r}\n### END SOLUTION",
            metadata=_meta("answers", solution=True, locked=False)),
    ]
    for scenario in module.scenarios:
        cells.append(v4.new_code_cell(
            f"# {scenario.id}\n### BEGIN HIDDEN TESTS\n{hidden_test(scenario)}\n"
            "### END HIDDEN TESTS", metadata=_meta(scenario.id, grade=True, points=1)))
    for slot in module.slots:
        cells.append(v4.new_code_cell(
            f"# {slot}\n### BEGIN HIDDEN TESTS\n{slot_test(module, slot)}\n"
            "### END HIDDEN TESTS", metadata=_meta(slot, grade=True, points=1)))
    cells.append(v4.new_code_cell(
        "from balise.client import SubmitPanel\n"
        f"SubmitPanel({module.id!r}, quiz)",
        metadata=_meta("submit")))
    return cells


def picture_uri(path: Path) -> str:
    """An SVG inlined in the page: Voila serves no files next to a notebook, by design."""
    return "data:image/svg+xml;base64," + base64.b64encode(path.read_bytes()).decode()


def public_instructions(module: Module) -> list[dict]:
    """The key instructions as the page gets them, each picture inlined."""
    return [{"id": i.id, "fr": i.text["fr"], "en": i.text["en"], "picture": picture_uri(i.picture),
             "alt": i.alt, "source": i.source} for i in module.instructions]


def instructions_cell(module: Module,
                      words: glossary.FirstUse | None = None) -> nbformat.NotebookNode:
    """The key instructions: picture, words and source, each with its Listen button."""
    items = public_instructions(module)
    if words:
        items = [words.note(item) for item in items]
    return nbformat.v4.new_code_cell(
        "from balise.widgets.instructions import Instructions\n"
        f"Instructions({pprint.pformat(items, sort_dicts=False, width=96)})",
        metadata=_meta("instructions"))


def source_notebook(module: Module, terms: Sequence[glossary.Term] | None = None
                    ) -> nbformat.NotebookNode:
    """The module's notebook as nbgrader gets it: quiz, instructions and scenarios built in.

    Each word of ``terms`` (the courses' glossary when not given) is explained
    where the page shows it first: see :mod:`balise.catalogue.glossary`.
    """
    try:
        nb = nbformat.read(module.notebook, as_version=4)
    except (OSError, ValueError) as err:
        raise BaliseError(f"{module.notebook}: cannot read the notebook ({err}). "
                          "Fix: open it in JupyterLab and save it again.") from None
    places = [i for i, c in enumerate(nb.cells) if QUIZ_TAG in c.metadata.get("tags", [])]
    if len(places) != 1:
        raise BaliseError(f"{module.notebook}: needs exactly one cell tagged '{QUIZ_TAG}' "
                          f"(found {len(places)}). Fix: tag the cell where the quiz goes.")
    # Read aloud as written (before any word is made a tap), then built in the page's order.
    words = glossary.FirstUse(glossary.glossary_of(module.folder) if terms is None else terms)
    cells = []
    for cell in with_listen_cells(nb.cells):
        tags = cell.metadata.get("tags", [])
        if QUIZ_TAG in tags:
            cells += quiz_cells(module, words)
        elif INSTRUCTIONS_TAG in tags:
            cells.append(instructions_cell(module, words))
        elif SCENARIO_TAG in tags:
            cells.append(scenario_cell(module, cell.metadata.get("balise", {}).get("scenario"),
                                       words))
        elif cell.cell_type == "markdown":
            cell.source = folded_sources(explained(cell.source, words))
            cells.append(cell)
        else:
            cells.append(cell)
    nb.cells = cells
    # The page's language switch comes first: the learner picks before reading.
    nb.cells.insert(0, nbformat.v4.new_code_cell(HEADER_CELL.format(module=module.id),
                                                 metadata=_meta("language")))
    # The browser tab's title (nbconvert's lab template reads it): the module, not its file.
    nb.metadata["title"] = f"{module.title['fr']} / {module.title['en']} — Balise"
    return nb


def inputs_digest(module: Module) -> str:
    """Hash of everything a release depends on, so an unchanged module is not rebuilt."""
    h = hashlib.sha256()
    for path in sorted(p for p in module.folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(module.folder)).encode())
        h.update(path.read_bytes())
    # The glossary and the code that explains its words on the page.
    terms = module.folder.parent / glossary.GLOSSARY_FILE
    if terms.is_file():
        h.update(terms.read_bytes())
    h.update(Path(glossary.__file__).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


# What nbgrader says when a rebuild would add or remove cells of a submitted assignment.
SUBMITTED_LAYOUT = "Cannot add or remove cells"


def build_module(module: Module, course_root: Path, api, force: bool = False) -> bool:
    """Write the source folder and run generate_assignment; False when already up to date."""
    digest = inputs_digest(module)
    release = course_root / "release" / module.id
    stamp = release / BUILD_STAMP
    if not force and stamp.exists() and stamp.read_text() == digest:
        return False
    source = course_root / "source" / module.id
    old_source = course_root / "source" / f".{module.id}.previous"
    if old_source.exists():
        shutil.rmtree(old_source)
    if source.exists():
        source.rename(old_source)
    source.mkdir(parents=True)
    nbformat.write(source_notebook(module), source / f"{module.id}.ipynb")
    assets = module.folder / ASSETS
    if assets.is_dir():
        shutil.copytree(assets, source / ASSETS)
    # nbgrader removes a release it failed to rebuild: keep the one in service until the
    # new one is made, so a module that cannot be rebuilt stays open to learners.
    kept = course_root / "release" / f".{module.id}.previous"
    if kept.exists():
        shutil.rmtree(kept)
    if release.exists():
        release.rename(kept)
    result = api.generate_assignment(module.id, force=True, create=True)
    if not result["success"]:
        for now, before in ((release, kept), (source, old_source)):
            if before.exists():
                if now.exists():
                    shutil.rmtree(now)
                before.rename(now)
        log = str(result.get("error") or result.get("log") or "")
        if SUBMITTED_LAYOUT in f"{result.get('log')}{result.get('error')}":
            raise BaliseError(
                f"{module.id}: not rebuilt, the previous version stays in service. Its page "
                "now has a different number of cells, and nbgrader refuses that once learners "
                "have submitted it. Fix: keep the cells of the module as they were, or "
                "publish it under a new module id.")
        raise BaliseError(f"nbgrader could not build module '{module.id}':\n{log}")
    for before in (kept, old_source):
        if before.exists():
            shutil.rmtree(before)
    stamp.write_text(digest)
    return True


GALLERY = Path(__file__).resolve().parents[1] / "widgets" / "gallery"


def build_gallery(course_root: Path) -> bool:
    """Copy the widget gallery beside the modules' releases, where Voila serves it."""
    target = course_root / "release" / "gallery"
    h = hashlib.sha256()
    for path in sorted(p for p in GALLERY.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(GALLERY)).encode())
        h.update(path.read_bytes())
    stamp = target / BUILD_STAMP
    if stamp.exists() and stamp.read_text() == h.hexdigest():
        return False
    audio = target / "audio"
    if target.exists():
        for child in target.iterdir():
            if child != audio:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(GALLERY, target, dirs_exist_ok=True)
    stamp.write_text(h.hexdigest())
    return True


# --- read aloud ----------------------------------------------------------------------

LANG_SPAN = re.compile(r'<span lang="(fr|en)"[^>]*>(.*?)</span>', re.S)
MARKUP = re.compile(r"<[^>]+>|[*`]")


def page_text(markdown: str) -> dict[str, str] | None:
    """An authored text cell as said aloud: its French spans, its English spans.

    None when the cell has no text in one of the two languages (nothing to read).
    """
    found: dict[str, list[str]] = {"fr": [], "en": []}
    for lang, inner in LANG_SPAN.findall(markdown):
        words = " ".join(html.unescape(MARKUP.sub(" ", inner)).split())
        if words:
            found[lang].append(words)
    if not (found["fr"] and found["en"]):
        return None
    return {lang: "\n".join(parts) for lang, parts in found.items()}


HEADING = re.compile(r"^\s{0,3}#")


def explained(markdown: str, words: glossary.FirstUse) -> str:
    """An authored text cell with each word it uses first made a tap (never in a heading)."""
    from balise.widgets.i18n import with_terms

    def mark(match: re.Match) -> str:
        lang, inner = match.group(1), match.group(2)
        notes = words.words(html.unescape(MARKUP.sub(" ", inner)), lang)
        start, end = match.span(2)
        return (match.string[match.start():start] + with_terms(inner, notes, lang)
                + match.string[end:match.end()])

    lines = markdown.split("\n")
    return "\n".join(line if HEADING.match(line) else LANG_SPAN.sub(mark, line) for line in lines)


AUTHORED_SOURCE = re.compile(r"(?:<br>\s*)?<small>\s*Source\s*:\s*(.+?)\s*</small>", re.S)


def folded_sources(markdown: str) -> str:
    """An authored "<small>Source : ...</small>" as the small "Source" that unfolds, like the
    widgets' (:func:`balise.widgets.i18n.source_note`): the text is what she reads."""
    from balise.widgets.i18n import source_note

    return AUTHORED_SOURCE.sub(lambda m: source_note(html.unescape(m.group(1))), markdown)


def listen_cell(text: dict[str, str], n: int) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(
        f"from balise.widgets.speech import Listen\n\nListen({text!r})",
        metadata=_meta(f"listen_{n}"))


def with_listen_cells(cells: list) -> list:
    """The cells, each authored text (introduction, before a situation...) with a Listen button."""
    out, n = [], 0
    for cell in cells:
        out.append(cell)
        text = page_text(cell.source) if cell.cell_type == "markdown" else None
        if text:
            n += 1
            out.append(listen_cell(text, n))
    return out


def page_texts(module: Module) -> list[dict[str, str]]:
    """The texts of the module's notebook that get a Listen button, as ``{'fr', 'en'}``."""
    try:
        nb = nbformat.read(module.notebook, as_version=4)
    except (OSError, ValueError) as err:
        raise BaliseError(f"{module.notebook}: cannot read the notebook ({err}). "
                          "Fix: open it in JupyterLab and save it again.") from None
    found = (page_text(c.source) for c in nb.cells if c.cell_type == "markdown")
    return [text for text in found if text]


def feedback_lines(scenario) -> list[tuple[bool, dict[str, str]]]:
    """Every (right, practice) a scenario's feedback can show (a story's by its endings, a
    choice's wrong options by their why): :func:`balise.catalogue.kinds.feedback_practices`."""
    return feedback_practices(scenario)


def spoken_texts(module: Module) -> list[tuple[str, str]]:
    """Every (text, language) a Listen button of the module's page can play.

    The page's own text (introduction, before each situation and the quiz), the
    key instructions, each scenario (prompt and options, each step of a story)
    and its feedback, and every question of the quiz's bank with its options.
    A quiz question's practice is not here: the result panel has no Listen button.
    """
    from balise.widgets.base import feedback_spoken
    from balise.widgets.factory import make
    from balise.widgets.i18n import LANGS
    from balise.widgets.instructions import Instructions
    from balise.widgets.quiz import spoken as question_spoken

    texts = [(text[lang], lang) for text in page_texts(module) for lang in LANGS]
    cards = Instructions(public_instructions(module))
    texts += [(text, lang) for lang in LANGS for text in cards.all_spoken(lang)]
    cards.close()
    for scenario in module.scenarios:
        widget = make(scenario.public(), assets=module.folder / "assets")
        texts += [(text, lang) for lang in LANGS for text in widget.all_spoken(lang)]
        widget.close()
        texts += [(feedback_spoken(right, practice, lang), lang) for lang in LANGS
                  for right, practice in feedback_lines(scenario)]
    texts += [(question_spoken(q.public(), lang), lang) for q in module.quiz for lang in LANGS]
    return list(dict.fromkeys(texts))


def missing_speech(module: Module, cache: Path) -> int:
    """How many of the module's texts a build here would leave without a recording.

    Writes nothing: a text in ``cache`` is recorded, any other is said in memory
    by this machine's speech engine, and counts when there is none or it fails.
    """
    from balise.widgets import espeak, speech

    return len(speech.unrecorded(spoken_texts(module), cache, espeak.engine()))


def render_speech(module: Module, release: Path, cache: Path, out) -> int:
    """Render the module's speech into the shared cache and link it into the release.

    Returns the number of recordings made. Without a speech engine (neither the
    espeakng-loader library nor the espeak-ng program), says so and makes none:
    the page's Listen buttons then use the browser's voice.
    """
    from balise.widgets import espeak, speech

    def progress(n: int, total: int) -> None:
        if n == total or n % 50 == 0:          # a log file gets a few steps, not one per text
            print(f"\r  read aloud: {n}/{total} recordings", end="", file=out, flush=True)

    texts = spoken_texts(module)
    todo = [t for t in texts if not (cache / speech.key(*t)).exists()]
    engine = espeak.engine() if todo else None
    made = 0
    if todo and engine is None:
        print(f"  read aloud: no speech engine, {module.id} has {len(todo)} texts without a "
              "recording (make install brings espeakng-loader)", file=out, flush=True)
        unmade = set(todo)
        texts = [t for t in texts if t not in unmade]
    elif todo:
        try:
            made = speech.render_all(todo, cache, progress, engine)
        except espeak.SpeechError as err:
            raise BaliseError(f"{module.id}: the read-aloud recording failed ({err}). Fix: "
                              "run make install again, or change the text it names.") from None
        print(file=out, flush=True)
    audio = release / "audio"
    audio.mkdir(parents=True, exist_ok=True)
    for text, lang in texts:
        name = speech.key(text, lang)
        if not (audio / name).exists():
            try:
                (audio / name).hardlink_to(cache / name)
            except OSError:
                shutil.copyfile(cache / name, audio / name)
    return made
