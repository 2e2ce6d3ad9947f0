"""The index pages of a build on a phone: at 390 px the page is no wider than the screen,
the table scrolls sideways in a box of its own, and every link in it can be reached."""

from __future__ import annotations

import pytest
from test_browser import CHROMIUM, FLAGS

from helpers.batch.index import write_indexes
from helpers.core import reference

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (see tests/test_browser.py)")


def _reports() -> dict:
    figures = {"score_766": 82.1, "dossiers_online_pct": 61.9, "cccd_issued_total": 7477420}
    built = {"status": "built", "outputs": ["html", "docx", "xlsx", "ipynb"], "values": figures}
    reports = {c: {"unit": c, **built} for c in reference.provinces()["province_code"]}
    reports["national"] = {"unit": None, **built}
    reports["communes/19333"] = {"unit": "19333", **built}
    return reports


def test_the_period_index_reads_on_a_phone(tmp_path):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    folder = tmp_path / "2025"
    folder.mkdir()
    write_indexes(tmp_path, folder, _reports(), "vi")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for page_path in (folder / "index.html", folder / "communes" / "index-44.html"):
            page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            page.goto(page_path.as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") == 390  # no sideways page
            box = page.evaluate(
                "(() => {const b = document.querySelector('.p06-scroll');"
                " return [b.clientWidth, b.scrollWidth]})()"
            )
            assert box[0] < 390  # the box fits the screen; a wider table scrolls in it
            links = page.locator(".p06-scroll a")
            for i in (0, links.count() - 1):  # the first and the last link of the table
                link = links.nth(i)
                link.scroll_into_view_if_needed()
                found = link.bounding_box()
                assert found["x"] >= 0 and found["x"] + found["width"] <= 390, (page_path.name, i, found)
                # the middle of its first line of text is the link itself, nothing over it
                middle = link.evaluate(
                    "a => {const r = a.getClientRects()[0]; return [r.x + r.width / 2, r.y + r.height / 2]}"
                )
                hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).outerHTML", middle)
                assert hit.startswith(f'<a href="{link.get_attribute("href")}"'), (page_path.name, i, hit)
            page.close()
        browser.close()
