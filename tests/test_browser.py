"""Rendered reports in a real browser: headless Chromium (Debian's `chromium`, driven by
Playwright) opens the pages a build writes, at a phone's width (390 px) and a desktop's
(1280 px). Three data folders are built once for the module: a dossier-only export taken
through `p06 ingest` as the README's walkthrough does, the full synthetic sample, and data
whose free text is hostile (written straight to the canonical tables, as ingest would mask
or refuse some of it). Skipped, saying how to install it, where there is no Chromium."""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from test_indicators import write_frame

from helpers.batch.render import render_html
from helpers.core import reference
from helpers.core.paths import NOTEBOOK_DIR
from helpers.core.text import text
from helpers.data.schema import TABLES

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
    "section_official",
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
WIDTHS = (390, 1280)
PERIOD = "2025"
COMMUNE = "19372"  # a commune of Quảng Trị (44), in the dossier-only export
METHOD_SECTIONS = [text(k, "vi") for k in ("section_method", "commune_method", "overview_method")]
RAW_PERIOD = re.compile(r"\b\d{4}-(?:\d{2}|Q[1-4])\b|\d{4}\.\.\d{4}|\.\.\d{4}")
"""The command line's period syntax (`2025-Q3`, `2022-01..2023-12`), never a reader's."""
IDENTIFIER = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
NAMES = set(TABLES) | {c for t in TABLES.values() for c in t.names}
"""Tables and columns by their identifiers: a Vietnamese page names them in Vietnamese."""
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</td></tr></table><h1>x</h1>",
    "[x](javascript:alert(1))",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium: install it with `apt-get install -y chromium` (Debian, as root; "
    "`make test` does this where it can) or set P06_CHROMIUM to a Chromium binary",
)

LOOK = r"""(method) => {
  const width = document.documentElement.clientWidth;
  const texts = [];
  let skip = false;
  for (const el of document.querySelectorAll('h1,h2,h3,p,li,td,th,img')) {
    if (el.tagName === 'H2') skip = method.includes(el.innerText.trim());
    if (!skip) texts.push(el.tagName === 'IMG' ? el.alt : el.innerText);
  }
  const handlers = [...document.querySelectorAll('*')]
    .filter(e => [...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))).length;
  return {
    h1: [...document.querySelectorAll('h1')].map(e => e.innerText.trim()),
    h2: [...document.querySelectorAll('h2')].map(e => e.innerText.trim()),
    h3: [...document.querySelectorAll('h3')].map(e => e.innerText.trim()),
    images: [...document.querySelectorAll('img')].map(e => [e.complete && e.naturalWidth > 0, e.alt]),
    scroll: [document.documentElement.scrollWidth, width],
    past_edge: [...document.querySelectorAll('img,svg,table,canvas,pre')]
      .filter(e => e.getBoundingClientRect().right > width + 1)
      .map(e => e.tagName + (e.alt ? ': ' + e.alt : '')),
    texts: texts,
    rows: [...document.querySelectorAll('tr')].map(e => e.innerText.replace(/\s+/g, ' ')),
    body: document.body.innerText,
    scripts: [...document.querySelectorAll('script')].map(e => e.textContent),
    handlers: handlers,
    js_links: [...document.querySelectorAll('a[href]')]
      .filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript')).length,
  };
}"""

REACHABLE = """() => [...document.querySelectorAll('a[href]')].filter(a => {
  a.scrollIntoView({block: 'center', inline: 'center'});
  const r = a.getBoundingClientRect();
  return !(r.left >= 0 && r.right <= document.documentElement.clientWidth + 1 && window.scrollX === 0);
}).map(a => a.innerText)"""
"""Links a reader cannot bring on screen without scrolling the whole page sideways."""


COMMAND = re.compile(r"\bp06 [a-z]+(?: [^ ,;.)]+)*")
"""A command a reader is told to type (`p06 ingest <tệp> --table index_766 ...`): its words
are the command's, not slips."""


