"""The Jupyter Server extension: sign-in, the role pages and the submit API.

Voila, loaded beside it, serves the modules; this extension adds what Voila
does not know: who is signed in, which role they have, and where a
submission goes.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_server.extension.application import ExtensionApp, ExtensionAppJinjaMixin

from balise.config import Balise
from balise.context import BaliseContext
from balise.web import (
    accident_pages,
    action_pages,
    hazard_pages,
    hours_pages,
    report_pages,
    review_pages,
    visit_pages,
)
from balise.web.admin_import import ImportHandler, ImportPreviewHandler
from balise.web.admin_people import PeopleHandler, PersonFormHandler, PlacementHandler
from balise.web.admin_sites import SiteFormHandler, SitesHandler
from balise.web.admin_teams import TeamFormHandler, TeamsHandler
from balise.web.badge_print import BadgeLostHandler, BadgePrintHandler, TeamBadgesHandler
from balise.web.badge_signin import BadgeHandler
from balise.web.browser_errors import browser_errors
from balise.web.dashboard import DashboardHandler
from balise.web.expiring import ExpiringHandler
from balise.web.feedback import FeedbackHandler, TrainerFeedbackHandler
from balise.web.files import release_files_route
from balise.web.kernels import PageKernelShutdownHandler
from balise.web.memory import MemoryKeeper
from balise.web.page_pool import make_pool, render_route
from balise.web.page_words import GLOBALS as PAGE_WORDS
from balise.web.pages import (
    ClosedDoorHandler,
    CoordinatorHandler,
    HomeHandler,
    LearnerHandler,
)
from balise.web.password_pages import PasswordHandler, PasswordResetHandler
from balise.web.person_page import PersonPageHandler
from balise.web.personal_data import (
    PersonEraseHandler,
    PersonExportHandler,
    RetentionHandler,
)
from balise.web.reading import ReadingChoiceHandler
from balise.web.refresher import RefresherHandler
from balise.web.shared_phone import OpenSessionHandler
from balise.web.static_cache import static_routes
from balise.web.submit_api import AnswerHandler, ReadingHandler, SubmitHandler
from balise.web.trail_page import TrailHandler
from balise.web.trainer_forms import QuarterHourHandler, ValidationHandler, WarmUpHandler
from balise.web.trainer_group import TrainerHandler
from balise.web.verify import CertificatePdfHandler, VerifyHandler
from balise.web.voila_hook import hide_identity_cell

HERE = Path(__file__).parent


class BaliseApp(ExtensionAppJinjaMixin, ExtensionApp):
    name = "balise"
    extension_url = "/balise"
    default_url = "/balise"
    load_other_extensions = False
    # Only Voila besides Balise: nbgrader's formgrader, JupyterLab and the
    # terminals must not be reachable by learners.
    serverapp_config = {"jpserver_extensions": {"voila": True}}
    template_paths = [str(HERE / "templates")]
    static_paths = [str(HERE / "static")]

    def _prepare_templates(self):
        """Balise's Jinja environment, with the words of the pages: ``w`` and ``wd``."""
        super()._prepare_templates()
        self.jinja2_env.globals.update(PAGE_WORDS)

    def initialize_settings(self):
        # Jupyter's own pages (error.html, through extra_template_paths) use the
        # server's environment: it says the same words.
        server_env = self.serverapp.web_app.settings.get("jinja2_env")
        if server_env is not None:
            server_env.globals.update(PAGE_WORDS)
        config = Balise(parent=self.serverapp)
        context = BaliseContext.open(config, self.log, config.config_file or None)
        self.settings["balise"] = context
        # The identity provider and Voila's prelaunch hook run in handlers
        # that are not this extension's: they find the context here.
        self.serverapp.web_app.settings["balise"] = context
        hide_identity_cell(self.serverapp.log, self.log)
        self._page_errors_in_our_words()

    def _page_errors_in_our_words(self) -> None:
        """Jupyter's JSON errors, opened in a browser, as Balise's error page
        (:mod:`balise.web.browser_errors`); first of the transforms, before any gzip."""
        web_app, base_url = self.serverapp.web_app, self.serverapp.base_url
        template = self.jinja2_env.get_template("error.html")

        def render(status_code: int) -> str:
            return template.render(status_code=status_code, base_url=base_url, user=None)

        csp = (web_app.settings.get("headers") or {}).get("Content-Security-Policy")
        web_app.transforms.insert(0, browser_errors(render, csp))

    def initialize_handlers(self):
        self.handlers.extend([
            (r"/balise/?", HomeHandler),
            (r"/badge/([^/]{0,100})", BadgeHandler),
            (r"/balise/learner", LearnerHandler),
            (r"/balise/trainer", TrainerHandler),
            (r"/balise/trainer/quarter-hour", QuarterHourHandler),
            (r"/balise/trainer/warm-up", WarmUpHandler),
            (r"/balise/trainer/validation", ValidationHandler),
            (r"/balise/coordinator", CoordinatorHandler),
            (r"/balise/dashboard", DashboardHandler),
            (r"/balise/expiring", ExpiringHandler),
            (r"/balise/admin/sites", SitesHandler),
            (r"/balise/admin/sites/new", SiteFormHandler),
            (r"/balise/admin/sites/([^/]{1,40})", SiteFormHandler),
            (r"/balise/admin/teams", TeamsHandler),
            (r"/balise/admin/teams/new", TeamFormHandler),
            (r"/balise/admin/teams/([^/]{1,40})", TeamFormHandler),
            (r"/balise/admin/people", PeopleHandler),
            (r"/balise/admin/import", ImportHandler),
            (r"/balise/admin/import/([A-Za-z0-9_-]{24})", ImportPreviewHandler),
            (r"/balise/admin/import/([A-Za-z0-9_-]{24})/(columns|confirm)", ImportPreviewHandler),
            (r"/balise/admin/people/new", PersonFormHandler),
            (r"/balise/admin/people/([^/]{1,64})", PersonFormHandler),
            (r"/balise/admin/people/([^/]{1,64})/(end|back)", PlacementHandler),
            (r"/balise/person/([^/]{1,64})", PersonPageHandler),
            (r"/balise/person/([^/]{1,64})/export", PersonExportHandler),
            (r"/balise/person/([^/]{1,64})/erase", PersonEraseHandler),
            (r"/balise/erasure", RetentionHandler),
            (r"/balise/person/([^/]{1,64})/session", OpenSessionHandler),
            (r"/balise/password", PasswordHandler),
            (r"/balise/admin/people/([^/]{1,64})/password", PasswordResetHandler),
            (r"/balise/badge/([^/]{1,64})/print", BadgePrintHandler),
            (r"/balise/badge/([^/]{1,64})/lost", BadgeLostHandler),
            (r"/balise/badges/team/([^/]{1,40})", TeamBadgesHandler),
            (r"/balise/trail", TrailHandler),
            (r"/balise/api/submit", SubmitHandler),
            (r"/balise/api/answers?", AnswerHandler),
            (r"/balise/api/reading", ReadingHandler),
            (r"/balise/reading", ReadingChoiceHandler),
            (r"/balise/feedback/([a-z][a-z0-9-]{1,40})", FeedbackHandler),
            (r"/balise/trainer/feedback/([a-z][a-z0-9-]{1,40})", TrainerFeedbackHandler),
            (r"/balise/verify/([^/]*)", VerifyHandler),
            (r"/balise/certificate/([^/]+)\.pdf", CertificatePdfHandler),
            (r"/balise/refresher/([0-9]{1,10})", RefresherHandler),
            # The programme's own records (issue 20), each page module with its routes.
            *accident_pages.ROUTES, *visit_pages.ROUTES, *hazard_pages.ROUTES,
            *action_pages.ROUTES, *review_pages.ROUTES, *hours_pages.ROUTES,
            *report_pages.ROUTES,
            # Two of Voila's routes, taken first (Balise's handlers are added before
            # Voila's): a page shuts down its own kernel only; no file through a link.
            (r"/voila/api/shutdown/(.*)", PageKernelShutdownHandler),
            (r"/voila/?", ClosedDoorHandler),
            (r"/voila/tree(/.*)?", ClosedDoorHandler),
            release_files_route(self.serverapp),
            *static_routes(self.serverapp),    # kept by the phone (issue 18)
            render_route(self.serverapp),      # pages rendered ahead (issue 18)
        ])

    async def _start_jupyter_server_extension(self, serverapp):
        """Start the grading worker; it first grades what a stopped server left pending.
        Then the pages rendered ahead, one module after another, in the background."""
        context = self.settings["balise"]
        context.worker.start()
        pool = make_pool(self.serverapp)
        self.serverapp.web_app.settings["balise_page_pool"] = pool
        pool.start([f"{module}/{module}.ipynb" for module in context.catalogue])
        keeper = MemoryKeeper(self.serverapp.kernel_manager, pool, parent=self.serverapp)
        self.serverapp.web_app.settings["balise_memory"] = keeper
        keeper.start()

    async def stop_extension(self):
        pool = self.serverapp.web_app.settings.get("balise_page_pool")
        if pool is not None:
            pool.stop()
        keeper = self.serverapp.web_app.settings.get("balise_memory")
        if keeper is not None:
            keeper.stop()
        self.settings["balise"].worker.stop()


def _jupyter_server_extension_points():
    return [{"module": "balise.web.app", "app": BaliseApp}]


_load_jupyter_server_extension = BaliseApp.load_classic_server_extension
main = launch_new_instance = BaliseApp.launch_instance
