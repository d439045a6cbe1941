"""The eight scenario kinds as data: what a module.yaml gives, what a page may see, what is right.

Each kind reads its YAML (with the file and line of any mistake), splits it
into a public part (sent to the page, where a widget shows it) and a key
(kept on the server), cleans a learner's answer and says whether it is
right. The widgets in ``balise.widgets`` know none of this.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

KINDS = ("choice", "multi", "ordering", "hazard", "matching", "story", "lift", "ppe")


class Invalid(ValueError):
    """An answer that is not made of the scenario's own ids (a forged or broken request)."""


def _ids(items: list[dict]) -> list[str]:
    return [i["id"] for i in items]


def _items(check, raw: dict, keys: list, name: str, folder: Path, least: int = 2,
           picture: bool = False) -> list[dict]:
    """A list of {id, fr, en[, picture, alt]} entries, each checked."""
    value = raw.get(name)
    if not isinstance(value, list) or len(value) < least:
        raise check.fail(keys + [name], f"needs at least {least} {name}",
                         f"add {name}, each {{id: a, fr: '...', en: '...'}}")
    out, seen = [], set()
    for j, item in enumerate(value):
        where = keys + [name, j]
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
            raise check.fail(where, "each entry needs an id", "write {id: a, fr: ..., en: ...}")
        if item["id"] in seen:
            raise check.fail(where, f"id '{item['id']}' is used twice", "give each its own id")
        seen.add(item["id"])
        clean = {"id": item["id"], **check.bilingual(item, where)}
        if item.get("picture") or picture:
            clean["picture"] = _picture(check, item.get("picture"), where + ["picture"], folder)
            clean["alt"] = check.bilingual(item.get("alt") or item, where + ["alt"])
        out.append(clean)
    return out


def _picture(check, name: Any, keys: list, folder: Path) -> str:
    if (not isinstance(name, str) or not name.endswith(".svg") or "/" in name
            or name.startswith(".")):
        raise check.fail(keys, "a picture must be an SVG file name from assets/",
                         "write 'picture: name.svg' and put the file in assets/")
    if not (folder / "assets" / name).is_file():
        raise check.fail(keys, f"picture {name} not found in assets/",
                         "add the SVG file to the module's assets folder")
    return name


def _subset(answer: object, ids: list[str], least: int = 1) -> list[str]:
    if not isinstance(answer, list) or not all(isinstance(a, str) for a in answer):
        raise Invalid("a list of ids is expected")
    if len(set(answer)) != len(answer) or not set(answer) <= set(ids) or len(answer) < least:
        raise Invalid("unknown or repeated ids")
    return sorted(answer)


# --- each kind: parse(check, raw, keys, folder) -> (public, key, private) --------------

def _parse_choice(check, raw, keys, folder):
    options = _items(check, raw, keys, "options", folder)
    key = raw.get("answer")
    if key not in _ids(options):
        raise check.fail(keys + ["answer"], f"answer {key!r} is not one of the option ids",
                         "set 'answer:' to the id of the right option")
    why = {}
    for j, item in enumerate(raw["options"]):
        if item.get("why") is None:
            continue
        if item["id"] == key:
            raise check.fail(keys + ["options", j, "why"], "the right option needs no 'why'",
                             "keep 'why:' for the wrong options: what makes each one wrong")
        why[item["id"]] = check.bilingual(item["why"], keys + ["options", j, "why"])
    # Why each wrong option is wrong, said when it is picked: kept with the key, off the page.
    return {"options": options}, key, {"why": why}


def _parse_multi(check, raw, keys, folder, picture=False):
    options = _items(check, raw, keys, "options", folder, picture=picture)
    try:
        key = _subset(raw.get("answer"), _ids(options))
    except Invalid:
        raise check.fail(keys + ["answer"], "the answer must list option ids, at least one",
                         "write 'answer: [a, c]'") from None
    public = {"options": options}
    if picture and raw.get("task") is not None:
        public["task"] = check.bilingual(raw.get("task"), keys + ["task"])
    return public, key, {}


