"""What the administration pages call: sites, teams and people added, changed, a placement
ended and brought back, a person's page opened; each writes one line of the trail.

The same functions seed the demo group (:mod:`balise.demo`) and are the ones an
import will call: every check lives here, once. Values come as a form posts them
(text) or already typed (a :class:`~datetime.date`, a list); a refusal is
:class:`Invalid`, which says, per field, in French and English (the catalogue's
words), what to fix, and nothing is written. Who may act on which site is the
caller's to decide (a trainer's own site, a coordinator's every site); these
functions check that what is asked makes sense.

A form may send a ``form_key`` (a random token put in the form when it was shown):
posting the same form twice then adds once, and the second post finds the first
one's result (the trail's ``form_key`` is unique).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from balise import BaliseError
from balise.store.models import ROLES, Person, Site, Store, TrailEntry
from balise.store.programme import ACTIVITIES, Team
from balise.words import word

LANGUAGES = ("fr", "en")
NAME_LENGTH = (2, 200)
ADDRESS_LENGTH = 300
PERSON_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
# What an archived person cannot sign in with: no argon2 hash ever verifies against it.
NO_PASSWORD = "!"

# The fields of each kind, in the order a form shows them and the trail lists them.
SITE_FIELDS = ("name", "address", "activities")
TEAM_FIELDS = ("site_id", "name", "activity", "trainer_id")
PERSON_FIELDS = ("name", "role", "site_id", "team_id", "route", "language", "placement_start",
                 "placement_end", "trainer_id")


class Invalid(BaliseError):
    """A form refused: ``errors`` maps each field to its words ({fr, en}); nothing written."""

    def __init__(self, errors: dict[str, dict[str, str]]):
        super().__init__("; ".join(f"{field}: {said['en']}" for field, said in errors.items()))
        self.errors = errors


class NotFound(BaliseError):
    """No such site, team or person."""


class _Check:
    """Collects one message per field; :meth:`done` raises them all at once."""

    def __init__(self):
        self.errors: dict[str, dict[str, str]] = {}

    def fail(self, field: str, msgid: str, **values) -> None:
        self.errors.setdefault(field, word(msgid, **values))

    def done(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


def tidy(raw: Any) -> str:
    """Text with its spaces tidied: a stray space or a double click is the same value."""
    return " ".join(str(raw if raw is not None else "").split())


def _control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def _name(check: _Check, raw: Any) -> str:
    name = tidy(raw)
    if not NAME_LENGTH[0] <= len(name) <= NAME_LENGTH[1] or _control(name):
        check.fail("name", "Write the name ({least} to {most} characters).",
                   least=NAME_LENGTH[0], most=NAME_LENGTH[1])
    return name


def parse_date(raw: Any) -> date | None:
    """A day from a form (``2026-12-03``) or a date; None when empty; ValueError otherwise."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        day = raw
    else:
        day = date.fromisoformat(str(raw).strip())
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"{day} is out of range")
    return day


def slug(name: str) -> str:
    """An id from a name: ``Aïcha Diallo`` gives ``aicha-diallo``."""
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:40].strip("-")


def _free_id(s: Session, model, base: str, fallback: str) -> str:
    base = base or fallback
    wanted, n = base, 1
    while s.get(model, wanted) is not None or wanted == "new":     # "new" is the add form
        n += 1
        wanted = f"{base}-{n}"
    return wanted


def _value(v: Any) -> Any:
    """A value as the trail keeps it (JSON): dates as ISO days."""
    return v.isoformat() if isinstance(v, date) else v


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    return {k: [_value(before.get(k)), _value(after[k])] for k in after
            if before.get(k) != after[k]}


def _write(s: Session, actor: str, kind: str, *, person: str | None = None,
           site: str | None = None, team: str | None = None,
           changes: Mapping[str, Any] | None = None, form_key: str | None = None) -> TrailEntry:
    entry = TrailEntry(actor_id=actor, kind=kind, person_id=person, site_id=site, team_id=team,
                       changes=json.dumps(changes or {}, ensure_ascii=False, sort_keys=True),
                       form_key=form_key if form_key and FORM_KEY.fullmatch(form_key) else None)
    s.add(entry)
    return entry


def _earlier(store: Store, form_key: str | None, kind: str) -> TrailEntry | None:
    """The trail's line of a form already posted with this key, if any."""
    if not form_key or not FORM_KEY.fullmatch(form_key):
        return None
    with store.session() as s:
        entry = s.scalars(select(TrailEntry).where(TrailEntry.form_key == form_key)).first()
    return entry if entry is not None and entry.kind == kind else None


