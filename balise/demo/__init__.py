"""Demo data for ``make serve``: the named accounts and a year of a realistic group.

:mod:`.accounts` seeds the five named demo people printed at start; :mod:`.group`
adds three sites, sixty people and a year of the programme's events.
"""
