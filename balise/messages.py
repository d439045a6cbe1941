"""Learner-facing words of the core (sign-in, submit, pages), by key.

The words themselves are in the one catalogue (:mod:`balise.words`); a key
names the message id (the English text) a page or a reply uses. To add one:
a key here, the entry in both ``balise/locale/*/LC_MESSAGES/balise.po``.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping

from balise.words import N_, word

MSGIDS: dict[str, str] = {
    "submit": N_("Submit my answers"),
    "try_again": N_("Try again"),
    "grading": N_("Grading…"),
    "score": N_("Your score"),
    "passed": N_("Module passed"),
    "not_passed": N_("Not passed yet: read again and try again"),
    "pass_mark": N_("Pass mark"),
    "right": N_("Right"),
    "wrong": N_("Wrong"),
    "source": N_("Source"),
    "preview": N_("Preview: open the module from Balise to submit."),
    "kept_pending": N_("Your answers are saved. Your score will come soon."),
    "server_error": N_("Server error. Your answers stay here: try again."),
    "server_unreachable": N_("The server does not answer. Try again in a minute."),
    "bad_login": N_("Wrong name or password."),
    "bad_request": N_("This answer does not exist. Reload the page."),
    "not_allowed": N_("Access refused: this is not for you."),
    "forbidden": N_("This page is not for your role."),
    "no_feedback": N_("No detailed feedback for this module yet."),
    "not_you": N_("You can only submit your own answers."),
    "too_big": N_("Too much sent at once: reload the page and try again."),
    "sign_in_again": N_("Your session has expired: reload the page."),
    "not_found": N_("Page not found."),
    "your_answer": N_("Your answer"),
    "right_practice": N_("Remember"),
    "question_n": N_("Question {n}"),
    "situation_n": N_("Situation {n}"),
    "counts": N_("{questions} questions + {scenarios} situations"),
    "to_review": N_("To review: {n}"),
    "right_answers": N_("Your right answers: {n}"),
    "send_anyway": N_("Send anyway"),
    "go_back": N_("Go back"),
    "my_modules": N_("My modules"),
    "last_result": N_("Your last result"),
    "next_module": N_("Next: {title}"),
    "blanks_left": N_("{n} questions have no answer yet"),
    "blank_left": N_("{n} question has no answer yet"),
}


class Words(Mapping):
    """key -> ``{'fr': ..., 'en': ...}``, read from the catalogue when asked."""

    def __getitem__(self, key: str) -> dict[str, str]:
        return word(MSGIDS[key])

    def __iter__(self) -> Iterator[str]:
        return iter(MSGIDS)

    def __len__(self) -> int:
        return len(MSGIDS)


CATALOGUE = Words()


def text(key: str, lang: str = "fr") -> str:
    return CATALOGUE[key][lang]


def both(key: str) -> str:
    entry = CATALOGUE[key]
    return f"{entry['fr']} / {entry['en']}"


def tagged(key: str) -> str:
    """Both languages as HTML, each tagged, so a page set to one language can hide the other."""
    entry = CATALOGUE[key]
    return (f'<span lang="fr">{html.escape(entry["fr"])}</span>'
            f'<span lang="en" class="balise-second"> / {html.escape(entry["en"])}</span>')

