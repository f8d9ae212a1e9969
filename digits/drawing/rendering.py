"""Pen strokes rasterised as the apps rasterise them: with Skia, the renderer behind both
Chromium's canvas and Android's Canvas, drawing as web/src/pad.js and EaselView do."""

from itertools import pairwise

import numpy as np
import skia


def draw_strokes(strokes: list[list[list[float]]], size: int, pen_width: float) -> np.ndarray:
    """Strokes ([x, y] points in fractions of the pad) on a transparent size x size pad ->
    ink (size, size) in [0, 1], anti-aliased: a pen `pen_width` of the side wide with round
    caps and joins, quadratic curves through the midpoints between points (which smooth the
    corners of a fast stroke), a dot for a single point."""
    surface = skia.Surface(size, size)
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorTRANSPARENT)
    width = pen_width * size
    pen = skia.Paint(AntiAlias=True, Color=skia.ColorBLACK, Style=skia.Paint.kStroke_Style,
                     StrokeWidth=width, StrokeCap=skia.Paint.kRound_Cap,
                     StrokeJoin=skia.Paint.kRound_Join)
    dot = skia.Paint(AntiAlias=True, Color=skia.ColorBLACK)
    for stroke in strokes:
        points = [(x * size, y * size) for x, y in stroke]
        if len(points) == 1:
            canvas.drawCircle(*points[0], width / 2, dot)
            continue
        path = skia.Path()
        path.moveTo(*points[0])
        for (x, y), (next_x, next_y) in pairwise(points[1:]):
            path.quadTo(x, y, (x + next_x) / 2, (y + next_y) / 2)
        path.lineTo(*points[-1])
        canvas.drawPath(path, pen)
    rgba = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType)
    return rgba[..., 3] / 255.0
