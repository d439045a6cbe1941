"""Every kind of trail line the code writes has its words on the trail page: a coordinator
reads "Danger signalé", never ``hazard.add``."""

import re
from pathlib import Path

from balise.web.trail_page import KINDS

BALISE = Path(__file__).resolve().parents[2] / "balise"
WRITES = re.compile(r"""(?:_write|\.trail|_trail)\([^()"]*"([a-z-]+\.[a-z-]+)\"""")


def test_every_kind_written_has_words():
    written = {kind for path in BALISE.rglob("*.py")
               for kind in WRITES.findall(path.read_text(encoding="utf-8"))}
    assert len(written) > 20                    # the pattern still finds the writes
    assert sorted(written - set(KINDS)) == []
