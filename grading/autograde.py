"""Running nbgrader's own autograde out of the server's process.

The server never runs nbgrader in its event loop: each grading is a child
process (``python -m balise.grading.autograde``), awaited asynchronously. A
crash or a timeout there leaves the submission on disk and the attempt
pending; the server goes on serving others.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from balise.grading.coursedir import ensure_tools_on_path, nbgrader_config


async def autograde(course_root: Path, gradebook_url: str, module: str, learner: str,
                    timeout: float) -> dict:
    """Grade one submission in a child process; never raises for grading failures."""
    ensure_tools_on_path()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "balise.grading.autograde",
        "--course-root", str(course_root), "--db-url", gradebook_url,
        "--module", module, "--learner", learner,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return {"success": False, "error": f"grading took more than {timeout:.0f} s"}
    lines = out.decode(errors="replace").strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        return {"success": False,
                "error": f"grader exited {proc.returncode}: {err.decode(errors='replace')[-2000:]}"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Autograde one Balise submission with nbgrader.")
    parser.add_argument("--course-root", required=True)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--learner", required=True)
    args = parser.parse_args(argv)
    ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI

    api = NbGraderAPI(config=nbgrader_config(Path(args.course_root), args.db_url))
    result = api.autograde(args.module, args.learner, force=True, create=True)
    print(json.dumps({"success": bool(result.get("success")),
                      "error": (result.get("error") or "")[-4000:]}))


if __name__ == "__main__":
    main()
