"""The records' lists taken away as CSV and XLSX (issue 21, item 1): accidents, hazard
reports, visits, the action plan, the hours, the monthly review's figures, sites, teams.

Each download is the list the page shows, with its filters, every row (not only the
first page), headed in the reader's language, typed (a day a date, a count a number), and
never a formula; a trainer's holds her site only; a learner is refused; a bad format 400.
"""

import html
import io
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import delete, select

from balise.store.models import Person
from balise.store.programme import Accident, SafetyVisit, Team
from balise.store.records import Action, HazardReport

TRICK = '=HYPERLINK("http://x","clic")'
TODAY = date.today()
MONTH = (TODAY.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")   # last month


@pytest.fixture(scope="module")
def site(store):
    with store.session() as s:
        return s.scalar(select(Person.site_id).where(Person.id == "formatrice"))


@pytest.fixture(scope="module")
def tricks(store, site):
    """An accident, a hazard report and an action of the trainer's site whose texts a
    spreadsheet would run as formulas; removed at the end."""
    with store.session() as s:
        team = s.scalar(select(Team).where(Team.site_id == site))
        accident = Accident(site_id=site, team_id=team.id, activity=team.activity,
                            on=TODAY, at="08:15", what_happened=TRICK, first_aid="@SUM(A1)",
                            lost_time=True, days_lost=3, declared_on=TODAY)
        report = HazardReport(site_id=site, reporter_id="amina", kind="fall", place=TRICK,
                              text="+33 6 12 34 56 78")
        action = Action(site_id=site, source="committee", text="-2+3 " + TRICK,
                        owner_id="formatrice", created_by="formatrice",
                        due_on=TODAY + timedelta(days=9))
        s.add_all([accident, report, action])
        s.commit()
        ids = accident.id, report.id, action.id
    yield ids
    with store.session() as s:
        s.execute(delete(Accident).where(Accident.id == ids[0]))
        s.execute(delete(HazardReport).where(HazardReport.id == ids[1]))
        s.execute(delete(Action).where(Action.id == ids[2]))
        s.commit()


@pytest.fixture(scope="module")
def learner(server):
    return server.session("amina")


def get(server, who, path, **params):
    return who.get(server.url + path.lstrip("/"), params=params)


def sheet(r):
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    return [c.value for c in ws[1]], list(ws.iter_rows(min_row=2))


def column(headers, rows, name):
    i = headers.index(name)
    return [row[i] for row in rows]


def shown(page: str, prefix: str) -> int:
    return len(re.findall(rf'<li[^>]* id="{prefix}-\d+"', page))


# Each list: its address and filters, its headers in French then English, and how many
# rows the page shows (the id of its cards) when it shows them all.
LISTS = {
    "accidents": ("balise/accidents", {}, "accident",
                  ["Date", "Heure", "Site", "Équipe", "Activité", "Personne blessée",
                   "Ce qui s'est passé", "Premiers secours", "Arrêt de travail",
                   "Jours d'arrêt", "Déclaration envoyée le", "Déclarer avant",
                   "Faits de l'analyse", "Module à refaire"],
                  ["Date", "Time", "Site", "Team", "Activity", "Person hurt", "What happened",
                   "First aid given", "Lost time", "Days lost", "Declaration sent on",
                   "Declare before", "Facts of the analysis", "Module to take again"]),
    "hazards": ("balise/hazards", {"state": "all"}, "report",
                ["Envoyé le", "Site", "Danger", "Lieu", "Ce qu'elle a vu", "État",
                 "Ce qui a été fait", "Signalé par", "Avec une photo"],
                ["Sent on", "Site", "Hazard", "Place", "What was seen", "State", "Outcome",
                 "Reported by", "With a photo"]),
    "actions": ("balise/actions", {"state": "all"}, "action",
                ["L'action", "Origine", "Site", "Qui s'en occupe", "À faire pour le", "État",
                 "Faite le", "En retard"],
                ["The action", "Where it comes from", "Site", "Who does it", "To do by",
                 "State", "Done on", "Overdue"]),
    "visits": ("balise/visits", {}, "visit", None, None),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_the_trainers_list_downloads_as_the_page_shows_it(server, trainer, store, site,
                                                          tricks, name):
    path, params, prefix, french, _ = LISTS[name]
    page = get(server, trainer, path, **params)
    assert page.status_code == 200
    for fmt in ("csv", "xlsx"):
        assert f'id="{name}-{fmt}"' in page.text
    headers, rows = sheet(get(server, trainer, path, format="xlsx", **params))
    if french:
        assert headers == french
    if name == "visits":        # the page shows the latest 15; the download every one
        with store.session() as s:
            every = len(s.scalars(select(SafetyVisit.id).where(
                SafetyVisit.site_id == site)).all())
        assert len(rows) == every >= shown(page.text, prefix) > 0
        assert headers[:4] == ["Date", "Site", "Équipe", "Visiteur"]
        assert "Équipements de protection" in headers[4] or headers[4].endswith("protection")
    else:
        assert len(rows) == shown(page.text, prefix) and rows


def test_headers_are_english_for_a_reader_of_english_only(server, trainer, tricks):
    back = trainer.cookies.get("_xsrf")
    trainer.post(server.url + "balise/reading", data={"reading": "en", "_xsrf": back,
                                                      "next": "/balise/trainer"})
    try:
        for name, (path, params, _, _, english) in LISTS.items():
            headers, _ = sheet(get(server, trainer, path, format="xlsx", **params))
            if english:
                assert headers == english, name
            else:
                assert headers[:4] == ["Date", "Site", "Team", "Visitor"], name
        text = get(server, trainer, "balise/accidents", format="csv").content.decode("utf-8")
        assert text.startswith("\ufeffDate,Time,Site,")       # commas, as English reads
    finally:
        trainer.post(server.url + "balise/reading", data={"reading": "both", "_xsrf": back,
                                                          "next": "/balise/trainer"})


def test_days_are_dates_counts_numbers_and_no_formula(server, trainer, tricks):
    headers, rows = sheet(get(server, trainer, "balise/accidents", format="xlsx"))
    ours = next(row for row in rows if row[headers.index("Ce qui s'est passé")].value == TRICK)
    cell = dict(zip(headers, ours))
    assert cell["Ce qui s'est passé"].data_type == "s"        # text, never a formula
    aid = cell["Premiers secours"]
    assert aid.value == "@SUM(A1)" and aid.data_type == "s"
    assert isinstance(cell["Date"].value, datetime) and cell["Date"].value.date() == TODAY
    assert cell["Date"].number_format == "DD/MM/YYYY"
    assert isinstance(cell["Déclarer avant"].value, datetime)
    assert cell["Jours d'arrêt"].value == 3 and cell["Arrêt de travail"].value is True
    assert isinstance(cell["Faits de l'analyse"].value, int)

    headers, rows = sheet(get(server, trainer, "balise/hazards", format="xlsx", state="all"))
    ours = next(row for row in rows if row[headers.index("Lieu")].value == TRICK)
    cell = dict(zip(headers, ours))
    assert cell["Lieu"].data_type == "s" and cell["Ce qu'elle a vu"].data_type == "s"
    assert isinstance(cell["Envoyé le"].value, datetime)
    assert cell["Danger"].value == "Chute" and cell["Avec une photo"].value is False

    headers, rows = sheet(get(server, trainer, "balise/actions", format="xlsx"))
    cell = dict(zip(headers, next(r for r in rows if TRICK in r[0].value)))
    assert cell["L'action"].data_type == "s"
    assert isinstance(cell["À faire pour le"].value, datetime)
    assert cell["En retard"].value is False and cell["État"].value == "À faire"

    for path, params in (("balise/accidents", {}), ("balise/hazards", {"state": "all"}),
                         ("balise/actions", {})):
        text = get(server, trainer, path, format="csv", **params).content.decode("utf-8")
        cells = [c.strip('"') for line in text.splitlines() for c in line.split(";")]
        assert any(c.startswith("'=HYPERLINK") or c.startswith("'-2+3") for c in cells), path
        assert not any(c.startswith(("=", "+", "@")) for c in cells), path


def test_a_trainers_download_holds_her_site_only(server, trainer, store, site):
    from balise.store.models import Site

    with store.session() as s:
        other = s.scalar(select(Site.id).where(Site.id != site).order_by(Site.id))
    for path in ("balise/accidents", "balise/hazards", "balise/visits", "balise/actions",
                 "balise/admin/teams"):
        headers, rows = sheet(get(server, trainer, path, format="xlsx", site=other,
                                  state="all"))
        sites = set(column(headers, rows, "Site")) if "Site" in headers else set()
        assert {c.value for c in sites} <= {"Lyon — plateforme logistique"}, path
    r = get(server, trainer, f"balise/review/{other}/{MONTH}", format="xlsx")
    assert r.status_code == 403


def test_the_coordinators_filters_narrow_the_download(server, coordinator, tricks, site):
    page = get(server, coordinator, "balise/accidents", site=site, month=TODAY.strftime("%Y-%m"))
    assert 'format=xlsx' in html.unescape(page.text)
    headers, rows = sheet(get(server, coordinator, "balise/accidents", format="xlsx",
                              site=site, month=TODAY.strftime("%Y-%m")))
    assert len(rows) == shown(page.text, "accident") >= 1
    assert all(r[0].value.strftime("%Y-%m") == TODAY.strftime("%Y-%m") for r in rows)
    everything = sheet(get(server, coordinator, "balise/accidents", format="xlsx"))[1]
    assert len(everything) > len(rows)
    late = get(server, coordinator, "balise/actions", overdue="1", state="open")
    _, rows = sheet(get(server, coordinator, "balise/actions", format="xlsx", overdue="1",
                        state="open"))
    assert len(rows) == shown(late.text, "action")
    assert all(r[7].value is True for r in rows)


def test_hours_download_twelve_months_empty_where_missing(server, coordinator, store):
    page = get(server, coordinator, "balise/hours", month=MONTH)
    assert 'id="hours-xlsx"' in page.text
    headers, rows = sheet(get(server, coordinator, "balise/hours", month=MONTH,
                              format="xlsx"))
    assert headers == ["Site", "Activité", "Mois", "Heures"]
    months = {r[2].value.date() for r in rows}
    assert len(months) == 12 and all(m.day == 1 for m in months)
    assert max(months).strftime("%Y-%m") == MONTH
    hours = [r[3].value for r in rows]
    assert all(h is None or isinstance(h, (int, float)) for h in hours)
    assert any(isinstance(h, (int, float)) for h in hours)
    with store.session() as s:
        from balise.store.models import Site
        pairs = sum(len(x.activity_list) for x in s.scalars(select(Site)))
    assert len(rows) >= 12 * pairs


def test_review_figures_download_typed(server, coordinator, site):
    path = f"balise/review/{site}/{MONTH}"
    assert 'id="figures-xlsx"' in get(server, coordinator, path).text
    headers, rows = sheet(get(server, coordinator, path, format="xlsx"))
    assert headers == ["Chiffre", "Valeur", "Remarque"] and len(rows) == 8
    values = [r[1].value for r in rows]
    assert all(v is None or isinstance(v, (int, float)) for v in values)
    assert rows[5][0].value == "Visites de sécurité" and isinstance(rows[5][1].value, int)


def test_sites_and_teams_download(server, coordinator, trainer, site):
    page = get(server, coordinator, "balise/admin/sites")
    headers, rows = sheet(get(server, coordinator, "balise/admin/sites", format="xlsx"))
    assert headers == ["Nom", "Adresse", "Activités", "Équipes", "Personnes"]
    assert len(rows) == len(re.findall(r'<a class="title" href="[^"]*admin/sites/', page.text))
    assert all(isinstance(r[3].value, int) and isinstance(r[4].value, int) for r in rows)
    page = get(server, trainer, "balise/admin/teams")
    headers, rows = sheet(get(server, trainer, "balise/admin/teams", format="xlsx"))
    assert headers == ["Site", "Équipe", "Activité", "Formatrice ou formateur", "Personnes"]
    assert len(rows) == len(re.findall(r'<a class="title" href="[^"]*admin/teams/', page.text))
    assert get(server, trainer, "balise/admin/sites", format="xlsx").status_code == 403


@pytest.mark.parametrize("path", ["balise/accidents", "balise/hazards", "balise/visits",
                                  "balise/actions", "balise/hours", "balise/admin/sites",
                                  "balise/admin/teams", f"balise/review/{{site}}/{MONTH}"])
def test_a_bad_format_is_refused_in_words_and_a_learner_gets_nothing(server, coordinator,
                                                                     learner, site, path):
    path = path.format(site=site)
    r = get(server, coordinator, path, format="pdf")
    assert r.status_code == 400 and "Format de fichier inconnu" in html.unescape(r.text)
    r = get(server, learner, path, format="csv")
    assert r.status_code == 403 and "attachment" not in r.headers.get("Content-Disposition", "")



def test_her_page_lists_download(server, trainer, store, site):
    page = get(server, trainer, "balise/person/amina").text
    for table in ("modules", "certificates", "quarter-hours", "validations"):
        if f'id="{table}-xlsx"' not in page:
            continue
        headers, rows = sheet(get(server, trainer, "balise/person/amina", table=table,
                                  format="xlsx"))
        if table == "modules":
            assert headers[:3] == ["Module", "Sur son parcours", "État"]
            assert len(rows) == len(re.findall(r'<li id="module-', page)) > 0
            for row in rows:
                cell = dict(zip(headers, row))
                assert isinstance(cell["Essais"].value, int)
                assert cell["Réussi le"].value is None or \
                    isinstance(cell["Réussi le"].value, datetime)
                assert cell["Note"].value is None or isinstance(cell["Note"].value, float)
        if table == "quarter-hours":
            n = int(re.search(r"(?:In all|En tout)\D*(\d+)", html.unescape(page)).group(1))
            assert len(rows) == n and isinstance(rows[0][0].value, datetime)
    assert 'id="modules-xlsx"' in page
    r = get(server, trainer, "balise/person/amina", table="nothing", format="xlsx")
    assert r.status_code == 400
    with store.session() as s:
        other = s.scalar(select(Person.id).where(Person.site_id != site,
                                                 Person.role == "learner"))
    r = get(server, trainer, f"balise/person/{other}", table="modules", format="csv")
    assert r.status_code == 404 and "attachment" not in r.headers.get("Content-Disposition", "")


def test_the_teams_quarter_hours_download_all_of_them(server, trainer, store, site):
    page = get(server, trainer, "balise/trainer/quarter-hour").text
    team = re.search(r'id="quarter-hours-xlsx"[^>]*href="[^"]*team=([^&"]+)', page)
    assert team, "the page lists the last quarter-hours with their download"
    headers, rows = sheet(get(server, trainer, "balise/trainer/quarter-hour",
                              team=team.group(1), format="xlsx"))
    assert headers == ["Date", "Sujet", "Équipe", "Personnes présentes"]
    from balise.store.programme import QuarterHour

    with store.session() as s:
        every = len(s.scalars(select(QuarterHour.id).where(
            QuarterHour.team_id == team.group(1))).all())
    assert len(rows) == every >= len(re.findall(r"<li>[^<]*—", page.split('id="recent"')[1]
                                                .split("</ul>")[0]))
    assert isinstance(rows[0][0].value, datetime) and isinstance(rows[0][3].value, int)


def test_review_lists_download_as_the_page_lists_them(server, coordinator, site, tricks):
    path = f"balise/review/{site}/{TODAY:%Y-%m}"
    page = get(server, coordinator, path).text
    found = 0
    for table, prefix in (("accidents", "accident"), ("visits", "visit"),
                          ("reports", "report"), ("opened", "opened"), ("closed", "closed")):
        if f'id="{table}-xlsx"' not in page:
            assert shown(page, prefix) == 0, table
            continue
        headers, rows = sheet(get(server, coordinator, path, table=table, format="xlsx"))
        assert len(rows) == shown(page, prefix) > 0, table
        assert isinstance(rows[0][0].value, datetime) or table in ("opened", "closed")
        found += 1
    assert found >= 3                  # this month's accident, report and action at least
    headers, rows = sheet(get(server, coordinator, path, table="reports", format="xlsx"))
    cell = dict(zip(headers, next(r for r in rows if r[2].value == TRICK)))
    assert cell["Lieu"].data_type == "s" and cell["Danger"].value == "Chute"
    assert get(server, coordinator, path, table="nothing", format="csv").status_code == 400
