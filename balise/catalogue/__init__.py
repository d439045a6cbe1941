"""The course as data: loading and checking ``courses/``.

:mod:`.modules` loads each module's YAML into :class:`~.modules.Module`;
:mod:`.kinds` says, for each scenario kind, what the page may see, the key, the
check and the hidden test; :mod:`.rules` holds the content rules of
``balise build --check`` (sources, reading ease); :mod:`.draw` the seeded draw of
an attempt's questions from a module's bank.
"""
