"""The network engine's thread rule, under stress (issue 21).

Only the UI thread creates, reads and deletes Qt network objects. Two failures came from breaking
that rule, and these tests provoke both on purpose:

- a deadlock: a task thread inside Qt's request creation (holding the GIL, waiting for one of Qt's
  signal/slot mutexes) while the UI thread, in its event loop without the GIL, destroys an object
  connected to a Python-made sender (holding that mutex, waiting for the GIL in sip);
- stale reply wrappers ("wrapped C/C++ object of type QNetworkReply has been deleted"): replies
  deleted on a task thread are announced to PyQt's tracker on the UI thread late, after the next
  reply took the same address.

The UI thread here churns Python-made QObjects (senders with their own signals, receivers that are
deleted in the event loop) every few milliseconds while tasks call the public API in loops. The
durations come from FLUX_STRESS_SECONDS (default 30).
"""

import os
import threading
import time

import pytest
from earthmover_flux import api
from earthmover_flux.flux_qgis.tasks import run_in_background
from earthmover_flux.flux_server import samples
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, pyqtSignal

STRESS_SECONDS = float(os.environ.get("FLUX_STRESS_SECONDS", "30"))


class _Sender(QObject):
    """A QObject made in Python, with a signal of its own: sip overrides its connectNotify and
    disconnectNotify, which need the GIL."""

    ping = pyqtSignal()


class UiChurn:
    """Every ``interval_ms`` on the UI thread: a few Python-made senders, C++ receivers connected to
    them, and the receivers deleted in the event loop (deleteLater), where the GIL is released."""

    def __init__(self, interval_ms=3, per_tick=8):
        self.per_tick = per_tick
        self.ticks = 0
        self._alive = []
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        self.ticks += 1
        old, self._alive = self._alive, []
        for sender, receivers in old:
            for receiver in receivers:
                receiver.deleteLater()  # ~QObject runs in the event loop, without the GIL
            sender.deleteLater()
        for _ in range(self.per_tick):
            sender = _Sender()
            receivers = []
            for _ in range(4):
                receiver = QTimer()  # a C++ class: its slot is connected without a Python proxy
                sender.ping.connect(receiver.stop)
                receivers.append(receiver)
            self._alive.append((sender, receivers))

    def start(self):
        self.timer.start()

    def stop(self):
        self.timer.stop()
        self._tick()  # schedule the deletion of what is left
        self._tick()


def _run_loops(qtbot, calls, seconds):
    """One background task per call of ``calls`` (name, fn(feedback)), each going round all of them
    (starting at its own) again and again for ``seconds`` while the UI thread churns; returns
    ({name: count}, [errors], churn ticks).

    Every task takes every call in turn: QGIS 3.40's task manager runs as many tasks at once as the
    machine has cores (two here) and has no setter for that, so a task that only ran one call could
    wait the whole run for a thread; taking turns, each call is made by every running task."""
    stop = threading.Event()
    counts = {name: 0 for name, _fn in calls}
    lock = threading.Lock()
    errors = []
    reports = []

    def looping(start):
        def work(feedback):
            turn = start
            while not stop.is_set() and not feedback.isCanceled():
                name, fn = calls[turn % len(calls)]
                fn(feedback)
                with lock:
                    counts[name] += 1
                turn += 1
            return turn - start

        return work

    # more threads where QGIS lets us (3.22: the global pool; >= 3.42: the task manager's own pool)
    manager = QgsApplication.taskManager()
    pool = manager if hasattr(manager, "setMaxActiveThreadCount") else QThreadPool.globalInstance()
    get_max = pool.maxActiveThreadCount if pool is manager else pool.maxThreadCount
    set_max = pool.setMaxActiveThreadCount if pool is manager else pool.setMaxThreadCount
    threads = get_max()
    set_max(max(threads, len(calls) + 1))
    churn = UiChurn()
    churn.start()
    tasks = [run_in_background(f"stress {name}", looping(i), lambda r, e: reports.append((r, e)))
             for i, (name, _fn) in enumerate(calls)]
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.001)
    finally:
        stop.set()
        churn.stop()
        set_max(threads)
    qtbot.waitUntil(lambda: len(reports) == len(tasks), timeout=60000)
    errors = [e for _r, e in reports if e is not None]
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=30000)
    return counts, errors, churn.ticks


def test_public_api_from_three_tasks_never_deadlocks_with_ui_churn(flux, credentials, qtbot):
    """Three tasks call list_variables, time_series and prepare_layer in loops for
    FLUX_STRESS_SECONDS while the UI thread creates and deletes Python-made senders and their
    receivers every few ms: every call finishes (a hang ends the run through conftest's watchdog)."""
    org, repo = flux.org, samples.REPO
    calls = [
        ("list_variables", lambda fb: api.list_variables(org, repo, "main", "gfs", "wms", feedback=fb)),
        ("time_series", lambda fb: api.time_series(org, repo, "main", "gfs", "t2m", 10.5, 45.5,
                                                   time_range=samples.GFS_TIMES[0], feedback=fb)),
        ("prepare_layer", lambda fb: api.prepare_layer(org, repo, "main", "gfs", "wms", "t2m",
                                                       value_range=(200, 300), feedback=fb)),
    ]
    counts, errors, ticks = _run_loops(qtbot, calls, STRESS_SECONDS)
    print(f"\nstress {STRESS_SECONDS:.0f} s: {counts}, UI churn ticks {ticks}")
    assert errors == [], errors
    assert all(n >= 3 for n in counts.values()), counts
    assert ticks > STRESS_SECONDS * 50, f"the UI thread churned only {ticks} times"


