"""A widget from a scenario's public part, as a module's page or the gallery receives it."""

from __future__ import annotations

from pathlib import Path


def _with_pictures(entries: list[dict], assets: Path) -> list[dict]:
    return [{**e, "svg": (assets / e["picture"]).read_text(encoding="utf-8")}
            if e.get("picture") else e for e in entries]


def make(spec: dict, check=None, answer=None, assets: Path | str = "assets", on_change=None):
    """The widget for ``spec`` (``{'id', 'kind', 'prompt', ...}``, see ``balise.catalogue.kinds``).

    ``check(answer)`` decides right or wrong (the server's, or the gallery's
    own rule); ``answer`` is one saved earlier, restored; ``on_change(answer)``
    hears each change (to save it).
    """
    import balise.widgets as w

    assets = Path(assets)
    kind, prompt = spec["kind"], spec["prompt"]
    common = {"check": check, "on_change": on_change}
    if kind == "choice":
        return w.Choice(prompt, _with_pictures(spec["options"], assets), answer=answer or "",
                        **common)
    if kind == "multi":
        return w.MultiChoice(prompt, _with_pictures(spec["options"], assets), answer=answer,
                             **common)
    if kind == "ppe":
        return w.PPEPicker(prompt, _with_pictures(spec["options"], assets), answer=answer,
                           task=spec.get("task"), **common)
    if kind == "ordering":
        return w.Ordering(prompt, spec["steps"], answer=answer, **common)
    if kind == "hazard":
        return w.HazardHunt(prompt, (assets / spec["scene"]).read_text(encoding="utf-8"),
                            spec["zones"], answer=answer, scene_alt=spec.get("scene_alt"),
                            **common)
    if kind == "matching":
        return w.Matching(prompt, _with_pictures(spec["items"], assets), spec["meanings"],
                          answer=answer, **common)
    if kind == "story":
        return w.Story(prompt, spec["nodes"], spec["start"], answer=answer, **common)
    if kind == "lift":
        return w.LiftCalculator(prompt, spec["task"], spec["measures"], answer=answer, **common)
    raise ValueError(f"unknown scenario kind {kind!r}")
