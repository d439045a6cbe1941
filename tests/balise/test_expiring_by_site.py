"""Who expires, for a coordinator: how many each site has, each site opening its own names.

Every name of every site on one page was 933 kB and most of a second at 1,300 people
(benchmarks/report.py); the downloads still hold every site's."""

import html
import re

import pytest

pytestmark = pytest.mark.slow

LISTS = ("expired", "within_30", "within_60", "overdue")


def site_counts(page: str) -> dict[str, int]:
    """A site's page: how many lines each list has (its heading's count)."""
    found = {}
    for name in LISTS:
        m = re.search(rf'id="list-{name}">.*?\((\d+)\)</h2>', page, re.DOTALL)
        found[name] = int(m.group(1))
    return found


def test_each_site_counts_what_its_own_page_lists(server):
    s = server.session("coordinateur")
    summary = s.get(server.url + "balise/expiring").text
    assert 'id="by-site"' in summary and 'id="who-' not in summary          # no names here
    rows = re.findall(r'<li><a href="[^"]*balise/expiring\?site=([^"]+)">([^<]+)</a><br>\s*'
                      r'(.*?)</li>', summary, re.DOTALL)
    chosen = re.findall(r'<option value="([^"]+)"', summary)          # every site, once
    assert sorted(r[0] for r in rows) == sorted(chosen) and len(rows) >= 3
    totals = dict.fromkeys(LISTS, 0)
    for site, _, counts in rows:
        shown = [int(n) for n in re.findall(r"<b>(\d+)</b>", counts)]
        page = s.get(server.url + "balise/expiring", params={"site": site}).text
        assert dict(zip(LISTS, shown)) == site_counts(page), site
        for name, n in zip(LISTS, shown):
            totals[name] += n
    all_sites = re.search(r'id="all-sites">(.*?)</li>', summary, re.DOTALL).group(1)
    assert [int(n) for n in re.findall(r"<b>(\d+)</b>", all_sites)] == list(totals.values())
    assert sum(totals.values()) > 0                          # the demo group has some to name


def test_the_summary_downloads_every_site(server):
    import io

    from openpyxl import load_workbook

    s = server.session("coordinateur")
    summary = s.get(server.url + "balise/expiring").text
    link = re.search(r'id="download-xlsx" href="[^"]*(balise/expiring\?[^"]+)"', summary)
    r = s.get(server.url + html.unescape(link.group(1)))
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    sites = {row[2].value for row in ws.iter_rows(min_row=2)}
    total = re.search(r'id="all-sites">(.*?)</li>', summary, re.DOTALL).group(1)
    assert ws.max_row - 1 == sum(int(n) for n in re.findall(r"<b>(\d+)</b>", total))
    assert len(sites) > 1
