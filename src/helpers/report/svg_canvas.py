"""matplotlib's SVG output with every text measured once per process.

To lay out a chart matplotlib measures each piece of text it draws (tick labels, titles,
legends) and remembers the sizes only for the renderer of one figure: every chart of a
report, and every report of a batch, measures "01/2025", "0", "20"... again, a third of the
time of saving a chart as SVG. Here the sizes are remembered for the process, keyed by the
text, its font properties and whether it is mathematics, which is all they depend on in
SVG (drawn at a fixed 72 dpi). The files are the same bytes.

Used as a backend module of `Figure.savefig` (`backend="module://helpers.report.svg_canvas"`).
"""

from __future__ import annotations

from functools import lru_cache

from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.textpath import TextToPath

BACKEND = "module://helpers.report.svg_canvas"

_TEXT = TextToPath()


@lru_cache(maxsize=16384)
def _measured(text: str, prop, ismath) -> tuple[float, float, float]:
    return _TEXT.get_text_width_height_descent(text, prop, ismath)


class RendererMeasuredSVG(RendererSVG):
    def get_text_width_height_descent(self, s, prop, ismath):
        # a copy: FontProperties are mutable, and hash as their current properties
        return _measured(s, prop.copy(), ismath)


class FigureCanvas(FigureCanvasSVG):
    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **for_other_formats):
        """matplotlib's `print_svg` to a text stream (what `plots.svg_text` gives), with the
        renderer above. `savefig` passes a third party's canvas also the arguments of other
        formats (dpi, colours, orientation), which matplotlib drops for its own SVG canvas."""
        dpi = self.figure.dpi
        self.figure.dpi = 72
        width, height = self.figure.get_size_inches()
        renderer = MixedModeRenderer(
            self.figure,
            width,
            height,
            dpi,
            RendererMeasuredSVG(width * 72, height * 72, filename, image_dpi=dpi, metadata=metadata),
            bbox_inches_restore=bbox_inches_restore,
        )
        self.figure.draw(renderer)
        renderer.finalize()
