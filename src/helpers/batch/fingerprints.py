"""What a report depends on, as one hash: a report is rebuilt only when it changes.

The notebook's cells (not its stored outputs), the job's parameters, the helper code and
reference data, the package versions, and the content of the data files whose rows start
before the end of the report's period.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from helpers.batch.plan import Job
from helpers.data.fingerprints import files_until


def fingerprint(job: Job, files: list[dict], code: str, packages: str) -> str:
    """The hash of everything `job` reads."""
    reads = files_until(files, job.period.end_day)
    payload = json.dumps(
        {
            "notebook": notebook_digest(job.kind.notebook),
            "parameters": {k: v for k, v in job.parameters.items() if k != "data_dir"},
            "code": code,
            "packages": packages,
            "data": reads,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@lru_cache(maxsize=8)
def _digest_of(path: Path, mtime_ns: int) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [(c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", [])) for c in cells]
    return hashlib.sha256(json.dumps(code).encode()).hexdigest()


def notebook_digest(path: Path) -> str:
    """A hash of a notebook's cells and tags, not of its stored outputs: refreshing the
    stored outputs (`make notebooks`) does not make every report stale."""
    return _digest_of(path, path.stat().st_mtime_ns)
