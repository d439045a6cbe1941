"""The monthly report, downloaded from a page (issue 21, item 3).

``/balise/report``: a month and a site to choose, and three buttons, PDF, XLSX and CSV.
``/balise/report?month=YYYY-MM&site=S&format=pdf|xlsx|csv`` sends the file that
``balise report`` writes (:func:`balise.report_cli.make`): the same figures from the
same functions. A coordinator chooses any site or the whole group; a trainer gets her
own site's (another site's is 403); a learner gets 403. An unknown site, a month to
come or a month with nothing recorded shows the form again with the plain reason.
``ROUTES`` are added to the server by :mod:`balise.web.app`.
"""

from __future__ import annotations

import asyncio
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from balise.progress.monthly_report import ReportRefused
from balise.report_cli import TYPES, make
from balise.store.models import Site
from balise.web import exports
from balise.web.pages import Page, require

ANOTHER_SITE = ("Ce rapport est celui d'un autre site.", "This report is another site's.")


class ReportHandler(Page):
    """``/balise/report``: the form, or with ``format`` the report as a file."""

    @require("trainer", "coordinator")
    async def get(self):
        user = self.current_user
        with self.balise.store.session() as s:
            sites = [{"id": x.id, "name": x.name}
                     for x in s.scalars(select(Site).order_by(Site.name))]
        site = self.get_argument("site", "").strip()
        if user.role != "coordinator":
            if (site and site != user.site) or not user.site:
                self.set_status(403)
                return self.show("message.html", title=ANOTHER_SITE)
            site, sites = user.site, [x for x in sites if x["id"] == user.site]
        today = date.today()
        month = self.get_argument("month", "").strip()
        fmt = self.get_argument("format", None)
        if fmt is None:
            last = (today.replace(day=1) - relativedelta(months=1)).strftime("%Y-%m")
            return self.form(sites, site, month or last, today)
        lang = exports.language_of(self.reading())
        try:
            body, name = await asyncio.to_thread(make, self.balise, month, site or None, fmt,
                                                 today, lang)
        except ReportRefused as refused:
            self.set_status(refused.status)
            return self.form(sites, site, month, today, refused.said)
        self.set_header("Content-Type", TYPES[fmt])
        self.set_header("Content-Disposition", f'attachment; filename="{name}"')
        self.set_header("Cache-Control", "no-store")
        self.finish(body)

    def form(self, sites: list[dict], site: str, month: str, today: date,
             error: dict | None = None) -> None:
        self.show("report_form.html", sites=sites, site=site, month=month,
                  latest=today.strftime("%Y-%m"), error=error,
                  trainer=self.current_user.role != "coordinator")


ROUTES: list = [(r"/balise/report", ReportHandler)]
