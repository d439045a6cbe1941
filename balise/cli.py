"""The ``balise`` command: build the course, seed demo data, serve."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from traitlets.config import Config

from balise import BaliseError
from balise.config import Balise, load_config


def settings(args) -> tuple[Config, Balise]:
    config = load_config(args.config)
    source = Path(args.config or "jupyter_config.py")
    if source.exists():
        config.Balise.config_file = str(source.resolve())
    if args.data:
        config.Balise.data_dir = args.data
    if getattr(args, "courses", None):
        config.Balise.courses_dir = args.courses
    return config, Balise(config=config)


def bar(n: int, total: int, width: int = 20) -> str:
    """A progress bar a log file can hold: ``[#####.....] 5/12``."""
    done = width * n // max(total, 1)
    return f"[{'#' * done}{'.' * (width - done)}] {n}/{total}"


def check_courses(balise: Balise, out=sys.stdout) -> int:
    """Check every module and the routes without writing anything; 0 when all hold.

    Ends with ``RESULT modules=N scenarios=N questions=N facts=N unsourced=N
    audio_missing=N``: audio_missing counts the texts a Listen button can play
    that a build on this machine would leave without a recording (not in the
    audio cache, and not said by the speech engine here, tried in memory).
    """
    from balise.catalogue import glossary
    from balise.catalogue import rules as content_rules
    from balise.catalogue.modules import load_module
    from balise.grading.build import missing_speech, source_notebook
    from balise.progress import load_routes

    folders = sorted(f for f in balise.courses_path.iterdir() if (f / "module.yaml").exists())
    totals = dict(modules=0, scenarios=0, questions=0, facts=0, unsourced=0, audio_missing=0)
    failed = 0
    ids, modules = set(), []
    terms_path = balise.courses_path / glossary.GLOSSARY_FILE
    try:
        terms, terms_error = glossary.load_glossary(terms_path), None
    except BaliseError as err:                       # the modules are checked without it
        terms, terms_error = (), err
    for n, folder in enumerate(folders, start=1):
        print(f"{bar(n, len(folders))} {folder.name}: ", end="", file=out, flush=True)
        try:
            module = load_module(folder)
            source_notebook(module, terms)               # built in memory only
            report = content_rules.check(module)
            audio_missing = missing_speech(module, balise.course_root / "audio-cache")
        except BaliseError as err:
            failed += 1
            print(f"ERROR\n  {err}", file=out, flush=True)
            continue
        ids.add(module.id)
        modules.append(module)
        totals["modules"] += 1
        totals["scenarios"] += report.scenarios
        totals["questions"] += report.questions
        totals["facts"] += report.facts
        totals["unsourced"] += len(report.unsourced)
        totals["audio_missing"] += audio_missing
        problems = report.problems
        failed += bool(problems)
        print(f"{'ok' if not problems else 'PROBLEMS'} ({report.scenarios} scenarios, "
              f"{report.questions} questions, sentences {report.median_words:g} words in the "
              f"middle, longest {report.longest[0]}, reading ease {report.ease:.0f})",
              file=out, flush=True)
        for problem in problems:
            print(f"  {folder / 'module.yaml'}: {problem}", file=out, flush=True)
    problems = [str(terms_error)] if terms_error else \
        content_rules.glossary_problems(terms, terms_path, modules)
    failed += bool(problems)
    print(f"{glossary.GLOSSARY_FILE}: {'PROBLEMS' if problems else 'ok'} ({len(terms)} terms)",
          file=out, flush=True)
    for problem in problems:
        print(f"  {problem}", file=out, flush=True)
    try:
        load_routes(balise.courses_path / "routes.yaml", ids)
        print("routes.yaml: ok", file=out, flush=True)
    except BaliseError as err:
        failed += 1
        print(f"routes.yaml: ERROR\n  {err}", file=out, flush=True)
    print("RESULT " + " ".join(f"{k}={v}" for k, v in totals.items()), file=out, flush=True)
    return 1 if failed else 0


def build(balise: Balise, force: bool = False, out=sys.stdout) -> list[str]:
    """Run nbgrader generate_assignment for every module whose inputs changed."""
    from balise.catalogue.modules import load_catalogue, load_module
    from balise.grading import build_module, ensure_tools_on_path, nbgrader_config
    from balise.grading.build import GALLERY, build_gallery, render_speech

    ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI

    catalogue = load_catalogue(balise.courses_path)
    balise.course_root.mkdir(parents=True, exist_ok=True)
    api = NbGraderAPI(config=nbgrader_config(balise.course_root, balise.gradebook_url))
    built, kept = [], []
    for n, module in enumerate(catalogue.values(), start=1):
        print(f"{bar(n, len(catalogue))} {module.id}: ", end="", file=out, flush=True)
        try:
            changed = build_module(module, balise.course_root, api, force=force)
        except BaliseError as err:
            if not (balise.course_root / "release" / module.id).is_dir():
                raise                       # nothing to serve for it: stop here
            print(f"KEPT\n  {err}", file=out, flush=True)
            kept.append(module.id)
            continue
        print("built" if changed else "up to date", file=out, flush=True)
        if changed:
            built.append(module.id)
        render_speech(module, balise.course_root / "release" / module.id,
                      balise.course_root / "audio-cache", out)
    changed = build_gallery(balise.course_root)
    print(f"gallery: {'built' if changed else 'up to date'}", file=out, flush=True)
    render_speech(load_module(GALLERY), balise.course_root / "release" / "gallery",
                  balise.course_root / "audio-cache", out)
    if kept:
        print(f"Kept at their previous version (see above): {', '.join(kept)}", file=out,
              flush=True)
    return built


def server_config(config: Config, balise: Balise, port: int | None) -> Config:
    """What the server needs on top of jupyter_config.py: where the modules are, the secret."""
    from balise.tokens import load_secret

    config.ServerApp.root_dir = str(balise.course_root / "release")
    config.ServerApp.cookie_secret = load_secret(balise.secret_path)
    config.ServerApp.open_browser = False
    config.ServerApp.port_retries = 0
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Containers and CI machines often run as root; Jupyter refuses that
        # unless told. Learners never get a terminal or code cell here.
        print("Warning: running as root; prefer a dedicated user in production.", flush=True)
        config.ServerApp.allow_root = True
    if port:
        config.ServerApp.port = port
    return config


def serve(args) -> None:
    from balise.demo import accounts as demo
    from balise.store.models import Store
    from balise.web.app import BaliseApp

    config, balise = settings(args)
    balise.data_path.mkdir(parents=True, exist_ok=True)
    build(balise)
    store = Store(balise.store_url)
    if not args.no_demo and demo.seed(store):
        from balise.catalogue.modules import load_catalogue
        from balise.demo.group import seed_group
        from balise.demo.records import seed_records
        from balise.progress import load_routes

        catalogue = load_catalogue(balise.courses_path)
        routes = load_routes(balise.courses_path / "routes.yaml", set(catalogue))
        added = seed_group(store, balise.gradebook_url, catalogue, routes,
                           archive=balise.data_path / "attempts")
        seed_records(store)
        print(f"Demo data added: {len(demo.PEOPLE) + added} people on 3 sites, a year of "
              "events; sign in with the accounts below.", flush=True)
    store.dispose()
    config = server_config(config, balise, args.port)
    ip = config.ServerApp.get("ip", "127.0.0.1")
    port = config.ServerApp.get("port", 8888)
    url = config.ServerApp.get("custom_display_url") or f"http://{ip}:{port}/"
    print(demo.accounts_text(url), flush=True)
    server = BaliseApp.initialize_server(argv=[], config=config)
    try:
        server.start()
    finally:
        end_stopped_server(server.io_loop.asyncio_loop, server.log)


def end_stopped_server(loop, log, seconds: float = 3.0) -> None:
    """Let the process exit once the server has stopped: end what its requests left running.

    On SIGTERM Jupyter Server shuts its extensions (the grading workers) and kernels
    down, then stops its event loop with the requests still in flight suspended (a
    module page Voila was rendering, its kernel now gone). A request that read a
    notebook through the contents manager started one of anyio's worker threads;
    those are not daemons and end only when the task that started them ends, so the
    interpreter waited for one forever: `balise serve` hung after "Shutting down 17
    kernels". The loop's tasks are cancelled here. Should a thread still hold the exit
    ``seconds`` later, it is named in the log and the process exits without it
    (status 1): its kernels and grading workers are already stopped.
    """
    import asyncio

    tasks = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if tasks:
        log.info("Cancelling %d tasks left running when the server stopped (requests in "
                 "flight)", len(tasks))
        for task in tasks:
            task.cancel()
        # Long enough for each cancelled request to end and anyio to stop its thread;
        # Voila's page generators may go on a while (each cell they try fails): not waited.
        loop.run_until_complete(asyncio.wait(tasks, timeout=0.5))
    stop_worker_threads(log)

    def exit_without_them() -> None:
        left = [t.name for t in threading.enumerate()
                if not t.daemon and t is not threading.main_thread()]
        log.error("The server stopped %g s ago but threads keep its process: %s; exiting "
                  "without them", seconds, ", ".join(left) or "none")
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(1)

    watchdog = threading.Timer(seconds, exit_without_them)
    watchdog.daemon = True        # the interpreter's exit does not wait for it
    watchdog.start()


def stop_worker_threads(log) -> None:
    """Tell anyio's worker threads to end once their call returns.

    Each ends only when the task that first used it is done, and the loop no longer
    runs: a task still unwinding after its cancellation (a page Voila was rendering
    when the server stopped, on a machine too busy to finish it in the half second
    given) kept its thread, and with it the process, until the watchdog exited with
    status 1 (seen in a fresh-clone run). Their calls are short file reads; the
    order to end is queued behind the one in hand.
    """
    stopped = 0
    for thread in threading.enumerate():
        stop = getattr(thread, "stop", None)
        if type(thread).__name__ != "WorkerThread" or getattr(thread, "stopping", True):
            continue
        try:
            stop()
            stopped += 1
        except Exception as e:          # noqa: BLE001 - its queue full: the watchdog decides
            log.warning("anyio worker thread %s not stopped: %s", thread.name, e)
    if stopped:
        log.info("Stopped %d anyio worker threads left by requests in flight", stopped)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="balise", description=__doc__)
    parser.add_argument("--config", help="configuration file (default ./jupyter_config.py)")
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="build the course and start the server")
    p_serve.add_argument("--data", help="data folder (default from the config: ./data)")
    p_serve.add_argument("--courses", help="courses folder (default ./courses)")
    p_serve.add_argument("--port", type=int, help="port on 127.0.0.1")
    p_serve.add_argument("--no-demo", action="store_true", help="do not add demo accounts")
    p_hub = sub.add_parser("hub", help="start JupyterHub with Balise as its shared service")
    p_hub.add_argument("--data", help="data folder (default from the config: ./data)")
    p_hub.add_argument("--courses", help="courses folder (default ./courses)")
    p_hub.add_argument("--port", type=int, help="port of the hub's proxy (default 8000)")
    p_hub.add_argument("--db-url", help="PostgreSQL database for the hub, store and gradebook")
    p_hub.add_argument("--no-demo", action="store_true", help="do not add demo accounts")
    p_build = sub.add_parser("build", help="check the modules and build their release notebooks")
    p_build.add_argument("--data")
    p_build.add_argument("--courses")
    p_build.add_argument("--force", action="store_true", help="rebuild even if unchanged")
    p_build.add_argument("--check", action="store_true",
                         help="check every module and routes.yaml, write nothing")
    p_backup = sub.add_parser("backup", help="copy the SQLite data folder into a .tar.gz")
    p_backup.add_argument("--data")
    p_backup.add_argument("--to", default="backups", help="folder for the archive")
    p_restore = sub.add_parser("restore", help="unpack a backup into the data folder")
    p_restore.add_argument("archive")
    p_restore.add_argument("--data")
    p_restore.add_argument("--force", action="store_true", help="replace existing data")
    p_people = sub.add_parser("people", help="import or export the list of people")
    people_sub = p_people.add_subparsers(dest="people_command", required=True)
    p_import = people_sub.add_parser("import", help="import a CSV or XLSX list of people")
    p_import.add_argument("file", type=Path)
    p_import.add_argument("--data")
    p_import.add_argument("--courses")
    p_import.add_argument("--dry-run", action="store_true",
                          help="print what the import would do, write nothing")
    p_export = people_sub.add_parser("export", help="write the people to FILE (.csv or .xlsx)")
    p_export.add_argument("file", type=Path)
    p_export.add_argument("--data")
    p_export.add_argument("--courses")
    p_person = sub.add_parser("person", help="one person's data")
    person_sub = p_person.add_subparsers(dest="person_command", required=True)
    p_person_export = person_sub.add_parser(
        "export", help="write everything Balise holds about one person to a .zip")
    p_person_export.add_argument("id", help="her id, as in her page's address")
    p_person_export.add_argument("--out", type=Path, required=True)
    p_person_export.add_argument("--data")
    p_person_export.add_argument("--courses")
    p_person_erase = person_sub.add_parser(
        "erase", help="erase one person: her rows, her grades, her files; certificates revoked")
    p_person_erase.add_argument("id", help="her id, as in her page's address")
    p_person_erase.add_argument("--yes", action="store_true",
                                help="do not ask to type her name to confirm")
    p_person_erase.add_argument("--data")
    p_person_erase.add_argument("--courses")
    p_retention = person_sub.add_parser(
        "retention", help="list the people whose placement ended over retention_months ago")
    p_retention.add_argument("--data")
    p_retention.add_argument("--courses")
    from balise import report_cli

    report_cli.add_parser(sub)
    args = parser.parse_args(argv)
    try:
        if args.command == "serve":
            serve(args)
        elif args.command == "hub":
            from balise.hub.config import start_hub

            start_hub(args, *settings(args))
        elif args.command == "build" and args.check:
            return check_courses(settings(args)[1])
        elif args.command == "build":
            build(settings(args)[1], force=args.force)
        elif args.command == "people":
            from balise.people_cli import export_people, import_people

            balise = settings(args)[1]
            if args.people_command == "import":
                return import_people(balise, args.file, args.dry_run)
            return export_people(balise, args.file)
        elif args.command == "person":
            from balise import person_cli

            config, balise = settings(args)
            if args.person_command == "erase":
                return person_cli.erase(balise, args.id, args.yes)
            if args.person_command == "retention":
                return person_cli.retention(balise)
            return person_cli.export_person_file(balise, config, args.id, args.out)
        elif args.command == "report":
            return report_cli.run(args, settings(args)[1])
        elif args.command == "backup":
            from balise.store.backup import backup

            balise = settings(args)[1]
            print(backup(balise.data_path, Path(args.to), balise.store_url,
                         balise.gradebook_url))
        else:
            from balise.store.backup import restore

            balise = settings(args)[1]
            restore(Path(args.archive), balise.data_path, force=args.force)
            print(f"Restored into {balise.data_path}")
    except BaliseError as err:
        print(f"balise: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
