"""nbgrader step: put each drawn question's answer in its quiz slot, re-drawing the questions.

The answer sheet holds the learner's answers by question id; the graded
cells are slots (``quiz1``...). Which question slot k asked is re-drawn here,
from the learner nbgrader is grading and the attempt number the server wrote
in the notebook's metadata, with the same function the page used
(:func:`balise.catalogue.draw.drawn`). So an answer to a question the attempt did not
ask scores nothing, and a sheet cannot name its own slots.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from balise.catalogue.draw import slot_questions
from balise.catalogue.modules import SLOT_PREFIX, load_module
from balise.grading.answer_sheet import SHEET_ID, sheet_is_answers_only


@lru_cache(maxsize=64)
def _module(folder: Path, mtime_ns: int):
    """A module read once per change of its file: grading must not parse YAML each time."""
    return load_module(folder)


class DrawQuiz(NbGraderPreprocessor):
    courses = Unicode("courses", help="""The courses folder, where each module's bank is
        read (Balise's c.Balise.courses_dir; the grading worker sets it).""").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        module_id, learner = info.get("assignment"), info.get("student")
        attempt = nb.metadata.get("balise", {}).get("attempt")
        folder = Path(self.courses) / str(module_id)
        slotted = any(str(c.metadata.get("nbgrader", {}).get("grade_id", "")).startswith(
            SLOT_PREFIX) for c in nb.cells)
        if not slotted:
            return nb, resources                  # not a Balise quiz: nothing to draw
        if not (folder / "module.yaml").exists():
            # Never grade a quiz without its draw: that would score every answer 0.
            raise FileNotFoundError(f"{folder / 'module.yaml'}: the module's bank is missing, "
                                    "so its quiz cannot be graded (c.DrawQuiz.courses)")
        module = _module(folder, (folder / "module.yaml").stat().st_mtime_ns)
        slots = slot_questions(module, str(learner), int(attempt)) if isinstance(
            attempt, int) else {}
        if not slots and module.slots:
            self.log.warning("Submission of %s for %s has no attempt number: quiz scores 0",
                             learner, module_id)
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") != SHEET_ID:
                continue
            answers = (ast.literal_eval(cell.source.split("=", 1)[1].strip())
                       if sheet_is_answers_only(cell.source) else {})
            answers = {k: v for k, v in answers.items() if not k.startswith(SLOT_PREFIX)}
            answers.update({slot: [qid, answers.get(qid)] for slot, qid in slots.items()})
            cell.source = f"ANSWERS = {answers!r}"
        return nb, resources
