"""Certification routes from ``courses/routes.yaml``: modules and field validations per job."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from balise import BaliseError


@dataclass(frozen=True)
class Route:
    id: str
    title: dict[str, str]
    jobs: list[str]
    modules: list[str]
    validations: list[dict[str, str]] = field(default_factory=list)
    pass_mark: int | None = None           # overrides the modules' own when set
    validity_months: int = 12

    @property
    def skills(self) -> list[str]:
        return [v["id"] for v in self.validations]

    def skill(self, skill_id: str) -> dict[str, str] | None:
        return next((v for v in self.validations if v["id"] == skill_id), None)


def _fail(path: Path, i: int, problem: str, fix: str) -> BaliseError:
    return BaliseError(f"{path}: route #{i + 1}: {problem}. Fix: {fix}.")


def load_routes(path: Path, module_ids: set[str]) -> list[Route]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise BaliseError(f"{path}: file missing. Fix: add courses/routes.yaml.") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise BaliseError(f"{path}, line {mark.line + 1 if mark else 1}: not valid YAML. "
                          "Fix: check indentation and quotes.") from None
    routes, seen = [], set()
    for i, raw in enumerate(data.get("routes") or []):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            raise _fail(path, i, "a route needs an id", "add 'id: <route>'")
        if raw["id"] in seen:
            raise _fail(path, i, f"route id '{raw['id']}' is used twice", "rename one")
        seen.add(raw["id"])
        missing = [m for m in raw.get("modules") or [] if m not in module_ids]
        if missing:
            raise BaliseError(f"{path}: route '{raw['id']}' names unknown module(s) "
                              f"{', '.join(missing)}. Fix: add the module or remove it.")
        validations = []
        for v in raw.get("validations") or []:
            if not isinstance(v, dict) or not all(isinstance(v.get(k), str) and v[k].strip()
                                                   for k in ("id", "fr", "en")):
                raise _fail(path, i, "each field validation needs an id, fr and en",
                            "write {id: lift-observed, fr: ..., en: ...}")
            validations.append({"id": v["id"], "fr": v["fr"], "en": v["en"]})
        pass_mark, months = raw.get("pass_mark"), raw.get("validity_months", 12)
        if pass_mark is not None and (not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100):
            raise _fail(path, i, "pass_mark must be a whole number from 1 to 100",
                        "write 'pass_mark: 80' or leave it out")
        if not isinstance(months, int) or not 1 <= months <= 60:
            raise _fail(path, i, "validity_months must be a whole number from 1 to 60",
                        "write 'validity_months: 12'")
        routes.append(Route(raw["id"], dict(raw.get("title") or {}),
                            list(raw.get("jobs") or []), list(raw.get("modules") or []),
                            validations, pass_mark, months))
    return routes


def route_for(routes: list[Route], activity: str | None) -> Route | None:
    """The route of a person's job family (activity), if there is one."""
    return next((r for r in routes if activity in r.jobs), None)
