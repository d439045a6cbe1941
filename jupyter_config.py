# Balise: the whole platform's configuration (Jupyter Server, Voila, Balise).
# `balise serve` reads this file; every option below is a traitlets trait
# whose help says its unit and default (`balise serve --help-all` lists more).
from balise.web.auth import BaliseAuthorizer, BaliseIdentityProvider
from balise.web.static_cache import page_config_hook
from balise.web.voila_hook import prelaunch
from pathlib import Path
import os
import balise

c = get_config()  # noqa: F821

# --- Balise ---------------------------------------------------------------
c.Balise.data_dir = "data"          # embedded store: balise.db, gradebook.db, course/
c.Balise.courses_dir = "courses"    # modules and routes.yaml
c.Balise.session_hours = 12         # a sign-in lasts one working day
# A learner's session ends after 30 minutes without a request: phones are shared on the
# floor, and the next person to pick one up must not carry on as her (longer than a
# 15-minute module; her answers are saved as she goes).
c.Balise.learner_idle_minutes = 30
c.Balise.kernel_token_minutes = 240
c.Balise.grading_timeout = 120      # seconds for one autograde

# --- Grading: nbgrader's autograde on started kernels (balise/grading) -------
c.KernelPool.size = 2               # grading kernels kept started, ~50 MB each
c.Execute.timeout = 30              # seconds one graded cell may run (nbgrader's Execute)
c.KernelPool.max_processes = 256    # processes and threads a grading kernel may have
c.Balise.max_attempts = 0           # attempts per module and learner; 0: no limit
c.Balise.score_policy = "best"      # the score that counts: "best" or "last" attempt
# A hazard report's photo, as sent, at most this many MB (1-48): a phone photo is 2-6 MB.
c.Balise.hazard_photo_mb = 12

# --- Server: loopback only, Balise's sign-in and roles ----------------------
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = 8866
c.ServerApp.default_url = "/balise"
# The address people reach Balise at: printed on certificates (their QR code opens
# its verification page). Set it when serving beyond this machine, e.g.
# c.ServerApp.custom_display_url = "https://balise.example.org/"
c.ServerApp.identity_provider_class = BaliseIdentityProvider
c.ServerApp.authorizer_class = BaliseAuthorizer
c.ServerApp.extra_template_paths = [str(Path(balise.__file__).parent / "web" / "templates")]

# --- Voila: modules as apps, the learner's identity handed to the kernel ----
c.VoilaConfiguration.prelaunch_hook = prelaunch
# A page's scripts from a folder named after their content, kept a year by the phone:
# a second open asks for none of them (balise/web/static_cache.py, issue 18).
c.VoilaConfiguration.page_config_hook = page_config_hook
c.VoilaConfiguration.show_tracebacks = False
# Under load (20 pages opening at once on 2 cores) a cell's output can take longer
# than nbclient's default 4 s: the page would arrive without that widget.
c.VoilaExecutor.iopub_timeout = 30
c.VoilaExporter.language_code = "fr"   # <html lang="fr">: the modules are French first
# Nothing fetched from another host (issue 18): Balise's template is Voila's lab one
# without its Font Awesome CDN links (Voila's own bundle carries the icons) and
# without Mermaid's CDN loader (balise/web/static/jupyter/voila/templates/balise).
# Voila finds templates only in Jupyter's data folders: Balise's is put first.
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    [str(Path(balise.__file__).parent / "web" / "static" / "jupyter"),
     *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))])
c.VoilaConfiguration.template = "balise"
# A page may not ask for another template (?template=lab would bring the CDN back).
c.VoilaConfiguration.allow_template_override = "NO"
# Widgets need only the widget managers (and anywidget); these two labextensions fail
# in Voila ("Shared module ... doesn't exist"): two console errors and 9 requests a page.
# jupyterlab_pygments colours code cells, and a module page shows none: 3 requests less.
c.VoilaConfiguration.extension_denylist = ["@jupyter-notebook/lab-extension", "@jupyter/nbgrader",
                                           "jupyterlab_pygments"]

# --- Grading first when the CPU is short ------------------------------------
# A page kernel yields to grading: started at niceness 10 (and its session too,
# for Linux's autogroup scheduling), so a learner waiting for her score goes
# before a page being opened (balise/web/kernel_priority.py). This is the class of each
# kernel's own manager; the server's kernel_manager_class (all kernels) is set below.
c.MappingKernelManager.kernel_manager_class = "balise.web.kernel_priority.LowPriorityKernelManager"
c.LowPriorityKernelManager.nice = 10
# Page kernels talk to the server over Unix sockets in Jupyter's runtime folder, not
# loopback TCP ports: a port chosen free for a kernel could be taken (by an outgoing
# connection's ephemeral port) before the kernel bound it, and that page never came
# (seen once in a 100-learner load run: "Address already in use", a page hung).
c.LowPriorityKernelManager.transport = "ipc"
# Page kernels are forked from a warm process that has imported IPython, ipywidgets and
# Balise's widgets once (balise/web/warm_kernels.py), instead of each importing them
# again (about half a CPU-second a page, a third of a page kernel's CPU under load).
# Other kernels, and every kernel if the warm process fails, start as Jupyter's do.
c.KernelProvisionerFactory.default_provisioner_name = "balise-warm-provisioner"
# A second grading worker, started and warmed up (it grades a blank sheet in a
# scratch course), takes over within ~10 ms when the one grading dies: a killed
# worker costs a learner well under a second instead of 5-9 s (about 250 MB more).
c.WorkerSupervisor.standby = True
c.GradingWorker.warm_up = True
# The standby started behind it after a crash warms up at niceness 10, its kernels
# too, and grades at 0 once it takes over (balise/grading/priority.py; needs root
# or CAP_SYS_NICE to come back to 0, else it warms up at 0).
c.GradingWorker.standby_nice = 10

