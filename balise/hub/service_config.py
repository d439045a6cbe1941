# The Balise service's configuration under JupyterHub: `balise hub` has the hub start
# `balise --config <this file> serve ...`. It loads the platform's own configuration
# (the file `balise hub` was given, in BALISE_CONFIG), then hands sign-in to the hub and
# puts Balise under the service's prefix (/services/balise/); see balise/hub/config.py.
import os

from balise.hub.config import configure_service

c = get_config()  # noqa: F821
if os.environ.get("BALISE_CONFIG"):
    load_subconfig(os.environ["BALISE_CONFIG"])  # noqa: F821
configure_service(c, os.environ)