def _parse_ordering(check, raw, keys, folder):
    steps = _items(check, raw, keys, "steps", folder)
    key = raw.get("answer")
    if not isinstance(key, list) or sorted(map(str, key)) != sorted(_ids(steps)):
        raise check.fail(keys + ["answer"], "the answer must list every step id once",
                         "write the step ids in the right order: [a, b, c]")
    return {"steps": steps}, list(key), {}


def _parse_hazard(check, raw, keys, folder):
    scene = _picture(check, raw.get("scene"), keys + ["scene"], folder)
    zones = _items(check, raw, keys, "zones", folder)
    for j, (zone, rawzone) in enumerate(zip(zones, raw["zones"])):
        for name in ("x", "y", "width", "height"):
            value = rawzone.get(name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise check.fail(keys + ["zones", j, name], f"'{name}' must be a number >= 0",
                                 "give the zone's box in the scene's viewBox units")
            zone[name] = value
    try:
        key = _subset(raw.get("answer"), _ids(zones))
    except Invalid:
        raise check.fail(keys + ["answer"], "the answer must list the zone ids that are hazards",
                         "write 'answer: [z1, z3]'") from None
    return {"scene": scene, "scene_alt": check.bilingual(raw.get("scene_alt"),
                                                        keys + ["scene_alt"]),
            "zones": zones}, key, {}


def _parse_matching(check, raw, keys, folder):
    items = _items(check, raw, keys, "items", folder)
    meanings = _items(check, raw, keys, "meanings", folder)
    key = raw.get("answer")
    if (not isinstance(key, dict) or sorted(key) != sorted(_ids(items))
            or not set(key.values()) <= set(_ids(meanings))):
        raise check.fail(keys + ["answer"], "the answer must pair every item with a meaning id",
                         "write 'answer: {item_id: meaning_id, ...}'")
    return {"items": items, "meanings": meanings}, dict(key), {}


def _parse_story(check, raw, keys, folder):
    nodes_raw = raw.get("nodes")
    if not isinstance(nodes_raw, list) or not nodes_raw:
        raise check.fail(keys + ["nodes"], "a story needs nodes",
                         "add nodes, each {id, fr, en, choices: [...]}")
    nodes, consequences, choice_ids = [], {}, set()
    for j, node in enumerate(nodes_raw):
        where = keys + ["nodes", j]
        if not isinstance(node, dict) or not isinstance(node.get("id"), str):
            raise check.fail(where, "each node needs an id", "write {id: n1, fr: ..., en: ...}")
        clean = {"id": node["id"], **check.bilingual(node, where), "choices": []}
        for k, choice in enumerate(node.get("choices") or []):
            cw = where + ["choices", k]
            if not isinstance(choice, dict) or not isinstance(choice.get("id"), str):
                raise check.fail(cw, "each choice needs an id", "write {id: c1, fr, en, next}")
            if choice["id"] in choice_ids:
                raise check.fail(cw, f"choice id '{choice['id']}' is used twice",
                                 "give each choice its own id")
            choice_ids.add(choice["id"])
            consequences[choice["id"]] = check.bilingual(choice.get("consequence"),
                                                         cw + ["consequence"])
            clean["choices"].append({"id": choice["id"], **check.bilingual(choice, cw),
                                     "next": choice.get("next")})
        nodes.append(clean)
    by_id = {n["id"]: n for n in nodes}
    for j, node in enumerate(nodes):
        for k, choice in enumerate(node["choices"]):
            if choice["next"] is not None and choice["next"] not in by_id:
                raise check.fail(keys + ["nodes", j, "choices", k, "next"],
                                 f"next node {choice['next']!r} does not exist",
                                 "name an existing node id, or leave 'next' out to end")
    public = {"start": nodes[0]["id"], "nodes": nodes}
    key = raw.get("answer")
    try:
        key = _path(public, key)
    except Invalid:
        raise check.fail(keys + ["answer"], "the answer must be the safe path of choice ids",
                         "write 'answer: [c1, c4]', following the nodes from the first") from None
    if _ends(public, key) is not None:
        raise check.fail(keys + ["answer"], "the safe path must reach an ending",
                         "add the choices up to a choice without 'next'")
    return public, key, {"consequences": consequences}


def _path(public: dict, answer: object) -> list[str]:
    """A list of choice ids that follows the story from its start."""
    if not isinstance(answer, list) or not answer or len(answer) > 50:
        raise Invalid("a path of choice ids is expected")
    nodes = {n["id"]: n for n in public["nodes"]}
    here = public["start"]
    for n, choice_id in enumerate(answer):
        if here is None:
            raise Invalid("the path goes on after an ending")
        choice = next((c for c in nodes[here]["choices"] if c["id"] == choice_id), None)
        if choice is None:
            raise Invalid("a choice that is not offered there")
        here = choice["next"]
    return list(answer)


def _ends(public: dict, path: list[str]) -> str | None:
    """The node the path leads to, or None when it reached an ending."""
    nodes = {n["id"]: n for n in public["nodes"]}
    here = public["start"]
    for choice_id in path:
        here = next(c for c in nodes[here]["choices"] if c["id"] == choice_id)["next"]
    return here


MEASURES = {"H": (25, 63), "V": (0, 175), "D": (25, 175), "A": (0, 135)}


def _parse_lift(check, raw, keys, folder):
    from balise.widgets.niosh import assess

    task = raw.get("task")
    if not isinstance(task, dict):
        raise check.fail(keys + ["task"], "a lift needs its task",
                         "write task: {weight_kg: 15, frequency_per_min: 1, duration: short, "
                         "coupling: good}")
    measures = raw.get("measures")
    if not isinstance(measures, dict) or sorted(measures) != sorted(MEASURES):
        raise check.fail(keys + ["measures"], "a lift needs sliders for H, V, D and A",
                         "write measures: {H: {min: 25, max: 63, value: 50}, V: ..., "
                         "D: ..., A: ...}")
    clean = {}
    for name, (low, high) in MEASURES.items():
        m = measures[name]
        ok = isinstance(m, dict) and all(isinstance(m.get(k), int) for k in ("min", "max", "value"))
        if not ok or not low <= m["min"] <= m["value"] <= m["max"] <= high:
            raise check.fail(keys + ["measures", name],
                             f"{name} needs whole numbers min <= value <= max within {low}-{high}",
                             f"write {name}: {{min: {low}, max: {high}, value: {low}}}")
        clean[name] = {"min": m["min"], "max": m["max"], "value": m["value"]}
    try:
        assess(task, {name: m["value"] for name, m in clean.items()})
    except ValueError as err:
        raise check.fail(keys + ["task"], f"the task is not valid ({err})",
                         "see the lift calculator's task fields in docs/authoring.md") from None
    key = raw.get("answer")
    limit = key.get("max_lifting_index") if isinstance(key, dict) else None
    if not isinstance(limit, (int, float)) or isinstance(limit, bool) or not 0 < limit <= 3:
        raise check.fail(keys + ["answer"], "the answer must give the highest lifting index "
                         "accepted", "write 'answer: {max_lifting_index: 1.0}'")
    public, key = {"task": dict(task), "measures": clean}, {"max_lifting_index": float(limit)}
    if not is_right("lift", public, key, right_answer("lift", public, key)):
        raise check.fail(keys + ["measures"], "no setting of the sliders brings the lifting "
                         f"index down to {limit}", "widen the sliders' ranges or lighten the load")
    return public, key, {}


def _parse_ppe(check, raw, keys, folder):
    return _parse_multi(check, raw, keys, folder, picture=True)


PARSERS = {"choice": _parse_choice, "multi": _parse_multi, "ordering": _parse_ordering,
           "hazard": _parse_hazard, "matching": _parse_matching, "story": _parse_story,
           "lift": _parse_lift, "ppe": _parse_ppe}


# --- answers -------------------------------------------------------------------------

def clean_answer(kind: str, public: dict, answer: object) -> Any:
    """The answer in its one stored form; :class:`Invalid` when it is not made of the ids."""
    if kind == "choice":
        if answer not in _ids(public["options"]):
            raise Invalid("unknown option")
        return answer
    if kind in ("multi", "ppe"):
        return _subset(answer, _ids(public["options"]))
    if kind == "hazard":
        return _subset(answer, _ids(public["zones"]), least=0)
    if kind == "ordering":
        if not isinstance(answer, list) or sorted(map(str, answer)) != sorted(
                _ids(public["steps"])) or not all(isinstance(a, str) for a in answer):
            raise Invalid("every step once")
        return list(answer)
    if kind == "matching":
        items, meanings = _ids(public["items"]), _ids(public["meanings"])
        if (not isinstance(answer, dict) or not set(answer) <= set(items)
                or not all(isinstance(v, str) and v in meanings for v in answer.values())):
            raise Invalid("pairs of item and meaning ids")
        return {k: answer[k] for k in items if k in answer}
    if kind == "story":
        return _path(public, answer)
    if kind == "lift":
        if not isinstance(answer, dict) or sorted(answer) != sorted(MEASURES):
            raise Invalid("the four measures H, V, D, A")
        out = {}
        for name, m in public["measures"].items():
            value = answer[name]
            if not isinstance(value, int) or isinstance(value, bool) or not (
                    m["min"] <= value <= m["max"]):
                raise Invalid(f"{name} out of range")
            out[name] = value
        return out
    raise Invalid(f"unknown kind {kind!r}")


def right_answer(kind: str, public: dict, key: Any) -> Any:
    """An answer that scores: the key itself, or for a lift the safest setting of the sliders
    (each multiplier is largest at the smallest H, D and A and at V nearest 75 cm)."""
    if kind != "lift":
        return key
    m = public["measures"]
    return {"H": m["H"]["min"], "V": min(max(75, m["V"]["min"]), m["V"]["max"]),
            "D": m["D"]["min"], "A": m["A"]["min"]}


def is_right(kind: str, public: dict, key: Any, clean: Any) -> bool:
    if kind == "lift":
        from balise.widgets.niosh import assess

        return assess(public["task"], clean)["li"] <= key["max_lifting_index"]
    return clean == key


def explained(scenario, option_id: str) -> dict[str, str]:
    """A wrong option's feedback: why it is wrong (its ``why``), then the right practice."""
    why = scenario.private.get("why", {}).get(option_id)
    if why is None:
        return scenario.practice
    return {lang: f"{why[lang]} {scenario.practice[lang]}" for lang in scenario.practice}


def feedback_practices(scenario) -> list[tuple[bool, dict[str, str]]]:
    """Every (right, practice) the scenario's feedback can say: its practice, right or
    wrong; a story's consequences; a choice's wrong options, each with its why."""
    practices = [scenario.practice, *scenario.private.get("consequences", {}).values()]
    out = [(right, practice) for practice in practices for right in (True, False)]
    return out + [(False, explained(scenario, o)) for o in scenario.private.get("why", {})]


def feedback(scenario, clean: Any) -> dict:
    """Right or not, the practice and its source; a story says what the choice leads to."""
    right = scenario.is_right(clean)
    practice = scenario.practice
    steps = None
    if scenario.kind == "story":
        said = scenario.private["consequences"]
        practice = said.get(clean[-1], practice)
        right = scenario.answer[:len(clean)] == clean
        # What each choice of her path led to: she saw each when she made it, and a page
        # reloaded mid-story shows them again under each step, as they were.
        steps = [{"right": scenario.answer[:n + 1] == clean[:n + 1],
                  "practice": said.get(choice, scenario.practice)}
                 for n, choice in enumerate(clean)]
    if scenario.kind == "choice" and not right:
        practice = explained(scenario, clean)
    result = {"right": right, "practice": practice, "source": scenario.source}
    if steps is not None:
        result["steps"] = steps
    if scenario.kind == "lift":
        from balise.widgets.niosh import assess

        result["detail"] = round(assess(scenario.public_data["task"], clean)["li"], 2)
    return result


def hidden_test(scenario) -> str:
    """The nbgrader hidden test for one scenario, run on the learner's answer sheet."""
    sid = scenario.id
    if scenario.kind == "lift":
        return (f"from balise.widgets.niosh import assess as _assess\n"
                f"assert _assess({scenario.public_data['task']!r}, ANSWERS.get({sid!r}))['li'] "
                f"<= {scenario.answer['max_lifting_index']!r}")
    return f"assert ANSWERS.get({sid!r}) == {scenario.answer!r}"
