"""Figures a notebook records by name, for whoever runs it (the batch build's index pages,
tests), in scrapbook's format: a display output of type `application/scrapbook.scrap.json+json`
that names the record. Readers look a record up by its name, never by its position."""

from __future__ import annotations

MIME = "application/scrapbook.scrap.json+json"


def glue(name: str, data: dict) -> None:
    """Record `data` (plain JSON) under `name` in the notebook's outputs, shown to nobody."""
    from IPython.display import display

    payload = {"name": name, "data": data, "encoder": "json", "version": 1}
    display({MIME: payload}, metadata={"scrapbook": {"name": name, "data": True, "display": False}}, raw=True)


def read(notebook, name: str) -> dict | None:
    """The data recorded under `name` in an executed notebook (a NotebookNode or its dict)."""
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(MIME)
            if payload and payload.get("name") == name:
                return payload["data"]
    return None