def reader_slips(texts: list[str]) -> set[str]:
    """Identifiers and period syntax in a reader's text (commands to type left aside)."""
    found: set[str] = set()
    for t in map(lambda t: COMMAND.sub("", t), texts):
        found |= set(RAW_PERIOD.findall(t)) | set(IDENTIFIER.findall(t))
        found |= {w for w in re.findall(r"[A-Za-z_]+", t) if w in NAMES}
    return found


# ---- the data folders and their reports, built once --------------------------------------------


def _dossier_export(path: Path, rows: int = 3000) -> Path:
    """A dossier export as a provincial system prints it (the README's walkthrough): title
    lines, the system's headers, applicants' names, no province, synchronisation, fee,
    payment or digitisation columns."""
    rnd = random.Random(6)
    communes = reference.communes()
    codes = communes.loc[communes["province_code"] == "44", "commune_code"].tolist()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("UBND TỈNH QUẢNG TRỊ\nBÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ TTHC\n\n")
        out = csv.writer(f, delimiter=";")
        out.writerow(["STT", "Số hồ sơ", "Người nộp", "Xã/Phường", "Ngày nhận", "Kênh nộp", "Hạn trả",
                      "Ngày trả kết quả thực tế", "Mức độ hài lòng"])  # fmt: skip
        for i in range(rows):
            received = date(2024, 1, 1) + timedelta(days=rnd.randrange(731))
            finished = received + timedelta(days=rnd.randint(1, 20))
            finished = finished if finished <= date(2025, 12, 31) and rnd.random() < 0.95 else None
            rating = (
                rnd.choice(["Hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", ""]) if finished else ""
            )
            out.writerow([
                i + 1, f"000.00.15.H45-{i:08d}", rnd.choice(["Trần Minh Lan", "Hoàng Thị Hà"]),
                COMMUNE if i % 10 == 0 else rnd.choice(codes), f"{received:%d/%m/%Y}",
                "Trực tuyến" if rnd.random() < 0.5 else "Trực tiếp",
                f"{received + timedelta(days=rnd.randint(3, 15)):%d/%m/%Y}",
                f"{finished:%d/%m/%Y}" if finished else "", rating,
            ])  # fmt: skip
    return path


def _national(data_dir: Path, target: Path) -> Path:
    """The national overview of the period, executed and rendered as a build renders it."""
    from helpers.batch.notebooks import execute

    os.environ["P06_CHART_FORMAT"] = "svg"
    try:
        nb = execute(
            NOTEBOOK_DIR / "national_overview.ipynb",
            target.with_suffix(".ipynb"),
            {"period": PERIOD, "lang": "vi", "data_dir": str(data_dir)},
        )
    finally:
        del os.environ["P06_CHART_FORMAT"]
    target.write_text(render_html(nb, "national"))
    return target


def _build(data_dir: Path, reports: Path, *units: str) -> Path:
    from helpers.cli.main import main

    args = ["build", "--period", PERIOD, "--format", "html,docx,xlsx"]
    args += [a for u in units for a in ("--unit", u)]
    assert main([*args, "--data-dir", str(data_dir), "--reports-dir", str(reports)]) == 0
    return reports


@pytest.fixture(scope="module")
def dossier_only(tmp_path_factory) -> Path:
    """The README's walkthrough: a dossier-only export ingested, then reviews built."""
    from helpers.cli.main import main

    root = tmp_path_factory.mktemp("walkthrough")
    export = _dossier_export(root / "exports" / "ho-so-2024-2025.csv")
    data = root / "mydata"
    assert (
        main(
            ["ingest", str(export.parent), "--table", "dossiers", "--province", "44", "--data-dir", str(data)]
        )
        == 0
    )
    reports = _build(data, root / "myreports", "44", COMMUNE)
    _national(data, reports / PERIOD / "national.html")
    return reports


