"""`make bench`: measured times and peak memory, printed side by side in one run.

For each sample scale (BENCH_SCALES, default "1 10"):
- `p06 sample`: time, rows per second, peak memory;
- `p06 mart` (DuckDB) against the baseline an analyst would write in a notebook: pandas
  reading the dossier files and computing the same monthly counts per province;
- one `review()` call for one province from the mart (median of 5, after a warm-up).

Each measurement runs in a fresh process, so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_measured(argv: list[str]) -> tuple[float, float, str]:
    """Run a command; return wall seconds, peak memory in MiB, and what it printed."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {err[-800:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def pandas_baseline(data_dir: str) -> None:
    """Monthly dossier counts per province, the way a notebook would compute them."""
    import pandas as pd

    df = pd.read_parquet(Path(data_dir) / "processed" / "dossiers")
    df["month"] = df["received_on"].astype("datetime64[ns]").dt.to_period("M")
    df["is_online"] = df["channel"] == "online"
    df["paid"] = df["fee_required"] & df["paid_online"]
    received = df.groupby(["province_code", "month"]).agg(
        received=("dossier_id", "count"),
        synced=("synced", "sum"),
        online=("is_online", "sum"),
        full_online=("full_online", "sum"),
        fee_required=("fee_required", "sum"),
        paid_online=("paid", "sum"),
        digitised=("digitised", "sum"),
    )
    done = df[df["finished_on"].notna()].copy()
    done["month"] = done["finished_on"].astype("datetime64[ns]").dt.to_period("M")
    done["on_time"] = done["finished_on"] <= done["due_on"]
    done["rated"] = done["rating"].notna()
    done["satisfied"] = done["rating"] == "satisfied"
    finished = done.groupby(["province_code", "month"]).agg(
        finished=("dossier_id", "count"),
        finished_on_time=("on_time", "sum"),
        e_result=("e_result", "sum"),
        rated=("rated", "sum"),
        satisfied=("satisfied", "sum"),
    )
    result = received.join(finished, how="outer").fillna(0)
    print(len(result))


def review_latency(data_dir: str) -> None:
    """Seconds for one `review()` of one province, median of five after a warm-up."""
    from helpers.engine import review
    from helpers.engine.mart import refresh_mart

    refresh_mart(data_dir)

    review("44", "2024-Q3", data_dir=data_dir)
    times = []
    for period in ("2024-Q3", "2022-01..2023-12", "2025", "2024-07", "2021..2026"):
        started = time.perf_counter()
        review("44", period, data_dir=data_dir)
        times.append(time.perf_counter() - started)
    print(statistics.median(times))


