"""Background work: ``work(feedback)`` runs in a QgsTask, its result comes back on the UI thread.

``run_in_background(description, work, on_done)`` starts ``work(feedback)`` in QGIS's task
manager (progress shows in the status bar, and the task can be cancelled there or from the
dock); ``on_done(result, error)`` is called on the UI thread when it ends.

The thread rule (engine.py): the work makes no Qt call. Its ``feedback`` is a pure-Python
:class:`TaskFeedback` (no QgsFeedback: a QObject made in Python is a sender whose
``disconnectNotify`` needs the GIL, one half of the deadlock engine.py describes). The work's
requests go to the network engine on the UI thread, and Cancel aborts them there at once. The
progress the work reports is copied to the task by a timer on the UI thread.
"""

import threading
import traceback

from qgis.core import QgsApplication, QgsTask
from qgis.PyQt.QtCore import QTimer

from ..core.errors import FluxCancelled, FluxError
from . import network

_running = set()  # keep Python references alive until the task ends
PROGRESS_MS = 100


class TaskFeedback:
    """What a task's work gets as ``feedback``: QgsFeedback's methods, in plain Python."""

    cancels_requests = True  # network.py: its calls are cancelled through the engine at once

    def __init__(self):
        self._cancelled = threading.Event()
        self._progress = 0.0
        self.messages = []

    def isCanceled(self):  # noqa: N802 (QgsFeedback's name)
        return self._cancelled.is_set()

    def cancel(self):
        self._cancelled.set()
        if network.on_ui_thread() and network.in_flight():
            network.engine().cancel_owner(self)

    def setProgress(self, value):  # noqa: N802
        self._progress = float(value)

    def progress(self):
        return self._progress

    def pushInfo(self, text):  # noqa: N802
        self.messages.append(str(text))

    pushWarning = pushInfo  # noqa: N815
    pushDebugInfo = pushInfo  # noqa: N815

    def reportError(self, text, fatal_error=False):  # noqa: N802, ARG002
        self.messages.append(str(text))


class FluxTask(QgsTask):
    def __init__(self, description, work, on_done):
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.work = work
        self.on_done = on_done
        self.feedback = TaskFeedback()
        self.result = None
        self.error = None
        self.reported = False
        # a task cancelled before it started never gets finished() on some QGIS versions
        # (seen on 3.40): report it from taskTerminated too, once
        self.taskTerminated.connect(self._terminated)

    def run(self):  # a worker thread: no Qt call but the task's own isCanceled
        try:
            self.result = self.work(self.feedback)
            return not self.isCanceled()
        except FluxError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - a task must never kill QGIS; report it instead
            self.error = FluxError(f"Unexpected error: {type(exc).__name__}: {exc}")
        # the task keeps its error: no frame of the work may keep objects alive with it
        traceback.clear_frames(self.error.__traceback__)
        return False

    def cancel(self):
        self.feedback.cancel()  # aborts its requests on the UI thread at once
        super().cancel()
        # the user sees the cancel at once; whatever the work returns later is dropped
        self._report(False)

    def finished(self, ok):
        _running.discard(self)
        self._report(ok)

    def _terminated(self):
        _running.discard(self)
        self._report(False)

    def _report(self, ok):
        if self.reported:
            return
        self.reported = True
        if not ok and self.error is None:
            self.error = FluxCancelled()  # terminated without an error of its own: cancelled
        if self.on_done is not None:
            self.on_done(self.result if ok else None, self.error)


def _copy_progress():
    """UI thread: each running task shows the progress its work reported."""
    for task in list(_running):
        value = task.feedback.progress()
        if value != task.progress() and task.status() == QgsTask.TaskStatus.Running:
            task.setProgress(value)
    if not _running:
        _PROGRESS.stop()


class _ProgressTimer:
    def __init__(self):
        self.timer = None

    def start(self):
        if self.timer is None:
            self.timer = QTimer()
            self.timer.setInterval(PROGRESS_MS)
            self.timer.timeout.connect(_copy_progress)
        if not self.timer.isActive():
            self.timer.start()

    def stop(self):
        if self.timer is not None:
            self.timer.stop()


_PROGRESS = _ProgressTimer()


def run_in_background(description, work, on_done):
    """Start ``work(feedback)`` in a task (UI thread); ``on_done(result, error)`` on the UI thread."""
    network.ui_thread_only("run_in_background")
    network.engine()  # the work's requests need it: made here, on the UI thread
    task = FluxTask(description, work, on_done)
    _running.add(task)
    QgsApplication.taskManager().addTask(task)
    _PROGRESS.start()
    return task


def cancel_all():
    """Plugin unload: cancel every task the plugin started."""
    for task in list(_running):
        task.cancel()
