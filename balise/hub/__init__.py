"""Balise behind JupyterHub: one shared service, sign-in at the hub.

:mod:`.identity` holds the hub's authenticator and the service's identity
provider; :mod:`.config` the hub's and the service's configuration (and the
PostgreSQL schemas); ``service_config.py`` is the file the hub hands the service.
"""
