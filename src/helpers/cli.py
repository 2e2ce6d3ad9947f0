"""The `p06` command (DESIGN.md section 8).

Exit codes: 0 done, 1 failed (a one-line reason first on stderr), 2 bad arguments or bad
input data (every problem listed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from helpers.errors import InputError


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
    return parser


def cmd_sample(args: argparse.Namespace) -> int:
    from helpers.sample import DEFAULT_SEED, write_sample

    started = time.perf_counter()
    interactive = sys.stderr.isatty()

    def progress(step: str) -> None:
        if interactive:
            print(f"\rgenerating {step:<24}", end="", file=sys.stderr, flush=True)

    seed = DEFAULT_SEED if args.seed is None else args.seed
    counts = write_sample(args.data_dir, scale=args.scale, seed=seed, progress=progress)
    if interactive:
        print("\r" + " " * 40 + "\r", end="", file=sys.stderr)
    where = args.data_dir / "processed"
    print(
        f"Synthetic sample (seed {seed}, scale {args.scale:g}) written to {where}/ "
        f"in {time.perf_counter() - started:.1f} s:"
    )
    for table, rows in counts.items():
        print(f"  {table:<15} {rows:>12,} rows")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"p06 {args.command}: {exc.report()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"p06 {args.command}: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one-line reason, then the details
        print(f"p06 {args.command}: failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        import traceback

        traceback.print_exc(file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
