"""Render layers with QGIS's real renderer and look at the pixels."""

from qgis.core import QgsCoordinateReferenceSystem, QgsMapRendererParallelJob, QgsMapSettings, QgsRectangle
from qgis.PyQt.QtCore import QEventLoop, QSize, QTimer
from qgis.PyQt.QtGui import QColor

WORLD_3857 = QgsRectangle(-20000000, -15000000, 20000000, 15000000)


def render(layers, extent=WORLD_3857, size=(512, 384), temporal_range=None, timeout_s=60, crs=None):
    settings = QgsMapSettings()
    settings.setLayers(list(layers))
    settings.setDestinationCrs(crs or QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setOutputSize(QSize(*size))
    settings.setExtent(extent)
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    if temporal_range is not None:
        settings.setIsTemporal(True)
        settings.setTemporalRange(temporal_range)
    job = QgsMapRendererParallelJob(settings)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    timer.start(timeout_s * 1000)
    job.start()
    # waitForFinished() deadlocks on 401 (QGIS_322.md): wait in an event loop instead
    loop.exec_()
    if job.isActive():
        job.cancel()
        raise TimeoutError("render did not finish in time")
    return job.renderedImage()


def image_stats(image):
    """(distinct opaque colours, fraction of opaque pixels) on a sampling grid."""
    colours, opaque, total = set(), 0, 0
    step = max(1, image.width() // 128)
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            pixel = image.pixelColor(x, y)
            total += 1
            if pixel.alpha() > 0:
                opaque += 1
                colours.add((pixel.red(), pixel.green(), pixel.blue()))
    return len(colours), opaque / max(total, 1)


def differing_pixels(a, b):
    step = max(1, a.width() // 128)
    count = 0
    for y in range(0, a.height(), step):
        for x in range(0, a.width(), step):
            if a.pixel(x, y) != b.pixel(x, y):
                count += 1
    return count
