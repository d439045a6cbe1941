"""Progress: each person's route to certification, and the tables trainers and coordinators read."""

from balise.progress.indicators import site_certification
from balise.progress.routes import Route, load_routes
from balise.progress.status import certification, module_status
from balise.progress.tables import (
    best_scores,
    current,
    failure_rates,
    module_scores,
)

__all__ = ["Route", "best_scores", "certification", "current", "failure_rates", "load_routes",
           "module_scores", "module_status", "site_certification"]
