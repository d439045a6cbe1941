"""The widgets' own words, French first then English.

A catalogue rather than literals in code paths, so issue #4's gettext
catalogues can replace it without touching the widgets.
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    "check": {"fr": "Vérifier", "en": "Check"},
    "right": {"fr": "Bonne réponse", "en": "Right answer"},
    "wrong": {"fr": "Pas tout à fait", "en": "Not quite"},
    "up": {"fr": "Monter", "en": "Move up"},
    "down": {"fr": "Descendre", "en": "Move down"},
    "choose": {"fr": "Votre choix", "en": "Your choice"},
    "source": {"fr": "Source", "en": "Source"},
}


def both(key: str) -> str:
    """'Français / English' for a catalogue key, for labels that show both."""
    entry = CATALOGUE[key]
    return f"{entry['fr']} / {entry['en']}"