def test_edr_batches_from_two_tasks_never_meet_a_deleted_reply(flux, credentials, qtbot):
    """Two tasks run EDR batches (MULTIPOINT requests, several per call, concurrent) while the UI
    thread handles events every 50 ms. Replies deleted on task threads were announced late to
    PyQt's wrapper tracker and marked the next reply at the same address "deleted"; with every
    reply made, read and deleted on the UI thread, none is. Runs until 2,000 batches are done (at
    least FLUX_STRESS_SECONDS)."""
    from earthmover_flux.core import edr as core_edr
    from earthmover_flux.flux_qgis import edr as flux_edr

    loc = api.location(flux.org, "climate", "main", "", "edr")
    points = [(i * 1.7 - 80.0, i * 0.9 - 40.0) for i in range(48)]
    max_url = 1000  # a handful of points per request: many batches per call
    while len(core_edr.batches(loc, points, ["air"], max_url=max_url)) < 8:
        max_url -= 50
    per_call = len(core_edr.batches(loc, points, ["air"], max_url=max_url))

    def batches(feedback):
        result = flux_edr.fetch_position(loc, points, ["air"], None, credentials, feedback, max_url=max_url,
                                         check_parameters=False)
        assert result.requests == per_call and len(result.rows) >= len(points)

    stop = threading.Event()
    done = {"calls": 0}
    errors = []
    finished = []

    def looping(feedback):
        while not stop.is_set() and not feedback.isCanceled():
            try:
                batches(feedback)
            except Exception as exc:  # noqa: BLE001 - counted, and the test fails on any
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            done["calls"] += 1

    tasks = [run_in_background(f"edr batches {i}", looping, lambda r, e: finished.append(e)) for i in range(2)]
    started = time.monotonic()
    try:
        while (time.monotonic() - started < STRESS_SECONDS or done["calls"] * per_call < 2000) \
                and time.monotonic() - started < 10 * max(STRESS_SECONDS, 30) and not errors:
            QCoreApplication.processEvents()
            time.sleep(0.05)
    finally:
        stop.set()
    qtbot.waitUntil(lambda: len(finished) == len(tasks), timeout=60000)
    total = done["calls"] * per_call
    print(f"\n{total} EDR batches in {time.monotonic() - started:.0f} s from two tasks; errors: {len(errors)}")
    assert not [e for e in errors if "has been deleted" in e], errors[:5]
    assert errors == [], errors[:5]
    assert total >= 2000, f"only {total} batches"


def test_every_request_of_the_plugin_starts_on_the_ui_thread(flux, credentials, project, qtbot):
    """QGIS reports every request to the main network manager (requestAboutToBeCreated, with the
    thread it was made on): the plugin's own (its initiator class, as QGIS's Network Logger shows
    it) come from the UI thread only, also when the calls were made in tasks, and every path below
    was taken."""
    from earthmover_flux.flux_qgis import network
    from qgis.core import QgsNetworkAccessManager, QgsNetworkRequestParameters

    seen = []

    def created(params):
        if params.initiatorClassName() == network.INITIATOR:
            seen.append((params.originatingThreadId(), params.request().url().path()))

    manager = QgsNetworkAccessManager.instance()
    about_to_be_created = manager.requestAboutToBeCreated[QgsNetworkRequestParameters]
    about_to_be_created.connect(created)
    reports = []
    try:
        org = flux.org
        work = [
            lambda fb: api.list_variables(org, "climate", "main", "", "wms", feedback=fb),
            lambda fb: api.list_repos(org, feedback=fb),
            lambda fb: api.list_services(org, feedback=fb),
            lambda fb: api.edr_parameters(org, "climate", "main", "", feedback=fb),
            lambda fb: api.prepare_edr_position(org, "climate", "main", "", [(1, 1), (2, 2)], ["air"], feedback=fb),
            lambda fb: api.time_series(org, samples.REPO, "main", "gfs", "t2m", 10.5, 45.5, feedback=fb),
        ]
        for i, fn in enumerate(work):
            run_in_background(f"affinity {i}", fn, lambda r, e: reports.append(e))
        qtbot.waitUntil(lambda: len(reports) == len(work), timeout=60000)
        api.list_variables(org, "climate", "main", "", "tiles")  # and blocking, on the UI thread
    finally:
        about_to_be_created.disconnect(created)
    assert reports == [None] * len(work), reports
    threads = {thread for thread, _path in seen}
    paths = " ".join(path for _thread, path in seen)
    for part in ("/wms", "/_meta/discovery", "/compute/orgs/", "/edr/position", "/tiles"):
        assert part in paths, (part, paths)
    # one thread made them all, and it made the blocking call's requests on the UI thread last
    assert len(threads) == 1, f"requests made on {len(threads)} threads: {seen[:10]}"


