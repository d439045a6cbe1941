"""The platform's settings, one traitlets Configurable set from ``jupyter_config.py``."""

from __future__ import annotations

import os
from pathlib import Path

from traitlets import CaselessStrEnum, Float, Integer, TraitError, Unicode, validate
from traitlets.config import Config, LoggingConfigurable, PyFileConfigLoader
from traitlets.config.loader import ConfigFileNotFound

from balise import BaliseError


class Balise(LoggingConfigurable):
    """Where Balise keeps its data and how long identities last.

    Every path is resolved against the working directory at start, so
    ``make serve`` from the repository root finds ``./data`` and ``./courses``.
    """

    data_dir = Unicode(
        "data",
        help="""Folder of the embedded store: balise.db (people, attempts),
        nbgrader's gradebook.db and course directory, and the server's secret.
        Default ./data, next to the repository, so a second start keeps it.
        Example: c.Balise.data_dir = "/srv/balise" """,
    ).tag(config=True)

    courses_dir = Unicode(
        "courses",
        help="""Folder of the modules (one sub-folder each with module.yaml)
        and routes.yaml. Example: c.Balise.courses_dir = "/srv/courses" """,
    ).tag(config=True)

    session_hours = Float(
        12.0,
        help="""Hours a sign-in lasts before the person must sign in again.
        12 covers one working day on a shared computer.""",
    ).tag(config=True)

    kernel_token_minutes = Integer(
        240,
        help="""Minutes a module page's identity token stays valid. The kernel
        of a Voila page proves who the learner is with it when she submits;
        4 hours is far longer than any module (10-20 minutes).""",
    ).tag(config=True)

    grading_timeout = Integer(
        120,
        help="""Seconds one autograde may take before it is stopped and the
        attempt kept as pending, to be graded again.""",
    ).tag(config=True)

    max_attempts = Integer(
        0,
        help="""Attempts a learner may submit per module; 0 means no limit. A trainer
        can reset attempts. Example: c.Balise.max_attempts = 3""",
    ).tag(config=True)

    score_policy = CaselessStrEnum(
        ["best", "last"],
        default_value="best",
        help="""Which attempt's score counts for a module: 'best' (a later, worse try
        never takes a pass away) or 'last'. Example: c.Balise.score_policy = "last" """,
    ).tag(config=True)

    learner_idle_minutes = Float(
        30.0,
        help="""Minutes without a request after which a learner's session ends and she
        signs in again (her badge, a scan). Learners share phones on the floor: the next
        person to pick one up must not carry on as her. Trainers and coordinators keep
        `session_hours`. 0 turns it off. Example: c.Balise.learner_idle_minutes = 15""",
    ).tag(config=True)

    signin_max_failures = Integer(
        5,
        help="""Failed sign-ins allowed per name and address within
        `signin_window_minutes`; after that, sign-in is refused without checking
        the password until the window passes.""",
    ).tag(config=True)

    signin_window_minutes = Float(
        5.0, help="Minutes over which failed sign-ins are counted.").tag(config=True)

    api_body_kb = Integer(
        256,
        help="""Kilobytes a module page's kernel may send in one request to Balise's
        API (an answer, a submission). A whole answer sheet is a few kilobytes; a
        larger body is refused with a plain message before it is read as JSON.
        Example: c.Balise.api_body_kb = 512""",
    ).tag(config=True)

    retention_months = Integer(
        24,
        help="""Months after a placement ends before Balise lists the person for erasure
        (page /balise/erasure, `balise person retention`). Nothing is erased by itself: a
        coordinator erases each one, after any dispute or audit is over. 24 months covers
        a certificate's usual validity. 0 lists nobody.
        Example: c.Balise.retention_months = 36""",
    ).tag(config=True)

    hazard_photo_mb = Integer(
        12,
        help="""Largest photo, in megabytes as sent, that a hazard report may carry (1 to 48).
        A cheap Android phone's photo is 2 to 6 MB; 12 leaves room for a better camera and
        still refuses a video sent by mistake. Past it the form says "Photo trop grande"
        with this figure, and nothing is recorded. The stored copy is re-encoded (at most
        1600 px, about 300 kB) whatever the limit.
        Example: c.Balise.hazard_photo_mb = 8""",
    ).tag(config=True)

    @validate("hazard_photo_mb")
    def _photo_mb_in_range(self, proposal):
        """Below 1 MB no phone photo passes; past 48 MB the upload ceiling (64 MB) would cut
        the connection before the page can say "too large"."""
        if not 1 <= proposal["value"] <= 48:
            raise TraitError("c.Balise.hazard_photo_mb must be between 1 and 48 "
                             f"(megabytes), not {proposal['value']}")
        return proposal["value"]

    config_file = Unicode(
        "",
        help="""The configuration file the server was started with, handed on to
        the grading worker so both read the same settings. Set by `balise serve`.""",
    ).tag(config=True)

    @property
    def data_path(self) -> Path:
        return Path(os.path.abspath(os.path.expanduser(self.data_dir)))

    @property
    def courses_path(self) -> Path:
        return Path(os.path.abspath(os.path.expanduser(self.courses_dir)))

    @property
    def course_root(self) -> Path:
        """nbgrader's course directory (source/, release/, submitted/, autograded/)."""
        return self.data_path / "course"

    db_url = Unicode(
        "",
        help="""SQLAlchemy URL of Balise's store (people, attempts). '' keeps it in
        SQLite in the data folder; outgrowing one file, point it at PostgreSQL.
        Example: c.Balise.db_url = "postgresql+psycopg://balise@db/balise" """,
    ).tag(config=True)

    gradebook_db_url = Unicode(
        "",
        help="""SQLAlchemy URL of nbgrader's gradebook. '' keeps it in SQLite in the
        data folder.
        Example: c.Balise.gradebook_db_url = "postgresql+psycopg://balise@db/gradebook" """,
    ).tag(config=True)

    @property
    def store_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data_path / 'balise.db'}"

    @property
    def gradebook_url(self) -> str:
        return self.gradebook_db_url or f"sqlite:///{self.data_path / 'gradebook.db'}"

    @property
    def secret_path(self) -> Path:
        return self.data_path / "secret.key"


def load_config(path: str | None) -> Config:
    """jupyter_config.py (the platform's settings), if present, else defaults.

    Here rather than in the command line so that the grading worker, started as its
    own process, reads the same settings without importing the command line.
    """
    target = Path(path or "jupyter_config.py")
    if not target.exists():
        if path:
            raise BaliseError(f"{target}: configuration file not found.")
        return Config()
    try:
        return PyFileConfigLoader(target.name, path=str(target.parent.resolve())).load_config()
    except ConfigFileNotFound:
        return Config()
