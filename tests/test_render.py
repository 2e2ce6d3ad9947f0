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
