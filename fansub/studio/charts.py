"""Server-rendered SVG charts: geometry only (the template draws it, with a <title>, a <desc> and a table)."""

from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 240, 56, 28, 12
PALETTE = {"subscriptions": "#1f6feb", "tips": "#d97706", "ppv": "#7c3aed", "messages": "#059669",
           "requests": "#db2777", "other": "#6b7280", "new": "#059669", "churned": "#dc2626", "active": "#1f6feb"}


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # what a pointer hover says (the <title> of the bar)


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)      # (y, label) on the value axis
    labels: list[tuple[float, str]] = field(default_factory=list)     # (x, label) under the groups
    legend: list[tuple[str, str]] = field(default_factory=list)       # (colour, name)
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    empty: bool = True

    @property
    def mid_x(self) -> float:
        return (self.left + self.width) / 2

    @property
    def mid_y(self) -> float:
        return self.height / 2


def nice_top(value: int) -> tuple[int, int]:
    """A round axis top at or above ``value`` and its step (1, 2 or 5 times a power of ten, four steps or fewer)."""
    if value <= 0:
        return 4, 1
    raw = value / 4
    power = 1
    while power * 10 <= raw:
        power *= 10
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return -(-value // step) * step, step


def _axis(chart: Chart, top: int, fmt: Callable[[int], str]) -> tuple[int, float]:
    axis_top, step = nice_top(top)
    plot_h = HEIGHT - BOTTOM - TOP
    for value in range(0, axis_top + 1, step):
        chart.ticks.append((round(HEIGHT - BOTTOM - plot_h * value / axis_top, 1), fmt(value)))
    return axis_top, plot_h


def stacked_bars(groups: list[str], series: list[str], values: dict[tuple[str, str], int],
                 fmt: Callable[[int], str], label_every: int = 1) -> Chart:
    """One stacked bar per group (a day, week or month), one segment per series (a product)."""
    chart = Chart(legend=[(PALETTE.get(s, "#6b7280"), s) for s in series])
    totals = [sum(max(values.get((g, s), 0), 0) for s in series) for g in groups]
    top = max(totals, default=0)
    if not groups or top <= 0:
        return chart
    chart.empty = False
    axis_top, plot_h = _axis(chart, top, fmt)
    slot = (WIDTH - LEFT - 8) / len(groups)
    width = max(min(slot * 0.7, 48), 2)
    for i, group in enumerate(groups):
        x = LEFT + i * slot + (slot - width) / 2
        y = HEIGHT - BOTTOM
        for s in series:
            v = max(values.get((group, s), 0), 0)
            if not v:
                continue
            h = plot_h * v / axis_top
            y -= h
            chart.bars.append(Bar(round(x, 1), round(y, 1), round(width, 1), round(h, 1), PALETTE.get(s, "#6b7280"),
                                  f"{group} · {s}: {fmt(v)}"))
        if i % label_every == 0:
            chart.labels.append((round(x + width / 2, 1), group))
    return chart


def grouped_bars(groups: list[str], series: list[str], values: dict[tuple[str, str], int],
                 fmt: Callable[[int], str]) -> Chart:
    """Side-by-side bars per group (a tier), one per series (active, new, churned)."""
    chart = Chart(legend=[(PALETTE.get(s, "#6b7280"), s) for s in series])
    top = max((max(values.get((g, s), 0), 0) for g in groups for s in series), default=0)
    if not groups or top <= 0:
        return chart
    chart.empty = False
    axis_top, plot_h = _axis(chart, top, fmt)
    slot = (WIDTH - LEFT - 8) / len(groups)
    width = max(min(slot * 0.8 / len(series), 32), 2)
    for i, group in enumerate(groups):
        x0 = LEFT + i * slot + (slot - width * len(series)) / 2
        for j, s in enumerate(series):
            v = max(values.get((group, s), 0), 0)
            h = plot_h * v / axis_top
            if v:
                chart.bars.append(Bar(round(x0 + j * width, 1), round(HEIGHT - BOTTOM - h, 1), round(width - 1, 1),
                                      round(h, 1), PALETTE.get(s, "#6b7280"), f"{group} · {s}: {fmt(v)}"))
        chart.labels.append((round(x0 + width * len(series) / 2, 1), group))
    return chart
