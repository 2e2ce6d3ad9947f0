"""The `p06` command (DESIGN.md section 8).

Exit codes: 0 done, 1 failed (a one-line reason first on stderr), 2 bad arguments or bad
input data (every problem listed).
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import time
from pathlib import Path

from helpers.core.errors import DamagedFile, InputError, WriteFailed
from helpers.core.periods import DEFAULT_BASELINE
from helpers.data.schema import EXPORT_TABLES, TABLE_NAMES

UNUSABLE_PATH = {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOTDIR, errno.EEXIST}
"""Errors of a path the user named or must fix (exit 2): not writable, read-only, a file
where a folder belongs or the other way round."""


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="p06", description="Project 06 review analyses")
    sub = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=Path("data"),
        help="data folder holding processed/ and mart/ (default: data)",
    )

    sample = sub.add_parser(
        "sample", parents=[common], help="write the deterministic synthetic sample into DATA_DIR/processed"
    )
    sample.add_argument(
        "--scale", type=_positive_float, default=1.0, help="size: 1 is about 2 million dossiers (default 1)"
    )
    sample.add_argument("--seed", type=int, default=None, help="random seed (default 6)")
    sample.set_defaults(func=cmd_sample)

    mart = sub.add_parser(
        "mart", parents=[common], help="build DATA_DIR/mart from DATA_DIR/processed (skipped when unchanged)"
    )
    mart.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    mart.set_defaults(func=cmd_mart)

    ind = sub.add_parser(
        "indicators", parents=[common], help="every indicator for units and a period, against a baseline"
    )
    ind.add_argument(
        "--unit",
        action="append",
        required=True,
        help="44, quang-tri, legacy/45, legacy/quang-tri, VN (repeatable)",
    )
    ind.add_argument("--period", required=True, help="2024, 2024-Q3, 2024-07, 2022..2023, ...")
    ind.add_argument("--baseline", default=None, help=f"a period or 'previous' (default {DEFAULT_BASELINE})")
    ind.add_argument("--level", choices=["province", "commune"], default="province")
    ind.add_argument("--format", choices=["table", "csv", "json"], default="table")
    ind.add_argument("--lang", choices=["vi", "en"], default="vi")
    ind.set_defaults(func=cmd_indicators)

    bld = sub.add_parser(
        "build", parents=[common], help="execute and render the review notebooks of a period"
    )
    bld.add_argument("--period", help="the period of the reports (see p06 indicators)")
    bld.add_argument(
        "--baseline",
        default=None,
        help=f"the period compared against, or 'previous' (default {DEFAULT_BASELINE})",
    )
    bld.add_argument("--unit", action="append", default=[], help="a unit to build (repeatable)")
    bld.add_argument("--all", action="store_true", help="every current province and the national overview")
    bld.add_argument(
        "--communes-of",
        action="append",
        default=[],
        metavar="CODE",
        help="every commune of a current province (repeatable)",
    )
    bld.add_argument("--all-communes", action="store_true", help="every commune of every province (3,321)")
    bld.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="run the reports on a Dask distributed cluster (data and reports on shared storage)",
    )
    bld.add_argument(
        "--notebook",
        default="province_review",
        help="the kind of report for --unit reports (default province_review; see helpers.report.kinds)",
    )
    bld.add_argument(
        "--format",
        default="html",
        help="a comma list of html, docx, xlsx: the page, the Word report, the Excel appendix (default html)",
    )
    bld.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    bld.add_argument("--force", action="store_true", help="rebuild even what is up to date")
    bld.add_argument("--lang", choices=["vi", "en"], default="vi")
    bld.add_argument("--reports-dir", type=Path, default=Path("reports"))
    bld.add_argument(
        "--runs",
        type=Path,
        default=None,
        help="a YAML list of runs to build instead of --period (see reports.yml)",
    )
    bld.set_defaults(func=cmd_build)

    ing = sub.add_parser(
        "ingest",
        parents=[common],
        help="validate spreadsheets or CSV exports and add them to DATA_DIR/processed",
    )
    ing.add_argument("files", nargs="+", type=Path, metavar="FILE|DIR", help="exports, or folders of them")
    ing.add_argument("--table", required=True, choices=TABLE_NAMES)
    ing.add_argument(
        "--sheet", default=None, help="the sheet to read (default, or all: every sheet with a header)"
    )
    ing.add_argument(
        "--province",
        default=None,
        help="the province of files without a province column (44, quang-tri, legacy/45)",
    )
    ing.add_argument(
        "--date-order",
        choices=["dmy", "mdy"],
        default=None,
        help="dates such as 05/01/2024 are day/month (dmy) or month/day (mdy) (default: what the data shows)",
    )
    ing.add_argument(
        "--figures",
        choices=["to-date", "monthly"],
        default=None,
        help="what counts are where no header or title says: totals to a date, or a month's figures",
    )
    ing.add_argument(
        "--as-of",
        default=None,
        help="the date of files that do not give one (30/06/2026); index_766: the snapshot's date",
    )
    ing.add_argument("--month", default=None, help="the month of files that do not give one (2026-06)")
    ing.add_argument("--period", default=None, help="index_766: the year, quarter or month of the figures")
    ing.set_defaults(func=cmd_ingest)

    tpl = sub.add_parser("template", help="write an .xlsx template for a canonical table")
    tpl.add_argument("--table", required=True, choices=EXPORT_TABLES)
    tpl.add_argument("--lang", choices=["vi", "en"], default="vi")
    tpl.add_argument(
        "--output", type=Path, default=None, help="where to write it (default: template-TABLE-LANG.xlsx)"
    )
    tpl.set_defaults(func=cmd_template)
    return parser


def cmd_sample(args: argparse.Namespace) -> int:
    from helpers.data import storage
    from helpers.data.sample import DEFAULT_SEED, write_sample

    started = time.perf_counter()
    interactive = sys.stderr.isatty()

    def progress(step: str) -> None:
        if interactive:
            print(f"\rgenerating {step:<24}", end="", file=sys.stderr, flush=True)

    seed = DEFAULT_SEED if args.seed is None else args.seed
    counts = write_sample(args.data_dir, scale=args.scale, seed=seed, progress=progress)
    if interactive:
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
    where = storage.processed_dir(args.data_dir)
    print(
        f"Synthetic sample (seed {seed}, scale {args.scale:g}) written to {where}/ "
        f"in {time.perf_counter() - started:.1f} s:"
    )
    for table, rows in counts.items():
        print(f"  {table:<15} {rows:>12,} rows")
    return 0


def cmd_mart(args: argparse.Namespace) -> int:
    from helpers.engine.mart import build_mart, mart_dir

    started = time.perf_counter()
    marker = build_mart(args.data_dir, force=args.force)
    where = mart_dir(args.data_dir)
    if marker["skipped"]:
        print(f"Mart in {where}/ is up to date: its inputs have not changed (use --force to rebuild).")
        return 0
    print(f"Mart built in {where}/ in {time.perf_counter() - started:.1f} s:")
    for block, rows in marker["rows"].items():
        print(f"  {block:<15} {rows:>10,} rows")
    for table in marker["missing_tables"]:
        print(f"  {table:<15} missing: its indicators will show no data")
    return 0


def cmd_indicators(args: argparse.Namespace) -> int:
    import pandas as pd

    from helpers.engine.indicators import review
    from helpers.engine.mart import refresh_mart
    from helpers.report.tables import to_json, to_text

    refresh_mart(args.data_dir)
    frames = [
        review(u, args.period, args.baseline, level=args.level, data_dir=args.data_dir, lang=args.lang)
        for u in args.unit
    ]
    table = pd.concat(frames, ignore_index=True)
    if args.format == "json":
        print(to_json(table))
    elif args.format == "csv":
        print(table.to_csv(index=False, lineterminator="\n"), end="")
    else:
        print(to_text(table, args.lang))
    return 0


class _Progress:
    """A progress bar on stderr: done, failed, left, rate and time left."""

    def __init__(self, period: str):
        self.period = period
        self.bar = None

    def start(self, total: int, workers: int) -> None:
        from tqdm import tqdm

        self.done = self.failed = 0
        self.bar = tqdm(
            total=total,
            desc=f"p06 build {self.period} ({workers} workers)",
            unit="report",
            file=sys.stderr,
            dynamic_ncols=True,
            leave=False,
            disable=None if total < 50 else False,  # long batches show progress in logs too
            mininterval=1.0,
        )

    def update(self, result) -> None:
        self.done += result.status == "built"
        self.failed += result.status == "failed"
        self.bar.set_postfix_str(f"failed {self.failed}; last {result.unit or result.name}", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_build(args: argparse.Namespace) -> int:
    if args.scheduler is None:  # this machine's workers' fork server warms up meanwhile
        from helpers.batch.processes import start_server

        start_server()
    from helpers.batch.build import build, parse_formats
    from helpers.batch.plan import load_runs, plan

    if args.runs is not None:
        runs = load_runs(args.runs)
    elif args.period:
        everything = args.all or not (args.unit or args.communes_of or args.all_communes)
        runs = [{"period": args.period, "units": args.unit, "all": everything}]
    else:
        raise InputError("give --period P (with --unit U, --all, --communes-of CODE), or --runs FILE")
    failed = 0
    for run in runs:
        baseline = run.get("baseline", args.baseline)
        planned = plan(
            str(run["period"]),
            args.data_dir,
            units=run.get("units") or [],
            everything=bool(run.get("all")),
            notebook=run.get("notebook", args.notebook),
            lang=run.get("lang", args.lang),
            communes_of=run.get("communes_of", args.communes_of),
            all_communes=bool(run.get("all_communes", args.all_communes)),
            baseline=None if baseline is None else str(baseline),
        )
        summary = build(
            planned,
            args.reports_dir,
            jobs=args.jobs,
            force=args.force,
            progress=_Progress(str(planned.period)),
            scheduler=args.scheduler,
            formats=parse_formats(str(run.get("format", args.format))),
        )
        failed += len(summary.failed)
        _print_summary(summary)
    return 1 if failed else 0


def _print_summary(summary) -> None:
    skipped = len(summary.results) - len(summary.built) - len(summary.failed)
    index = summary.folder / "index.html"
    if not summary.built and not summary.failed:
        print(
            f"{summary.period}: nothing to do, all {skipped} reports are up to date "
            f"({summary.seconds:.1f} s); {index}"
        )
        return
    per = summary.seconds / max(1, len(summary.built) + len(summary.failed))
    print(
        f"{summary.period}: built {len(summary.built)}, up to date {skipped}, failed "
        f"{len(summary.failed)} in {summary.seconds:.1f} s ({per:.2f} s per report); {index}"
    )
    for result in summary.failed:
        first = (result.error or "").strip().splitlines()[-1:] or [""]
        print(
            f"  failed {result.unit or result.name}: {first[0]} "
            f"(see {summary.folder / (result.name + '.ipynb')})"
        )


def cmd_ingest(args: argparse.Namespace) -> int:
    from helpers.data.ingest import describe, ingest

    summary = ingest(
        args.files,
        args.table,
        args.data_dir,
        sheet=args.sheet,
        province=args.province,
        period=args.period,
        as_of=args.as_of,
        date_order=args.date_order,
        figures=args.figures,
        month=args.month,
    )
    for line in describe(summary):
        print(line)
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from helpers.data.ingest import write_template

    target = args.output or Path(f"template-{args.table}-{args.lang}.xlsx")
    if target.is_dir():
        raise InputError(f"--output {target} is a folder: give a file name (template.xlsx)")
    write_template(args.table, target, args.lang)
    print(f"Template for table {args.table} ({args.lang}) written to {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    if hasattr(signal, "SIGPIPE") and argv is None:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `p06 ... | head` ends quietly
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"p06 {args.command}: {exc.report()}", file=sys.stderr)
        return 2
    except (DamagedFile, WriteFailed) as exc:
        print(f"p06 {args.command}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        if exc.errno not in UNUSABLE_PATH:
            return _failed(args.command, exc)
        # a folder it cannot write to, a file where a folder belongs: the user's to fix
        print(f"p06 {args.command}: {exc.strerror}: {exc.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"p06 {args.command}: interrupted; what was done is kept (run it again to go on)", file=sys.stderr
        )
        return 130
    except Exception as exc:  # noqa: BLE001 - one-line reason, then the details
        return _failed(args.command, exc)


def _failed(command: str, exc: Exception) -> int:
    print(f"p06 {command}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    import traceback

    traceback.print_exc(file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
