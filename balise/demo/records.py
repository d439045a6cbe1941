"""The demo group's own records: what its accidents were and why, its visits' grids,
hazard and near-miss reports, and the action plan that came out of them.

Added by ``balise serve`` after :mod:`balise.demo.group` (whose accidents and visits it
completes), so the accident pages, the monthly review and the dashboard's leading
indicators have something to show. Drawn from a seeded generator: the same every time.
Amina's own report is closed with its outcome, so her page shows what a report leads to.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from balise.demo.accounts import PEOPLE
from balise.store.models import Person, Site, Store
from balise.store.programme import Accident, SafetyVisit
from balise.store.records import (
    VISIT_THEMES,
    Action,
    CauseFact,
    CauseLink,
    HazardReport,
    VisitMark,
)

TRAINER_OF = {"lyon-logistique": "formatrice", "marseille-chantiers": "formateur-marseille",
              "lille-recyclage": "formatrice-lille"}
COORDINATOR = "coordinateur"
# What happened, the first aid given, and a cause tree: (kind, text, index of its effect);
# each story fits the work of the team the accident happened in.
BACK = ("En soulevant un carton de 20 kg posé au sol, douleur vive dans le bas du dos.",
        "Poche de froid, repos ; médecin le jour même.",
        [("injury", "Douleur au dos en soulevant un carton", None),
         ("task", "Carton de 20 kg soulevé depuis le sol, dos rond", 0),
         ("equipment", "Pas de table élévatrice au poste d'emballage", 1),
         ("who", "Salarié arrivé depuis 2 semaines, geste pas encore appris", 1),
         ("environment", "Commande urgente : rythme accéléré", 1)])
SLIP = ("Glissade sur un film plastique tombé dans l'allée, chute sur le coude.",
        "Nettoyage de la plaie, pansement ; passage à l'infirmerie.",
        [("injury", "Coude écorché après une chute", None),
         ("environment", "Film plastique au sol dans l'allée", 0),
         ("task", "Déballage des palettes dans l'allée", 1),
         ("equipment", "Poubelle à film éloignée du poste", 1)])
STORIES = {
    "logistics": [BACK, SLIP],
    "circular-economy": [("Coupure à la main en démontant un meuble, sans gants.",
                          "Plaie lavée, pansement compressif.", []), SLIP],
    "construction": [("Pied heurté par un transpalette au déchargement du camion.",
                      "Glace, chaussures de sécurité vérifiées.", []), BACK],
    "transport": [("Chute du vélo cargo sur une chaussée mouillée, genou écorché.",
                   "Plaie nettoyée, pansement.", [])],
    "digital": [("Pied pris dans un câble au sol, chute sans gravité.",
                 "Glace sur la cheville.", [])],
}
REPORTS = [
    ("slip", "Allée 3, près du quai", "Flaque d'huile sous le chariot.", "closed",
     "la flaque est nettoyée et la fuite réparée."),
    ("load", "Zone de stockage B", "Palette cassée en haut du rack.", "closed",
     "la palette est réparée."),
    ("fall", "Escalier de la mezzanine", "Une marche bouge.", "in_hand", ""),
    ("electricity", "Atelier", "Prise arrachée près de l'établi.", "new", ""),
    ("vehicle", "Cour", "Camion garé sur le passage piéton.", "closed",
     "un marquage au sol est fait."),
    ("fire", "Local poubelles", "Extincteur absent de son support.", "new", ""),
    ("chemical", "Bac de tri", "Pile qui coule dans un bac.", "in_hand", ""),
]
# The theme each demo finding (balise.demo.group.FINDINGS) was seen at risk in.
FINDING_THEME = {"Carton soulevé dos rond": "postures",
                 "Palette laissée dans l'allée": "tidiness",
                 "Gants non portés au tri": "ppe",
                 "Charge portée seule, trop lourde": "postures"}


def _learners(s, site: str) -> list[str]:
    """The group's learners of ``site``; the named demo accounts (who sign in to try the
    pages) keep a page of their own: only Amina's one report is hers."""
    named = {pid for pid, *_ in PEOPLE}
    return [pid for pid in s.scalars(select(Person.id).where(
        Person.site_id == site, Person.role == "learner").order_by(Person.id))
        if pid not in named]


