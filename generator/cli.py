# Command line: argv -> Settings -> pipeline. The only place that catches the
# generator's errors, prints them for a maintainer and chooses the exit code.
# Messages for maintainers are in English, consistently (see CONTRIBUTING.md).
from __future__ import annotations

import argparse
import errno
import socket
import subprocess
import sys
from pathlib import Path

from . import published
from .errors import DataError, Diagnostic, GeneratorError
from .pipeline import SERVE_ENV, Settings, build, generate, mkdocs_env
from .scaffold import (
    NOT_FILLED_IN,
    check_years,
    effective_kind,
    parse_period,
    scaffold_document,
    scaffold_path,
)
from .schema import render_schemas
from .validate import load_corpus

COMMANDS = {
    "check": "validate every file in data/ and report every problem",
    "generate": "write the Markdown tree into build/docs (no MkDocs)",
    "build": "check, generate and build the site into site/ (replaced only on success)",
    "serve": "live preview; data edits show without restart",
    "new": "write the data file for a municipality's new year or period, to fill in",
    "schema": "write the JSON Schema of the data format into schema/",
    "monitor": "statuses from the yearly monitoring: export a spreadsheet, import it filled in",
}


def say(message: str) -> None:
    """A message for the maintainer while a command runs (stderr, at once)."""
    print(message, file=sys.stderr, flush=True)


