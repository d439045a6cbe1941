"""Accidents recorded from the pages, and their cause trees (INRS ED 6163).

What the accident pages (:mod:`balise.web.accident_pages`) and the demo call: an
accident recorded, followed up as days lost and the declaration come in, and
its cause tree built fact by fact. Every check lives here, as in
:mod:`balise.store.admin`: a refusal is :class:`~balise.store.admin.Invalid`,
one plain message per field, and nothing is written. Every change writes one
line of the trail, in the same transaction.

``own_site``: the site of the trainer who acts (None for a coordinator). An
accident of another site is :class:`~balise.store.admin.NotFound` to her, as if
it did not exist; recording one for another site is refused on its field.

The employer declares a work accident to the victim's CPAM within 48 hours,
Sundays and public holidays not counted (Code de la sécurité sociale, art.
R441-3): :func:`declaration_due` says until when.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
from dateutil.easter import easter
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from balise.progress.cause_tree import reaches
from balise.store.admin import (
    EARLIEST,
    Invalid,
    NotFound,
    _changes,
    _Check,
    _control,
    _once,
    _write,
    parse_date,
    tidy,
)
from balise.store.models import Person, Site, Store, TrailEntry
from balise.store.programme import ACTIVITIES, Accident, Team
from balise.store.records import FACT_KINDS, CauseFact, CauseLink

HOUR = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
WHAT_LENGTH = (3, 2000)
FIRST_AID_LENGTH = 1000
FACT_LENGTH = (3, 500)
MOST_DAYS_LOST = 365
DECLARATION_HOURS = 48

# The fields of an accident, in the order the form shows them and the trail lists them.
FIELDS = ("on", "at", "site_id", "team_id", "activity", "person_id", "what_happened",
          "first_aid", "lost_time", "days_lost", "declared_on", "module_id")
FOLLOW_UP = ("lost_time", "days_lost", "declared_on")


# -- The declaration's deadline --------------------------------------------------------

def public_holidays(year: int) -> set[date]:
    """France's public holidays of ``year`` (the eleven of mainland France)."""
    monday = easter(year) + timedelta(days=1)
    return {date(year, 1, 1), monday, date(year, 5, 1), date(year, 5, 8),
            monday + timedelta(days=38), monday + timedelta(days=49), date(year, 7, 14),
            date(year, 8, 15), date(year, 11, 1), date(year, 11, 11), date(year, 12, 25)}


def _counted(day: date) -> bool:
    return day.weekday() != 6 and day not in public_holidays(day.year)


def declaration_due(on: date, at: str | None) -> datetime:
    """When the 48 hours to declare an accident of ``on`` at ``at`` ("HH:MM") run out,
    Sundays and public holidays not counted (Code de la sécurité sociale, art. R441-3)."""
    hour = time.fromisoformat(at) if at and HOUR.fullmatch(at) else time()
    moment, left = datetime.combine(on, hour), timedelta(hours=DECLARATION_HOURS)
    while left > timedelta(0):
        midnight = datetime.combine(moment.date() + timedelta(days=1), time())
        if _counted(moment.date()):
            step = min(left, midnight - moment)
            left -= step
            moment += step
        else:
            moment = midnight
    return moment


# -- Checks ----------------------------------------------------------------------------

def _text(check: _Check, field: str, raw: Any, least: int, most: int) -> str:
    text = tidy(raw)
    if not least <= len(text) <= most or _control(text):
        if least:
            check.fail(field, "Write it ({least} to {most} characters).", least=least,
                       most=most)
        else:
            check.fail(field, "Too long: {most} characters at most.", most=most)
    return text


def _day(check: _Check, field: str, raw: Any, today: date, required: bool) -> date | None:
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
        check.fail(field, "Write a date, e.g. 03/12/2026.")
        return None
    if day is None and required:
        check.fail(field, "Write a date, e.g. 03/12/2026.")
    elif day is not None and day > today:
        check.fail(field, "This date is in the future.")
    return day


def _lost_time(check: _Check, values: Mapping[str, Any], accident_on: date | None,
               today: date) -> dict:
    """Lost time, days lost and the declaration's date, checked together."""
    raw = values.get("lost_time")
    lost = raw if isinstance(raw, bool) else {"yes": True, "no": False}.get(tidy(raw))
    if lost is None:
        check.fail("lost_time", "Say whether she stopped work.")
    text, days = tidy(values.get("days_lost")), 0
    if text:
        if not text.isdigit() or int(text) > MOST_DAYS_LOST:
            check.fail("days_lost", "Write a whole number of days, 0 to {most}.",
                       most=MOST_DAYS_LOST)
        elif int(text) and lost is False:
            check.fail("days_lost", "Days lost only for an accident with lost time.")
        else:
            days = int(text)
    declared = _day(check, "declared_on", values.get("declared_on"), today, required=False)
    if declared is not None and accident_on is not None and declared < accident_on:
        check.fail("declared_on", "The declaration cannot be sent before the accident.")
    return {"lost_time": bool(lost), "days_lost": days, "declared_on": declared}