def test_cancel_ends_a_held_request_at_once_and_leaves_nothing(flux, credentials, project, qtbot):
    """The server holds its answer 20 s; Cancel 100 ms after Add: the task reports within 1 s, the
    reply is aborted (none is left as a child of QGIS's network manager) and no layer is added."""
    from earthmover_flux.flux_qgis import network
    from qgis.core import QgsNetworkAccessManager
    from qgis.PyQt.QtNetwork import QNetworkReply

    flux.set_faults({"match": "GetCapabilities", "latency": 20})
    reports = []
    task = run_in_background("held", lambda fb: api.prepare_layer(
        flux.org, "climate", "main", "", "wms", "air", value_range=(0, 1), feedback=fb),
        lambda r, e: reports.append((r, e)))
    qtbot.wait(100)
    assert network.in_flight() >= 1, "the request was not on its way"
    started = time.monotonic()
    task.cancel()
    qtbot.waitUntil(lambda: bool(reports), timeout=1000)
    qtbot.waitUntil(lambda: network.in_flight() == 0, timeout=1000)
    elapsed = time.monotonic() - started
    result, error = reports[0]
    assert result is None and type(error).__name__ == "FluxCancelled", reports
    assert elapsed < 1.0, elapsed
    qtbot.wait(100)  # the aborted reply is deleted by the event loop (a deferred delete)
    left = QgsNetworkAccessManager.instance().findChildren(QNetworkReply)
    assert [r for r in left if "/v1/services/" in r.url().toString()] == []
    assert project.mapLayers() == {}
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=5000)


def test_blocking_calls_on_the_ui_thread_cancel_too(flux, credentials):
    """The console's blocking call (a local event loop on the UI thread) ends at once on Cancel."""
    from earthmover_flux.core.errors import FluxCancelled
    from qgis.core import QgsFeedback

    flux.set_faults({"match": "GetCapabilities", "latency": 20})
    feedback = QgsFeedback()
    QTimer.singleShot(100, feedback.cancel)
    started = time.monotonic()
    with pytest.raises(FluxCancelled):
        api.list_variables(flux.org, "climate", "main", "", "wms", feedback=feedback)
    assert time.monotonic() - started < 1.0


def test_reading_a_key_while_layers_draw_takes_qgis_auth_locks_in_the_providers_order(flux, credentials, project):
    """QGIS 3.40 deadlocked in CI (tests/test_shared_project.py, both native stacks in docs/tests.md):
    a render thread's WMS request held the Basic method's mutex and waited for the auth manager's
    (updateNetworkRequest -> getMethodConfig -> loadAuthenticationConfig) while the dock, reading the
    key on the UI thread with loadAuthenticationConfig, held the manager's and waited for the Basic
    method's. Here four WMS layers draw in a parallel render job, again and again over a moving
    extent (every draw asks the server: a request per layer, each on its render thread), and the UI
    thread reads the key in a loop, emptying QGIS's Basic config cache each time so that the render
    threads take the slow path. Reading the key the providers' way never waits for them."""
    from earthmover_flux.flux_qgis import auth
    from qgis.core import QgsCoordinateReferenceSystem, QgsMapRendererParallelJob, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QSize

    layers = [api.add_layer(flux.org, "climate", "main", "", "wms", "air", colormap=cmap, value_range=(220, 320))
              for cmap in ("viridis", "magma", "plasma", "gray")]
    am = QgsApplication.authManager()
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    settings.setOutputSize(QSize(64, 64))
    flux.clear_log()
    deadline = time.monotonic() + min(STRESS_SECONDS, 20.0)
    job, renders, reads, right = None, 0, 0, 0
    while time.monotonic() < deadline:
        if job is None or not job.isActive():
            renders += job is not None
            shift = (renders % 50) * 0.5
            settings.setExtent(QgsRectangle(-60 + shift, -30, 60 + shift, 30))
            job = QgsMapRendererParallelJob(settings)
            job.start()
        am.clearCachedConfig(credentials)
        org, key = auth.read_credentials(credentials)
        right += org == flux.org and key == flux.key  # compared, never printed
        reads += 1
        QCoreApplication.processEvents()
    job.waitForFinished()
    print(f"key read {reads} times on the UI thread while {renders} parallel renders of 4 WMS layers ran")
    assert right == reads, f"{reads - right} of {reads} reads gave other credentials"
    getmaps = [e for e in flux.log() if "GetMap" in e["query"]]
    assert renders >= 10 and len(getmaps) >= 4 * 10, (renders, len(getmaps))
    assert all(e["auth"] == "valid" and e["status"] == 200 for e in getmaps), "every render request carried the key"

