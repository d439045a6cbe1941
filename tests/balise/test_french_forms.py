"""French as it is read in France: decimal commas, dates in words or figures, never ISO.

The pages of a running server are read as a person sees them: the text of
every element and the attributes said aloud (alt, title, aria-label,
placeholder), never an ``<input>``'s value (a date field keeps its ISO value,
which the browser shows in the reader's own way). A piece of text is French
unless an element around it says ``lang="en"`` (the page is ``<html
lang="fr">``), which is the rule of :mod:`balise.formats`. Then:

- no ISO date (2026-12-03) nor ISO month (2026-12), in either language;
- in French text, no point between digits: French writes a decimal with a
  comma and groups thousands with a space, so "45.3" or "1.000" is always a
  number written another way. Course texts quote no version numbers or
  addresses, so the check needs no list of exceptions;
- in English text, no comma followed by one or two digits ("45,3"), which
  leaves English thousands ("1,000,000") alone.
"""

import json
import math
import re
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import requests
from babel.numbers import format_percent
from bs4 import BeautifulSoup, Comment

from balise import formats
from balise.catalogue.modules import load_catalogue
from balise.formats import MISSING, date_time, date_words, decimal, percent, short_date
from balise.passwords import hash_password
from balise.progress import load_routes
from balise.store.models import Person, Site, Store
from balise.store.programme import Certificate, FieldValidation, Refresher
from balise.web.pages import readable

REPO = Path(__file__).resolve().parents[2]
ISO = re.compile(r"\b20\d\d-(0[1-9]|1[0-2])(-\d\d)?\b")
POINT = re.compile(r"\d\.\d")
COMMA = re.compile(r"\d,\d{1,2}\b")
SAID_ALOUD = ("alt", "title", "aria-label", "placeholder")
LEARNER, PASSWORD, SITE = "formes-learner", "pw-formes-test", "formes-site"


def test_numbers_have_a_decimal_comma_in_french_and_a_point_in_english():
    assert decimal(5.5) == "5,5" and decimal(5.5, "en") == "5.5"
    assert decimal(510.2, fixed=True) == "510,20" and decimal(0, fixed=True) == "0,00"
    assert re.fullmatch(r"12\s345", decimal(12345, digits=0))       # Babel's French space
    assert decimal(12345, "en", digits=0) == "12,345"


def test_a_percent_is_written_with_the_space_babel_gives_french():
    assert percent(0.38) == format_percent(0.38, locale="fr")
    assert re.fullmatch(r"38\s%", percent(0.38)) and percent(0.38, "en") == "38%"


def test_dates_are_in_figures_day_first_or_in_words_never_iso():
    assert short_date(date(2026, 12, 3)) == "03/12/2026"
    assert date_time(datetime(2026, 12, 3, 14, 5)) == "03/12/2026 14:05"
    assert date_time(pd.Timestamp("2026-12-03 14:05")) == "03/12/2026 14:05"
    assert formats.month_short("2026-09") == "09/2026"
    assert formats.month_words("2026-09") == {"fr": "septembre 2026", "en": "September 2026"}
    assert date_words(date(2026, 12, 3)) == {"fr": "3 décembre 2026", "en": "3 December 2026"}
    assert date_words(date(2026, 6, 1)) == {"fr": "1er juin 2026", "en": "1 June 2026"}


def test_nothing_to_write_is_a_dash():
    for shown in (decimal(math.nan), percent(None), short_date(pd.NaT), date_time(pd.NaT),
                  formats.month_short(None)):
        assert shown == MISSING


def test_a_table_cell_is_written_the_french_way():
    frame = pd.DataFrame({"date": [pd.Timestamp("2026-12-03 14:05"), pd.NaT],
                          "score": [5.5, 12.0], "percent": [38.0, math.nan],
                          "failure_rate": [0.33, 0.0], "passed": [True, False]})
    out = readable(frame)
    assert out.date.tolist() == ["03/12/2026 14:05", MISSING]
    assert out.score.tolist() == ["5,5", "12"]
    assert out.percent.tolist() == [percent(0.38), MISSING]
    assert out.failure_rate.tolist() == [percent(0.33), percent(0)]


def visible_text(page: str) -> list[tuple[str, str]]:
    """(language, text) for each piece of text a person sees or hears on ``page``."""
    soup = BeautifulSoup(page, "html.parser")

    def lang(element) -> str:
        here = element if element.get("lang") else next(
            (p for p in element.parents if p.get("lang")), None)
        return here.get("lang") if here else "fr"

    pieces = [(lang(s.parent), str(s)) for s in soup.find_all(string=True)
              if not isinstance(s, Comment) and s.parent.name not in ("style", "script")]
    pieces += [(lang(e), e[name]) for name in SAID_ALOUD for e in soup.find_all(attrs={name: True})
               if e.name != "input"]
    return pieces


def misread(page: str) -> list[str]:
    """Every piece of text that a French or English reader would read the wrong way."""
    bad = []
    for lang, text in visible_text(page):
        if ISO.search(text):
            bad.append(f"ISO date in {lang}: {text.strip()[:120]!r}")
        if lang != "en" and POINT.search(text):
            bad.append(f"decimal point in French: {text.strip()[:120]!r}")
        if lang == "en" and COMMA.search(text):
            bad.append(f"decimal comma in English: {text.strip()[:120]!r}")
    return bad