def bench_scale(scale: float) -> dict:
    work = Path(tempfile.mkdtemp(prefix="p06-bench-"))
    py = sys.executable
    try:
        s_time, s_mem, _ = run_measured(
            [py, "-m", "helpers.cli", "sample", "--scale", f"{scale:g}", "--data-dir", str(work)]
        )
        import duckdb

        n = duckdb.sql(f"select count(*) from '{work}/processed/dossiers/*.parquet'").fetchall()[0][0]
        m_time, m_mem, _ = run_measured([py, "-m", "helpers.cli", "mart", "--force", "--data-dir", str(work)])
        p_time, p_mem, _ = run_measured([py, "-m", "helpers.cli.bench", "pandas", str(work)])
        _, _, latency = run_measured([py, "-m", "helpers.cli.bench", "review", str(work)])
        return {
            "scale": scale,
            "dossiers": n,
            "sample_s": s_time,
            "sample_mib": s_mem,
            "mart_s": m_time,
            "mart_mib": m_mem,
            "pandas_s": p_time,
            "pandas_mib": p_mem,
            "review_s": float(latency),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


BUILD_UNITS = ["01", "08", "22", "38", "44", "48", "79", "92"]


def bench_build(n_units: int = len(BUILD_UNITS)) -> dict:
    """`p06 build` against the loop an analyst would write (papermill CLI, then
    `jupyter nbconvert --to html --no-input`, per unit), on the same units and data."""
    py = sys.executable
    bindir = Path(py).parent
    work = Path(tempfile.mkdtemp(prefix="p06-bench-build-"))
    units = BUILD_UNITS[:n_units]
    try:
        run_measured([py, "-m", "helpers.cli", "sample", "--data-dir", str(work)])
        run_measured([py, "-m", "helpers.cli", "mart", "--data-dir", str(work)])
        naive_dir = work / "naive"
        naive_dir.mkdir()
        source = Path(__file__).resolve().parents[2] / "notebooks" / "province_review.ipynb"
        started = time.perf_counter()
        for unit in units:
            out = naive_dir / f"{unit}.ipynb"
            run_measured(
                [
                    str(bindir / "papermill"),
                    str(source),
                    str(out),
                    "-p",
                    "unit",
                    unit,
                    "-p",
                    "period",
                    "2025",
                    "-p",
                    "data_dir",
                    str(work),
                    "-k",
                    "python3",
                    "--cwd",
                    str(source.parent),
                ]
            )
            run_measured([str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)])
        naive = time.perf_counter() - started
        cmd = [py, "-m", "helpers.cli", "build", "--period", "2025", "--data-dir", str(work)]
        units_args = [a for u in units for a in ("--unit", u)]
        same, _, _ = run_measured(cmd + units_args + ["--reports-dir", str(work / "r8")])
        full, _, _ = run_measured(cmd + ["--all", "--reports-dir", str(work / "all")])
        noop, _, _ = run_measured(cmd + ["--all", "--reports-dir", str(work / "all")])
        return {"units": len(units), "naive_s": naive, "build_s": same, "full_s": full, "noop_s": noop}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    scales = [float(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    print(f"{os.cpu_count()} cores; every figure from a fresh process; memory is peak RSS")
    b = bench_build()
    print(f"\np06 build, {b['units']} provincial reviews of 2025 on the scale-1 sample")
    print(
        f"  naive loop (papermill CLI + jupyter nbconvert --no-input per unit): "
        f"{b['naive_s']:.1f} s, {b['naive_s'] / b['units']:.1f} s per report"
    )
    print(
        f"  p06 build (pool of warm kernels, HTML rendered in process):          "
        f"{b['build_s']:.1f} s, {b['build_s'] / b['units']:.1f} s per report"
    )
    print(f"  speed-up: {b['naive_s'] / b['build_s']:.1f}x")
    print(
        f"  p06 build --all (34 provinces + national overview): {b['full_s']:.1f} s; "
        f"no-op rebuild: {b['noop_s']:.2f} s"
    )
    rows = [bench_scale(s) for s in scales]
    print("\np06 sample")
    print(f"{'scale':>6} {'dossiers':>13} {'seconds':>8} {'rows/s':>11} {'peak MiB':>9}")
    for r in rows:
        print(
            f"{r['scale']:>6g} {r['dossiers']:>13,} {r['sample_s']:>8.1f} "
            f"{r['dossiers'] / r['sample_s']:>11,.0f} {r['sample_mib']:>9.0f}"
        )
    print("\np06 mart (DuckDB, 4 levels, all blocks) vs pandas (dossier counts per province-month)")
    print(
        f"{'scale':>6} {'mart s':>8} {'rows/s':>12} {'MiB':>6} {'pandas s':>9} {'MiB':>6} "
        f"{'speed-up':>9} {'review() s':>11}"
    )
    for r in rows:
        print(
            f"{r['scale']:>6g} {r['mart_s']:>8.1f} {r['dossiers'] / r['mart_s']:>12,.0f} "
            f"{r['mart_mib']:>6.0f} {r['pandas_s']:>9.1f} {r['pandas_mib']:>6.0f} "
            f"{r['pandas_s'] / r['mart_s']:>8.1f}x {r['review_s']:>11.3f}"
        )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "pandas":
        pandas_baseline(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "review":
        review_latency(sys.argv[2])
    else:
        main()
