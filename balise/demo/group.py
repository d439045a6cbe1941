"""A realistic group for the demo: 3 sites, 5 activities, 60 people and a year of events.

Added by ``balise serve`` to a new data folder after the named demo accounts
(:mod:`balise.demo.accounts`), so a coordinator's dashboard has something to show:
placements starting through the year, `postures` passed at various dates
(some certificates expiring, some expired), field validations, monthly
quarter-hours held more often as the year goes on, daily warm-ups,
behavioural safety visits, accidents and hours worked. Scores go into
nbgrader's gradebook through its own API, as autograde would leave them.
Everything is drawn from a seeded generator: the same group every time.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from balise.demo.accounts import ACTOR, PEOPLE, SITE
from balise.grading.submissions import keep_answers
from balise.passwords import hash_password
from balise.store import admin
from balise.store.models import Attempt, Store
from balise.store.programme import (
    Accident,
    Attendance,
    FieldValidation,
    HoursWorked,
    QuarterHour,
    SafetyVisit,
    WarmUp,
)

SITES = [SITE, ("marseille-chantiers", "Marseille — logistique de chantier"),
         ("lille-recyclage", "Lille — recyclage et réemploi")]
ADDRESSES = {"marseille-chantiers": "3 boulevard des Dames, 13002 Marseille",
             "lille-recyclage": "45 rue du Faubourg de Roubaix, 59000 Lille"}
# id, site, name, activity
TEAMS = [
    ("lyon-quai", "lyon-logistique", "Quai de chargement", "logistics"),
    ("lyon-livraison", "lyon-logistique", "Livraison à vélo cargo", "transport"),
    ("marseille-nord", "marseille-chantiers", "Chantier Nord", "construction"),
    ("marseille-numerique", "marseille-chantiers", "Atelier numérique", "digital"),
    ("lille-deee", "lille-recyclage", "Tri des DEEE", "circular-economy"),
    ("lille-meubles", "lille-recyclage", "Démontage de meubles", "circular-economy"),
]
TRAINERS = [("formateur-marseille", "Karim Saïdi", "marseille-chantiers"),
            ("formatrice-lille", "Julie Lambert", "lille-recyclage")]
FIRST = ["Abdou", "Aïcha", "Ali", "Awa", "Bilal", "Chloé", "Dimitri", "Elif", "Fatou", "Gabriel",
         "Hassan", "Inès", "Ismaël", "Jessica", "Kevin", "Lina", "Mamadou", "Maria", "Mehdi",
         "Nadia", "Omar", "Pauline", "Rania", "Samuel", "Sofia", "Tariq", "Yasmine", "Zoé"]
LAST = ["Ahmadi", "Bakayoko", "Benali", "Camara", "Da Silva", "Diallo", "Dupont", "Fofana",
        "Garcia", "Haddad", "Kaya", "Keita", "Lefèvre", "Mendy", "Nguyen", "Popescu", "Rahimi",
        "Sow", "Traoré", "Yilmaz"]
TOPICS = ["Porter près du corps", "Allées dégagées", "Chariot élévateur : autorisation",
          "Gants et lunettes au tri", "Droit d'alerte et de retrait", "Déclarer un accident",
          "Bruit : protections", "Écrans et pauses"]
FINDINGS = [("Carton soulevé dos rond", "postures"), ("Palette laissée dans l'allée", None),
            ("Gants non portés au tri", None), ("Charge portée seule, trop lourde", "postures"),
            ("Bon geste observé", None)]
HANDLING = ("logistics", "construction", "circular-economy")
GROUP_SIZE = 60
HOURS_PER_PERSON_MONTH = 140


def _month_starts(today: date, months: int = 12) -> list[date]:
    first = today.replace(day=1)
    return [first - relativedelta(months=n) for n in range(months - 1, -1, -1)]


def _grade(gradebook, module, learner: str, when: datetime, right: set[str]) -> None:
    """A graded submission in nbgrader's gradebook: ``right`` are the items answered right."""
    gradebook.update_or_create_student(learner)
    sub = gradebook.update_or_create_submission(module.id, learner, timestamp=when)
    for nb in sub.notebooks:
        for grade in nb.grades:
            grade.auto_score = grade.max_score if grade.name in right else 0.0
            grade.needs_manual_grade = False
    gradebook.db.commit()


