"""Measuring a command as `make bench` does: wall time, and the peak of the summed resident
memory of the command and every process it starts (sampled every 0.5 s)."""

from __future__ import annotations

import os
import subprocess
import threading
import time


def run_group(argv: list[str]) -> tuple[float, float, str]:
    """Run a command; return wall seconds, the peak of the summed RSS of it and every
    process it starts (MiB), and what it printed."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _group_rss(proc.pid))
            done.wait(0.5)  # often enough for runs of seconds, seldom enough to cost nothing

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {err.decode()[-800:]}")
    return time.perf_counter() - started, peak[0] / 1024, out.decode()


def _group_rss(root: int) -> float:
    """KiB of resident memory of a process and every process it started, directly or not
    (a build's fork server and worker processes)."""
    parents, rss = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as fh:
                parents[int(pid)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/status") as fh:
                rss[int(pid)] = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        except (FileNotFoundError, ProcessLookupError, StopIteration, PermissionError, IndexError):
            continue
    family, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grown = bool(more)
    return float(sum(rss.get(pid, 0) for pid in family))