def check_accident(s: Session, values: Mapping[str, Any], *, today: date,
                   modules: Collection[str] = (), own_site: str | None = None) -> dict:
    """The accident's fields (:data:`FIELDS`), checked; :class:`Invalid` if any is wrong."""
    check = _Check()
    on = _day(check, "on", values.get("on"), today, required=True)
    if on is not None and on < EARLIEST:
        check.fail("on", "Write a date, e.g. 03/12/2026.")
    at = tidy(values.get("at"))
    if not HOUR.fullmatch(at):
        check.fail("at", "Write the time as hours:minutes, e.g. 14:05.")
    site_id = tidy(values.get("site_id"))
    site = s.get(Site, site_id) if site_id else None
    if site is None:
        check.fail("site_id", "Choose a site from the list.")
    elif own_site is not None and site_id != own_site:
        check.fail("site_id", "Choose your own site.")
    team_id = tidy(values.get("team_id")) or None
    team = s.get(Team, team_id) if team_id else None
    if team_id is not None and (team is None or team.site_id != site_id):
        check.fail("team_id", "Choose a team of this site, or none.")
    activity = tidy(values.get("activity")) or (team.activity if team is not None else "")
    if activity not in ACTIVITIES:
        check.fail("activity", "Choose an activity from the list.")
    elif site is not None and site.activity_list and activity not in site.activity_list:
        check.fail("activity", "Choose an activity of this site.")
    person_id = tidy(values.get("person_id")) or None
    if person_id is not None:
        person = s.get(Person, person_id)
        if person is None or person.site_id != site_id:
            check.fail("person_id", "Choose a person of this site, or none.")
    what = _text(check, "what_happened", values.get("what_happened"), *WHAT_LENGTH)
    first_aid = _text(check, "first_aid", values.get("first_aid"), 0, FIRST_AID_LENGTH)
    follow = _lost_time(check, values, on, today)
    module_id = tidy(values.get("module_id")) or None
    if module_id is not None and module_id not in modules:
        check.fail("module_id", "Choose a module from the list, or none.")
    check.done()
    return {"on": on, "at": at, "site_id": site_id, "team_id": team_id, "activity": activity,
            "person_id": person_id, "what_happened": what, "first_aid": first_aid,
            **follow, "module_id": module_id}


def _row(accident: Accident, fields=FIELDS) -> dict:
    return {k: getattr(accident, k) for k in fields}


def _said(entry: TrailEntry, field: str) -> Any:
    """The value a trail line gave ``field`` (a record's id, for a form posted twice)."""
    return json.loads(entry.changes or "{}")[field][1]


def _trail(s: Session, actor: str, kind: str, accident: Accident, changes: dict,
           form_key: str | None = None):
    return _write(s, actor, kind, person=accident.person_id, site=accident.site_id,
                  team=accident.team_id, changes=changes, form_key=form_key)


# -- Accidents -------------------------------------------------------------------------

def record_accident(store: Store, actor: str, values: Mapping[str, Any], *,
                    modules: Collection[str] = (), own_site: str | None = None,
                    today: date | None = None, form_key: str | None = None) -> int:
    """A new accident; its id. The same ``form_key`` posted twice records it once."""
    today = today or date.today()

    def add(s):
        clean = check_accident(s, values, today=today, modules=modules, own_site=own_site)
        accident = Accident(**clean, recorded_by=actor)
        s.add(accident)
        s.flush()
        return _trail(s, actor, "accident.add", accident,
                      {"id": [None, accident.id], **_changes({}, clean)}, form_key)

    return int(_said(_once(store, form_key, "accident.add", add), "id"))


def accident(s: Session, accident_id: int, own_site: str | None = None) -> Accident:
    """The accident, if this person may see it; :class:`NotFound` otherwise."""
    found = s.get(Accident, accident_id)
    if found is None or (own_site is not None and found.site_id != own_site):
        raise NotFound(str(accident_id))
    return found


def follow_up(store: Store, actor: str, accident_id: int, values: Mapping[str, Any], *,
              own_site: str | None = None, today: date | None = None) -> dict:
    """Lost time, days lost and the declaration's date as they come; what changed."""
    today = today or date.today()
    with store.session() as s:
        found = accident(s, accident_id, own_site)
        check = _Check()
        clean = _lost_time(check, values, found.on, today)
        check.done()
        changed = _changes(_row(found, FOLLOW_UP), clean)
        if changed:
            for k, v in clean.items():
                setattr(found, k, v)
            _trail(s, actor, "accident.edit", found, {"id": [found.id, found.id], **changed})
        return changed


# -- The cause tree --------------------------------------------------------------------

