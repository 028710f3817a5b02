"""newsfacts command line: a thin layer over pipeline.process and friends.

Data goes to files (and stdout where asked); logs and progress go to stderr.
Exit codes: 0 ok, 1 nothing could be processed / validation failed, 2 usage error.
"""
from __future__ import annotations

import argparse
import logging
import sys
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


def _version() -> str:
    try:
        return version("newsfacts")
    except PackageNotFoundError:
        return "unknown"


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsfacts", description="Extract normalized facts from Chinese news articles.")
    parser.add_argument("--version", action="version", version=f"newsfacts {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="process articles into per-article JSON and tables")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders (recursive *.txt), or - for stdin")
    run.add_argument("--out", required=True, type=Path, help="output folder")
    run.add_argument("--reference-date", type=_iso_date, help="date the articles speak from (YYYY-MM-DD)")
    run.add_argument("--manifest", type=Path, help="JSONL with file and publish_date per article")
    run.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    run.add_argument("--engine", choices=["local", "dask"], default="local",
                     help="local worker processes (default) or a Dask cluster")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address (tcp://host:8786); default: a LocalCluster of --jobs workers")
    run.add_argument("--partition-size", type=int, default=1000,
                     help="articles per Parquet file with --engine dask (default 1000)")
    run.add_argument("--resume", action="store_true",
                     help="reuse outputs made from the same input bytes, rules and version")

    table = sub.add_parser("table", help="rebuild the tables from OUT/articles/*.json")
    table.add_argument("out", type=Path)
    table.add_argument("--format", choices=["csv", "parquet", "both"], default="both")

    show = sub.add_parser("show", help="print an article with its facts highlighted")
    show.add_argument("article", type=Path, help="OUT/articles/ID.json")
    show.add_argument("--html", nargs="?", const=True, metavar="FILE",
                      help="write an HTML page instead (default: beside the JSON, .html)")

    report = sub.add_parser("report", help="write OUT/report.html and OUT/report.md for a batch")
    report.add_argument("out", type=Path)

    validate = sub.add_parser("validate", help="check every JSON against the schema and the tables' joins")
    validate.add_argument("out", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="newsfacts: %(levelname)s: %(message)s")
    if args.command == "run":
        return _run(args)
    if args.command == "table":
        from .tables import rebuild_tables
        formats = ("csv", "parquet") if args.format == "both" else (args.format,)
        writer = rebuild_tables(args.out, formats)
        print(f"tables rebuilt: " + ", ".join(f"{k}={len(v)}" for k, v in writer.rows.items()))
        return 0
    if args.command == "report":
        from .report import write_report
        for path in write_report(args.out):
            print(path)
        return 0
    if args.command == "show":
        return _show(args)
    if args.command == "validate":
        from .validate import validate_output
        problems = validate_output(args.out)
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0
    return 2


def _show(args) -> int:
    import json

    from .show import show_terminal, write_html
    try:
        article = json.loads(args.article.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"newsfacts: cannot read article JSON {args.article}: {exc}", file=sys.stderr)
        return 1
    if args.html:
        target = args.article.with_suffix(".html") if args.html is True else Path(args.html)
        print(write_html(article, target))
    else:
        show_terminal(article)
    return 0


def _run(args) -> int:
    from .batch import process
    if args.manifest and not args.manifest.is_file():
        print(f"newsfacts: manifest not found: {args.manifest}", file=sys.stderr)
        return 2
    summary = process(args.inputs, args.out, reference_date=args.reference_date, manifest=args.manifest,
                      jobs=max(1, args.jobs), progress=not args.quiet and sys.stderr.isatty(),
                      resume=args.resume, engine=args.engine, scheduler=args.scheduler,
                      partition_size=args.partition_size)
    if not args.quiet:
        for line in summary.lines():
            print(line)
        if summary.errors:
            print(f"see {args.out / 'errors.jsonl'} for what could not be processed")
    return 0 if summary.written or not summary.inputs else 1


if __name__ == "__main__":
    sys.exit(main())