def seed_records(store: Store, today: date | None = None) -> int:
    """Complete the demo's accidents and visits, add reports and actions; the rows added."""
    today = today or date.today()
    rng = random.Random(2027)
    added = 0
    with store.session() as s:
        for n, accident in enumerate(s.scalars(select(Accident).order_by(Accident.on))):
            told = STORIES.get(accident.activity, STORIES["logistics"])
            story, aid, tree = told[n % len(told)]
            accident.what_happened, accident.first_aid = story, aid
            accident.at = f"{rng.randint(8, 16):02d}:{rng.choice((0, 15, 30, 45)):02d}"
            accident.recorded_by = TRAINER_OF[accident.site_id]
            # The latest one, two days old, is not declared yet: the page says so.
            late = accident.on >= today - timedelta(days=2)
            accident.declared_on = None if late else accident.on + timedelta(days=1)
            facts = []
            for kind, text, effect in tree:
                fact = CauseFact(accident_id=accident.id, kind=kind, text=text)
                s.add(fact)
                s.flush()
                facts.append(fact)
                if effect is not None:
                    s.add(CauseLink(effect_id=facts[effect].id, cause_id=fact.id))
                added += 1
            if tree:
                cause = facts[2]
                due = today + timedelta(days=rng.choice((-10, 20)))
                s.add(Action(site_id=accident.site_id, source="cause", source_id=cause.id,
                             text=f"Traiter : {cause.text.lower()}", state="open",
                             owner_id=TRAINER_OF[accident.site_id], due_on=due,
                             created_by=COORDINATOR,
                             created_at=datetime.combine(accident.on, time(17))))
                added += 1
        for visit in s.scalars(select(SafetyVisit).order_by(SafetyVisit.on)):
            visit.visitor_id, visit.talked = TRAINER_OF[visit.site_id], rng.random() < 0.8
            visit.follow_up = "module" if visit.module_id else "none"
            at_risk = FINDING_THEME.get(visit.finding)
            for theme in VISIT_THEMES:
                risky = theme == at_risk
                s.add(VisitMark(visit_id=visit.id, theme=theme, safe=not risky,
                                note=visit.finding if risky else ""))
                added += 1
            if at_risk and not visit.module_id:
                visit.follow_up = "action"
                s.add(Action(site_id=visit.site_id, source="visit", source_id=visit.id,
                             text=f"Suite de la visite : {visit.finding.lower()}",
                             owner_id=TRAINER_OF[visit.site_id],
                             due_on=visit.on + timedelta(days=14),
                             state="done" if visit.on < today - timedelta(days=30) else "open",
                             done_on=(visit.on + timedelta(days=rng.randint(5, 20))
                                      if visit.on < today - timedelta(days=30) else None),
                             created_by=TRAINER_OF[visit.site_id],
                             created_at=datetime.combine(visit.on, time(11))))
                added += 1
        for site in s.scalars(select(Site.id).order_by(Site.id)):
            trainer, people = TRAINER_OF.get(site, COORDINATOR), _learners(s, site)
            for k, (kind, place, text, state, outcome) in enumerate(REPORTS):
                if rng.random() < 0.4 and site != "lyon-logistique":
                    continue
                # Open reports are recent (a trainer takes them in hand within days); the
                # closed ones spread over the year.
                days_ago = rng.randint(2, 300) if state == "closed" else rng.randint(1, 12)
                made = datetime.combine(today - timedelta(days=days_ago), time(10))
                reporter = "amina" if site == "lyon-logistique" and k == 1 else (
                    rng.choice(people) if people else None)
                report = HazardReport(site_id=site, reporter_id=reporter, kind=kind,
                                      place=place, text=text, state=state, outcome=outcome,
                                      created_at=made,
                                      handled_by=trainer if state != "new" else None,
                                      closed_at=(made + timedelta(days=3)
                                                 if state == "closed" else None))
                s.add(report)
                s.flush()
                added += 1
                if state == "in_hand":
                    s.add(Action(site_id=site, source="hazard", source_id=report.id,
                                 text=f"Réparer : {text.lower()}", owner_id=trainer,
                                 due_on=made.date() + timedelta(days=21), state="open",
                                 created_by=trainer, created_at=made + timedelta(hours=2)))
                    added += 1
    return added
