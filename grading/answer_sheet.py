"""Sealing the answer sheet: a submission may hold answers, never code.

In a Balise submission the only cell a learner fills is the answer sheet,
``ANSWERS = {...}``, written by the server from checked option ids. A sheet
that is anything else (an object whose ``__eq__`` is always true, a
redefined check, an import) is replaced by an empty sheet and flagged, and a
graded cell that differs from the release is flagged too (nbgrader then
restores it from the gradebook).
"""

from __future__ import annotations

import ast

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

EMPTY_SHEET = "ANSWERS = {}"
SHEET_ID = "answers"


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _plain(value, depth: int = 0) -> bool:
    """Plain data as the server writes answers: ids, numbers, and lists or maps of them."""
    if depth > 3:
        return False
    if isinstance(value, (str, int, float)):          # bool is an int: harmless
        return True
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


def sheet_is_answers_only(source: str) -> bool:
    """True for exactly `ANSWERS = {str: plain data}`, as a literal (no call, no name)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        return False
    node = tree.body[0]
    if [getattr(t, "id", None) for t in node.targets] != ["ANSWERS"]:
        return False
    try:
        value = ast.literal_eval(node.value)
    except (ValueError, SyntaxError, TypeError):
        return False
    return isinstance(value, dict) and _plain(value)


def inspect(nb, release) -> list[str]:
    """Flags for a trainer: what in the submission is not what Balise writes."""
    flags = []
    expected = {_grade_id(c): c for c in release.cells if _grade_id(c)}
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid is None and cell.cell_type == "code":
            flags.append("a cell Balise did not write was added / une cellule a été ajoutée")
        elif gid == SHEET_ID:
            if not sheet_is_answers_only(cell.source):
                flags.append("answer sheet holds code, not answers / la feuille de réponses "
                             "contient du code")
        elif gid in expected and cell.source != expected[gid].source:
            flags.append(f"graded cell {gid} was edited / la cellule notée {gid} a été modifiée")
        elif gid in expected and cell.metadata.get("nbgrader") != expected[gid].metadata.get(
                "nbgrader"):
            flags.append(f"points or checksum of {gid} were edited / points ou somme de "
                         f"contrôle de {gid} modifiés")
    present = {_grade_id(cell) for cell in nb.cells}
    missing = [gid for gid, cell in expected.items() if gid not in present
               and (gid == SHEET_ID or cell.metadata.get("nbgrader", {}).get("grade"))]
    if missing:
        flags.append(f"cells missing: {', '.join(missing)} / cellules manquantes : "
                     f"{', '.join(missing)}")
    return flags


class SealAnswerSheet(NbGraderPreprocessor):
    """Keep only nbgrader's cells, and an answer sheet that holds nothing but answers."""

    release_root = Unicode("", help="nbgrader's release folder, to compare cells with.").tag(
        config=True)

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if _grade_id(c) or c.cell_type != "code"]
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if _grade_id(cell) == SHEET_ID and not sheet_is_answers_only(cell.source):
            self.log.warning("Answer sheet of %s holds code: graded as empty",
                             resources.get("nbgrader", {}).get("student"))
            cell.source = EMPTY_SHEET
        return cell, resources
