"""Derive the legacy (pre-July-2025) province of each current commune.

One-off derivation, kept for provenance. Decision 19/2025/QĐ-TTg gives each new
commune the code of one of the wards merged into it, so a current commune code
that appears in the pre-2025 ward list names its legacy province directly. The
few special zones whose code is new take the province of the nearest lower
pre-2025 ward code (codes were allocated in blocks per province).

Usage (inputs are the division lists shipped by the PyPI package
vietnam-provinces: 0.6.0 for the 63-province era, 2025.x for the current one):

    python scripts/derive_commune_legacy.py OLD_nested-divisions.json \
        NEW_flat-divisions.json > data/reference/commune_legacy.csv
"""

import bisect
import csv
import json
import sys
from pathlib import Path


def main(old_path: str, new_path: str) -> None:
    old = json.loads(Path(old_path).read_text(encoding="utf-8"))
    ward_province = {w["code"]: p["code"] for p in old for d in p["districts"] for w in d["wards"]}
    codes = sorted(ward_province)
    new = json.loads(Path(new_path).read_text(encoding="utf-8"))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["commune_code", "legacy_province_code", "method"])
    for ward in sorted(new, key=lambda w: w["code"]):
        code = ward["code"]
        if code in ward_province:
            legacy, method = ward_province[code], "retained_code"
        else:
            legacy = ward_province[codes[bisect.bisect_left(codes, code) - 1]]
            method = "nearest_lower_code"
        out.writerow([f"{code:05d}", f"{legacy:02d}", method])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