@pytest.fixture(scope="module")
def full(full_sample, tmp_path_factory) -> Path:
    """The whole synthetic sample (every table, province and commune, at a small scale)."""
    data_dir, _ = full_sample
    reports = _build(data_dir, tmp_path_factory.mktemp("full-reports"), "44", COMMUNE)
    _national(data_dir, reports / PERIOD / "national.html")
    return reports


@pytest.fixture(scope="module")
def hostile(small_sample, tmp_path_factory) -> Path:
    """The small sample with every task's title, lead unit and id (free text people type)
    hostile, and a review of Quảng Trị built from it."""
    from helpers.data import storage

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(small_sample[0] / "processed", root / "processed")
    for old in storage.table_files(root, "tasks"):
        old.unlink()
    tasks = pd.DataFrame(
        [
            {"task_id": f"{p} {i}", "province_code": "44", "legacy_province_code": None, "group": 1 + i % 5,
             "title": p, "lead_unit": p, "assigned_on": "2025-07-01", "deadline": "2025-09-30",
             "completed_on": "2025-09-15" if i % 2 else None}
            for i, p in enumerate(HOSTILE * 2)
        ]
    )  # fmt: skip
    for column in ("assigned_on", "deadline", "completed_on"):
        tasks[column] = pd.to_datetime(tasks[column]).astype("datetime64[ms]")
    write_frame(tasks, root, "tasks", "hostile")
    return _build(root, root / "reports", "44")