def _once(store: Store, form_key: str | None, kind: str, add):
    """Run ``add`` (a session -> (entry, result)) once per form key; the result either way."""
    done = _earlier(store, form_key, kind)
    if done is not None:
        return done
    try:
        with store.session() as s:
            return add(s)
    except IntegrityError:
        done = _earlier(store, form_key, kind)      # the same form, posted at the same time
        if done is None:
            raise
        return done


# -- Sites -----------------------------------------------------------------------------

def check_site(s: Session, values: Mapping[str, Any], current: Site | None = None) -> dict:
    check = _Check()
    name = _name(check, values.get("name"))
    address = tidy(values.get("address"))
    if len(address) > ADDRESS_LENGTH or _control(address):
        check.fail("address", "Address too long: {most} characters at most.",
                   most=ADDRESS_LENGTH)
    raw = values.get("activities") or []
    activities = [raw] if isinstance(raw, str) else list(raw)
    if not activities:
        check.fail("activities", "Tick at least one activity.")
    elif not set(activities) <= set(ACTIVITIES):
        check.fail("activities", "Choose activities from the list.")
    activities = [a for a in ACTIVITIES if a in activities]
    if name and "name" not in check.errors:
        same = s.scalars(select(Site.id).where(Site.name == name)).first()
        if same is not None and (current is None or same != current.id):
            check.fail("name", "A site of this name already exists.")
    if current is not None and "activities" not in check.errors:
        used = set(s.scalars(select(Team.activity).where(Team.site_id == current.id)))
        if used - set(activities):
            check.fail("activities", "A team of this site works in this activity: "
                       "change the team first.")
    check.done()
    return {"name": name, "address": address, "activities": activities}


def _site_row(site: Site) -> dict:
    return {"name": site.name, "address": site.address or "", "activities": site.activity_list}


def add_site(store: Store, actor: str, values: Mapping[str, Any], *,
             site_id: str | None = None, form_key: str | None = None) -> str:
    """A new site; its id (a slug of its name unless given)."""
    def add(s):
        clean = check_site(s, values)
        sid = site_id or _free_id(s, Site, slug(clean["name"]), "site")
        s.add(Site(id=sid, name=clean["name"], address=clean["address"],
                   activities=json.dumps(clean["activities"])))
        return _write(s, actor, "site.add", site=sid, changes=_changes({}, clean),
                      form_key=form_key)
    return _once(store, form_key, "site.add", add).site_id


def edit_site(store: Store, actor: str, site_id: str, values: Mapping[str, Any]) -> dict:
    """Change a site; what changed (``{field: [before, after]}``), empty when nothing did."""
    with store.session() as s:
        site = s.get(Site, site_id)
        if site is None:
            raise NotFound(site_id)
        clean = check_site(s, values, site)
        changed = _changes(_site_row(site), clean)
        if changed:
            site.name, site.address = clean["name"], clean["address"]
            site.activities = json.dumps(clean["activities"])
            _write(s, actor, "site.edit", site=site_id, changes=changed)
        return changed


# -- Teams -----------------------------------------------------------------------------

def _trainer_of(s: Session, check: _Check, raw: Any, site_id: str | None) -> str | None:
    trainer_id = tidy(raw) or None
    if trainer_id is not None:
        trainer = s.get(Person, trainer_id)
        if (trainer is None or trainer.role != "trainer" or trainer.archived
                or trainer.site_id != site_id):
            check.fail("trainer_id", "Choose a trainer of this site, or none.")
    return trainer_id


def check_team(s: Session, values: Mapping[str, Any], current: Team | None = None) -> dict:
    check = _Check()
    site_id = current.site_id if current is not None else tidy(values.get("site_id"))
    site = s.get(Site, site_id) if site_id else None
    if site is None:
        check.fail("site_id", "Choose a site from the list.")
    name = _name(check, values.get("name"))
    activity = tidy(values.get("activity"))
    if activity not in ACTIVITIES:
        check.fail("activity", "Choose an activity from the list.")
    elif site is not None and site.activity_list and activity not in site.activity_list:
        check.fail("activity", "Choose an activity of this site.")
    trainer_id = _trainer_of(s, check, values.get("trainer_id"), site_id)
    if site is not None and "name" not in check.errors:
        same = s.scalars(select(Team.id).where(Team.site_id == site_id,
                                               Team.name == name)).first()
        if same is not None and (current is None or same != current.id):
            check.fail("name", "A team of this name already exists on this site.")
    check.done()
    return {"site_id": site_id, "name": name, "activity": activity, "trainer_id": trainer_id}


