"""A bar chart as server-rendered SVG (no script, no library): accessible by its title, description and the
table rendered beside it."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 220, 28


def bars(dataset: dict[str, Any]) -> SafeString:
    _, label_column, value_column = dataset["chart"].split(":")
    columns = dataset["columns"]
    if label_column not in columns or value_column not in columns or not dataset["rows"]:
        return mark_safe("")
    label_at, value_at = columns.index(label_column), columns.index(value_column)
    points = [(str(row[label_at]), float(row[value_at] or 0)) for row in reversed(dataset["rows"][:40])]
    top = max((value for _, value in points), default=0) or 1
    step = (WIDTH - 2 * PAD) / len(points)
    shapes = []
    for index, (label, value) in enumerate(points):
        height = (HEIGHT - 2 * PAD) * max(value, 0) / top
        shapes.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
            f"{PAD + index * step + 1:.1f}", f"{HEIGHT - PAD - height:.1f}", f"{max(step - 2, 1):.1f}",
            f"{height:.1f}", label, f"{value:g}"))
    title = escape(dataset["title"])
    return format_html(
        '<svg class="bars" role="img" viewBox="0 0 {} {}" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{} by {}, highest {}; the table below has every value.</desc>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor"/>{}</svg>',
        WIDTH, HEIGHT, dataset["name"], dataset["name"], dataset["name"], title, dataset["name"], value_column,
        label_column, f"{top:g}", PAD, HEIGHT - PAD, WIDTH - PAD, HEIGHT - PAD, mark_safe("".join(shapes)))  # noqa: S308
