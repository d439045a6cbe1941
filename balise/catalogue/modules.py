"""The course catalogue: modules read from ``courses/<id>/module.yaml``.

Trainers edit these files, so every check names the file, the line and the
fix, and nothing but plain data is accepted (``yaml.safe_load``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from balise import BaliseError
from balise.catalogue import kinds

MODULE_ID = re.compile(r"^[a-z][a-z0-9-]{1,40}$")
LANGS = ("fr", "en")


@dataclass(frozen=True)
class Question:
    """One quiz question. ``answer`` and ``practice`` never leave the server."""

    id: str
    prompt: dict[str, str]
    options: list[dict[str, str]]
    answer: str
    practice: dict[str, str]
    source: str

    @property
    def right_answer(self) -> str:
        return self.answer

    def public(self) -> dict[str, Any]:
        """What the release notebook may show: no answer, no practice."""
        return {"id": self.id, "prompt": self.prompt, "options": self.options}


@dataclass(frozen=True)
class Scenario:
    """A practice situation: its key and practice stay on the server, like the quiz's.

    ``kind`` is one of :data:`balise.catalogue.kinds.KINDS`; ``public_data`` is what the
    page's widget is given, ``private`` what only the server's feedback uses.
    """

    id: str
    kind: str
    prompt: dict[str, str]
    public_data: dict[str, Any]
    answer: Any
    practice: dict[str, str]
    source: str
    private: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "prompt": self.prompt, **self.public_data}

    def clean(self, answer: object) -> Any:
        """The answer in its stored form; raises ``balise.catalogue.kinds.Invalid``."""
        return kinds.clean_answer(self.kind, self.public_data, answer)

    def accepts(self, answer: object) -> bool:
        try:
            self.clean(answer)
        except kinds.Invalid:
            return False
        return True

    def is_right(self, answer: object) -> bool:
        try:
            clean = self.clean(answer)
        except kinds.Invalid:
            return False
        return kinds.is_right(self.kind, self.public_data, self.answer, clean)

    @property
    def right_answer(self) -> Any:
        """An answer that scores (the key, or for a lift a safe setting)."""
        return kinds.right_answer(self.kind, self.public_data, self.answer)

    def feedback(self, answer: object) -> dict[str, Any]:
        return kinds.feedback(self, self.clean(answer))


@dataclass(frozen=True)
class Instruction:
    """A key instruction: one short rule, its picture (drawn for the project) and its source."""

    id: str
    text: dict[str, str]
    picture: Path
    alt: dict[str, str]
    source: str


# nbgrader grade cells of the quiz are slots, not questions: each attempt draws
# its questions from the bank (see balise.catalogue.draw), slot k holds the k-th drawn.
SLOT_PREFIX = "quiz"


@dataclass(frozen=True)
class Module:
    id: str
    title: dict[str, str]
    duration_minutes: int
    pass_mark: int
    validity_months: int
    folder: Path
    activities: list[str] = field(default_factory=list)
    quiz: list[Question] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    instructions: list[Instruction] = field(default_factory=list)
    quiz_draw: int = 0

    @property
    def draw_size(self) -> int:
        """Questions per attempt: ``quiz_draw``, or the whole bank when it is not set."""
        return min(self.quiz_draw, len(self.quiz)) if self.quiz_draw else len(self.quiz)

    @property
    def slots(self) -> list[str]:
        return [f"{SLOT_PREFIX}{k}" for k in range(1, self.draw_size + 1)]

    @property
    def grade_names(self) -> list[str]:
        """nbgrader's grade cells, in the page's order: the scenarios, then the quiz's slots."""
        return [*(s.id for s in self.scenarios), *self.slots]

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.id}.ipynb"

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.quiz if q.id == question_id), None)

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    @property
    def graded_items(self) -> list[Question | Scenario]:
        """Everything that scores: the scenarios, then the quiz, in the page's order."""
        return [*self.scenarios, *self.quiz]


def _line_of(path: Path, text: str, keys: list[Any]) -> int:
    """1-based line of the node at ``keys`` in the YAML text, or of the nearest parent."""
    node = yaml.compose(text)
    line = 1
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = node.value[key]
        else:
            found = None
        if found is None:
            break
        node = found
        line = node.start_mark.line + 1
    return line