def _team_row(team: Team) -> dict:
    return {k: getattr(team, k) for k in TEAM_FIELDS}


def add_team(store: Store, actor: str, values: Mapping[str, Any], *,
             team_id: str | None = None, form_key: str | None = None) -> str:
    """A new team on a site; its id."""
    def add(s):
        clean = check_team(s, values)
        tid = team_id or _free_id(s, Team, slug(f"{clean['site_id']}-{clean['name']}")
                                  [:40].strip("-"), "team")
        s.add(Team(id=tid, **clean))
        return _write(s, actor, "team.add", site=clean["site_id"], team=tid,
                      changes=_changes({}, clean), form_key=form_key)
    return _once(store, form_key, "team.add", add).team_id


def edit_team(store: Store, actor: str, team_id: str, values: Mapping[str, Any]) -> dict:
    """Change a team (its site stays); what changed."""
    with store.session() as s:
        team = s.get(Team, team_id)
        if team is None:
            raise NotFound(team_id)
        clean = check_team(s, values, team)
        changed = _changes(_team_row(team), clean)
        if changed:
            for k, v in clean.items():
                setattr(team, k, v)
            _write(s, actor, "team.edit", site=team.site_id, team=team_id, changes=changed)
        return changed


# -- People ----------------------------------------------------------------------------

def _route_of(activity: str | None, routes: Mapping[str, Sequence[str]]) -> str | None:
    return next((rid for rid, jobs in routes.items() if activity in jobs), None)


def person_row(person: Person, routes: Mapping[str, Sequence[str]]) -> dict:
    """A person as her form shows her: the fields of :data:`PERSON_FIELDS`."""
    row = {k: getattr(person, k) for k in PERSON_FIELDS if k != "route"}
    return {**row, "route": _route_of(person.activity, routes)}


def check_person(s: Session, values: Mapping[str, Any], routes: Mapping[str, Sequence[str]],
                 current: Person | None = None) -> dict:
    """The person's fields, checked; ``routes``: route id -> its jobs (``courses/routes.yaml``).

    A learner needs a site, a job route and the start of her placement; a trainer a
    site; a coordinator neither. Her team and her trainer are of her site.
    """
    check = _Check()
    name = _name(check, values.get("name"))
    role = tidy(values.get("role"))
    if role not in ROLES:
        check.fail("role", "Choose a role from the list.")
    site_id = tidy(values.get("site_id")) or None
    if site_id is not None and s.get(Site, site_id) is None:
        check.fail("site_id", "Choose a site from the list.")
    elif site_id is None and role in ("learner", "trainer"):
        check.fail("site_id", "Choose a site from the list.")
    team_id = tidy(values.get("team_id")) or None
    if team_id is not None:
        team = s.get(Team, team_id)
        if team is None or team.site_id != site_id:
            check.fail("team_id", "Choose a team of this site, or none.")
    route = tidy(values.get("route")) or None
    if (route is None and role == "learner") or (route is not None and route not in routes):
        check.fail("route", "Choose a job route from the list.")
    language = tidy(values.get("language")) or "fr"
    if language not in LANGUAGES:
        check.fail("language", "Choose a language from the list.")
    days = {}
    for field in ("placement_start", "placement_end"):
        try:
            days[field] = parse_date(values.get(field))
        except (TypeError, ValueError):
            check.fail(field, "Write a date: day, month and year.")
            days[field] = None
    if days["placement_start"] is None and role == "learner" and \
            "placement_start" not in check.errors:
        check.fail("placement_start", "Write the day her placement starts.")
    if days["placement_start"] and days["placement_end"] and \
            days["placement_end"] <= days["placement_start"]:
        check.fail("placement_end", "The planned end comes after the start.")
    trainer_id = _trainer_of(s, check, values.get("trainer_id"), site_id)
    if trainer_id is not None and current is not None and trainer_id == current.id:
        check.fail("trainer_id", "Choose a trainer of this site, or none.")
    check.done()
    return {"name": name, "role": role, "site_id": site_id, "team_id": team_id, "route": route,
            "language": language, **days, "trainer_id": trainer_id}


def _job(route: str | None, routes: Mapping[str, Sequence[str]], had: str | None) -> str | None:
    """The job (activity) stored for a route: hers if the route counts it, else its first."""
    if route is None:
        return None
    jobs = list(routes[route])
    return had if had in jobs else (jobs[0] if jobs else None)


