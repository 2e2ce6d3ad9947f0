"""The README's pictures, made from real output (kept for provenance; run by hand).

    python scripts/make_readme_images.py WALKTHROUGH_REPORTS SAMPLE_REPORTS

WALKTHROUGH_REPORTS is the reports folder of the README's walkthrough (a dossier-only
export ingested, `p06 build --period 2025 --unit 44 --format html,docx,xlsx`); SAMPLE_REPORTS
one holding the seed review (`p06 build --period 2022-01..2023-12 --unit legacy/45 --format
html,docx,xlsx` on the sample). Needs Chromium (Playwright drives it), LibreOffice and
poppler's `pdftoppm`:

- docs/images/phone-page.png: three screens of the walkthrough's review on a 390 px phone;
- docs/images/document-page1.png, document-charts.png: printed pages of the seed review's
  Word report (its first page; the page of its peer rankings);
- docs/images/workbook.png: the printed cover and indicator sheet of its Excel appendix.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
PHONE = {"width": 390, "height": 844}
SCREENS = (0, 1, 2)
"""Where each phone screen starts: the first, second and third section headings (None: the top)."""


def side_by_side(images: list[Image.Image], gap: int = 24, background: str = "#d0d4d9") -> Image.Image:
    height = max(i.height for i in images)
    out = Image.new(
        "RGB", (sum(i.width for i in images) + gap * (len(images) + 1), height + 2 * gap), background
    )
    x = gap
    for image in images:
        out.paste(image, (x, gap))
        x += image.width + gap
    return out


def phone_page(page: Path, target: Path) -> None:
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        view = browser.new_page(viewport=PHONE, device_scale_factor=1.5)
        view.goto(page.resolve().as_uri())
        for n, heading in enumerate(SCREENS):
            if heading is None:
                view.evaluate("window.scrollTo(0, 0)")
            else:
                view.evaluate("i => document.querySelectorAll('h2')[i].scrollIntoView()", heading)
            path = Path(tmp) / f"{n}.png"
            view.screenshot(path=str(path))
            shots.append(Image.open(path).convert("RGB"))
        browser.close()
        side_by_side(shots).save(target, optimize=True)


def printed(document: Path, pages: list[int], dpi: int = 100) -> list[Image.Image]:
    """Pages of a Word or Excel file as LibreOffice prints them."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(document)],
            check=True,
            capture_output=True,
        )
        pdf = Path(tmp) / f"{document.stem}.pdf"
        out = []
        for page in pages:
            stem = Path(tmp) / f"page{page}"
            pick = ["-f", str(page), "-l", str(page), "-singlefile"]
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), *pick, str(pdf), str(stem)], check=True)
            out.append(Image.open(f"{stem}.png").convert("RGB"))
        return out


def main(walkthrough: Path, sample: Path) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    phone_page(walkthrough / "2025" / "44.html", IMAGES / "phone-page.png")
    seed = sample / "2022-01..2023-12"
    first, charts = printed(seed / "legacy-45.docx", [1, 7])
    first.save(IMAGES / "document-page1.png", optimize=True)
    charts.save(IMAGES / "document-charts.png", optimize=True)
    cover, table = printed(seed / "legacy-45.xlsx", [1, 5], dpi=70)
    side_by_side([cover, table]).save(IMAGES / "workbook.png", optimize=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