class _Checker:
    def __init__(self, path: Path, text: str):
        self.path, self.text = path, text

    def fail(self, keys: list[Any], problem: str, fix: str) -> BaliseError:
        line = _line_of(self.path, self.text, keys)
        where = ".".join(str(k) for k in keys) or "(file)"
        return BaliseError(f"{self.path}, line {line} ({where}): {problem}. Fix: {fix}.")

    def bilingual(self, value: Any, keys: list[Any]) -> dict[str, str]:
        if not isinstance(value, dict) or any(
            not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGS
        ):
            raise self.fail(keys, "text must be given in French and English",
                            "write it as {fr: '...', en: '...'}")
        return {lang: value[lang].strip() for lang in LANGS}

    def integer(self, data: dict, key: str, low: int, high: int) -> int:
        value = data.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail([key], f"'{key}' must be a whole number from {low} to {high}",
                            f"write for example '{key}: {low}'")
        return value


def _question(check: _Checker, raw: Any, index: int) -> Question:
    keys: list[Any] = ["quiz", index]
    if not isinstance(raw, dict):
        raise check.fail(keys, "a question must be a mapping", "see courses/postures/module.yaml")
    qid = raw.get("id")
    if not isinstance(qid, str) or not re.fullmatch(r"q[0-9]{1,3}", qid):
        raise check.fail(keys + ["id"], "question id must look like q1, q2, ...", "set 'id: q1'")
    options = raw.get("options")
    if not isinstance(options, list) or len(options) < 2:
        raise check.fail(keys + ["options"], "a question needs at least two options",
                         "add options, each {id: a, fr: '...', en: '...'}")
    clean = []
    for j, opt in enumerate(options):
        if not isinstance(opt, dict) or not isinstance(opt.get("id"), str):
            raise check.fail(keys + ["options", j], "an option needs an id", "write {id: a, ...}")
        text = check.bilingual(opt, keys + ["options", j])
        clean.append({"id": opt["id"], **text})
    answer = raw.get("answer")
    if answer not in {o["id"] for o in clean}:
        raise check.fail(keys + ["answer"], f"answer '{answer}' is not one of the option ids",
                         "set 'answer:' to the id of the right option")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise check.fail(keys, "every question needs its public source",
                         "add 'source: Code du travail, art. R4541-9' or an INRS reference")
    return Question(
        id=qid,
        prompt=check.bilingual(raw.get("prompt"), keys + ["prompt"]),
        options=clean,
        answer=answer,
        practice=check.bilingual(raw.get("practice"), keys + ["practice"]),
        source=source.strip(),
    )


def _scenario(check: _Checker, raw: Any, index: int, folder: Path) -> Scenario:
    keys: list[Any] = ["scenarios", index]
    if not isinstance(raw, dict):
        raise check.fail(keys, "a scenario must be a mapping", "see courses/postures/module.yaml")
    sid, kind = raw.get("id"), raw.get("kind")
    if not isinstance(sid, str) or not re.fullmatch(r"s[0-9]{1,3}", sid):
        raise check.fail(keys + ["id"], "scenario id must look like s1, s2, ...", "set 'id: s1'")
    if kind not in kinds.KINDS:
        raise check.fail(keys + ["kind"], f"unknown scenario kind {kind!r}",
                         "use one of: " + ", ".join(kinds.KINDS))
    public, key, private = kinds.PARSERS[kind](check, raw, keys, folder)
    source = str(raw.get("source") or "").strip()
    if not source:
        raise check.fail(keys, "every scenario needs its public source",
                         "add 'source: Code du travail, art. ...'")
    return Scenario(sid, kind, check.bilingual(raw.get("prompt"), keys + ["prompt"]), public,
                    key, check.bilingual(raw.get("practice"), keys + ["practice"]), source,
                    private)


