"""A rendered report in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright) opens the page; it must have its outline headings, every image must load and
the console must stay free of errors. Skipped, saying how to install it, where there is no
Chromium."""

from __future__ import annotations

import os
import shutil

import nbformat
import pytest

from helpers.batch.render import render_html
from helpers.core.paths import NOTEBOOK_DIR
from helpers.core.text import text

CHROMIUM = os.environ.get("P06_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECTIONS = [
    "section_key_results",
    "section_procedures",
    "section_identification",
    "section_data_use",
    "section_tasks",
    "section_peers",
    "section_communes",
    "section_shortcomings",
    "section_commendation",
    "section_method",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium: install it with `apt-get install -y chromium` (Debian, as root; "
    "`make test` does this where it can) or set P06_CHROMIUM to a Chromium binary",
)


@pytest.fixture(scope="module")
def page_of(tmp_path_factory):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    folder = tmp_path_factory.mktemp("browser")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        def open_report(notebook: str) -> dict:
            path = folder / f"{notebook}.html"
            path.write_text(render_html(nbformat.read(NOTEBOOK_DIR / f"{notebook}.ipynb", 4), notebook))
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            found = {
                "h1": page.eval_on_selector_all("h1", "els => els.map(e => e.innerText.trim())"),
                "h2": page.eval_on_selector_all("h2", "els => els.map(e => e.innerText.trim())"),
                "images": page.eval_on_selector_all(
                    "img", "els => els.map(e => [e.complete && e.naturalWidth > 0, e.alt])"
                ),
                "errors": errors,
            }
            page.screenshot(path=str(folder / f"{notebook}.png"), full_page=True)
            page.close()
            return found

        yield open_report
        browser.close()


def test_the_province_review_has_its_outline_and_every_chart(page_of):
    found = page_of("province_review")
    assert len(found["h1"]) == 1 and found["h1"][0].startswith("Báo cáo kết quả thực hiện Đề án 06")
    assert found["h2"] == [text(key, "vi") for key in SECTIONS]
    assert len(found["images"]) == 8  # the seed review's eight charts
    assert all(loaded for loaded, _ in found["images"]), found["images"]
    assert all(alt for _, alt in found["images"])  # every chart says what it shows: its title,
    assert not any(alt.startswith("No description") for _, alt in found["images"])  # not a placeholder
    assert found["errors"] == []


def test_the_national_overview_has_its_outline(page_of):
    found = page_of("national_overview")
    assert found["h1"] == [text("title_national", "vi")]
    assert text("overview_table", "vi") in found["h2"] and len(found["h2"]) == 5
    assert found["images"] and all(loaded for loaded, _ in found["images"])
    assert found["errors"] == []
