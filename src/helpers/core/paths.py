"""Where the repository keeps things, and which data folder a command or notebook reads."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
REFERENCE_DIR = REPO / "data" / "reference"
NOTEBOOK_DIR = REPO / "notebooks"


def resolve_data_dir(data_dir: str | Path = "") -> Path:
    """An empty data_dir means $P06_DATA_DIR, or the repository's data/ folder."""
    if str(data_dir).strip():
        return Path(data_dir)
    return Path(os.environ.get("P06_DATA_DIR") or REPO / "data")
