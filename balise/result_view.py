"""What a module page says of a score: the result, each item asked, the next module.

Pure functions of the result the server sends (:meth:`GradingService.result`) and of
the page's language: the page kernel's panels (:mod:`balise.client`) show them, and
tests read them without a kernel.
"""

from __future__ import annotations

import html

from balise.formats import number_words, percent
from balise.messages import CATALOGUE, tagged, text
from balise.widgets.i18n import with_terms


def say_key(key: str, **values) -> str:
    """A catalogue word in the page's language(s), as plain text: for buttons."""
    from balise.widgets.i18n import LANGUAGE

    entry = CATALOGUE[key]
    return " / ".join(entry[lang].format(**values) for lang in LANGUAGE.langs())


def tagged_plain(key: str) -> str:
    """Both languages, tagged, without the slash doubled when they are the same."""
    entry = CATALOGUE[key]
    return both_html(entry).replace("<br>", " / ")


def next_link(nxt: dict | None) -> str:
    """The button to the next module of her route, when there is one."""
    if not nxt:
        return ""
    title = {lang: CATALOGUE["next_module"][lang].format(title=nxt["title"][lang])
             for lang in ("fr", "en")}
    return (f'<p><a class="balise-next" href="../../{html.escape(nxt["id"])}/'
            f'{html.escape(nxt["id"])}.ipynb" style="display:inline-block;min-height:44px;'
            f'padding:10px 16px;background:#0b4f6c;color:#fff;border-radius:6px;'
            f'text-decoration:none;font-size:18px"><span lang="fr">{html.escape(title["fr"])}'
            f'</span><span lang="en"> / {html.escape(title["en"])}</span></a></p>')


def plain_text(words: dict) -> dict[str, str]:
    """A course text without its notes: for a second mention (the question is above)."""
    return {lang: words[lang] for lang in ("fr", "en")}


def both_html(words: dict[str, str]) -> str:
    """A course text in both languages, each tagged so a one-language page can hide the other.

    Said once when both languages write it the same ("Situation 2", "8 questions"). A word
    the text carries a note for (``words["terms"]``) is a tap that shows what it means."""
    notes = words.get("terms") or {}
    said = {lang: with_terms(html.escape(words[lang]), notes.get(lang) or [], lang,
                             "balise-result-term-") for lang in ("fr", "en")}
    if words["fr"] == words["en"]:
        return said["fr"]
    return (f'<span lang="fr">{said["fr"]}</span>'
            f'<span lang="en" class="balise-second"><br>{said["en"]}</span>')


def filled(key: str, **values) -> str:
    """A catalogue word with numbers in it, tagged by language like :func:`tagged`."""
    entry = CATALOGUE[key]
    return both_html({lang: entry[lang].format(**values) for lang in ("fr", "en")})


def render_result(result: dict) -> str:
    """The score, what it counts, and each item she was asked: its text, her answer, right or
    wrong, the practice and its source (unfolded on demand)."""
    if "error" in result:
        return f'<div role="alert"><strong>⚠ {html.escape(result["error"])}</strong></div>'
    if result.get("status") != "graded":
        return f'<div role="status">{tagged("kept_pending")}</div>'
    verdict = "passed" if result["passed"] else "not_passed"
    counts = result.get("counts", {})
    counted = filled("counts", questions=counts.get("questions", 0),
                      scenarios=counts.get("scenarios", 0))
    got, out_of = number_words(result["score"]), number_words(result["max_score"])
    score = {lang: f"{got[lang]} / {out_of[lang]}" for lang in ("fr", "en")}
    score = (html.escape(score["fr"]) if score["fr"] == score["en"] else
             f'<span lang="fr">{html.escape(score["fr"])}</span>'
             f'<span lang="en" class="balise-second"> ({html.escape(score["en"])})</span>')
    parts = [
        f'<div role="status" class="balise-score"><h3>{tagged("score")} : '
        f'{score} ({html.escape(percent(result["percent"] / 100))})</h3><p>{counted}</p>'
        f'<p><strong>{tagged(verdict)}</strong> '
        f'({tagged("pass_mark")} : {result["pass_mark"]} %)</p><ol>'
    ]
    wrong = [q for q in result["questions"] if not q["correct"]]
    right = [q for q in result["questions"] if q["correct"]]
    parts[-1] = parts[-1].removesuffix("<ol>")
    if wrong:
        parts.append(f'<h3>{filled("to_review", n=len(wrong))}</h3>{LIST}')
        parts += [_item(q) for q in wrong]
        parts.append("</ul>")
    if right:         # folded when something is to review, so the mistakes come first
        parts.append(f'<details{"" if wrong else " open"}><summary><strong>'
                     f'{filled("right_answers", n=len(right))}</strong></summary>'
                     f'{LIST}{"".join(_item(q) for q in right)}</ul></details>')
    parts.append("</div>")
    return "".join(parts)


LIST = '<ul class="balise-items" style="list-style:none;padding:0">'


def _item(q: dict) -> str:
    """One item she was asked: its text, her answer, right or wrong, what to remember."""
    mark, word = ("✔", "right") if q["correct"] else ("✘", "wrong")
    title = "situation_n" if q.get("type") == "scenario" else "question_n"
    return (f'<li class="balise-q-{"right" if q["correct"] else "wrong"}">'
            f'<strong>{mark} {filled(title, n=q["n"])} : {tagged(word)}</strong><br>'
            f'{both_html(q["prompt"])}<br>'
            f'<em>{tagged("your_answer")} :</em> {both_html(q["answer"])}<br>'
            f'<em>{tagged("right_practice")} :</em> {both_html(q["practice"])}'
            f'<details><summary>{html.escape(text("source", "fr"))}</summary>'
            f'<small>{html.escape(q["source"])}</small></details></li>')