def check_address(addr: str) -> None:
    """`serve --addr host:port` is one the builder's server can listen on; else a
    one-line error, not its traceback (a taken port, port 99999: OverflowError)."""
    host, _, port_text = addr.rpartition(":")
    host = host.strip("[]")  # [::1]:8000
    if not host or not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise GeneratorError(f"--addr {addr}: give a host and a port from 1 to 65535, "
                             f"e.g. 127.0.0.1:8000")
    try:
        family = socket.getaddrinfo(host, int(port_text), type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As the server binds: a port in TIME_WAIT is free, one being listened on is not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, int(port_text)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise GeneratorError(f"cannot serve on {addr}: the port is in use (another `serve`?); "
                                 f"choose another with --addr, e.g. "
                                 f"{host}:{int(port_text) % 65535 + 1}") from None
        raise GeneratorError(f"cannot serve on {addr}: {exc.strerror or exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="Prestatieafspraken site generator")
    parser.add_argument("--root", type=Path, default=Path.cwd(),
                        help="project root holding data/, content/ and mkdocs.yml")
    sub = parser.add_subparsers(dest="command", required=True)
    commands = {name: sub.add_parser(name, help=text) for name, text in COMMANDS.items()}
    commands["build"].add_argument("--site-dir", type=Path, default=None,
                                   help="default: <root>/site")
    commands["serve"].add_argument("--addr", default="127.0.0.1:8000")
    p_new = commands["new"]
    p_new.add_argument("--municipality", required=True, help="id from data/municipalities.yaml")
    when = p_new.add_mutually_exclusive_group(required=True)
    when.add_argument("--year", type=int, help="agreements for one year")
    when.add_argument("--period", help="several years, e.g. 2024-2027 (kind multi-year)")
    p_new.add_argument("--kind", choices=["yearly", "multi-year", "framework"], default="yearly")
    monitor = commands["monitor"].add_subparsers(dest="monitor_command", required=True)
    p_export = monitor.add_parser("export", help="write <slug>-monitoring.xlsx and .csv, a row "
                                                 "per commitment, to fill in")
    p_export.add_argument("document", help="<municipality>/<slug>, or the document's data file")
    p_export.add_argument("--out", type=Path, default=Path.cwd(),
                          help="directory to write the files into (default: the current one)")
    p_import = monitor.add_parser("import", help="check a filled-in sheet and append its "
                                                 "statuses to the document's data file")
    p_import.add_argument("file", type=Path, help="the .xlsx or .csv file, filled in")
    args = parser.parse_args(argv)
    settings = Settings(args.root.resolve())
    try:
        if args.command == "check":
            corpus = load_corpus(settings.data_dir, settings.root, settings.cache_dir)
            print(f"OK: {len(corpus.documents)} documents, {len(corpus.organisations)} "
                  f"organisations, {len(corpus.themes)} themes")
            for note in corpus.notes:  # what the data cannot decide; not a problem
                print(f"note: {note}")
        elif args.command == "generate":
            generated = generate(settings, waiting=say, keep_files=False)
            print(f"generated {generated.count} files into {settings.docs_dir} "
                  f"({len(generated.changed)} changed)")
        elif args.command == "build":
            site_dir = args.site_dir or settings.root / "site"
            built = build(settings, site_dir, hold_ctrl_c_to_exit=True)
            if built.interrupted:
                print("interrupted after the new site was put in place; the new site is "
                      "complete", file=sys.stderr)
            if built.incremental:
                # "reused the previous build": the Pages rehearsal and the benchmark look for it.
                print(f"built the site into {site_dir}; reused the previous build: "
                      f"{built.pages_rebuilt} pages rendered again, {built.search_parts[0]} of "
                      f"{built.search_parts[1]} search parts indexed again")
            else:
                print(f"built the site into {site_dir} ({built.cold_because})")
            list_file = settings.data_dir / published.FILE_NAME
            new = published.record(list_file, site_dir)
            if new:
                print(f"{len(new)} new URLs recorded in {list_file.relative_to(settings.root)}; "
                      f"commit it with the data (`git add data/`) so they keep working")
        elif args.command == "serve":
            check_address(args.addr)  # before generating: a taken port fails at once
            env = mkdocs_env()
            env[SERVE_ENV] = "1"
            # The builder's live-reload server, driven by hooks/serve.py: after an edit to
            # a document its pages are shown first (preview.py), then the rest follows.
            return subprocess.call([sys.executable, str(settings.root / "hooks" / "serve.py"),
                                    "--addr", args.addr], cwd=settings.root, env=env)
        elif args.command == "new":
            start, end = parse_period(args.period) if args.period else (args.year, args.year)
            check_years(start, end, "--period" if args.period else "--year")  # before any I/O
            target = scaffold_path(settings.data_dir, args.municipality, start, end,
                                   effective_kind(args.kind, start, end))
            if target.exists():  # before reading data/, which may hold a scaffold not filled in
                raise GeneratorError(f"{target} already exists")
            try:
                corpus = load_corpus(settings.data_dir, settings.root)
            except DataError as exc:
                # `new` needs the registries and the other documents as they are: say
                # that nothing was written, and why, before the problems.
                waiting = sorted({d.file for d in exc.diagnostics if NOT_FILLED_IN in d.message})
                why = (f"; {', '.join(waiting)} is a scaffold not filled in yet: fill it in "
                       f"(or remove it) first" if waiting else "; fix these first")
                raise DataError(exc.diagnostics, f"nothing was written: data/ has problems{why}") \
                    from None
            path = scaffold_document(corpus, settings.data_dir, args.municipality, start,
                                     args.kind, end)
            shown = path.relative_to(settings.root).as_posix()
            try:
                load_corpus(settings.data_dir, settings.root)
                unfilled: list[Diagnostic] = []
            except DataError as exc:
                own = [d for d in exc.diagnostics if d.file == shown]
                unfilled = [d for d in own if NOT_FILLED_IN in d.message]
                if len(unfilled) != len(own):  # a scaffold that is wrong: a bug, keep nothing
                    path.unlink()
                    if not any(path.parent.iterdir()):
                        path.parent.rmdir()
                    raise DataError([d for d in own if d not in unfilled]) from None
            print(f"wrote {shown}; it is not filled in yet, so `python -m generator check` "
                  f"reports it ({len(unfilled)} parts to fill in) and the site is not built "
                  f"until it is. Fill it in from the signed document, then run "
                  f"`python -m generator check` and `python -m generator serve`")
        elif args.command == "monitor" and args.monitor_command == "export":
            # Imported here: the spreadsheet library costs every other command half a second.
            from .monitor import export_monitoring, find_document

            corpus = load_corpus(settings.data_dir, settings.root, settings.cache_dir)
            doc = find_document(corpus, args.document)
            written = export_monitoring(corpus, doc, args.out)
            print(f"wrote {' and '.join(str(p) for p in written)}: a row per commitment of "
                  f"{doc.ref}. Fill in the new status, its date and source (and realised values "
                  f"where there is a column for them), then run `python -m generator monitor "
                  f"import {written[0]}`")
        elif args.command == "monitor" and args.monitor_command == "import":
            from .monitor import import_monitoring, read_sheet

            corpus = load_corpus(settings.data_dir, settings.root, settings.cache_dir)
            done = import_monitoring(corpus, settings.root, settings.data_dir,
                                     read_sheet(args.file, str(args.file)))
            if done is None:
                print(f"nothing to record: no row of {args.file} has a new status that is not "
                      f"recorded yet")
            else:
                print(done.diff, end="")
                print(f"recorded {done.count} new {'status' if done.count == 1 else 'statuses'} "
                      f"in {done.path.relative_to(settings.root).as_posix()}; run `python -m "
                      f"generator check`, review the diff and commit it")
        elif args.command == "schema":
            out = settings.root / "schema"
            out.mkdir(exist_ok=True)
            for name, data in render_schemas().items():
                (out / name).write_bytes(data)
            print(f"wrote {len(render_schemas())} schemas into {out}")
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    except GeneratorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        what = "; the previous site is unchanged" if args.command == "build" else ""
        print(f"interrupted{what}", file=sys.stderr)
        return 130
    except OSError as exc:
        # The generator turns the file problems it expects into messages; this is
        # the last line for the rest (a full disk, a file removed mid-run).
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    return 0