@pytest.fixture(scope="module")
def chromium():
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def look(browser, path: Path, width: int = 1280, screenshot: Path | None = None) -> dict:
    """What a reader's browser shows of a page: outline, images, width, text, scripts, and
    the dialogs and console errors it raised."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    found = page.evaluate(LOOK, METHOD_SECTIONS)
    found["unreachable"] = page.evaluate(REACHABLE)
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return found | {"errors": errors, "dialogs": dialogs}


def _pages(reports: Path) -> dict[str, Path]:
    folder = reports / PERIOD
    return {
        "province": folder / "44.html",
        "commune": folder / "communes" / f"{COMMUNE}.html",
        "national": folder / "national.html",
        "period index": folder / "index.html",
        "commune index": folder / "communes" / "index-44.html",
        "index": reports / "index.html",
    }


# ---- every page on every screen -----------------------------------------------------------------


@pytest.mark.parametrize("data", ["dossier_only", "full"])
def test_every_page_fits_a_phone_and_a_desktop(data, chromium, request):
    reports = request.getfixturevalue(data)
    for name, path in _pages(reports).items():
        for width in WIDTHS:
            found = look(chromium, path, width)
            where = f"{name} at {width} px"
            assert found["scroll"][0] <= found["scroll"][1], f"{where}: the page scrolls sideways"
            assert found["past_edge"] == [], f"{where}: past the screen's edge: {found['past_edge']}"
            assert found["unreachable"] == [], f"{where}: links out of reach: {found['unreachable']}"
            assert all(loaded for loaded, _ in found["images"]), where
            assert found["errors"] == [] and found["dialogs"] == [], where


@pytest.mark.parametrize("data", ["dossier_only", "full"])
def test_reader_text_has_no_identifier_nor_period_syntax(data, chromium, request):
    pages = _pages(request.getfixturevalue(data))
    for name in ("province", "commune", "national"):
        found = look(chromium, pages[name])
        assert len(found["h1"]) == 1, name
        assert reader_slips(found["texts"]) == set(), name


def test_a_dossier_only_export_draws_no_chart_for_a_table_it_lacks(dossier_only, chromium):
    found = look(chromium, _pages(dossier_only)["province"])
    charts = [alt for _, alt in found["images"]]
    assert charts == [text("chart_dossiers_title", "vi")]  # the one chart its data can draw
    for key, missing in [
        ("chart_procedures_title", "table_procedures"),
        ("chart_identification_title", "table_identification"),
        ("chart_data_use_title", "table_services"),
    ]:
        reason = text("note_missing_table", "vi", table=text(missing, "vi"))
        assert text("chart_absent", "vi", title=text(key, "vi"), reasons=reason) in found["body"]
    # the series the export cannot measure are left out of the dossier chart and named under it
    assert (
        "Biểu đồ không vẽ: Hồ sơ đồng bộ (chưa đo được: dữ liệu không có cột “Đồng bộ lên Cổng DVCQG”)"
        in (found["body"])
    )
    # the baseline the export does not reach is said once, with the earliest it covers
    assert found["body"].count("Dữ liệu không có số liệu của kỳ gốc (năm 2021)") == 1
    assert "Kỳ gốc sớm nhất dữ liệu có: năm 2024." in found["body"]


@pytest.mark.parametrize(
    ("data", "points"),
    # the dossier-only export measures progress (20 points), dossiers online (6) and
    # satisfaction (6); the full sample every part but the 34 points no data here measures
    [("dossier_only", 20 + 6 + 6), ("full", 100 - 34)],
)
def test_the_score_says_what_it_covers_beside_its_number(data, points, chromium, request):
    # dossier-only export: on time of those received 20, dossiers online 6, satisfied 6; the full
    # sample adds published 6, synced 6, procedures online 6, paid online 6, e-result 6, digitised 4
    pages = _pages(request.getfixturevalue(data))
    covers = text("score_covers_short", "vi", covered=points)
    beside = re.compile(rf"\d+,\d\d \({re.escape(covers)}\)")
    name = reference.indicators().at["score_766", "name_vi"]
    province = look(chromium, pages["province"])
    row = next(t for t in province["rows"] if t.startswith(name))
    assert beside.search(row), row  # the key results table's row
    assert beside.search(look(chromium, pages["period index"])["body"])  # the index's figure
    short = reference.indicators().at["score_766", "short_vi"]
    assert f"{short}: {covers}." in look(chromium, pages["national"])["body"]


def test_the_word_report_from_partial_data_says_what_its_score_covers(dossier_only):
    from docx import Document

    doc = Document(dossier_only / PERIOD / "44.docx")
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    (score,) = [p for p in paragraphs if p.startswith("- Điểm Bộ chỉ số phục vụ người dân") and " đạt " in p]
    assert re.search(r"đạt \d+,\d\d điểm \(tính trên 32/100 điểm\)", score), score
    assert reader_slips(paragraphs + cells) == set()


# ---- text is text -------------------------------------------------------------------------------


def test_hostile_text_is_shown_as_text_and_runs_nothing(hostile, chromium):
    page = hostile / PERIOD / "44.html"
    found = look(chromium, page)
    assert found["dialogs"] == [], "a script from data ran"
    assert not [s for s in found["scripts"] if "alert" in s], "a script element came from data"
    assert found["handlers"] == 0, "an element with an event handler came from data"
    assert found["js_links"] == 0, "a javascript: link came from data"
    assert found["h1"] == [text("title_province", "vi", unit_name="Quảng Trị")]
    assert found["h2"] == [text(key, "vi") for key in SECTIONS]
    assert found["h3"] == [text("heading_shortcomings", "vi"), text("heading_next_tasks", "vi")]
    for payload in HOSTILE:
        assert payload in found["body"], payload  # shown, as typed (the tasks table, the overdue task)
    assert found["errors"] == []


# ---- the notebooks' stored outputs --------------------------------------------------------------


@pytest.fixture(scope="module")
def page_of(chromium, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")

    def open_report(notebook: str) -> dict:
        path = folder / f"{notebook}.html"
        path.write_text(render_html(nbformat.read(NOTEBOOK_DIR / f"{notebook}.ipynb", 4), notebook))
        return look(chromium, path, screenshot=folder / f"{notebook}.png")

    return open_report


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
