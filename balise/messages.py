"""Learner-facing words of the core (sign-in, submit, pages), French first."""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    "submit": {"fr": "Envoyer mes réponses", "en": "Submit my answers"},
    "try_again": {"fr": "Recommencer", "en": "Try again"},
    "grading": {"fr": "Correction en cours…", "en": "Grading…"},
    "score": {"fr": "Votre note", "en": "Your score"},
    "passed": {"fr": "Module réussi", "en": "Module passed"},
    "not_passed": {"fr": "Pas encore réussi : relisez et recommencez",
                   "en": "Not passed yet: read again and try again"},
    "pass_mark": {"fr": "Note pour réussir", "en": "Pass mark"},
    "right": {"fr": "Juste", "en": "Right"},
    "wrong": {"fr": "Faux", "en": "Wrong"},
    "source": {"fr": "Source", "en": "Source"},
    "preview": {"fr": "Aperçu : ouvrez le module depuis Balise pour envoyer.",
                "en": "Preview: open the module from Balise to submit."},
    "kept_pending": {"fr": "Vos réponses sont enregistrées. La note arrive bientôt.",
                     "en": "Your answers are saved. Your score will come soon."},
    "server_error": {"fr": "Erreur du serveur. Vos réponses restent ici : réessayez.",
                     "en": "Server error. Your answers stay here: try again."},
    "server_unreachable": {"fr": "Le serveur ne répond pas. Réessayez dans une minute.",
                           "en": "The server does not answer. Try again in a minute."},
    "bad_login": {"fr": "Nom ou mot de passe incorrect.",
                  "en": "Wrong name or password."},
    "bad_request": {"fr": "Cette réponse n'existe pas. Rechargez la page.",
                    "en": "This answer does not exist. Reload the page."},
    "not_allowed": {"fr": "Accès refusé : ceci n'est pas pour vous.",
                    "en": "Access refused: this is not for you."},
    "forbidden": {"fr": "Cette page n'est pas pour votre rôle.",
                  "en": "This page is not for your role."},
    "no_feedback": {"fr": "Pas encore de correction détaillée pour ce module.",
                    "en": "No detailed feedback for this module yet."},
    "not_you": {"fr": "Vous ne pouvez envoyer que vos propres réponses.",
                "en": "You can only submit your own answers."},
    "too_big": {"fr": "Envoi trop gros : rechargez la page et réessayez.",
                "en": "Too much sent at once: reload the page and try again."},
    "sign_in_again": {"fr": "Votre session a expiré : rechargez la page.",
                      "en": "Your session has expired: reload the page."},
    "not_found": {"fr": "Page introuvable.", "en": "Page not found."},
    "feedback_title": {"fr": "Vos réponses", "en": "Your answers"},
    "your_answer": {"fr": "Votre réponse", "en": "Your answer"},
    "right_practice": {"fr": "À retenir", "en": "Remember"},
    "question_n": {"fr": "Question {n}", "en": "Question {n}"},
    "situation_n": {"fr": "Situation {n}", "en": "Situation {n}"},
    "counts": {"fr": "{questions} questions + {scenarios} situations",
               "en": "{questions} questions + {scenarios} situations"},
    "my_modules": {"fr": "Mes modules", "en": "My modules"},
    "see_answers": {"fr": "Revoir mes réponses", "en": "See my answers again"},
}


def text(key: str, lang: str = "fr") -> str:
    return CATALOGUE[key][lang]


def both(key: str) -> str:
    entry = CATALOGUE[key]
    return f"{entry['fr']} / {entry['en']}"


def tagged(key: str) -> str:
    """Both languages as HTML, each tagged, so a page set to one language can hide the other."""
    import html

    entry = CATALOGUE[key]
    return (f'<span lang="fr">{html.escape(entry["fr"])}</span>'
            f'<span lang="en" class="balise-second"> / {html.escape(entry["en"])}</span>')


def number_words(value: float) -> dict[str, str]:
    """A number as each language writes it: "5,5" in French, "5.5" in English."""
    from babel.numbers import format_decimal

    return {lang: format_decimal(value, locale=lang) for lang in ("fr", "en")}


def date_words(day) -> dict[str, str]:
    """A day as each language writes it in full: "3 décembre 2026", "3 December 2026"."""
    from babel.dates import format_date

    return {lang: format_date(day, "d MMMM y", locale=lang) for lang in ("fr", "en")}
