"""Behavioural safety visits recorded from a phone (issue 20, item 2).

A visit is a site, a team, a day, the visitor, a grid of themes
(:data:`~balise.store.records.VISIT_THEMES`) each seen safe or at risk with a note,
whether the conversation took place, and what follows
(:data:`~balise.store.records.VISIT_FOLLOW_UPS`). It is checked whole before anything
is written; a refusal (:class:`~balise.store.admin.Invalid`) says per field what to fix.

Two columns keep the figures that existed before the grid: ``finding`` sums up the
at-risk themes' notes (the dashboard counts visits by it), and ``module_id`` is set
when what follows is a module, so :func:`balise.progress.refreshers.from_events` sends
it to the team's learners as it did for every visit before.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from balise.store.admin import Invalid, _control, _once, _write, tidy
from balise.store.models import Person, Store
from balise.store.programme import SafetyVisit, Team
from balise.store.records import VISIT_FOLLOW_UPS, VISIT_THEMES, VisitMark
from balise.words import N_, word

DAYS_BACK = 31          # a visit may be entered late, up to a month after the day
NOTE_LENGTH = 200
FINDING_LENGTH = 500
THEME_WORDS = {"ppe": N_("Protective equipment"), "postures": N_("Gestures and postures"),
               "traffic": N_("Traffic"), "tidiness": N_("Tidiness"), "tools": N_("Tools"),
               "signs": N_("Signs")}
FOLLOW_UP_WORDS = {"action": N_("An action"), "module": N_("A module for the team"),
                   "none": N_("Nothing")}


def visitors(s, site_id: str) -> list[Person]:
    """Who may be named as the visitor: the site's trainers and every coordinator."""
    return list(s.scalars(select(Person).where(
        Person.role.in_(("trainer", "coordinator")), Person.ended_on.is_(None),
        (Person.site_id == site_id) | (Person.role == "coordinator")).order_by(Person.name)))


def finding_of(marks: Mapping[str, tuple[bool, str]]) -> str:
    """The at-risk themes and their notes in one line (French, as the dashboard and the
    monthly review show it): "Circulation : palette dans l'allée ; Outils : cutter sans
    lame rétractable", or "Rien à risque" when every theme seen was safe."""
    risky = [f"{word(THEME_WORDS[theme])['fr']} : {note}" if note else
             word(THEME_WORDS[theme])["fr"]
             for theme, (safe, note) in marks.items() if not safe]
    text = " ; ".join(risky) if risky else word("Nothing at risk")["fr"]
    return text if len(text) <= FINDING_LENGTH else text[:FINDING_LENGTH - 1] + "…"


def check_visit(s, site_id: str, values: Mapping[str, Any], modules: Collection[str],
                today: date) -> dict:
    """The visit as its rows will hold it; :class:`Invalid` with one message per field."""
    errors: dict[str, dict[str, str]] = {}
    team = s.get(Team, str(values.get("team") or "")) if values.get("team") else None
    if team is None or team.site_id != site_id:
        errors["team"] = word("Choose a team from the list.")
    try:
        on = date.fromisoformat(str(values.get("on") or "").strip())
        if not today - timedelta(days=DAYS_BACK) <= on <= today:
            raise ValueError(on)
    except ValueError:
        on = None
        errors["on"] = word("Fix the date: today or within the last {days} days.",
                            days=DAYS_BACK)
    visitor = str(values.get("visitor") or "")
    if visitor not in {p.id for p in visitors(s, site_id)}:
        errors["visitor"] = word("Choose the visitor from the list.")
    marks: dict[str, tuple[bool, str]] = {}
    for theme in VISIT_THEMES:
        mark = str(values.get(f"mark-{theme}") or "")
        note = tidy(values.get(f"note-{theme}"))
        if len(note) > NOTE_LENGTH or _control(note):
            errors[f"note-{theme}"] = word("Note too long: {most} characters at most.",
                                           most=NOTE_LENGTH)
        if mark == "risk" and not note:
            errors[f"note-{theme}"] = word("At risk: say in a few words what you saw.")
        if mark in ("safe", "risk"):
            marks[theme] = (mark == "safe", note)
    if not marks:
        errors["marks"] = word("Mark at least one theme: safe or at risk.")
    follow_up = str(values.get("follow_up") or "")
    if follow_up not in VISIT_FOLLOW_UPS:
        errors["follow_up"] = word("Choose what follows the visit.")
    module = str(values.get("module") or "") if follow_up == "module" else None
    if follow_up == "module" and module not in modules:
        errors["module"] = word("Choose the module the team will take again.")
    if errors:
        raise Invalid(errors)
    return {"team_id": team.id, "on": on, "visitor_id": visitor,
            "talked": str(values.get("talked") or "") == "yes", "follow_up": follow_up,
            "module_id": module, "marks": marks, "finding": finding_of(marks)}


def record_visit(store: Store, actor: str, site_id: str, values: Mapping[str, Any],
                 modules: Collection[str], *, today: date | None = None,
                 form_key: str | None = None) -> int:
    """A new visit and its grid; its id. Posting the same form twice (``form_key``)
    records once and gives the first one's id."""
    today = today or date.today()

    def add(s):
        clean = check_visit(s, site_id, values, modules, today)
        marks = clean.pop("marks")
        visit = SafetyVisit(site_id=site_id, **clean)
        s.add(visit)
        s.flush()
        s.add_all(VisitMark(visit_id=visit.id, theme=theme, safe=safe, note=note)
                  for theme, (safe, note) in marks.items())
        shown = {**clean, "on": clean["on"].isoformat(),
                 "marks": {t: ["safe" if ok else "risk", n] for t, (ok, n) in marks.items()}}
        return _write(s, actor, "visit.add", site=site_id, team=clean["team_id"],
                      changes={"id": [None, visit.id], **{k: [None, v] for k, v in
                                                           shown.items()}},
                      form_key=form_key)

    entry = _once(store, form_key, "visit.add", add)
    return int(json.loads(entry.changes)["id"][1])


def recent_visits(store: Store, site_id: str, limit: int = 30) -> list[dict]:
    """A site's latest visits, the latest first, each with its grid: {visit, marks
    ({theme: VisitMark}), team (name), visitor (name)}. A visit recorded before the grid
    existed has no marks; its finding stands alone."""
    with store.session() as s:
        visits = list(s.scalars(select(SafetyVisit).where(SafetyVisit.site_id == site_id)
                                .order_by(SafetyVisit.on.desc(), SafetyVisit.id.desc())
                                .limit(limit)))
        ids = [v.id for v in visits]
        marks: dict[int, dict[str, VisitMark]] = {}
        for m in s.scalars(select(VisitMark).where(VisitMark.visit_id.in_(ids))):
            marks.setdefault(m.visit_id, {})[m.theme] = m
        teams = {t.id: t.name for t in s.scalars(select(Team).where(Team.site_id == site_id))}
        names = {p.id: p.name for p in s.scalars(select(Person).where(Person.id.in_(
            {v.visitor_id for v in visits if v.visitor_id})))}
        s.expunge_all()
    return [{"visit": v, "marks": marks.get(v.id, {}), "team": teams.get(v.team_id, ""),
             "visitor": names.get(v.visitor_id, "")} for v in visits]
