"""A learner's answer in her words: the options she chose, as the page showed them.

Her feedback page says, for each item she was asked, what she answered. A
stored answer is made of ids (``"b"``, ``["s2", "s1"]``, ``{"i1": "m2"}``);
shown as ids it would mean nothing to her, so each kind's answer is turned
back into the texts of the options, steps, zones or choices, in both
languages. Only the item's own public data is read: nothing of the key.
"""

from __future__ import annotations

from typing import Any

from balise.catalogue import kinds
from balise.words import word

LANGS = ("fr", "en")
NOTHING = word("No answer")
NONE_CHOSEN = word("Nothing chosen")


def _texts(entries: list[dict], ids: list[str], joiner: str = " ; ") -> dict[str, str]:
    by_id = {e["id"]: e for e in entries}
    picked = [by_id[i] for i in ids if i in by_id]
    if not picked:
        return dict(NONE_CHOSEN)
    return {lang: joiner.join(e[lang] for e in picked) for lang in LANGS}


def _story(public: dict, path: list[str]) -> dict[str, str]:
    choices = {c["id"]: c for node in public["nodes"] for c in node["choices"]}
    return _texts(list(choices.values()), path, joiner=" → ")


def _matching(public: dict, pairs: dict) -> dict[str, str]:
    items = {i["id"]: i for i in public["items"]}
    meanings = {m["id"]: m for m in public["meanings"]}
    lines = [(items[k], meanings[v]) for k, v in pairs.items() if k in items and v in meanings]
    if not lines:
        return dict(NONE_CHOSEN)
    return {lang: " ; ".join(f"{i[lang]} : {m[lang]}" if lang == "fr" else f"{i[lang]}: {m[lang]}"
                             for i, m in lines) for lang in LANGS}


def _lift(public: dict, setting: dict) -> dict[str, str]:
    names = {"H": ("distance aux mains", "hand distance"), "V": ("hauteur", "height"),
             "D": ("déplacement", "travel"), "A": ("rotation", "twist")}
    units = {"H": "cm", "V": "cm", "D": "cm", "A": "°"}
    return {lang: ", ".join(f"{names[k][n]} {setting[k]} {units[k]}" for k in "HVDA"
                            if k in setting)
            for n, lang in enumerate(LANGS)}


def scenario_answer(kind: str, public: dict, answer: Any) -> dict[str, str]:
    """Her answer to a scenario, in French and English; "Pas de réponse" when none is valid."""
    if answer is None:
        return dict(NOTHING)
    try:
        clean = kinds.clean_answer(kind, public, answer)
    except kinds.Invalid:
        return dict(NOTHING)
    if kind in ("choice",):
        return _texts(public["options"], [clean])
    if kind in ("multi", "ppe"):
        return _texts(public["options"], clean)
    if kind == "hazard":
        return _texts(public["zones"], clean)
    if kind == "ordering":
        return _texts(public["steps"], clean, joiner=" → ")
    if kind == "matching":
        return _matching(public, clean)
    if kind == "story":
        return _story(public, clean)
    if kind == "lift":
        return _lift(public, clean)
    return dict(NOTHING)


def question_answer(options: list[dict], answer: Any) -> dict[str, str]:
    """Her answer to a quiz question: the option she ticked, as it was written."""
    if answer is None or answer not in [o["id"] for o in options]:
        return dict(NOTHING)
    return _texts(options, [answer])
