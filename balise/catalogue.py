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

    def public(self) -> dict[str, Any]:
        """What the release notebook may show: no answer, no practice."""
        return {"id": self.id, "prompt": self.prompt, "options": self.options}


@dataclass(frozen=True)
class Scenario:
    """A practice situation: its key and practice stay on the server, like the quiz's."""

    id: str
    kind: str                      # "choice" or "ordering"
    prompt: dict[str, str]
    items: list[dict[str, str]]    # options (choice) or steps (ordering)
    answer: str | list[str]
    practice: dict[str, str]
    source: str

    def public(self) -> dict[str, Any]:
        key = "options" if self.kind == "choice" else "steps"
        return {"id": self.id, "kind": self.kind, "prompt": self.prompt, key: self.items}

    def is_right(self, answer: object) -> bool:
        return answer == self.answer

    def accepts(self, answer: object) -> bool:
        ids = [i["id"] for i in self.items]
        if self.kind == "choice":
            return answer in ids
        return isinstance(answer, list) and sorted(answer) == sorted(ids)


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
    if kind not in ("choice", "ordering"):
        raise check.fail(keys + ["kind"], f"unknown scenario kind {kind!r}",
                         "use 'kind: choice' or 'kind: ordering'")
    field_name = "options" if kind == "choice" else "steps"
    raw_items = raw.get(field_name)
    if not isinstance(raw_items, list) or len(raw_items) < 2:
        raise check.fail(keys + [field_name], f"a {kind} scenario needs at least two {field_name}",
                         f"add {field_name}, each {{id: a, fr: '...', en: '...'}}")
    items = []
    for j, item in enumerate(raw_items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise check.fail(keys + [field_name, j], "each needs an id", "write {id: a, ...}")
        clean = {"id": item["id"], **check.bilingual(item, keys + [field_name, j])}
        if item.get("picture"):
            if not (folder / "assets" / str(item["picture"])).is_file():
                raise check.fail(keys + [field_name, j, "picture"],
                                 f"picture {item['picture']} not found in assets/",
                                 "add the SVG file to the module's assets folder")
            clean["picture"] = str(item["picture"])
        items.append(clean)
    scenario = Scenario(sid, kind, check.bilingual(raw.get("prompt"), keys + ["prompt"]), items,
                        raw.get("answer"),
                        check.bilingual(raw.get("practice"), keys + ["practice"]),
                        str(raw.get("source") or "").strip())
    if not scenario.accepts(scenario.answer):
        raise check.fail(keys + ["answer"], "the answer is not made of this scenario's ids",
                         "choice: one option id; ordering: every step id, in the right order")
    if not scenario.source:
        raise check.fail(keys, "every scenario needs its public source",
                         "add 'source: Code du travail, art. ...'")
    return scenario


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
    mid = data.get("id")
    if not isinstance(mid, str) or not MODULE_ID.match(mid) or mid != folder.name:
        raise check.fail(["id"], f"id must be the folder's name ('{folder.name}')",
                         f"set 'id: {folder.name}'")
    quiz = [_question(check, q, i) for i, q in enumerate(data.get("quiz") or [])]
    scenarios = [_scenario(check, x, i, folder) for i, x in enumerate(data.get("scenarios") or [])]
    ids = [q.id for q in quiz] + [x.id for x in scenarios]
    if len(set(ids)) != len(ids):
        raise check.fail(["quiz"], "two questions share an id", "give each question its own id")
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
    )


def load_catalogue(courses: Path) -> dict[str, Module]:
    """Every module under ``courses/``, by id, in a stable order."""
    return {
        folder.name: load_module(folder)
        for folder in sorted(courses.iterdir())
        if (folder / "module.yaml").exists()
    }