def test_the_check_finds_iso_dates_and_decimal_points_in_french_only():
    page = ('<html lang="fr"><body><p>Le 2026-12-03, TF 45.3</p>'
            '<input type="date" value="2026-12-03"><p>45,3 <span lang="en">45.3, 1,000</span>'
            '</p><p lang="en">rate 45,3</p></body></html>')
    assert misread(page) == ["ISO date in fr: 'Le 2026-12-03, TF 45.3'",
                             "decimal point in French: 'Le 2026-12-03, TF 45.3'",
                             "decimal comma in English: 'rate 45,3'"]


@pytest.fixture(scope="module")
def mine(server):
    """A learner on a site of her own, with a certificate, a signed field validation and a
    refresher done: what the trainer tools, the verification page and her own pages show."""
    catalogue = load_catalogue(REPO / "courses")
    route = load_routes(REPO / "courses" / "routes.yaml", set(catalogue))[0]
    module = catalogue[route.modules[0]]
    today, code = date.today(), secrets.token_urlsafe(16)
    store = Store(f"sqlite:///{server.data / 'balise.db'}")
    with store.session() as s:
        s.add(Site(id=SITE, name="Site des formes"))
        s.flush()
        s.add(Person(id=LEARNER, name="Jeanne Martin", role="learner", site_id=SITE,
                     activity=route.jobs[0], password_hash=hash_password(PASSWORD)))
        s.flush()
        s.add(FieldValidation(learner_id=LEARNER, skill=route.skills[0],
                              trainer_id="formatrice", on=today))
        s.add(Certificate(code=code, learner_id=LEARNER, route_id=route.id, issued_on=today,
                          valid_until=today + timedelta(days=400), modules=json.dumps(
                              [{"module": module.id, "passed_on": today.isoformat()}])))
        question = next(q.id for q in module.graded_items if module.question(q.id))
        refresher = Refresher(learner_id=LEARNER, module_id=module.id, reason="spaced",
                              due_on=today, done_on=today, questions=json.dumps([question]))
        s.add(refresher)
        s.flush()
        ids = {"code": code, "refresher": refresher.id, "learner": LEARNER, "site": SITE}
    store.dispose()
    return ids


# Who looks, the page, and what must be on it written the French way (so a page that lost
# its figures cannot pass for one written right).
PAGES = [
    ("formatrice", "balise/trainer", r"envoi il y a \d+ \w+.*\d\s%"),
    ("formatrice", "balise/trainer/quarter-hour", r"\d\d/\d\d/20\d\d — "),
    ("formatrice", "balise/trainer/warm-up", r"Échauffement"),
    ("formatrice", "balise/trainer/validation", r"Validation terrain"),
    ("coordinateur", "balise/trainer/validation?site={site}&learner={learner}",
     r"déjà validé le \d{1,2}(er)? \w+ 20\d\d"),
    ("coordinateur", "balise/coordinator", r"Parcours par site"),
    ("coordinateur", "balise/dashboard?by=site", r"\d\s%.*\d\d/20\d\d.*\d+,\d\d"),
    ("coordinateur", "balise/dashboard?by=activity", r"Certification par activité.*\d+,\d\d"),
    ("coordinateur", "balise/dashboard?by=cohort", r"Certification par cohorte.*20\d\d-T\d"),
    ("coordinateur", "balise/admin/sites", r"Sites.*Équipes : \d"),
    ("formatrice", "balise/admin/teams", r"Équipes.*Personnes : \d"),
    ("coordinateur", "balise/admin/people?q=Jeanne", r"Personnes trouvées : \d"),
    ("coordinateur", "balise/admin/people/{learner}", r"Début du contrat"),
    ("coordinateur", "balise/person/{learner}", r"valable jusqu'au \d{1,2}(er)? \w+ 20\d\d"),
    ("formatrice", "balise/person/yusuf", r"par Nadia Benali, le \d{1,2}(er)? \w+ 20\d\d"),
    ("coordinateur", "balise/trail?person=yusuf", r"Personne ajoutée — \d\d/\d\d/20\d\d \d\d:\d\d"),
    (None, "balise/verify/{code}", r"Valable jusqu'au.*\d{1,2}(er)? \w+ 20\d\d"),
    ("amina", "balise/learner", r"Mon parcours|Mes modules"),
    (LEARNER, "balise/learner", r"valable jusqu'au \d{1,2}(er)? \w+ 20\d\d"),
    (LEARNER, "balise/refresher/{refresher}", r"Fait le \d{1,2}(er)? \w+ 20\d\d"),
]


@pytest.mark.slow
@pytest.mark.parametrize("who,path,shown", PAGES, ids=[f"{w}:{p}" for w, p, _ in PAGES])
def test_each_page_writes_dates_and_numbers_as_its_reader_reads_them(server, mine, who, path,
                                                                      shown):
    if who is None:
        session = requests.Session()
    else:
        session = server.session(who, PASSWORD if who == LEARNER else None)
    r = session.get(server.url + path.format(**mine))
    assert r.status_code == 200, r.text[:300]
    french = " ".join(text for lang, text in visible_text(r.text) if lang != "en")
    assert re.search(shown, " ".join(french.split()), re.S), shown
    assert misread(r.text) == []
