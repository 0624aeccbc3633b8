"""Background work for the dock: network calls run in a QgsTask, results come back on the UI thread.

``run_in_background(description, work, on_done)`` starts ``work(feedback)`` in QGIS's task
manager (progress shows in the status bar, and the task can be cancelled there or from the
dock); ``on_done(result, error)`` is called on the UI thread when it ends.
"""

import traceback

from qgis.core import QgsApplication, QgsFeedback, QgsTask

from ..core.errors import FluxCancelled, FluxError

_running = set()  # keep Python references alive until the task ends


class FluxTask(QgsTask):
    def __init__(self, description, work, on_done):
        super().__init__(description, QgsTask.CanCancel)
        self.work = work
        self.on_done = on_done
        self.feedback = QgsFeedback()
        self.result = None
        self.error = None
        self.reported = False
        self.feedback.progressChanged.connect(self.setProgress)
        # a task cancelled before it started never gets finished() on some QGIS versions
        # (seen on 3.40): report it from taskTerminated too, once
        self.taskTerminated.connect(self._terminated)

    def run(self):
        try:
            self.result = self.work(self.feedback)
            return not self.isCanceled()
        except FluxError as exc:
            self.error = exc
        except Exception as exc:  # noqa: BLE001 - a task must never kill QGIS; report it instead
            self.error = FluxError(f"Unexpected error: {type(exc).__name__}: {exc}")
        # the task keeps its error: no frame of the work may keep Qt objects' wrappers alive with it
        # (network._without_replies says why)
        traceback.clear_frames(self.error.__traceback__)
        return False

    def cancel(self):
        self.feedback.cancel()
        super().cancel()
        # the user sees the cancel at once, even while a request is still being aborted (or is
        # past the point where QGIS can abort it); whatever the work returns later is dropped
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


def run_in_background(description, work, on_done):
    task = FluxTask(description, work, on_done)
    _running.add(task)
    QgsApplication.taskManager().addTask(task)
    return task
