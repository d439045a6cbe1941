"""Certification routes from ``courses/routes.yaml`` and each learner's place on them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from balise import BaliseError


@dataclass(frozen=True)
class Route:
    id: str
    title: dict[str, str]
    jobs: list[str]
    modules: list[str]


def load_routes(path: Path, module_ids: set[str]) -> list[Route]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise BaliseError(f"{path}: file missing. Fix: add courses/routes.yaml.") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise BaliseError(f"{path}, line {mark.line + 1 if mark else 1}: not valid YAML. "
                          "Fix: check indentation and quotes.") from None
    routes = []
    for i, raw in enumerate(data.get("routes") or []):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise BaliseError(f"{path}: route #{i + 1} needs an id. Fix: add 'id: <route>'.")
        missing = [m for m in raw.get("modules") or [] if m not in module_ids]
        if missing:
            raise BaliseError(f"{path}: route '{raw['id']}' names unknown module(s) "
                              f"{', '.join(missing)}. Fix: add the module or remove it.")
        routes.append(Route(raw["id"], dict(raw.get("title") or {}),
                            list(raw.get("jobs") or []), list(raw.get("modules") or [])))
    return routes