def add_person(store: Store, actor: str, values: Mapping[str, Any],
               routes: Mapping[str, Sequence[str]], *, person_id: str | None = None,
               password_hash: str = NO_PASSWORD, form_key: str | None = None) -> str:
    """A new person; her id (a slug of her name, made unique, unless given).

    The id is what a badge or a sign-in names her by later; no password unless
    ``password_hash`` is given (a learner will sign in with a badge).
    """
    if person_id is not None and not PERSON_ID.fullmatch(person_id):
        raise Invalid({"name": word("Write the name ({least} to {most} characters).",
                                    least=NAME_LENGTH[0], most=NAME_LENGTH[1])})

    def add(s):
        return insert_person(s, actor, check_person(s, values, routes), routes,
                             person_id=person_id, password_hash=password_hash,
                             form_key=form_key)
    return _once(store, form_key, "person.add", add).person_id


def insert_person(s: Session, actor: str, clean: Mapping[str, Any],
                  routes: Mapping[str, Sequence[str]], *, person_id: str | None = None,
                  password_hash: str = NO_PASSWORD, form_key: str | None = None) -> TrailEntry:
    """:func:`add_person` inside the caller's session (an import adds many in one
    transaction); ``clean``: what :func:`check_person` returned. Its trail line."""
    pid = person_id or _free_id(s, Person, slug(clean["name"]), "person")
    if s.get(Person, pid) is not None:
        raise Invalid({"name": word("This person is already recorded.")})
    fields = {k: v for k, v in clean.items() if k != "route"}
    s.add(Person(id=pid, password_hash=password_hash,
                 activity=_job(clean["route"], routes, None), **fields))
    return _write(s, actor, "person.add", person=pid, site=clean["site_id"],
                  team=clean["team_id"], changes=_changes({}, clean), form_key=form_key)


def edit_person(store: Store, actor: str, person_id: str, values: Mapping[str, Any],
                routes: Mapping[str, Sequence[str]]) -> dict:
    """Change a person's fields; what changed. A change of role is in it like any other."""
    with store.session() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise NotFound(person_id)
        return update_person(s, actor, person, check_person(s, values, routes, person), routes)


def update_person(s: Session, actor: str, person: Person, clean: Mapping[str, Any],
                  routes: Mapping[str, Sequence[str]]) -> dict:
    """:func:`edit_person` inside the caller's session, ``clean`` from :func:`check_person`
    (with ``current=person``); what changed, and its trail line when something did."""
    if actor == person.id and clean["role"] != person.role:
        raise Invalid({"role": word("You cannot change your own role.")})
    changed = _changes(person_row(person, routes), clean)
    if changed:
        for k, v in clean.items():
            if k != "route":
                setattr(person, k, v)
        person.activity = _job(clean["route"], routes, person.activity)
        _write(s, actor, "person.edit", person=person.id, site=person.site_id,
               team=person.team_id, changes=changed)
    return changed


def end_placement(store: Store, actor: str, person_id: str, on: date | None = None) -> bool:
    """Archive her: her placement ended on ``on`` (today). False when it had already ended.

    Her history stays; she can no longer sign in and leaves the current figures.
    """
    with store.session() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise NotFound(person_id)
        if actor == person_id:
            raise Invalid({"person": word("You cannot end your own placement.")})
        if person.archived:
            return False
        person.ended_on = on or date.today()
        _write(s, actor, "person.end", person=person_id, site=person.site_id,
               team=person.team_id, changes={"ended_on": [None, _value(person.ended_on)]})
        return True


def bring_back(store: Store, actor: str, person_id: str) -> bool:
    """Her placement goes on again. False when it had not ended."""
    with store.session() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise NotFound(person_id)
        if not person.archived:
            return False
        _write(s, actor, "person.back", person=person_id, site=person.site_id,
               team=person.team_id, changes={"ended_on": [_value(person.ended_on), None]})
        person.ended_on = None
        return True


def record_view(store: Store, actor: str, person_id: str) -> None:
    """A trainer or coordinator opened her page: the data is sensitive, each look is kept."""
    with store.session() as s:
        person = s.get(Person, person_id)
        _write(s, actor, "person.view", person=person_id,
               site=person.site_id if person else None, team=person.team_id if person else None)


def trail(store: Store, person_id: str | None = None, before: int | None = None,
          limit: int = 200) -> list[TrailEntry]:
    """The trail, newest first; ``person_id``: lines about her only; ``before``: older than
    that line (the next page)."""
    query = select(TrailEntry).order_by(TrailEntry.id.desc()).limit(limit)
    if person_id is not None:
        query = query.where(TrailEntry.person_id == person_id)
    if before is not None:
        query = query.where(TrailEntry.id < before)
    with store.session() as s:
        return list(s.scalars(query))
