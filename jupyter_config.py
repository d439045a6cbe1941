# Balise: the whole platform's configuration (Jupyter Server, Voila, Balise).
# `balise serve` reads this file; every option below is a traitlets trait
# whose help says its unit and default (`balise serve --help-all` lists more).
from balise.auth import BaliseAuthorizer, BaliseIdentityProvider
from balise.voila_hook import prelaunch
from pathlib import Path
import balise

c = get_config()  # noqa: F821

# --- Balise ---------------------------------------------------------------
c.Balise.data_dir = "data"          # embedded store: balise.db, gradebook.db, course/
c.Balise.courses_dir = "courses"    # modules and routes.yaml
c.Balise.session_hours = 12         # a sign-in lasts one working day
c.Balise.kernel_token_minutes = 240
c.Balise.grading_timeout = 120      # seconds for one autograde

# --- Server: loopback only, Balise's sign-in and roles ----------------------
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = 8866
c.ServerApp.default_url = "/balise"
# The address people reach Balise at: printed on certificates (their QR code opens
# its verification page). Set it when serving beyond this machine, e.g.
# c.ServerApp.custom_display_url = "https://balise.example.org/"
c.ServerApp.identity_provider_class = BaliseIdentityProvider
c.ServerApp.authorizer_class = BaliseAuthorizer
c.ServerApp.extra_template_paths = [str(Path(balise.__file__).parent / "templates")]

# --- Voila: modules as apps, the learner's identity handed to the kernel ----
c.VoilaConfiguration.prelaunch_hook = prelaunch
c.VoilaConfiguration.show_tracebacks = False
# Under load (20 pages opening at once on 2 cores) a cell's output can take longer
# than nbclient's default 4 s: the page would arrive without that widget.
c.VoilaExecutor.iopub_timeout = 30
c.VoilaExporter.language_code = "fr"   # <html lang="fr">: the modules are French first

# --- Headers on every page: no framing, no sniffing, no leaking referrers ---
c.ServerApp.tornado_settings = {
    "headers": {
        "Content-Security-Policy": "frame-ancestors 'none'; object-src 'none'; "
                                   "base-uri 'self'; form-action 'self'",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    },
}
