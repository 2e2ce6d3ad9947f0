"""`make bench`: measured times and peak memory, each against what a user would otherwise do
(or the physical floor), side by side in one run. Every figure comes from a fresh process.

1. p06 build: 8 provincial reviews of 2025 against the loop an analyst would write (papermill
   CLI, then `jupyter nbconvert --to html --no-input`, per unit); all 35 reports; a no-op rebuild.
2. Commune reviews: one province's batch (time per report per core, peak memory of the whole
   batch) against the floor of one review, each measured twice in turn; the country's 3,321
   extrapolated from it.
3. `p06 indicators`: one call, against the floor of starting Python and importing what it needs.
4. `p06 ingest`: a 1,000,000-row CSV and a 100,000-row .xlsx against the fastest plain readers.
5. `p06 sample` and `p06 mart` (against a pandas notebook) at each scale of BENCH_SCALES.

Peak memory is the largest sum of the resident memory of a command and every process it
starts (worker processes included), sampled every 0.5 s.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from helpers.cli.measure import run_group

BUILD_UNITS = ["01", "08", "22", "38", "44", "48", "79", "92"]
COMMUNE_PROVINCE = "44"  # Quảng Trị: 78 communes and wards
COMMUNES_IN_COUNTRY = 3321


def pandas_baseline(data_dir: str) -> None:
    """Monthly dossier counts per province, the way a notebook would compute them."""
    import pandas as pd

    from helpers.data.storage import table_dir

    df = pd.read_parquet(table_dir(data_dir, "dossiers"))
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
    print(len(received.join(finished, how="outer").fillna(0)))


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


def _p06(*args: str) -> list[str]:
    return [sys.executable, "-m", "helpers.cli", *args]


def bench_scale(scale: float) -> dict:
    work = Path(tempfile.mkdtemp(prefix="p06-bench-"))
    try:
        s_time, s_mem, _ = run_group(_p06("sample", "--scale", f"{scale:g}", "--data-dir", str(work)))
        import duckdb

        from helpers.data.storage import table_dir

        dossiers = table_dir(work, "dossiers") / "*.parquet"
        n = duckdb.sql(f"select count(*) from '{dossiers}'").fetchall()[0][0]
        m_time, m_mem, _ = run_group(_p06("mart", "--force", "--data-dir", str(work)))
        p_time, p_mem, _ = run_group([sys.executable, "-m", "helpers.cli.bench", "pandas", str(work)])
        _, _, latency = run_group([sys.executable, "-m", "helpers.cli.bench", "review", str(work)])
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


def bench_build(work: Path) -> dict:
    """`p06 build` against the naive loop, on the same 8 units and data; then all 35 reports
    and a no-op rebuild."""
    bindir = Path(sys.executable).parent
    naive_dir = work / "naive"
    naive_dir.mkdir()
    source = Path(__file__).resolve().parents[3] / "notebooks" / "province_review.ipynb"
    started = time.perf_counter()
    for unit in BUILD_UNITS:
        out = naive_dir / f"{unit}.ipynb"
        params = ["-p", "unit", unit, "-p", "period", "2025", "-p", "data_dir", str(work)]
        run_group(
            [
                str(bindir / "papermill"),
                str(source),
                str(out),
                *params,
                "-k",
                "python3",
                "--cwd",
                str(source.parent),
            ]
        )
        run_group([str(bindir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)])
    naive = time.perf_counter() - started
    build = _p06("build", "--period", "2025", "--data-dir", str(work))
    units = [a for u in BUILD_UNITS for a in ("--unit", u)]
    runs = []
    for i in range(3):  # the median of three, each from scratch (the machine is shared)
        shutil.rmtree(work / "mart" / "shared", ignore_errors=True)
        runs.append(run_group([*build, *units, "--reports-dir", str(work / f"r8-{i}")]))
    same, same_mib, _ = sorted(runs)[1]
    full, full_mib, _ = run_group([*build, "--all", "--reports-dir", str(work / "all")])
    noop, _, _ = run_group([*build, "--all", "--reports-dir", str(work / "all")])
    every_format = ["--format", "html,docx,xlsx", "--reports-dir", str(work / "docs")]
    docs, _, _ = run_group([*build, *units, *every_format])
    return {
        "units": len(BUILD_UNITS),
        "naive_s": naive,
        "build_s": same,
        "build_mib": same_mib,
        "full_s": full,
        "full_mib": full_mib,
        "noop_s": noop,
        "docs_s": docs,
    }


def bench_communes(work: Path, rounds: int = 2) -> dict:
    """One province's commune reviews in one batch against their floor, measured in turn in
    the same run (the machine may be shared): the floor is one review's cells run in one
    warm process and its page rendered, per report on one core."""
    from helpers.core import reference

    com = reference.communes()
    n = int((com["province_code"] == COMMUNE_PROVINCE).sum())
    runs = []
    for i in range(rounds):
        _, _, floor = run_group(
            [sys.executable, "-m", "helpers.cli.bench", "floor", str(work), COMMUNE_PROVINCE]
        )
        args = ["--communes-of", COMMUNE_PROVINCE, "--reports-dir", str(work / f"communes-{i}")]
        seconds, mib, _ = run_group(_p06("build", "--period", "2025", "--data-dir", str(work), *args))
        runs.append({"floor_s": float(floor), "seconds": seconds, "mib": mib})
    return {"province": COMMUNE_PROVINCE, "communes": n, "cores": os.cpu_count() or 1, "runs": runs}


def commune_floor(data_dir: str, province: str) -> None:
    """Seconds per commune review on one core at its floor: the notebook's cells run in one
    warm process (the computations a batch shares read once, one review run first to warm
    up) and the page rendered; no papermill, no kernel, no files. Median of the province's."""
    import copy
    import json

    import nbformat

    from helpers.batch.inprocess import run_cell, shell
    from helpers.batch.render import render_html
    from helpers.batch.worker import Shared, preload, warm_up
    from helpers.core import reference
    from helpers.core.periods import DEFAULT_BASELINE, parse_period
    from helpers.data import storage
    from helpers.engine.mart import refresh_mart
    from helpers.report.kinds import COMMUNE_REVIEW
    from helpers.report.style import CHART_FORMAT

    warm_up()
    refresh_mart(data_dir)
    storage.shared_connection().sql("SET threads = 1")  # one core, as each worker of a build
    periods = (parse_period("2025"), parse_period(DEFAULT_BASELINE))
    preload(Shared(data_dir, COMMUNE_REVIEW.reads["commune"], periods))
    source = json.loads(COMMUNE_REVIEW.notebook.read_text(encoding="utf-8"))
    notebook = nbformat.reads(json.dumps(source), 4)
    com = reference.communes()
    codes = com.loc[com["province_code"] == province, "commune_code"].tolist()
    os.environ[CHART_FORMAT] = "svg"  # as a build's page takes them
    sh = shell()
    times = []
    for code in codes[:1] + codes:
        started = time.perf_counter()
        nb = copy.deepcopy(notebook)
        sh.forget()
        sh.user_ns.update(unit=code, period="2025", baseline=DEFAULT_BASELINE, lang="vi", data_dir=data_dir)
        for cell in nb.cells:
            if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
                run_cell(sh, cell)
        render_html(nb, code)
        times.append(time.perf_counter() - started)
    print(statistics.median(times[1:]))


