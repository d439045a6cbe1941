"""A grading step that caps the size of each output, in characters.

nbgrader's LimitOutput caps lines and outputs, not characters: one 10 MB
line passes it and is stored in every graded copy and feedback page.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

NOTE = "\n… [output cut by Balise: {cut} characters] …\n"


class LimitOutputSize(NbGraderPreprocessor):
    max_chars = Integer(
        100_000,
        help="""Characters kept of each text output (stream or text/*); the rest is cut
        with a note. 100,000 is far more than any quiz prints.""",
    ).tag(config=True)

    def _cut(self, text: str) -> str:
        if len(text) <= self.max_chars:
            return text
        return text[: self.max_chars] + NOTE.format(cut=len(text) - self.max_chars)

    def preprocess_cell(self, cell, resources, index):
        for output in cell.get("outputs", []):
            if "text" in output and isinstance(output.text, str):
                output.text = self._cut(output.text)
            for mime, value in output.get("data", {}).items():
                if mime.startswith("text/") and isinstance(value, str):
                    output.data[mime] = self._cut(value)
        return cell, resources