def _instruction(check: _Checker, raw: Any, index: int, folder: Path) -> Instruction:
    keys: list[Any] = ["instructions", index]
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise check.fail(keys, "an instruction needs an id and its text",
                         "write {id: i1, fr: '...', en: '...', picture: x.svg, alt: {fr, en}, "
                         "source: '...'}")
    picture = raw.get("picture")
    if not isinstance(picture, str) or not picture.endswith(".svg") or "/" in picture \
            or not (folder / "assets" / picture).is_file():
        raise check.fail(keys + ["picture"], f"picture {picture!r} is not an SVG file in "
                         f"{folder / 'assets'}", "draw it and put it in assets/, then name it here")
    source = str(raw.get("source") or "").strip()
    if not source:
        raise check.fail(keys, "every instruction needs its public source",
                         "add 'source: Code du travail, art. ...'")
    return Instruction(raw["id"], check.bilingual(raw, keys), folder / "assets" / picture,
                       check.bilingual(raw.get("alt"), keys + ["alt"]), source)


def _no_split_text(check: _Checker, node: Any, keys: list[Any]) -> None:
    """Refuse a key without a value: in `{fr: Loin, bras tendus}` a comma ends the text.

    YAML reads the rest ("bras tendus") as a key of its own, silently; the
    learner would see half an answer.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None and key != "next":
                raise check.fail(keys, f"'{key}' has no value: a comma inside unquoted text "
                                 "ends the text there", "put the text in double quotes, "
                                 'for example fr: "Loin devant moi, bras tendus"')
            _no_split_text(check, value, keys + [key])
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _no_split_text(check, item, keys + [i])


def load_module(folder: Path) -> Module:
    """Read and check one ``module.yaml``; raise :class:`BaliseError` naming file and line."""
    path = folder / "module.yaml"
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise BaliseError(f"{path}: file missing. Fix: add module.yaml to {folder}.") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise BaliseError(f"{path}, line {line}: not valid YAML ({getattr(err, 'problem', err)})."
                          " Fix: check indentation and quotes on that line.") from None
    check = _Checker(path, text)
    if not isinstance(data, dict):
        raise check.fail([], "module.yaml must be a mapping", "start with 'id: <module id>'")
    _no_split_text(check, data, [])
    mid = data.get("id")
    if not isinstance(mid, str) or not MODULE_ID.match(mid) or mid != folder.name:
        raise check.fail(["id"], f"id must be the folder's name ('{folder.name}')",
                         f"set 'id: {folder.name}'")
    quiz = [_question(check, q, i) for i, q in enumerate(data.get("quiz") or [])]
    scenarios = [_scenario(check, x, i, folder) for i, x in enumerate(data.get("scenarios") or [])]
    instructions = [_instruction(check, x, i, folder)
                    for i, x in enumerate(data.get("instructions") or [])]
    ids = [q.id for q in quiz] + [x.id for x in scenarios] + [x.id for x in instructions]
    if len(set(ids)) != len(ids):
        raise check.fail(["quiz"], "two items share an id", "give each question, scenario and "
                         "instruction its own id")
    draw = data.get("quiz_draw", 0)
    if draw and (not isinstance(draw, int) or isinstance(draw, bool) or not 1 <= draw <= len(quiz)):
        raise check.fail(["quiz_draw"], f"quiz_draw must be a whole number from 1 to the "
                         f"{len(quiz)} questions of the bank", "write for example 'quiz_draw: 8'")
    return Module(
        id=mid,
        title=check.bilingual(data.get("title"), ["title"]),
        duration_minutes=check.integer(data, "duration_minutes", 1, 120),
        pass_mark=check.integer(data, "pass_mark", 1, 100),
        validity_months=check.integer(data, "validity_months", 1, 60),
        activities=[str(a) for a in data.get("activities") or []],
        folder=folder,
        quiz=quiz,
        scenarios=scenarios,
        instructions=instructions,
        quiz_draw=draw or 0,
    )


def load_catalogue(courses: Path) -> dict[str, Module]:
    """Every module under ``courses/``, by id, in a stable order."""
    return {
        folder.name: load_module(folder)
        for folder in sorted(courses.iterdir())
        if (folder / "module.yaml").exists()
    }
