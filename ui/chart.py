"""A line chart drawn with QPainter: time series (x = time) and profiles (x = value, y = level).

QPainter in a plain QWidget, on purpose: it ships with every QGIS (Qt5 and Qt6, every platform),
draws the same into the screen, a PNG (QImage) and an SVG (QSvgGenerator), and needs no web
view (QtWebKit is gone in Qt6), no matplotlib (not in every QGIS's Python) and no QtCharts
(not packaged with every QGIS). A chart this simple is a few hundred lines.

Long series (50,000 steps) are drawn decimated: values are first reduced to an envelope of
buckets (min, max, first, last per bucket; :func:`envelope`, pure Python, run in the background
task), then to one such column per pixel. Every value stays in the line for hover and export.
"""

import bisect
import math
from datetime import datetime, timedelta, timezone

from qgis.PyQt.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPolygonF, QTransform
from qgis.PyQt.QtWidgets import QSizePolicy, QWidget

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
ENVELOPE_BUCKETS = 4096  # a series longer than this is drawn from its envelope
TIME_VIEW, PROFILE_VIEW = "time", "profile"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def tr(text):
    return QCoreApplication.translate("@default", text)


def envelope(xs, ys, buckets=ENVELOPE_BUCKETS):
    """[(x, ymin, ymax, yfirst, ylast)] per bucket of evenly split x (NaN skipped; empty buckets
    left out). Pure Python: call it from a background task for long series."""
    n = len(xs)
    if n == 0:
        return []
    x0, x1 = xs[0], xs[-1]
    span = (x1 - x0) or 1.0
    scale = (buckets - 1) / span
    out = []
    current, lo, hi, first, last, at = -1, 0.0, 0.0, 0.0, 0.0, 0.0
    for x, y in zip(xs, ys):
        if y != y:
            continue
        b = int((x - x0) * scale)
        if b != current:
            if current >= 0:
                out.append((at, lo, hi, first, last))
            current, lo, hi, first, at = b, y, y, y, x
        elif y < lo:
            lo = y
        elif y > hi:
            hi = y
        last = y
    if current >= 0:
        out.append((at, lo, hi, first, last))
    return out


class Line:
    """One series of the chart: label, colour, x and y values (NaN = no value)."""

    def __init__(self, label, xs, ys, color=None, envelope_points=None, profile=None, band=None):
        self.label = label
        self.band = band  # [(low, high)] aligned with xs: drawn as a shaded band (a polygon's min..max)
        self.xs = list(xs)
        self.ys = list(ys)
        self.color = QColor(color or COLORS[0])
        self.envelope = envelope_points  # computed on first use when the series is long
        self.profile = profile  # callable(seconds) -> [(level, value)] for the profile view, or None

    def finite_range(self):
        """(min, max) of the values (NaN skipped), or None; computed once."""
        if not hasattr(self, "_range"):
            if self.envelope:
                self._range = (min(b[1] for b in self.envelope), max(b[2] for b in self.envelope))
            else:
                values = [y for y in self.ys if y == y]
                values += [v for pair in (self.band or []) for v in pair if v == v]
                self._range = (min(values), max(values)) if values else None
        return self._range

    def value_near(self, x):
        """(x, y) of the value nearest to ``x``, or None."""
        if not self.xs:
            return None
        i = bisect.bisect_left(self.xs, x)
        if i >= len(self.xs):
            i = len(self.xs) - 1
        elif i > 0 and x - self.xs[i - 1] <= self.xs[i] - x:
            i -= 1
        return self.xs[i], self.ys[i]


