"""Balise's pages: the landing page of each role."""

from __future__ import annotations

import asyncio
import functools
from datetime import date

import pandas as pd
from jupyter_server.base.handlers import JupyterHandler, Template404
from jupyter_server.extension.handler import ExtensionHandlerJinjaMixin, ExtensionHandlerMixin
from tornado import web

from balise.formats import MISSING, _missing, date_time, date_words, decimal, percent
from balise.messages import CATALOGUE
from balise.progress.certificates import certificates_of, issue_certificates
from balise.store.actions import overdue_actions
from balise.web import exports
from balise.web.auth import BaliseUser
from balise.web.page_words import READINGS
from balise.web.standing import derived
from balise.words import LANGS, word


def require(*roles: str):
    """Signed in (else the sign-in page) and of one of ``roles`` (else 403, in plain words)."""
    def wrap(method):
        @web.authenticated
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            user = self.current_user
            if isinstance(user, BaliseUser) and user.must_change_password:
                # A password given by a coordinator: she chooses her own before any page.
                return self.redirect(f"{self.base_url}balise/password")
            if not isinstance(user, BaliseUser) or user.role not in roles:
                self.set_status(403)
                return self.finish(self.render_template(
                    "message.html", user=user, title=CATALOGUE["forbidden"],
                    base_url=self.base_url))
            return method(self, *args, **kwargs)
        return inner
    return wrap


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as French writes them (a cell is said once for both languages, see
    :mod:`balise.formats`): dates to the minute "03/12/2026 14:05", yes/no in words
    and signs, shares and percents "38 %", other numbers "7,5" without noise."""
    out = frame.copy()
    for col in out.columns:
        if col in ("date",):
            out[col] = pd.to_datetime(out[col]).map(date_time)
        elif out[col].dtype == bool or col in ("passed", "complete"):
            out[col] = out[col].map(lambda v: "✔ oui / yes" if v else "✘ non / no")
        elif col == "percent":
            out[col] = out[col].map(lambda v: percent(v / 100 if pd.notna(v) else v))
        elif col == "failure_rate":
            out[col] = out[col].map(percent)
        elif pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(decimal)
    return out


def table_html(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    """A frame as an escaped HTML table with bilingual headers; a missing value is "—"."""
    return table_markup(readable(frame[list(columns)]).rename(columns=columns))


_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _text(value) -> str:
    return MISSING if _missing(value) else str(value).translate(_ESCAPE)


def table_markup(shown: pd.DataFrame) -> str:
    """The markup pandas' ``to_html(index=False, escape=True, classes="balise-table",
    border=0, na_rep="—")`` writes for a frame of written cells, character for character
    (a test holds the two equal), at a tenth of its time: pandas' writer was a third of the
    dashboard's tables."""
    pad = " " * 6
    head = "".join(f"{pad}<th>{_text(c)}</th>\n" for c in shown.columns)
    rows = "".join(
        "    <tr>\n" + "".join(f"{pad}<td>{_text(v)}</td>\n" for v in row) + "    </tr>\n"
        for row in shown.itertuples(index=False, name=None))
    return ('<table class="dataframe balise-table">\n  <thead>\n'
            '    <tr style="text-align: right;">\n' + head + "    </tr>\n  </thead>\n"
            "  <tbody>\n" + rows + "  </tbody>\n</table>")


class Page(ExtensionHandlerJinjaMixin, ExtensionHandlerMixin, JupyterHandler):
    @property
    def balise(self):
        return self.settings["balise"]

    def reading(self) -> str:
        """The signed-in person's choice of language (both, fr, en) for the page's words."""
        user = self.current_user
        person = self.balise.store.person(user.username) if isinstance(user, BaliseUser) \
            else None
        return (person.reading if person is not None and person.reading in READINGS
                else "both")

    def show(self, template: str, **ns) -> None:
        # The language buttons (base.html) come back to this page; an error page has none,
        # so "not found" reads the same for any address (nothing to tell what exists).
        back = self.request.path if self.get_status() < 400 else None
        self.finish(self.render_template(template, user=self.current_user,
                                         base_url=self.base_url, reading=self.reading(),
                                         here=self.request.path, language_back=back, **ns))


class HomeHandler(Page):
    @web.authenticated
    def get(self):
        role = getattr(self.current_user, "role", "learner")
        self.redirect(f"{self.base_url}balise/{role}")


class LearnerHandler(Page):
    """Her landing page is her route: what is due, her route in order, one next step."""

    @require("learner", "trainer", "coordinator")
    def get(self):
        # hazard_pages builds on this module: imported here, when both are loaded.
        from balise.web.hazard_pages import reports_for_her

        ctx, me = self.balise, self.current_user.username
        # Read once, hers only: the module list, certification and refreshers all use them.
        attempts = ctx.attempts(me)
        grades = ctx.grades(attempts, learner=me)
        people = ctx.store.frame(ctx.models.Person, ctx.models.Person.id == me)
        # Issued here, where she looks, so a route certified since her last visit shows at once.
        today = date.today()
        status, cert = ctx.status(today, attempts, people, grades)
        issue_certificates(ctx.store, cert, ctx.routes, status, today)
        due = ctx.due_refreshers(me, today, grades, attempts, people)
        refreshers = [{"id": int(r.id), "reason": r.reason, "module": ctx.catalogue[r.module]}
                      for r in due.itertuples() if r.module in ctx.catalogue]
        journey = ctx.journey(me, today, status, people)
        route = journey.route if journey is not None else None
        on_route = set(route.modules) if route is not None else set()
        mine = status[status.learner == me].set_index("module")
        tried = set(attempts.module_id[attempts.status == "graded"]) if not attempts.empty \
            else set()

        def card(module_id: str) -> dict:
            module = ctx.catalogue[module_id]
            row = mine.loc[module_id] if module_id in mine.index else None
            return {"module": module, "picture": pictogram(module),
                    "state": module_state(row), "feedback": module_id in tried}

        route_cards = [card(m) for m in route.modules] if route is not None else []
        others = [card(m) for m in ctx.catalogue if m not in on_route]
        self.show("learner.html", refreshers=refreshers, journey=journey,
                  hazards=reports_for_her(ctx.store, me),
                  lapsing=lapsing(journey, refreshers, ctx.catalogue),
                  route_cards=route_cards, others=others,
                  next_module=ctx.catalogue.get(journey.next_module) if journey else None,
                  certificates=[{**c, "until": date_words(c["valid_until"])} for c in
                                certificates_of(ctx.store, me, ctx.routes, today)])