# --- Headers on every page: no framing, no sniffing, no leaking referrers ---
# Content-Security-Policy: nothing from another host, on every page (issue 18).
CSP = "; ".join([
    "default-src 'self'",               # fonts, workers, frames, media: Balise's own
    # Voila's page runs inline scripts (its loading steps, the cells' progress) and
    # anywidget imports each widget's code from a blob: URL it makes in the page.
    "script-src 'self' 'unsafe-inline' blob:",
    # Voila's and the widgets' inline <style> blocks and style="" attributes
    # (ipywidgets' Layout), Balise's pages' <style> in their templates.
    "style-src 'self' 'unsafe-inline'",
    # Pictures are data: URIs in the pages (instructions, pictograms, Voila's favicon).
    "img-src 'self' data:",
    # The read-aloud player (ipywidgets' Audio) plays its WAV from a blob: URL.
    "media-src 'self' blob:",
    # 'self' covers the kernels' ws:// and wss:// on the same host (CSP level 3).
    "connect-src 'self'",
    "frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
])
c.ServerApp.tornado_settings = {
    # gzip every text response (tornado's own transform): a module page's first open moves
    # about a fifth of its bytes on a phone's link (issue 18, item 2); images are data: URIs.
    "compress_response": True,
    # No MathJax URL in the page: Voila's default (cdnjs.cloudflare.com, MathJax 2) is
    # fetched on every page. With none, Voila's page typesets with its own MathJax 3,
    # served from /voila/static with the rest of its bundle.
    "mathjax_url": None,
    "mathjax_config": None,
    "headers": {
        "Content-Security-Policy": CSP,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    },
}
# Compress the page's kernel websocket too (permessage-deflate, which every phone
# browser speaks). A module page reads its widgets' state from the kernel in one
# message: 520 KB of JSON for culture's 542 widgets (mostly the same keys, layouts of
# nulls), 2.6 s of a 1.6 Mbps link before the first widget shows. mem_level 6 keeps
# each open page's compressor near 64 KB of memory instead of tornado's 256 KB.
# (A ServerApp setting: the server writes it over tornado_settings' key of that name.)
c.ServerApp.websocket_compression_options = {"compression_level": 6, "mem_level": 6}

# --- Kernels of module pages (issue 9): each one its learner's alone, and a page
# may send widget messages only, never code (balise/web/kernels.py) ---------------
c.ServerApp.kernel_manager_class = "balise.web.kernels.PageKernelManager"
c.ServerApp.kernel_websocket_connection_class = "balise.web.kernels.PageKernelConnection"
# A page kernel (about 60 MB) left without a connection is shut down after 20 minutes
# without a message: a tab closed without Voila's shutdown call (a phone, a crash), a
# laptop closed mid-module. An open page keeps its kernel however long she reads
# (cull_connected off); one come back to after that says to reload (kernel-gone.js).
# This manager culls every kernel of the server, Voila's pages' included.
c.MappingKernelManager.cull_idle_timeout = 20 * 60   # seconds
c.MappingKernelManager.cull_interval = 60             # seconds between two looks
c.MappingKernelManager.cull_connected = False
# No request body above 8 MB reaches a handler (Jupyter's default is 512 MB);
# Balise's API refuses more than c.Balise.api_body_kb with a plain message.
c.ServerApp.max_body_size = 8 * 1024 * 1024

# --- Module pages rendered ahead (issue 18, balise/web/page_pool.py) -------------------
# One page per module waits, run and rendered with nobody's name, and is made the
# learner's (her token, sent by the server, not the page) when she opens the module: she
# does not wait for a kernel to start and the module to run. About 60 MB a module while
# it waits; a site whose class opens the same module together can raise it.
c.PagePool.size = 1
c.PagePool.fill_at_start = True
# A module opened again while its next page is being rendered (a reload, two learners a
# few seconds apart) waits up to 4 s for that page rather than have a second rendered:
# it is ready sooner than a page started then, and the server renders once.
c.PagePool.wait_for_render = 4.0

# --- The server's memory after pages end (issue 18, balise/web/memory.py) -------------
# Pages leave cycles of objects in the server (kernel clients, ZMQ streams, Voila's
# renderer) that Python frees only in a rare full collection: the server grew ~1.4 MB
# a page opened. Looked at every minute; collected (a few ms: what is alive at start is
# frozen) only when a kernel has ended since.
c.MemoryKeeper.interval = 60
