"""Background tasks report exactly once, also when cancelled before they started."""

from earthmover_flux.flux_qgis.tasks import run_in_background
from qgis.core import QgsApplication


def test_cancel_before_start_still_reports_once(qtbot):
    reports = []
    blocker = run_in_background("blocker", lambda feedback: feedback.isCanceled(), lambda r, e: None)
    tasks = [run_in_background(f"queued {i}", lambda feedback: "ran", lambda r, e: reports.append((r, e)))
             for i in range(6)]
    for task in tasks:
        task.cancel()  # most of them are still queued (2 cores, one busy)
    qtbot.waitUntil(lambda: len(reports) == len(tasks), timeout=10000)
    qtbot.wait(200)
    assert len(reports) == len(tasks), "each task reports once"
    # each either ran before the cancel reached it, or reports the cancel: never both, never neither
    assert all((result == "ran" and error is None) or (result is None and type(error).__name__ == "FluxCancelled")
               for result, error in reports), reports
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=10000)
    assert blocker.reported


def test_task_result_comes_back_on_the_ui_thread(qtbot):
    from qgis.PyQt.QtCore import QThread

    seen = {}
    run_in_background("work", lambda feedback: QThread.currentThread(),
                      lambda result, error: seen.update(worker=result, ui=QThread.currentThread(), error=error))
    qtbot.waitUntil(lambda: "ui" in seen, timeout=10000)
    assert seen["error"] is None
    assert seen["worker"] is not seen["ui"] and seen["ui"] is QgsApplication.instance().thread()
