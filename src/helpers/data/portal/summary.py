"""What `p06 ingest --table index_766` says it did, as lines for the terminal."""

from __future__ import annotations


def describe(summary: dict) -> list[str]:
    """The summary of `ingest_index` as lines for the terminal, in English."""
    lines = [
        f"Ingested {summary['rows']:,} rows of the portal's Decision 766 index for {summary['period']} "
        f"as of {summary['as_of']} into {summary['folder']}:"
    ]
    for f in summary["files"]:
        group = "" if f["group"] in ("all", "") else f", group {f['group']}"
        lines.append(f"  {f['file']}: {f['shape']}{group}, {f['rows']:,} rows")
    m = summary["matched"]
    lines.append(
        f"  names matched: {m['province']} provinces, {m['commune']} communes; "
        f"{summary['departments']} departments kept under the portal's code and name; "
        f"{summary['unmatched']} names matched no unit, {summary['ambiguous']} matched two or more"
    )
    for item in summary["names"]:
        more = f" ({item['candidates']})" if item["candidates"] else ""
        lines.append(f"    {item['status']} {item['level']}: {item['name']!r}: {item['reason']}{more}")
    for item in summary["dropped"]:
        lines.append(f"  not kept: {item['file']}, {item['where']}, {item['field']}: {item['reason']}")
    if summary["unknown_metrics"]:
        lines.append(
            f"  metric codes the catalog does not score (kept): {', '.join(summary['unknown_metrics'])}"
        )
    if summary["written"]:
        lines.append(f"  snapshots written: {', '.join(sorted(summary['written']))}")
    if summary["replaced"]:
        lines.append(f"  replaced what was stored for: {', '.join(summary['replaced'])}")
    return lines