def lapsing(journey, refreshers: list[dict], catalogue) -> list[dict]:
    """Her route's modules to take again now: expired, or expiring within the warning
    window, most urgent first; one a recorded refresher already names is not said twice."""
    if journey is None:
        return []
    named = {r["module"].id for r in refreshers}
    out = [{"module": catalogue[m["module"]], "status": m["status"],
            "until": date_words(m["expires_on"])}
           for m in journey.modules if m["status"] in ("expired", "expiring")
           and m["module"] in catalogue and m["module"] not in named]
    return sorted(out, key=lambda m: m["status"] != "expired")


def module_state(row) -> dict:
    """A module's state for her, in words and sign: à faire, en cours, réussi le..., expire..."""
    status = "not_started" if row is None else row.status
    words = {
        "not_started": ("○", word("To do")),
        "in_progress": ("◐", word("In progress")),
        "passed": ("✔", word("Passed")),
        "expiring": ("⚠", word("Expires soon")),
        "expired": ("✘", word("Expired: take it again")),
    }
    sign, said = words[status]
    state = {"status": status, "sign": sign, "words": dict(said), "when": None}
    if row is not None and status in ("passed", "expiring", "expired"):
        passed, expires = date_words(row.passed_on), date_words(row.expires_on)
        state["when"] = ({lang: word("passed on {passed}, valid until {until}")[lang].format(
                              passed=passed[lang], until=expires[lang]) for lang in LANGS}
                         if status != "expired" else
                         {lang: word("expired on {until}")[lang].format(until=expires[lang])
                          for lang in LANGS})
    return state


@functools.lru_cache(maxsize=64)
def _picture(path) -> str | None:
    from balise.grading.build import picture_uri

    return picture_uri(path) if path.is_file() else None


def pictogram(module) -> str | None:
    """The module's pictogram: the picture of its first key instruction, inlined."""
    return _picture(module.instructions[0].picture) if module.instructions else None


# The columns of the coordinator's table by site: the first four are the dashboard's own
# figures (balise.progress.indicators.certification_shares), under the same words.
SITES = {"site": "Site", "learners": "Personnes / Learners",
         "certified": "Certifiés / Certified",
         "expiring_30": "Expirent sous 30 jours / Expiring within 30 days",
         "overdue": "En retard / Overdue",
         "modules_passed": "Modules réussis / Modules passed",
         "modules_expired": "Modules expirés / Modules expired"}


def routes_by_site(ctx, today: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coordinator's table by site, and the sites; certificates issued on the way for
    every route that holds, even for learners who have not looked since."""
    people = ctx.store.frame(ctx.models.Person)
    sites = ctx.store.frame(ctx.models.Site)

    def table(status: pd.DataFrame, cert: pd.DataFrame) -> pd.DataFrame:
        issue_certificates(ctx.store, cert, ctx.routes, status, today)
        return ctx.progress.site_certification(people, sites, status, cert, today)

    # Kept with the status it rests on (balise.web.standing): issued once for that data.
    return derived("routes-by-site", ctx, today, people, [sites], table), sites


class CoordinatorHandler(Page):
    """The coordinator's landing page. Its figures read every learner's status (kept until
    its data changes, :mod:`balise.web.standing`): made in a thread, so learners submitting
    meanwhile are not kept waiting."""

    @require("coordinator")
    async def get(self):
        ctx = self.balise
        today = date.today()
        summary, sites = await asyncio.to_thread(routes_by_site, ctx, today)
        fmt = self.get_argument("format", None)
        if fmt is not None:                     # the same table, to take away
            if fmt not in exports.FORMATS:
                return exports.refuse_format(self)
            lang = exports.language_of(self.reading())
            columns = [exports.Column(key, *label.split(" / ") if " / " in label
                                      else (label, label)) for key, label in SITES.items()]
            return exports.send(self, exports.shaped(summary, columns, lang), "routes-by-site",
                                fmt, lang)
        review_site = self.current_user.site or next(iter(sites.sort_values("name").id), None)
        self.show("coordinator.html", summary=table_html(summary, SITES),
                  late=[{**a, "due": date_words(a["due_on"])}
                        for a in overdue_actions(ctx.store, today)],
                  review_site=review_site,
                  month=(today.replace(day=1) - date.resolution).strftime("%Y-%m"))


class ClosedDoorHandler(Template404):
    """Routes other extensions open that no Balise user needs: answered as unknown pages.

    Voila's ``/voila/tree`` lists, in English, every module folder and the widget
    gallery; a learner who finds it learns nothing useful and may open files
    that are not hers to open. Taken before Voila's own handlers, it answers
    like any page that does not exist, in Balise's words (``error.html``).
    """
