"""Where chart text may go without touching other text, decided before the browser draws it.

Plotly puts a label where it is told and never moves it, so two labels can print on top of
each other. Here every label is a box in pixels on the narrowest plot the app shows (a phone:
about 260 px of plot width); a label is placed at the first position around its point where
its box meets no placed box and no marker, or not at all. Text keeps its size in pixels when
the plot gets wider while points move apart, so what does not collide on a phone does not
collide on a wide screen either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

PHONE_PLOT_WIDTH = 240.0  # px: a 390 px screen less Streamlit's padding and the y axis (255)
CHAR_WIDTH = 0.62  # of the font size: a wide estimate for digits and Latin letters
LINE_HEIGHT = 1.3  # of the font size
GAP = 3.0  # px between a marker's edge and its label, and around each box

# Plotly text positions tried in order, with the box they give for a w x h label around a
# point at (0, 0) of radius r (screen coordinates: y grows downwards).
POSITIONS = ("top center", "bottom center", "middle right", "middle left")


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def meets(self, other: Box) -> bool:
        return (
            min(self.right, other.right) - max(self.left, other.left) > -GAP
            and min(self.bottom, other.bottom) - max(self.top, other.top) > -GAP
        )


def text_size(text: str, font: float) -> tuple[float, float]:
    """Width and height in px of one line of ``text``."""
    return len(text) * font * CHAR_WIDTH, font * LINE_HEIGHT


def box_at(x: float, y: float, radius: float, text: str, font: float, position: str) -> Box:
    w, h = text_size(text, font)
    if position == "top center":
        return Box(x - w / 2, y - radius - GAP - h, x + w / 2, y - radius - GAP)
    if position == "bottom center":
        return Box(x - w / 2, y + radius + GAP, x + w / 2, y + radius + GAP + h)
    if position == "middle right":
        return Box(x + radius + GAP, y - h / 2, x + radius + GAP + w, y + h / 2)
    return Box(x - radius - GAP - w, y - h / 2, x - radius - GAP, y + h / 2)


@dataclass
class Canvas:
    """One panel of a chart in px: dates across ``width``, values from 0 to ``top`` down
    ``height``; remembers every box placed on it."""

    first: dt.date
    last: dt.date
    top: float
    height: float
    width: float = PHONE_PLOT_WIDTH
    markers: list[Box] = field(default_factory=list)
    lines: list[Box] = field(default_factory=list)
    labels: list[Box] = field(default_factory=list)

    def x(self, day: dt.date) -> float:
        span = max((self.last - self.first).days, 1)
        return (day - self.first).days / span * self.width

    def y(self, value: float) -> float:
        return self.height * (1 - value / self.top) if self.top else self.height

    def block(self, day: dt.date, value: float, radius: float) -> None:
        """A marker: no label may cover it."""
        x, y = self.x(day), self.y(value)
        self.markers.append(Box(x - radius, y - radius, x + radius, y + radius))

    def block_segment(self, day0: dt.date, v0: float, day1: dt.date, v1: float) -> None:
        """A drawn line between two points: no label may be printed across it."""
        x0, y0, x1, y1 = self.x(day0), self.y(v0), self.x(day1), self.y(v1)
        steps = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // 4))
        for step in range(1, steps):
            x = x0 + (x1 - x0) * step / steps
            y = y0 + (y1 - y0) * step / steps
            self.lines.append(Box(x - 1, y - 1, x + 1, y + 1))

    def fits(self, box: Box, over_markers: bool = False) -> bool:
        """Inside the panel and clear of every label and line (and marker, unless allowed)."""
        inside = box.left >= 0 and box.right <= self.width and box.top >= 0
        taken = [*self.labels, *self.lines, *([] if over_markers else self.markers)]
        return inside and box.bottom <= self.height and not any(box.meets(b) for b in taken)

    def place(
        self,
        day: dt.date,
        value: float,
        text: str,
        radius: float,
        font: float,
        over_markers: bool = False,
    ) -> str | None:
        """The first position where the label fits (and is then taken), or None. A label
        allowed ``over_markers`` may cover a marker, never another label."""
        x, y = self.x(day), self.y(value)
        for allowed in dict.fromkeys((False, over_markers)):  # clear of markers if it can
            for position in POSITIONS:
                box = box_at(x, y, radius, text, font, position)
                if self.fits(box, allowed):
                    self.labels.append(box)
                    return position
        return None


def clusters(days: list[dt.date], first: dt.date, last: dt.date, spacing: float) -> list[int]:
    """For date-sorted ``days``, the cluster number of each: days closer than ``spacing`` px
    on a phone-width axis from the start of their cluster share one number."""
    canvas = Canvas(first, last, 1.0, 1.0)
    numbers: list[int] = []
    start: float | None = None
    for day in days:
        x = canvas.x(day)
        if start is None or x - start >= spacing:
            start = x
            numbers.append(len(set(numbers)) + 1)
        else:
            numbers.append(numbers[-1])
    return numbers


def rows(spans: list[tuple[float, str]], font: float, width: float) -> list[tuple[int, float]]:
    """Each text starting at x (px) put on the first row where it meets no earlier text of
    that row; one running past the right edge ends there instead. Gives (row, left x)."""
    placed: list[list[Box]] = []
    found: list[tuple[int, float]] = []
    for x, text in spans:
        w, h = text_size(text, font)
        left = max(0.0, min(x, width - w))
        box = Box(left, 0, left + w, h)
        row = next((i for i, row in enumerate(placed) if not any(box.meets(b) for b in row)), None)
        if row is None:
            placed.append([])
            row = len(placed) - 1
        placed[row].append(box)
        found.append((row, left))
    return found


def wrap(text: str, room: float, font: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``room`` px (a word wider than the
    room keeps a line of its own)."""
    limit = max(1, int(room // (font * CHAR_WIDTH)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def stacked(
    starts: list[tuple[float, str]], font: float, width: float, lead: float = 0.0
) -> list[tuple[int, list[str]]]:
    """Names printed from their own x (after ``lead`` px of marker), never moved along the
    axis: each is wrapped to the room left before the right edge and put on the first line,
    from the top, where its block of lines meets no earlier block. Gives (first line, lines)."""
    placed: list[tuple[float, float, int, int]] = []  # left, right, first line, last line
    found: list[tuple[int, list[str]]] = []
    for x, text in starts:
        lines = wrap(text, width - x - lead, font)
        right = x + lead + max(text_size(line, font)[0] for line in lines)
        first = 0
        while any(
            min(right, r) - max(x, left) > -GAP and first <= last and top <= first + len(lines) - 1
            for left, r, top, last in placed
        ):
            first += 1
        placed.append((x, right, first, first + len(lines) - 1))
        found.append((first, lines))
    return found