def tree(store: Store, accident_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accident's facts (id, kind, text) and links (effect_id, cause_id), as frames."""
    facts = store.frame(CauseFact, CauseFact.accident_id == accident_id)[["id", "kind", "text"]]
    ids = [int(i) for i in facts["id"]]
    links = store.frame(CauseLink, CauseLink.effect_id.in_(ids))[["effect_id", "cause_id"]]
    return facts, links


def _fact(s: Session, fact_id: Any, accident_id: int) -> CauseFact | None:
    try:
        fid = int(str(fact_id).strip())
    except ValueError:
        return None
    fact = s.get(CauseFact, fid)
    return fact if fact is not None and fact.accident_id == accident_id else None


def _pairs(s: Session, accident_id: int) -> list[tuple[int, int]]:
    return list(s.execute(select(CauseLink.effect_id, CauseLink.cause_id).join(
        CauseFact, CauseFact.id == CauseLink.effect_id).where(
        CauseFact.accident_id == accident_id)).all())


def _check_link(check: _Check, s: Session, accident_id: int, effect: CauseFact | None,
                cause_id: Any, field: str) -> CauseFact | None:
    """The cause posted for ``effect``, if linking them keeps a tree: no self-link, no loop."""
    cause = _fact(s, cause_id, accident_id)
    if effect is None or cause is None:
        check.fail(field, "Choose a fact of this accident.")
    elif cause.id == effect.id:
        check.fail(field, "A fact cannot be its own cause.")
    elif reaches(_pairs(s, accident_id), cause.id, effect.id):
        check.fail(field, "This link would make a loop: this fact is already among "
                   "the causes of the other.")
    return cause


def add_fact(store: Store, actor: str, accident_id: int, values: Mapping[str, Any], *,
             own_site: str | None = None, form_key: str | None = None) -> int:
    """A fact of the tree (``kind``, ``text``), and, if ``effect_id`` is given, the link
    saying it caused that fact; its id."""
    def add(s):
        found = accident(s, accident_id, own_site)
        check = _Check()
        kind = tidy(values.get("kind"))
        if kind not in FACT_KINDS:
            check.fail("kind", "Choose what the fact is about.")
        text = _text(check, "text", values.get("text"), *FACT_LENGTH)
        effect_id = tidy(values.get("effect_id"))
        effect = _fact(s, effect_id, accident_id) if effect_id else None
        if effect_id and effect is None:
            check.fail("effect_id", "Choose a fact of this accident.")
        check.done()
        fact = CauseFact(accident_id=found.id, kind=kind, text=text)
        s.add(fact)
        s.flush()
        changes = {"accident": [found.id, found.id], "fact": [None, fact.id],
                   "kind": [None, kind], "text": [None, text]}
        if effect is not None:
            s.add(CauseLink(effect_id=effect.id, cause_id=fact.id))
            changes["effect"] = [None, effect.id]
        return _trail(s, actor, "cause.add", found, changes, form_key)

    return int(_said(_once(store, form_key, "cause.add", add), "fact"))


def remove_fact(store: Store, actor: str, accident_id: int, fact_id: Any, *,
                own_site: str | None = None) -> bool:
    """The fact goes, with its links; False when it was already gone."""
    with store.session() as s:
        found = accident(s, accident_id, own_site)
        fact = _fact(s, fact_id, accident_id)
        if fact is None:
            return False
        s.execute(delete(CauseLink).where(or_(CauseLink.effect_id == fact.id,
                                              CauseLink.cause_id == fact.id)))
        _trail(s, actor, "cause.remove", found, {
            "accident": [found.id, found.id], "fact": [fact.id, None],
            "kind": [fact.kind, None], "text": [fact.text, None]})
        s.delete(fact)
        return True


def link(store: Store, actor: str, accident_id: int, effect_id: Any, cause_id: Any, *,
         own_site: str | None = None) -> bool:
    """``cause_id`` caused ``effect_id``; False when that link was already there."""
    with store.session() as s:
        found = accident(s, accident_id, own_site)
        check = _Check()
        effect = _fact(s, effect_id, accident_id)
        if effect is None:
            check.fail("effect_id", "Choose a fact of this accident.")
        cause = _check_link(check, s, accident_id, effect, cause_id, "cause_id")
        check.done()
        if s.get(CauseLink, (effect.id, cause.id)) is not None:
            return False
        s.add(CauseLink(effect_id=effect.id, cause_id=cause.id))
        _trail(s, actor, "cause.link", found, {"accident": [found.id, found.id],
                                                "effect": [None, effect.id],
                                                "cause": [None, cause.id]})
        return True


def unlink(store: Store, actor: str, accident_id: int, effect_id: Any, cause_id: Any, *,
           own_site: str | None = None) -> bool:
    """The link goes (both facts stay); False when it was already gone."""
    with store.session() as s:
        found = accident(s, accident_id, own_site)
        effect, cause = _fact(s, effect_id, accident_id), _fact(s, cause_id, accident_id)
        row = s.get(CauseLink, (effect.id, cause.id)) if effect and cause else None
        if row is None:
            return False
        s.delete(row)
        _trail(s, actor, "cause.unlink", found, {"accident": [found.id, found.id],
                                                  "effect": [effect.id, None],
                                                  "cause": [cause.id, None]})
        return True


__all__ = ["FIELDS", "Invalid", "NotFound", "accident", "add_fact", "check_accident",
           "declaration_due", "follow_up", "link", "record_accident", "remove_fact", "tree",
           "unlink"]
