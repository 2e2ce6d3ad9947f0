"""`make bench`: measured times and peak memory, printed side by side in one run.

Each measurement runs in a fresh process so its peak memory (max RSS) is its own.
Scales come from BENCH_SCALES (default "1 10"); `BENCH_SCALES="1 50" make bench`
reproduces the README's largest figure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_measured(argv: list[str]) -> tuple[float, float]:
    """Run a command; return its wall time in seconds and its peak memory in MiB."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.read().decode()[:500]}")
    return elapsed, usage.ru_maxrss / 1024


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench_sample(scales: list[float]) -> list[dict]:
    """Time, memory and output of `p06 sample` at each scale."""
    rows = []
    for scale in scales:
        work = Path(tempfile.mkdtemp(prefix="p06-bench-"))
        try:
            cmd = [
                sys.executable,
                "-m",
                "helpers.cli",
                "sample",
                "--scale",
                f"{scale:g}",
                "--data-dir",
                str(work),
            ]
            seconds, mib = run_measured(cmd)
            import duckdb

            n = duckdb.sql(f"select count(*) from '{work}/processed/dossiers/*.parquet'").fetchall()[0][0]
            rows.append(
                {
                    "scale": scale,
                    "dossiers": n,
                    "seconds": seconds,
                    "peak_mib": mib,
                    "disk_mib": folder_size(work / "processed") / 2**20,
                }
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return rows


def main() -> None:
    scales = [float(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    print(f"p06 sample: {os.cpu_count()} cores; each run in a fresh process")
    print(f"{'scale':>6} {'dossiers':>13} {'seconds':>9} {'rows/s':>11} {'peak MiB':>9} {'disk MiB':>9}")
    rows = bench_sample(scales)
    for r in rows:
        print(
            f"{r['scale']:>6g} {r['dossiers']:>13,} {r['seconds']:>9.1f} "
            f"{r['dossiers'] / r['seconds']:>11,.0f} {r['peak_mib']:>9.0f} {r['disk_mib']:>9.0f}"
        )
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        print(
            f"memory for {b['dossiers'] / a['dossiers']:.0f}x the dossiers: "
            f"{b['peak_mib'] / a['peak_mib']:.2f}x (chunked writes keep it flat)"
        )


if __name__ == "__main__":
    main()
