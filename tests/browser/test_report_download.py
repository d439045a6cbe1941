"""The coordinator takes the dashboard's TF table as XLSX and the month's report as PDF
through chromium's downloads (issue 21, item 6): the PDF's text has the site's TF for the
month as the dashboard writes it; the report's page passes axe-core at 360 px."""

from __future__ import annotations

import io
from datetime import date

import pytest
from a11y import assert_phone_page
from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook
from test_journey import sign_in

from balise.formats import decimal

pytestmark = [pytest.mark.browser]

PHONE = {"viewport": {"width": 360, "height": 740}, "accept_downloads": True}
MONTH = (date.today().replace(day=1) - relativedelta(months=1)).strftime("%Y-%m")


def test_the_months_pdf_says_the_sites_tf_as_the_dashboard_writes_it(server, browser):
    pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDF's text (test extra)")
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        sign_in(page, server, "coordinateur")
        page.goto(server.url + "balise/dashboard")
        with page.expect_download() as got:
            page.click("#table-tf-xlsx")
        sheet = load_workbook(io.BytesIO(got.value.path().read_bytes())).active
        heads = [c.value for c in sheet[1]]
        rows = [dict(zip(heads, [c.value for c in r])) for r in sheet.iter_rows(min_row=2)]
        lyon = next(r for r in rows if str(r[heads[0]]).startswith("Lyon")
                    and str(r[heads[1]]) == MONTH)
        tf = lyon["TF"]
        said = decimal(tf, fixed=True) if isinstance(tf, (int, float)) else \
            "heures manquantes"

        page.goto(server.url + "balise/report")
        assert_phone_page(page, "report")
        page.fill("#report-month", MONTH)
        page.select_option("#report-site", "lyon-logistique")
        with page.expect_download(timeout=60_000) as got:
            page.click("#download-pdf")
        assert got.value.suggested_filename == f"rapport-lyon-logistique-{MONTH}.pdf"
        reader = pypdf.PdfReader(io.BytesIO(got.value.path().read_bytes()))
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert "Lyon" in text and "En bref, en français facile" in text
        assert said in text, (said, text[:2000])
    finally:
        context.close()