def answered(module, learner: str, right: set[str]) -> dict:
    """The answers of a demo first attempt whose items ``right`` (grade names) were right."""
    from balise.catalogue.draw import slot_questions

    slots = slot_questions(module, learner, 1)
    out = {s.id: s.right_answer for s in module.scenarios if s.id in right}
    out.update({slots[n]: module.question(slots[n]).answer for n in right if n in slots})
    return out


def seed_group(store: Store, gradebook_url: str, catalogue: dict, routes: list,
               today: date | None = None, archive: Path | None = None) -> int:
    """Add the group to a store holding only the named demo accounts; the people added.

    With ``archive`` (the data folder's ``attempts``), each demo attempt keeps the
    answers it was graded on, as a real one does, so her feedback page shows her
    answer beside each item: the right one where the item is right, none where wrong."""
    from nbgrader.api import Gradebook

    from balise.grading.coursedir import COURSE_ID, ensure_tools_on_path
    from balise.progress.routes import route_for

    today = today or date.today()
    rng = random.Random(2026)
    hashed = hash_password(rng.randbytes(16).hex())     # group members do not sign in
    jobs = {r.id: r.jobs for r in routes}
    people: list[tuple[str, str, str]] = []             # id, team, activity
    trainer_of = {"lyon-logistique": "formatrice", "marseille-chantiers": "formateur-marseille",
                  "lille-recyclage": "formatrice-lille"}
    # Sites, teams and people go in as the pages put them: checked, and written to the trail.
    for sid, name in SITES[1:]:
        admin.add_site(store, ACTOR, {"name": name, "address": ADDRESSES[sid], "activities": [
            activity for _, site, _, activity in TEAMS if site == sid]}, site_id=sid)
    for pid, name, site in TRAINERS:
        admin.add_person(store, ACTOR, {"name": name, "role": "trainer", "site_id": site},
                         jobs, person_id=pid, password_hash=hashed)
    for tid, site, name, activity in TEAMS:
        admin.add_team(store, ACTOR, {"site_id": site, "name": name, "activity": activity,
                                      "trainer_id": trainer_of[site]}, team_id=tid)
    # The named learners join Lyon's dock team; yusuf's field skills are already signed.
    for pid, _, role, _ in PEOPLE:
        if role == "learner":
            person = store.person(pid)
            admin.edit_person(store, ACTOR, pid, {
                **admin.person_row(person, jobs), "team_id": "lyon-quai",
                "route": route_for(routes, "logistics").id, "trainer_id": "formatrice"}, jobs)
    named = sum(1 for p in PEOPLE)
    for n in range(GROUP_SIZE - named - len(TRAINERS)):
        tid, site, _, activity = TEAMS[n % len(TEAMS)]
        pid = f"p{n + 1:03d}"
        start = today - timedelta(days=rng.randint(15, 420))
        admin.add_person(store, ACTOR, {
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": "learner",
            "site_id": site, "team_id": tid, "route": route_for(routes, activity).id,
            "placement_start": start,
            "placement_end": start + relativedelta(months=rng.choice([12, 15, 18])),
            "language": rng.choice(["fr", "fr", "en"]), "trainer_id": trainer_of[site]},
            jobs, person_id=pid, password_hash=hashed)
        people.append((pid, tid, activity, start))
    with store.session() as s:
        logistics = route_for(routes, "logistics")
        for skill in (logistics.skills if logistics else []):
            s.add(FieldValidation(learner_id="yusuf", skill=skill, trainer_id="formatrice",
                                  on=today - timedelta(days=10), note=""))
    site_of = {t[0]: t[1] for t in TEAMS}

    # Scores: each learner has gone some way along her route's modules, a module
    # every week or two after starting; a few answered several questions wrong.
    ensure_tools_on_path()
    with Gradebook(gradebook_url, COURSE_ID) as gb, store.session() as s:
        def graded(pid: str, module, when: datetime, wrong: set[str]) -> bool:
            items = module.grade_names
            _grade(gb, module, pid, when, set(items) - wrong)
            s.add(Attempt(id=f"demo-{pid}-{module.id}-1", learner_id=pid, module_id=module.id,
                          number=1, status="graded", submitted_at=when, graded_at=when,
                          score=float(len(items) - len(wrong)), max_score=float(len(items)),
                          details=json.dumps({i: [float(i not in wrong), 1.0] for i in items})))
            if archive is not None:
                keep_answers(archive, f"demo-{pid}-{module.id}-1", pid, module.id,
                             answered(module, pid, set(items) - wrong))
            return 100 * (len(items) - len(wrong)) / len(items) >= module.pass_mark

        # yusuf (the named dock learner) has passed all his route but postures.
        logistics = route_for(routes, "logistics")
        for n, mid in enumerate(logistics.modules if logistics else []):
            if mid != "postures" and mid in catalogue:
                when = datetime.combine(today - timedelta(days=30 - 3 * n),
                                        datetime.min.time()) + timedelta(hours=10)
                graded("yusuf", catalogue[mid], when, set())
        for pid, tid, activity, start in people:
            route = route_for(routes, activity)
            modules = [catalogue[m] for m in (route.modules if route else []) if m in catalogue]
            reached = rng.choice([0, 1, 2, len(modules), len(modules), len(modules)])
            passed_all = bool(modules)
            for k, module in enumerate(modules):
                if k >= reached:
                    passed_all = False
                    break
                when = datetime.combine(min(today, start + timedelta(days=3 + 10 * k)),
                                        datetime.min.time()) + timedelta(hours=10)
                wrong = set(rng.sample(module.grade_names, rng.choice([0, 0, 1, 1, 2, 4])))
                passed_all = graded(pid, module, when, wrong) and passed_all
            if passed_all and rng.random() < 0.6:
                for skill in route.skills:
                    s.add(FieldValidation(learner_id=pid, skill=skill,
                                          trainer_id=trainer_of[site_of[tid]],
                                          on=min(today, when.date() + timedelta(
                                              days=rng.randint(1, 20))), note=""))

    months = _month_starts(today)
    members: dict[str, list[str]] = {}
    for pid, tid, _, start in people:
        members.setdefault(tid, []).append((pid, start))
    with store.session() as s:
        for k, month in enumerate(months):
            held_share = 0.45 + 0.5 * k / (len(months) - 1)       # the programme takes hold
            for tid, site, _, activity in TEAMS:
                trainer = trainer_of[site]
                if rng.random() < held_share and month <= today:
                    on = min(today, month + timedelta(days=rng.randint(2, 20)))
                    qh = QuarterHour(team_id=tid, on=on, topic=rng.choice(TOPICS),
                                     trainer_id=trainer)
                    s.add(qh)
                    s.flush()
                    for pid, start in members.get(tid, []):
                        if start <= on and rng.random() < 0.85:
                            s.add(Attendance(quarter_hour_id=qh.id, person_id=pid))
                if activity in HANDLING:
                    day = month
                    while day.month == month.month and day <= today:
                        if day.weekday() < 5 and rng.random() < 0.6 + 0.3 * k / 11:
                            s.add(WarmUp(team_id=tid, on=day, trainer_id=trainer))
                        day += timedelta(days=1)
                for _ in range(rng.randint(0, 2)):
                    finding, linked = rng.choice(FINDINGS)
                    s.add(SafetyVisit(site_id=site, team_id=tid, finding=finding,
                                      module_id=linked,
                                      on=min(today, month + timedelta(days=rng.randint(0, 27)))))
                staff = sum(1 for _, start in members.get(tid, []) if start <= month) + 1
                key = (site, activity, month)
                row = s.get(HoursWorked, key)
                hours = float(staff * HOURS_PER_PERSON_MONTH)
                if row is None:
                    s.add(HoursWorked(site_id=site, activity=activity, month=month, hours=hours))
                else:
                    row.hours += hours
                s.flush()
        # About the group's frequency rate (45 lost-time accidents per million hours).
        for _ in range(9):
            tid, site, _, activity = rng.choice(TEAMS)
            lost = rng.random() < 0.55
            s.add(Accident(site_id=site, team_id=tid, activity=activity,
                           on=today - timedelta(days=rng.randint(1, 360)), lost_time=lost,
                           days_lost=rng.randint(2, 30) if lost else 0,
                           module_id="postures" if rng.random() < 0.4 else None))
    return len(people) + len(TRAINERS)
