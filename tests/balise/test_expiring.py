"""Who expires, by name, on a running server: each role sees what it may, and the counts
are the ones the coordinator's and the dashboard's pages give for the same site."""

import html
import re
from datetime import date

import pytest

from balise.progress.indicators import certification_shares

pytestmark = pytest.mark.slow


def test_a_learner_may_not_see_it(server):
    r = server.session("amina").get(server.url + "balise/expiring")
    assert r.status_code == 403 and "Marseille" not in r.text


def test_the_trainer_sees_her_site_only_and_cannot_ask_for_another(server):
    s = server.session("formatrice")
    r = s.get(server.url + "balise/expiring")
    assert r.status_code == 200 and "Marseille" not in r.text and "Lille" not in r.text
    other = s.get(server.url + "balise/expiring", params={"site": "marseille-chantier"})
    assert "Marseille" not in other.text


def test_an_unknown_site_is_page_not_found(server):
    r = server.session("coordinateur").get(server.url + "balise/expiring",
                                           params={"site": "<script>x</script>"})
    assert r.status_code == 404 and "Page introuvable" in r.text and "<script>x" not in r.text


def test_as_many_certificate_names_as_the_dashboard_counts_for_each_site(server):
    """The dashboard's by-site certification table and the named lists read the same frames."""
    from balise.config import Balise
    from balise.context import BaliseContext

    ctx = BaliseContext.open(Balise(data_dir=str(server.data)))
    try:
        people = ctx.store.frame(ctx.models.Person)
        _, cert = ctx.status(date.today(), people=people)
        shares = certification_shares(people, cert, "site", date.today()).set_index("site")
    finally:
        ctx.store.dispose()
    s = server.session("coordinateur")
    checked = 0
    for site, row in shares.iterrows():
        page = s.get(server.url + "balise/expiring", params={"site": site}).text
        counts = {name: re.search(rf'id="counts-{name}">(\d+) modules, (\d+) certificat', page)
                  for name in ("expired", "within_30", "within_60", "overdue")}
        certs = {name: int(m.group(2)) if m else 0 for name, m in counts.items()}
        assert certs["within_30"] == row.expiring_30, site
        assert certs["within_30"] + certs["within_60"] == row.expiring_60, site
        assert certs["expired"] + certs["overdue"] == row.overdue, site
        checked += row.expiring_60 + row.overdue
    assert checked > 0                      # the demo group has some to name


def test_each_name_links_to_her_page(server):
    s = server.session("coordinateur")
    summary = s.get(server.url + "balise/expiring").text       # by site: each opens its own
    sites = re.findall(r'href="[^"]*(balise/expiring\?site=[^"]+)"', summary)
    assert sites
    first = None
    for site in sites:      # other tests add sites with nobody to name: the first with names
        page = s.get(server.url + html.unescape(site)).text
        first = re.search(r'href="([^"]*balise/person/[^"]+)">([^<]+)</a>', page)
        if first:
            break
    assert first
    r = s.get(server.url + first.group(1).lstrip("/"))
    assert r.status_code == 200 and html.unescape(first.group(2)) in html.unescape(r.text)


def test_the_lists_download_as_xlsx_with_the_names_the_page_shows(server):
    import io

    import openpyxl

    s = server.session("coordinateur")
    page = s.get(server.url + "balise/expiring", params={"site": "lyon-logistique"}).text
    shown = [html.unescape(n) for n in re.findall(
        r'<a href="[^"]*balise/person/[^"]+">([^<]+)</a>', page)]
    r = s.get(server.url + "balise/expiring", params={"site": "lyon-logistique",
                                                        "format": "xlsx"})
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == ["Liste", "Nom", "Site", "Quoi", "Date"]
    names = [row[1].value for row in ws.iter_rows(min_row=2)]
    assert names == shown and names
    assert {row[2].value for row in ws.iter_rows(min_row=2)} == {"Lyon — plateforme logistique"}


def test_the_trainers_download_holds_her_site_only(server):
    r = server.session("formatrice").get(server.url + "balise/expiring",
                                         params={"format": "csv", "site": "marseille-chantier"})
    assert r.status_code == 200
    text = r.content.decode("utf-8")
    assert "Marseille" not in text and "Lille" not in text


@pytest.mark.parametrize("who,status", [("amina", 403), ("coordinateur", 400)])
def test_a_download_refused_says_so_in_words(server, who, status):
    r = server.session(who).get(server.url + "balise/expiring", params={"format": "pdf"})
    assert r.status_code == status and "Traceback" not in r.text
    if status == 400:
        assert "Format de fichier inconnu" in html.unescape(r.text)
