"""The action plan: an action recorded, changed, marked done; each writes one trail line.

An action comes from an accident's cause, a visit, a hazard report or a committee
(``source``, ``source_id``); it has a site, an owner (a current trainer of that
site, or a coordinator), a due day and a state. Values come as a form posts them
(text) or typed; a refusal is :class:`balise.store.admin.Invalid`, one plain message
per field, and nothing is written. Who may act on which site is the caller's to
decide. The same functions seed the demo's actions.

A form's ``form_key`` makes a second post of the same form find the first one's
action (its id is kept in the trail line's changes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from balise.progress.actions import overdue
from balise.store.admin import Invalid, NotFound, _changes, _once, _write, parse_date, tidy
from balise.store.models import Person, Site, Store
from balise.store.programme import Accident, SafetyVisit
from balise.store.records import ACTION_SOURCES, Action, CauseFact, HazardReport

TEXT_LENGTH = 500
FIELDS = ("site_id", "source", "source_id", "text", "owner_id", "due_on")

# The refusals, French then English (the words of this page are not yet in the catalogue).
SAID = {
    "site": ("Choisissez un site de la liste.", "Choose a site from the list."),
    "source": ("Choisissez d'où vient l'action.", "Choose where the action comes from."),
    "text": ("Écrivez l'action (500 caractères au plus).",
             "Write the action (500 characters at most)."),
    "owner": ("Choisissez qui s'en occupe : une formatrice du site ou une coordinatrice.",
              "Choose who takes care of it: a trainer of the site or a coordinator."),
    "due": ("Choisissez une date : aujourd'hui ou plus tard.",
            "Choose a date: today or later."),
    "due_any": ("Choisissez une date.", "Choose a date."),
    "source_site": ("Ce qui a donné l'action n'existe pas sur ce site.",
                    "What started the action is not on this site."),
}


def said(key: str) -> dict[str, str]:
    fr, en = SAID[key]
    return {"fr": fr, "en": en}


def owners(s: Session, site_id: str | None) -> list[Person]:
    """Who may own an action of ``site_id``: its current trainers, then the coordinators."""
    people = s.scalars(select(Person).where(
        Person.ended_on.is_(None),
        ((Person.role == "trainer") & (Person.site_id == site_id))
        | (Person.role == "coordinator")).order_by(Person.role.desc(), Person.name))
    return list(people)


def _source_site(s: Session, source: str, source_id: int) -> str | None:
    """The site of what started an action (a cause's accident, a visit, a report)."""
    if source == "cause":
        fact = s.get(CauseFact, source_id)
        accident = s.get(Accident, fact.accident_id) if fact is not None else None
        return accident.site_id if accident is not None else None
    record = s.get(SafetyVisit if source == "visit" else HazardReport, source_id)
    return record.site_id if record is not None else None


def source_link(s: Session, source: str, source_id: int | None) -> str | None:
    """Where what started an action is shown, under ``balise/``; None for a committee."""
    if source_id is None:
        return None
    if source == "cause":
        fact = s.get(CauseFact, source_id)
        return f"accidents/{fact.accident_id}" if fact is not None else None
    if source == "visit":
        return "visits"
    if source == "hazard":
        return f"hazards/{source_id}"
    return None


def check_action(s: Session, values: Mapping[str, Any], today: date,
                 current: Action | None = None) -> dict:
    """The action's fields, clean; :class:`Invalid` with a message per field otherwise.

    A new action is due today or later; an action changed may keep a past due day.
    """
    errors: dict[str, dict[str, str]] = {}
    site_id = tidy(values.get("site_id")) or None
    if site_id is None or s.get(Site, site_id) is None:
        errors["site_id"] = said("site")
    source = tidy(values.get("source")) or "committee"
    if source not in ACTION_SOURCES:
        errors["source"] = said("source")
    raw_id = tidy(values.get("source_id"))
    source_id = int(raw_id) if raw_id.isdigit() and len(raw_id) < 10 else None
    if source == "committee":
        source_id = None
    elif source in ACTION_SOURCES and site_id is not None and source_id is not None \
            and _source_site(s, source, source_id) != site_id:
        errors["source"] = said("source_site")
    text = tidy(values.get("text"))
    if not text or len(text) > TEXT_LENGTH:
        errors["text"] = said("text")
    owner_id = tidy(values.get("owner_id"))
    if owner_id not in {p.id for p in owners(s, site_id)}:
        errors["owner_id"] = said("owner")
    try:
        due_on = parse_date(values.get("due_on"))
    except ValueError:
        due_on = None
    if due_on is None:
        errors["due_on"] = said("due" if current is None else "due_any")
    elif current is None and due_on < today:
        errors["due_on"] = said("due")
    if errors:
        raise Invalid(errors)
    return {"site_id": site_id, "source": source, "source_id": source_id, "text": text,
            "owner_id": owner_id, "due_on": due_on}


def _row(action: Action) -> dict:
    return {f: getattr(action, f) for f in FIELDS}


def record_action(store: Store, actor: str, values: Mapping[str, Any], *, today: date,
                  form_key: str | None = None) -> int:
    """A new open action; its id. The same ``form_key`` posted again gives the same id."""
    def add(s):
        clean = check_action(s, values, today)
        action = Action(**clean, state="open", created_by=actor)
        s.add(action)
        s.flush()
        return _write(s, actor, "action.add", site=clean["site_id"],
                      changes={"id": [None, action.id], **_changes({}, clean)},
                      form_key=form_key)
    entry = _once(store, form_key, "action.add", add)
    return json.loads(entry.changes)["id"][1]


def edit_action(store: Store, actor: str, action_id: int, values: Mapping[str, Any],
                today: date) -> dict:
    """Change an action's text, owner or due day (its site and source stay); what changed."""
    with store.session() as s:
        action = s.get(Action, action_id)
        if action is None:
            raise NotFound(str(action_id))
        kept = {"site_id": action.site_id, "source": action.source,
                "source_id": action.source_id}
        clean = check_action(s, {**values, **kept}, today, current=action)
        changed = _changes(_row(action), clean)
        if changed:
            for field in ("text", "owner_id", "due_on"):
                setattr(action, field, clean[field])
            _write(s, actor, "action.edit", site=action.site_id,
                   changes={"id": [action_id, action_id], **changed})
        return changed


def mark_done(store: Store, actor: str, action_id: int, on: date) -> bool:
    """Mark an action done on ``on``; False when it already was (a double click)."""
    with store.session() as s:
        action = s.get(Action, action_id)
        if action is None:
            raise NotFound(str(action_id))
        if action.state == "done":
            return False
        action.state, action.done_on = "done", on
        _write(s, actor, "action.done", site=action.site_id,
               changes={"id": [action_id, action_id], "state": ["open", "done"],
                        "done_on": [None, on.isoformat()]})
        return True


def reopen(store: Store, actor: str, action_id: int) -> bool:
    """Open again an action marked done by mistake; False when it was open."""
    with store.session() as s:
        action = s.get(Action, action_id)
        if action is None:
            raise NotFound(str(action_id))
        if action.state == "open":
            return False
        before = action.done_on.isoformat() if action.done_on else None
        action.state, action.done_on = "open", None
        _write(s, actor, "action.reopen", site=action.site_id,
               changes={"id": [action_id, action_id], "state": ["done", "open"],
                        "done_on": [before, None]})
        return True


def overdue_actions(store: Store, today: date, *, owner: str | None = None,
                    site: str | None = None) -> list[dict]:
    """The overdue actions (:func:`balise.progress.actions.overdue`), the most late first,
    as plain values for a page: id, text, site, owner's name, due day; ``owner`` or
    ``site`` narrow them."""
    where = [Action.state == "open"]
    if owner is not None:
        where.append(Action.owner_id == owner)
    if site is not None:
        where.append(Action.site_id == site)
    late = overdue(store.frame(Action, *where), today)
    with store.session() as s:
        names = dict(s.execute(select(Person.id, Person.name).where(
            Person.id.in_(list(late.owner_id)))).all())
        sites = dict(s.execute(select(Site.id, Site.name)).all())
    return [{"id": int(r.id), "text": r.text, "site": sites.get(r.site_id, ""),
             "owner": names.get(r.owner_id, r.owner_id), "due_on": r.due_on}
            for r in late.itertuples()]
