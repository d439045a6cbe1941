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
import json
import pprint
import shutil
from pathlib import Path

import nbformat

from balise import BaliseError
from balise.catalogue.kinds import hidden_test
from balise.catalogue.modules import Module

QUIZ_TAG = "balise-quiz"
INSTRUCTIONS_TAG = "balise-instructions"
LANGUAGE_CELL = "from balise.widgets import LanguageSwitch\n\nLanguageSwitch()"
SCENARIO_TAG = "balise-scenario"
BUILD_STAMP = ".balise-build"


def _meta(grade_id: str, *, grade=False, solution=False, locked=True, points=0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def scenario_cell(module: Module, scenario_id: str) -> nbformat.NotebookNode:
    scenario = module.scenario(scenario_id)
    if scenario is None:
        raise BaliseError(f"{module.notebook}: a cell names scenario '{scenario_id}', which "
                          f"{module.folder / 'module.yaml'} does not define. Fix: add it there "
                          "or correct the cell's balise.scenario metadata.")
    return nbformat.v4.new_code_cell(
        "from balise import client as _balise\n"
        f"_balise.scenario({module.id!r}, "
        f"{pprint.pformat(scenario.public(), sort_dicts=False, width=96)})",
        metadata=_meta(f"display_{scenario_id}"))


def slot_test(module: Module, slot: str) -> str:
    """Slot k is right when it holds a bank question with its right option.

    Which question a slot holds is decided by nbgrader's DrawQuiz step from the
    learner and attempt, not by the sheet: the sheet holds answers by question.
    """
    pairs = [[q.id, q.answer] for q in module.quiz]
    return f"assert ANSWERS.get({slot!r}) in {pairs!r}"


def quiz_cells(module: Module) -> list[nbformat.NotebookNode]:
    v4 = nbformat.v4
    public = [q.public() for q in module.quiz]
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


def instructions_cell(module: Module) -> nbformat.NotebookNode:
    """The key instructions: picture, words and source, each with its Listen button."""
    return nbformat.v4.new_code_cell(
        "from balise.widgets.instructions import Instructions\n"
        f"Instructions({pprint.pformat(public_instructions(module), sort_dicts=False, width=96)})",
        metadata=_meta("instructions"))


def source_notebook(module: Module) -> nbformat.NotebookNode:
    try:
        nb = nbformat.read(module.notebook, as_version=4)
    except (OSError, ValueError) as err:
        raise BaliseError(f"{module.notebook}: cannot read the notebook ({err}). "
                          "Fix: open it in JupyterLab and save it again.") from None
    places = [i for i, c in enumerate(nb.cells) if QUIZ_TAG in c.metadata.get("tags", [])]
    if len(places) != 1:
        raise BaliseError(f"{module.notebook}: needs exactly one cell tagged '{QUIZ_TAG}' "
                          f"(found {len(places)}). Fix: tag the cell where the quiz goes.")
    i = places[0]
    nb.cells[i:i + 1] = quiz_cells(module)
    for j, cell in enumerate(nb.cells):
        if INSTRUCTIONS_TAG in cell.metadata.get("tags", []):
            nb.cells[j] = instructions_cell(module)
    for j, cell in enumerate(nb.cells):
        if SCENARIO_TAG in cell.metadata.get("tags", []):
            nb.cells[j] = scenario_cell(module, cell.metadata.get("balise", {}).get("scenario"))
    # The page's language switch comes first: the learner picks before reading.
    nb.cells.insert(0, nbformat.v4.new_code_cell(LANGUAGE_CELL, metadata=_meta("language")))
    return nb


def inputs_digest(module: Module) -> str:
    """Hash of everything a release depends on, so an unchanged module is not rebuilt."""
    h = hashlib.sha256()
    for path in sorted(p for p in module.folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(module.folder)).encode())
        h.update(path.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def build_module(module: Module, course_root: Path, api, force: bool = False) -> bool:
    """Write the source folder and run generate_assignment; False when already up to date."""
    digest = inputs_digest(module)
    release = course_root / "release" / module.id
    stamp = release / BUILD_STAMP
    if not force and stamp.exists() and stamp.read_text() == digest:
        return False
    source = course_root / "source" / module.id
    if source.exists():
        shutil.rmtree(source)
    source.mkdir(parents=True)
    nbformat.write(source_notebook(module), source / f"{module.id}.ipynb")
    assets = module.folder / "assets"
    if assets.is_dir():
        shutil.copytree(assets, source / "assets")
    result = api.generate_assignment(module.id, force=True, create=True)
    if not result["success"]:
        raise BaliseError(f"nbgrader could not build module '{module.id}':\n"
                          f"{result.get('error') or result.get('log')}")
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


def spoken_texts(module: Module) -> list[tuple[str, str]]:
    """Every (text, language) a read-aloud button of the module's scenarios can play."""
    from balise.widgets.factory import make
    from balise.widgets.i18n import LANGS
    from balise.widgets.instructions import Instructions

    texts = []
    cards = Instructions(public_instructions(module))
    texts += [(text, lang) for lang in LANGS for text in cards.all_spoken(lang)]
    cards.close()
    for scenario in module.scenarios:
        widget = make(scenario.public(), assets=module.folder / "assets")
        texts += [(text, lang) for lang in LANGS for text in widget.all_spoken(lang)]
        widget.close()
    return texts


def render_speech(module: Module, release: Path, cache: Path, out) -> int:
    """Render the module's speech into the shared cache and link it into the release.

    Returns the number of recordings made; without espeak-ng, says so and makes none.
    """
    from balise.widgets import speech

    texts = spoken_texts(module)
    if speech.espeak() is None:
        print(f"  read aloud: espeak-ng is not installed, {module.id} has no recordings "
              "(apt-get install espeak-ng)", file=out, flush=True)
        return 0

    def progress(n: int, total: int) -> None:
        print(f"\r  read aloud: {n}/{total} recordings", end="", file=out, flush=True)

    made = speech.render_all(texts, cache, progress)
    if made:
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
