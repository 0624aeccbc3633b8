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


def test_a_failed_requests_error_keeps_no_reply_alive(flux, credentials):
    """The error of a failed request is kept (a task's error, the console's last traceback): the
    frames of its traceback must not keep the QNetworkReply's Python wrapper alive after Qt deletes
    the reply (network._without_replies): a stale wrapper was handed out again for a new reply."""
    from earthmover_flux.core.errors import FluxError
    from earthmover_flux.flux_qgis import network
    from qgis.PyQt.QtNetwork import QNetworkReply

    url = flux.service_url("edr", repo="no-such-repo") + "/edr/"
    try:
        network.get_many([url, url], "two answers", credentials)
    except FluxError as exc:
        error = exc
    else:
        raise AssertionError("a request for an unknown repository did not fail")
    assert "404" in str(error) or "not found" in str(error).lower(), str(error)
    held, tb = [], error.__traceback__
    while tb is not None:
        held += [name for name, value in tb.tb_frame.f_locals.items() if isinstance(value, QNetworkReply)]
        tb = tb.tb_next
    assert held == [], f"frames of the error's traceback still hold replies: {held}"