def nice_step(span, target):
    """A 1/2/5 x 10^n step giving about ``target`` ticks over ``span``."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def number_ticks(lo, hi, target=6):
    step = nice_step(hi - lo, target)
    first = math.ceil(lo / step - 1e-9) * step
    ticks = []
    value = first
    while value <= hi + step * 1e-9 and len(ticks) < 50:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks, step


def format_tick(value, step):
    if step >= 1:
        return f"{value:.0f}"
    decimals = min(6, max(0, -int(math.floor(math.log10(step)))))
    return f"{value:.{decimals}f}"


_TIME_STEPS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400]


def time_ticks(lo, hi, target=6):
    """(ticks in seconds, label format) for a time axis from ``lo`` to ``hi`` (seconds, UTC)."""
    span = max(hi - lo, 1.0)
    raw = span / max(target, 1)
    if raw <= _TIME_STEPS[-1]:
        step = next(s for s in _TIME_STEPS if s >= raw)
        first = math.ceil(lo / step) * step
        ticks = [first + i * step for i in range(int((hi - first) // step) + 1)]
        fmt = "%m-%d %H:%M" if step < 86400 else "%Y-%m-%d"
        return ticks, fmt
    months = next((m for m in (1, 2, 3, 6, 12, 24, 60, 120) if m * 30.4 * 86400 >= raw), 240)
    start = _EPOCH + timedelta(seconds=lo)
    year, month = start.year, start.month
    ticks = []
    while len(ticks) < 60:
        if months >= 12:
            if month != 1:
                year, month = year + 1, 1
            if year % (months // 12):
                year += 1
                continue
        moment = datetime(year, month, 1, tzinfo=timezone.utc)
        seconds = (moment - _EPOCH).total_seconds()
        if seconds > hi:
            break
        if seconds >= lo and (months >= 12 or (month - 1) % months == 0):
            ticks.append(seconds)
        month += 1 if months < 12 else 12
        while month > 12:
            year, month = year + 1, month - 12
    return ticks, ("%Y" if months >= 12 else "%Y-%m")


def format_time(seconds, fmt="%Y-%m-%d %H:%M"):
    return (_EPOCH + timedelta(seconds=seconds)).strftime(fmt)


class ChartWidget(QWidget):
    """The chart. ``set_lines`` gives its data; hover shows the values under the mouse."""

    hoverChanged = pyqtSignal(str)  # noqa: N815 (Qt signal naming)  the text shown, "" when none

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("fluxChart")
        self.setMouseTracking(True)
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.lines = []
        self.view = TIME_VIEW
        self.title = ""
        self.y_label = ""
        self.level_label = ""
        self.levels_descending = False  # pressure: 1000 hPa at the bottom
        self.marker = None  # seconds of the Temporal Controller's time
        self.profile_time = None  # seconds of the profile view's time
        self.hover_x = None
        self.hover_text = ""
        self.message = ""
        self._cache = {}
        self.paints = 0  # finished paints (the benchmark waits for the one showing a new line)

    # ------------------------------------------------------------------ data
    def set_lines(self, lines, y_label="", title=""):
        self.lines = list(lines)
        self.y_label = y_label
        self.title = title
        self._cache.clear()
        self.hover_x, self.hover_text = None, ""
        self.update()

    def set_view(self, view):
        self.view = view
        self._cache.clear()
        self.update()

    def set_marker(self, seconds):
        self.marker = seconds
        self.update()

    def set_message(self, text):
        self.message = text
        self.update()

    def sizeHint(self):  # noqa: N802 (Qt API)
        return QSize(640, 320)

    # ------------------------------------------------------------------ ranges
    def _time_ranges(self):
        xs = [x for line in self.lines for x in (line.xs[:1] + line.xs[-1:])]
        ys = [r for line in self.lines for r in (line.finite_range() or ())]
        if not xs or not ys:
            return None
        x0, x1 = min(xs), max(xs)
        if x1 == x0:
            x0, x1 = x0 - 3600, x1 + 3600
        y0, y1 = min(ys), max(ys)
        pad = (y1 - y0) * 0.05 or max(abs(y0) * 0.01, 0.5)
        return x0, x1, y0 - pad, y1 + pad

    def profiles(self):
        """[(line, [(level, value)])] at the profile time (the marker, else the first time)."""
        when = self.profile_time if self.profile_time is not None else self.marker
        out = []
        for line in self.lines:
            if line.profile is None:
                continue
            moment = when if when is not None else (line.xs[0] if line.xs else 0)
            out.append((line, sorted(line.profile(moment))))
        return out

    def _profile_ranges(self):
        data = self.profiles()
        values = [v for _, points in data for _, v in points if v == v]
        levels = [z for _, points in data for z, _ in points]
        if not values or not levels:
            return None
        v0, v1 = min(values), max(values)
        pad = (v1 - v0) * 0.05 or max(abs(v0) * 0.01, 0.5)
        z0, z1 = min(levels), max(levels)
        if z0 == z1:
            z0, z1 = z0 - 1, z1 + 1
        zpad = (z1 - z0) * 0.05
        z0, z1 = z0 - zpad, z1 + zpad
        return v0 - pad, v1 + pad, z0, z1

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event):  # noqa: N802 (Qt API)
        painter = QPainter(self)
        try:
            self.paint_chart(painter, QRectF(self.rect()))
        finally:
            painter.end()
        self.paints += 1

    def plot_rect(self, rect):
        metrics = QFontMetrics(self.font())
        left = metrics.horizontalAdvance("-00000.00") + metrics.height() + 8
        top = metrics.height() * 2 + 6
        right = metrics.horizontalAdvance("2024-01-01") / 2 + 8  # room for the last time label
        return QRectF(rect.left() + left, rect.top() + top, max(rect.width() - left - right, 10),
                      max(rect.height() - top - metrics.height() * 2 - 12, 10))

    def paint_chart(self, painter, rect):
        """Draw the whole chart into ``rect`` of ``painter`` (screen, QImage or QSvgGenerator)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(rect, QColor("white"))
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        if self.title:
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(QColor("black"))
            painter.drawText(QRectF(rect.left() + 8, rect.top() + 2, rect.width() - 16, metrics.height() + 4),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
            painter.setFont(self.font())
        ranges = self._time_ranges() if self.view == TIME_VIEW else self._profile_ranges()
        plot = self.plot_rect(rect)
        painter.setPen(QPen(QColor("#888888"), 1))
        painter.drawRect(plot)
        if ranges is None:
            painter.setPen(QColor("#555555"))
            painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), self.message or "")
            return
        self._geometry = (plot, ranges)
        if self.view == TIME_VIEW:
            self._paint_time(painter, plot, ranges, metrics)
        else:
            self._paint_profile(painter, plot, ranges, metrics)
        self._paint_legend(painter, plot, metrics)
        if self.message:
            painter.setPen(QColor("#555555"))
            painter.drawText(QRectF(plot.left(), rect.top() + metrics.height() + 4, plot.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignRight), self.message)

    def _axes(self, painter, plot, xticks, xlabel_of, yticks, ylabel_of, to_px, metrics, x_title, y_title):
        grid = QPen(QColor("#e4e4e4"), 1)
        text = QColor("#333333")
        for value in yticks:
            _, y = to_px(None, value)
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label = ylabel_of(value)
            painter.drawText(QRectF(plot.left() - metrics.horizontalAdvance(label) - 6, y - metrics.height() / 2,
                                    metrics.horizontalAdvance(label) + 2, metrics.height()),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
        for value in xticks:
            x, _ = to_px(value, None)
            painter.setPen(grid)
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(text)
            label = xlabel_of(value)
            width = metrics.horizontalAdvance(label) + 4
            painter.drawText(QRectF(x - width / 2, plot.bottom() + 3, width, metrics.height()),
                             int(Qt.AlignmentFlag.AlignHCenter), label)
        painter.setPen(text)
        painter.drawText(QRectF(plot.left(), plot.bottom() + metrics.height() + 4, plot.width(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignHCenter), x_title)
        painter.save()
        turn = QTransform.fromTranslate(plot.left() - metrics.horizontalAdvance("-00000.00") - 4, plot.center().y())
        turn.rotate(-90)
        painter.setTransform(turn, True)
        painter.drawText(QRectF(-plot.height() / 2, -metrics.height(), plot.height(), metrics.height()),
                         int(Qt.AlignmentFlag.AlignHCenter), y_title)
        painter.restore()

    def _paint_time(self, painter, plot, ranges, metrics):
        x0, x1, y0, y1 = ranges
        sx = plot.width() / (x1 - x0)
        sy = plot.height() / (y1 - y0)

        def to_px(x, y):
            return (plot.left() + (x - x0) * sx if x is not None else None,
                    plot.bottom() - (y - y0) * sy if y is not None else None)

        xticks, fmt = time_ticks(x0, x1, max(2, int(plot.width() / 110)))
        yticks, ystep = number_ticks(y0, y1, max(2, int(plot.height() / 40)))
        self._axes(painter, plot, xticks, lambda v: format_time(v, fmt), yticks, lambda v: format_tick(v, ystep),
                   to_px, metrics, tr("time (UTC)"), self.y_label)
        painter.save()
        painter.setClipRect(plot)
        for line in self.lines:
            if line.band:
                self._paint_band(painter, line, to_px)
        for line in self.lines:
            polygons = self._polylines(line, plot, x0, x1, y0, y1)
            dense = sum(p.count() for p in polygons) > plot.width()
            # a decimated line zigzags within each pixel column: antialiased wide strokes of it cost
            # tens of milliseconds per paint, a 1-pixel aliased one a few
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, not dense)
            painter.setPen(QPen(line.color, 1 if dense else 1.5))
            for polygon in polygons:
                painter.drawPolyline(polygon)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.marker is not None and x0 <= self.marker <= x1:
            x, _ = to_px(self.marker, None)
            pen = QPen(QColor("#444444"), 1.2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.drawText(QPointF(x + 3, plot.bottom() - 4), tr("map time"))
        if self.hover_x is not None and x0 <= self.hover_x <= x1:
            x, _ = to_px(self.hover_x, None)
            painter.setPen(QPen(QColor("#999999"), 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            for line in self.lines:
                near = line.value_near(self.hover_x)
                if near is not None and near[1] == near[1]:
                    px, py = to_px(*near)
                    painter.setPen(QPen(line.color, 1))
                    painter.setBrush(line.color)
                    painter.drawEllipse(QPointF(px, py), 3.5, 3.5)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.restore()
        if self.hover_text:
            self._paint_box(painter, plot, self.hover_text.split("\n"), metrics, top_left=True)

    @staticmethod
    def _paint_band(painter, line, to_px):
        """The line's min..max band, shaded in its colour (pieces broken where a value is missing)."""
        shade = QColor(line.color)
        shade.setAlpha(55)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(shade)
        piece = []
        for x, (low, high) in list(zip(line.xs, line.band)) + [(None, (float("nan"), float("nan")))]:
            if x is not None and low == low and high == high:
                piece.append((x, low, high))
                continue
            if len(piece) > 1:
                upper = [QPointF(*to_px(px, high)) for px, _low, high in piece]
                lower = [QPointF(*to_px(px, low)) for px, low, _high in reversed(piece)]
                painter.drawPolygon(QPolygonF(upper + lower))
            piece = []
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _polylines(self, line, plot, x0, x1, y0, y1):
        """QPolygonF pieces of ``line`` (broken at missing values), at most ~4 points per pixel column."""
        key = (id(line), plot.width(), plot.height(), plot.left(), plot.top(), x0, x1, y0, y1)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        sx = plot.width() / (x1 - x0)
        sy = plot.height() / (y1 - y0)
        left, bottom = plot.left(), plot.bottom()
        pieces, current = [], []
        if len(line.xs) <= plot.width() * 2:
            for x, y in zip(line.xs, line.ys):
                if y != y:
                    if current:
                        pieces.append(current)
                    current = []
                    continue
                current.append(QPointF(left + (x - x0) * sx, bottom - (y - y0) * sy))
        else:
            if line.envelope is None:
                line.envelope = envelope(line.xs, line.ys)
            column, lo, hi, first, last = None, 0.0, 0.0, 0.0, 0.0
            for x, bmin, bmax, bfirst, blast in line.envelope:
                c = int((x - x0) * sx)
                if c != column:
                    if column is not None:
                        px = left + column + 0.5
                        current += [QPointF(px, bottom - (first - y0) * sy), QPointF(px, bottom - (lo - y0) * sy),
                                    QPointF(px, bottom - (hi - y0) * sy), QPointF(px, bottom - (last - y0) * sy)]
                    column, lo, hi, first = c, bmin, bmax, bfirst
                else:
                    lo, hi = min(lo, bmin), max(hi, bmax)
                last = blast
            if column is not None:
                px = left + column + 0.5
                current += [QPointF(px, bottom - (first - y0) * sy), QPointF(px, bottom - (lo - y0) * sy),
                            QPointF(px, bottom - (hi - y0) * sy), QPointF(px, bottom - (last - y0) * sy)]
        if current:
            pieces.append(current)
        polygons = [QPolygonF(piece) for piece in pieces]
        if len(self._cache) > 64:
            self._cache.clear()
        self._cache[key] = polygons
        return polygons

    def _paint_profile(self, painter, plot, ranges, metrics):
        v0, v1, z0, z1 = ranges
        sx = plot.width() / (v1 - v0)
        sz = plot.height() / (z1 - z0)

        def to_px(v, z):
            if z is None:
                zy = None
            elif self.levels_descending:  # pressure: larger values lower down
                zy = plot.top() + (z - z0) * sz
            else:
                zy = plot.bottom() - (z - z0) * sz
            return (plot.left() + (v - v0) * sx if v is not None else None), zy

        xticks, xstep = number_ticks(v0, v1, max(2, int(plot.width() / 90)))
        zticks = sorted({z for _, points in self.profiles() for z, _ in points})
        if len(zticks) > 12:
            zticks, zstep = number_ticks(z0, z1, 8)
        else:
            zstep = 1.0
        self._axes(painter, plot, xticks, lambda v: format_tick(v, xstep), zticks, lambda v: format_tick(v, zstep),
                   to_px, metrics, self.y_label, self.level_label)
        painter.save()
        painter.setClipRect(plot)
        for line, points in self.profiles():
            painter.setPen(QPen(line.color, 1.5))
            painter.setBrush(line.color)
            polygon = QPolygonF([QPointF(*to_px(v, z)) for z, v in points if v == v])
            painter.drawPolyline(polygon)
            for i in range(polygon.count()):
                painter.drawEllipse(polygon.at(i), 3, 3)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.restore()
        when = self.profile_time if self.profile_time is not None else self.marker
        if when is None and self.lines and self.lines[0].xs:
            when = self.lines[0].xs[0]
        if when is not None:
            self._paint_box(painter, plot, [tr("at {time} UTC").format(time=format_time(when))], metrics, top_left=True)

    def _paint_box(self, painter, plot, lines, metrics, top_left=False):
        width = max(metrics.horizontalAdvance(t) for t in lines) + 10
        height = metrics.height() * len(lines) + 6
        box = QRectF(plot.left() + 6, plot.top() + 6, width, height) if top_left else \
            QRectF(plot.right() - width - 6, plot.top() + 6, width, height)
        painter.setPen(QPen(QColor("#bbbbbb"), 1))
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.drawRect(box)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QColor("#222222"))
        for i, text in enumerate(lines):
            painter.drawText(QRectF(box.left() + 5, box.top() + 3 + i * metrics.height(), width, metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)

    def _paint_legend(self, painter, plot, metrics):
        if not self.lines:
            return
        labels = [line.label for line in self.lines]
        width = max(metrics.horizontalAdvance(t) for t in labels) + 34
        height = metrics.height() * len(labels) + 6
        box = QRectF(plot.right() - width - 6, plot.top() + 6, width, height)
        painter.setPen(QPen(QColor("#bbbbbb"), 1))
        painter.setBrush(QColor(255, 255, 255, 230))
        painter.drawRect(box)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for i, line in enumerate(self.lines):
            y = box.top() + 3 + (i + 0.5) * metrics.height()
            painter.setPen(QPen(line.color, 2.5))
            painter.drawLine(QPointF(box.left() + 5, y), QPointF(box.left() + 24, y))
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(box.left() + 29, y - metrics.height() / 2, width - 30, metrics.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), line.label)

    # ------------------------------------------------------------------ mouse
    def mouseMoveEvent(self, event):  # noqa: N802 (Qt API)
        self.hover_at(event.pos().x())

    def leaveEvent(self, _event):  # noqa: N802 (Qt API)
        self.hover_x, self.hover_text = None, ""
        self.hoverChanged.emit("")
        self.update()

    def hover_at(self, px):
        """Show the values at widget x ``px`` (the mouse); returns the text shown."""
        ranges = self._time_ranges() if self.view == TIME_VIEW else None
        if ranges is None:
            return ""
        plot = self.plot_rect(QRectF(self.rect()))
        x0, x1 = ranges[0], ranges[1]
        if not plot.left() <= px <= plot.right():
            self.hover_x, self.hover_text = None, ""
        else:
            self.hover_x = x0 + (px - plot.left()) / plot.width() * (x1 - x0)
            rows = []
            for line in self.lines:
                near = line.value_near(self.hover_x)
                if near is None:
                    continue
                if not rows:
                    rows.append(f"{format_time(near[0])} UTC")
                value = tr("no value") if near[1] != near[1] else f"{near[1]:.6g} {self.y_units()}".rstrip()
                rows.append(f"{line.label}: {value}")
            self.hover_text = "\n".join(rows)
        self.hoverChanged.emit(self.hover_text)
        self.update()
        return self.hover_text

    def y_units(self):
        label = self.y_label
        return label[label.rfind("[") + 1:-1] if label.endswith("]") and "[" in label else ""

    # ------------------------------------------------------------------ export
    def render_image(self, width=1200, height=600):
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            self.paint_chart(painter, QRectF(0, 0, width, height))
        finally:
            painter.end()
        return image

    def save_png(self, path, width=1200, height=600):
        return self.render_image(width, height).save(str(path), "PNG")

    def save_svg(self, path, width=1200, height=600):
        from qgis.PyQt.QtCore import QRect
        from qgis.PyQt.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(width, height))
        generator.setViewBox(QRect(0, 0, width, height))
        generator.setTitle(self.title or "Earthmover Flux time series")
        painter = QPainter(generator)
        try:
            self.paint_chart(painter, QRectF(0, 0, width, height))
        finally:
            painter.end()
        return True
