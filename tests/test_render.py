"""The rendered page: images keep the alt text their outputs carry, outputs are focusable,
cells tagged to be removed are gone (a hand-made notebook, no kernel)."""

import base64

import nbformat

from helpers.batch.render import render_html

PIXEL = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()  # the bytes are not looked at
SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'></svg>"


def _image(data: dict, alt: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data", data={**data, "text/plain": alt}, metadata={m: {"alt": alt} for m in data}
    )


def test_each_chart_keeps_its_own_alt_text_and_outputs_are_focusable():
    nb = nbformat.v4.new_notebook()
    hidden = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["remove"]})
    hidden.outputs = [_image({"image/png": PIXEL}, "hidden chart")]
    first = nbformat.v4.new_code_cell("chart()")
    first.outputs = [_image({"image/png": PIXEL}, "Hồ sơ theo tháng")]
    second = nbformat.v4.new_code_cell("chart()")
    second.outputs = [_image({"image/svg+xml": SVG, "image/png": PIXEL}, 'Tỷ lệ "trực tuyến" & mục tiêu')]
    heading = nbformat.v4.new_markdown_cell("## Kết quả chủ yếu")
    nb.cells = [heading, hidden, first, second]

    page = render_html(nb, "t")

    assert page.count("<img ") == 2  # the removed cell's chart is gone; SVG shown, not also PNG
    assert 'alt="Hồ sơ theo tháng"' in page
    assert 'alt="Tỷ lệ &quot;trực tuyến&quot; &amp; mục tiêu"' in page  # escaped in the attribute
    assert "hidden chart" not in page
    assert page.count('tabindex="0"') == 2  # each output, for readers who use the keyboard
    assert ">Kết quả chủ yếu<" in page  # the heading in Vietnamese text, not character references


def test_alt_text_follows_the_output_it_belongs_to():
    """An output shown as HTML though it also carries an image, and an image written in
    Markdown, take no chart's alt text."""
    nb = nbformat.v4.new_notebook()
    both = nbformat.v4.new_code_cell("table()")
    both.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": "<p>a table &#150; kept</p>", "image/png": PIXEL},
            metadata={"image/png": {"alt": "not shown"}},
        )
    ]
    logo = nbformat.v4.new_markdown_cell(f"![logo](data:image/png;base64,{PIXEL})")
    chart = nbformat.v4.new_code_cell("chart()")
    chart.outputs = [_image({"image/png": PIXEL}, "Điểm QĐ 766")]
    nb.cells = [both, logo, chart]

    page = render_html(nb, "t")

    assert "not shown" not in page  # the HTML was shown, not the image
    assert 'alt="logo"' in page and 'alt="Điểm QĐ 766"' in page
    assert page.count("alt=") == 2
    assert "&#150;" in page  # a reference outside headings is left as written