def bench_indicators(work: Path) -> dict:
    """One `p06 indicators` call (median of five fresh processes) against the floor: Python
    starting and importing pandas and DuckDB, which the command needs."""
    cmd = _p06("indicators", "--unit", "44", "--period", "2025", "--format", "json", "--data-dir", str(work))
    run_group(cmd)  # the mart is up to date after this one
    calls = sorted(run_group(cmd)[0] for _ in range(5))
    floor = sorted(
        run_group([sys.executable, "-c", "import pandas, duckdb, numpy, pyarrow"])[0] for _ in range(5)
    )
    python = sorted(run_group([sys.executable, "-c", "pass"])[0] for _ in range(5))
    return {"call_s": calls[2], "floor_s": floor[2], "python_s": python[2]}


def _print_build(b: dict) -> None:
    print(f"\np06 build, {b['units']} provincial reviews of 2025 on the scale-1 sample")
    print(
        f"  naive loop (papermill CLI + jupyter nbconvert --no-input per unit): "
        f"{b['naive_s']:6.1f} s, {b['naive_s'] / b['units']:.2f} s per report"
    )
    print(
        f"  p06 build (warm worker processes, shared computations; median of 3): "
        f"{b['build_s']:6.1f} s, {b['build_s'] / b['units']:.2f} s per report, peak {b['build_mib']:.0f} MiB"
    )
    print(f"  speed-up: {b['naive_s'] / b['build_s']:.1f}x")
    print(f"  the same 8 with Word and Excel (--format html,docx,xlsx): {b['docs_s']:.1f} s")
    print(
        f"  p06 build --all (34 provinces + national overview): {b['full_s']:.1f} s, "
        f"peak {b['full_mib']:.0f} MiB; no-op rebuild: {b['noop_s']:.2f} s"
    )


def _print_communes(c: dict) -> None:
    n, cores = c["communes"], c["cores"]
    print(
        f"\nCommune reviews of 2025: the {n} communes of province {c['province']} in one batch; their floor"
    )
    print("  (floor: one review's cells run in one warm process and its page rendered, on one core)")
    for r in c["runs"]:
        per_core = r["seconds"] * cores / n
        print(
            f"  floor {r['floor_s'] * 1000:4.0f} ms per report; p06 build {r['seconds']:5.1f} s, "
            f"{per_core * 1000:4.0f} ms per report per core ({per_core / r['floor_s']:.2f}x the floor); "
            f"peak {r['mib']:.0f} MiB for the whole batch"
        )
    per = min(r["seconds"] for r in c["runs"]) / n
    print(
        f"  the country's {COMMUNES_IN_COUNTRY:,} (extrapolated from the faster batch, not measured): "
        f"about {COMMUNES_IN_COUNTRY * per / 60:.0f} min on this machine"
    )


def _print_indicators(i: dict) -> None:
    print("\np06 indicators --unit 44 --period 2025 --format json (median of 5 fresh processes)")
    print(
        f"  {i['call_s']:.2f} s; floor: Python importing pandas, DuckDB, NumPy, pyarrow {i['floor_s']:.2f} s "
        f"(Python alone {i['python_s']:.2f} s): {i['call_s'] - i['floor_s']:.2f} s above the floor"
    )


def _print_scales(rows: list[dict]) -> None:
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


def main() -> None:
    from helpers.cli.bench_ingest import bench_ingest, print_ingest

    scales = [float(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    print(f"{os.cpu_count()} cores; every figure from a fresh process")
    work = Path(tempfile.mkdtemp(prefix="p06-bench-build-"))
    try:
        run_group(_p06("sample", "--data-dir", str(work)))
        run_group(_p06("mart", "--data-dir", str(work)))
        _print_build(bench_build(work))
        _print_communes(bench_communes(work))
        _print_indicators(bench_indicators(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_ingest(bench_ingest())
    _print_scales([bench_scale(s) for s in scales])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "pandas":
        pandas_baseline(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "review":
        review_latency(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "floor":
        commune_floor(sys.argv[2], sys.argv[3])
    else:
        main()
