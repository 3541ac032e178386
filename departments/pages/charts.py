"""Small horizontal bar charts, drawn on the server.

A chart is a list whose rows are real text (a label and the figure as its source states it,
qualifier included), so screen readers, search engines and printers read it as text; each row's
bar is a decorative inline SVG. The bar's length is an SVG attribute rather than an inline
style, which the Content-Security-Policy forbids.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from departments.models import StaffStats, Unit
from departments.pages.formatting import WITHOUT_NUMBER, format_figure
from departments.pages.languages import lang_attribute

# Bars of non-zero figures never shrink below this share of the track, so they stay visible.
MIN_BAR = 1.0


@dataclass
class Row:
    label: str
    text: str
    value: int | None = None
    lang: str = ""  # ' lang="en"' where the label is an English fallback
    width: str = ""  # the bar's length in percent of the track, as SVG wants it
    fact: object = None  # the figure the row shows, where the page cites it


@dataclass
class Chart:
    caption: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    def __bool__(self):
        return bool(self.rows)


def drawable(figure):
    """Only counts that state a number get a bar; the others are listed as text only."""
    return figure.unit == Unit.COUNT and figure.qualifier not in WITHOUT_NUMBER


def scaled(rows):
    largest = max((row.value for row in rows if row.value), default=0)
    for row in rows:
        if row.value and largest:
            row.width = f"{max(MIN_BAR, 100 * row.value / largest):.2f}"
    return rows


def staff_chart(figures):
    """A department's staff composition, in the order its source gives it."""
    rows = [
        Row(
            label=str(item.get_metric_display()),
            text=format_figure(item),
            value=item.value if drawable(item) else None,
            fact=item,
        )
        for item in figures
    ]
    return Chart(caption=_("Staff in numbers"), rows=scaled(rows))


def department_comparison(departments, metric):
    """One figure for every department whose source gives it, side by side."""
    rows = []
    for department in departments:
        for item in department.compared_figures:
            if item.metric == metric:
                rows.append(
                    Row(
                        label=department.name,
                        lang=lang_attribute(department, "name"),
                        text=format_figure(item),
                        value=item.value if drawable(item) else None,
                        fact=item,
                    )
                )
    return Chart(caption=StaffStats.Metric(metric).label, rows=scaled(rows))


def overview_charts(departments):
    """The overview's comparisons of the departments it shows (operations a year, beds)."""
    charts = [department_comparison(departments, metric) for metric in StaffStats.COMPARED_METRICS]
    return [chart for chart in charts if chart]
