"""Background tasks report exactly once, also when cancelled before they started."""

from earthmover_flux.flux_qgis.tasks import run_in_background
from qgis.core import QgsApplication


def test_cancel_before_start_still_reports_once(qtbot):
    """Tasks cancelled while queued (every worker thread busy) each report FluxCancelled once,
    and their work never runs."""
    import threading

    from qgis.PyQt.QtCore import QThreadPool

    release = threading.Event()
    started = []

    def block(feedback):
        started.append(1)
        release.wait(60)
        return "blocker done"

    blocker_reports = []
    workers = QThreadPool.globalInstance().maxThreadCount()
    blockers = [run_in_background(f"blocker {i}", block, lambda r, e: blocker_reports.append((r, e)))
                for i in range(workers)]
    ran = []
    reports = []
    try:
        qtbot.waitUntil(lambda: len(started) == workers, timeout=10000)  # every worker thread is busy
        tasks = [run_in_background(f"queued {i}", lambda feedback, i=i: ran.append(i),
                                   lambda r, e: reports.append((r, e))) for i in range(6)]
        for task in tasks:
            task.cancel()
    finally:
        release.set()
    qtbot.waitUntil(lambda: len(reports) == len(tasks) and len(blocker_reports) == workers, timeout=10000)
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=10000)
    assert ran == [], "a cancelled task's work ran"
    assert len(reports) == len(tasks), "each task reports once"
    assert all(result is None and type(error).__name__ == "FluxCancelled" for result, error in reports), reports
    assert blocker_reports == [("blocker done", None)] * workers
    assert all(b.reported for b in blockers)


def test_task_result_comes_back_on_the_ui_thread(qtbot):
    from qgis.PyQt.QtCore import QThread

    seen = {}
    run_in_background("work", lambda feedback: QThread.currentThread(),
                      lambda result, error: seen.update(worker=result, ui=QThread.currentThread(), error=error))
    qtbot.waitUntil(lambda: "ui" in seen, timeout=10000)
    assert seen["error"] is None
    assert seen["worker"] is not seen["ui"] and seen["ui"] is QgsApplication.instance().thread()
