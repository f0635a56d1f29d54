"""Text on charts: estimated text widths, labels wrapped onto lines, and labels
placed beside scatter points so that they do not collide.

Pure geometry on pixel coordinates; no altair, no result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: _Box) -> float:
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


def text_width(text: str, size: float) -> float:
    """Estimated width in pixels of `text` at font size `size` (CJK full width)."""
    width = 0.0
    for ch in text:
        if ord(ch) > 0x2E80:
            width += size
        elif ch.isupper() or ch in "mwMW":
            width += size * 0.68
        elif ch in "ilj.,:;'| ":
            width += size * 0.3
        else:
            width += size * 0.56
    return width


def wrap_label(text: str, width: float, size: float = 11.0) -> str:
    """Break `text` at spaces into lines of at most `width` pixels (estimated),
    joined by newlines; axes show them as lines with `MULTILINE`."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


MULTILINE = "split(datum.label, '\\n')"
"""Axis `labelExpr` that shows the lines of a `wrap_label` label."""


def place_labels(
    points: list[tuple[float, float, str]],
    width: float,
    height: float,
    size: float = 11.0,
    radius: float = 4.0,
    lines: Sequence[tuple[float, float, float, float]] = (),
) -> list[tuple[float, float, str, bool]]:
    """Place one label beside each point (pixel coordinates, y down) so that labels
    overlap neither each other nor the points, where possible, and cross the
    `lines` (boxes `x0, y0, x1, y1`, e.g. median rules) only when they must.

    Returns, per point, the label's anchor `(x, y)` (left edge, vertical middle), its
    alignment (`left`) and whether a leader line should join it to the point (it was
    moved away from its point). Deterministic: points are placed in the given order,
    each at the first candidate position with the least overlap.
    """
    boxes: list[_Box] = [
        _Box(px - radius, py - radius, px + radius, py + radius) for px, py, _ in points
    ]
    rules = [_Box(*line) for line in lines]
    placed: list[tuple[float, float, str, bool]] = []
    h = size * 1.2
    for px, py, text in points:
        w = text_width(text, size)
        best: tuple[float, int, float, float, bool] | None = None
        for ring in (1.0, 2.2, 3.4, 4.6):
            gap = 3.0 + radius + (ring - 1.0) * 8.0
            vgap = radius + (ring - 1.0) * h
            candidates = [
                (px + gap, py, False),  # right
                (px - gap - w, py, False),  # left
                (px - w / 2, py - vgap - h / 2 - 1, False),  # above
                (px - w / 2, py + vgap + h / 2 + 1, False),  # below
                (px + gap * 0.7, py - vgap - h / 2, False),  # upper right
                (px + gap * 0.7, py + vgap + h / 2, False),  # lower right
                (px - gap * 0.7 - w, py - vgap - h / 2, False),  # upper left
                (px - gap * 0.7 - w, py + vgap + h / 2, False),  # lower left
            ]
            for i, (lx, ly, _) in enumerate(candidates):
                box = _Box(lx, ly - h / 2, lx + w, ly + h / 2)
                cost = sum(box.overlaps(b) for b in boxes)
                cost += 3.0 * sum(box.overlaps(b) for b in rules)
                outside = (
                    max(0.0, -box.x0)
                    + max(0.0, box.x1 - width)
                    + max(0.0, -box.y0)
                    + max(0.0, box.y1 - height)
                )
                cost += outside * h * 4
                key = (cost, int(ring * 10) * 10 + i, lx, ly, ring > 1.0)
                if best is None or key[:2] < best[:2]:
                    best = key
            if best is not None and best[0] == 0.0:
                break
        assert best is not None
        _, _, lx, ly, moved = best
        box = _Box(lx, ly - h / 2, lx + w, ly + h / 2)
        # A label nearer another point than its own (close points, e.g. two cities
        # with almost the same score and growth) gets a leader line too.
        own = _distance(box, px, py)
        moved = moved or any(
            _distance(box, qx, qy) < own
            for qx, qy, q in points
            if (qx, qy, q) != (px, py, text)
        )
        boxes.append(box)
        placed.append((lx, ly, "left", moved))
    return placed


def _distance(box: _Box, x: float, y: float) -> float:
    """Distance from a point to the nearest edge of a box (0 inside)."""
    dx = max(box.x0 - x, 0.0, x - box.x1)
    dy = max(box.y0 - y, 0.0, y - box.y1)
    return float((dx * dx + dy * dy) ** 0.5)
