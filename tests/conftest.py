"""Test harness: real QGIS (offscreen), a throwaway profile, and the local Flux server.

- The plugin is imported as ``earthmover_flux`` through a symlink in a temp folder, exactly as
  QGIS finds it in a profile's plugins folder.
- QGIS settings and the auth database live in a temp profile (never the developer's own).
- The local Flux-compatible server (flux_server/, its own venv) runs on a free loopback port;
  with FLUX_SERVER_URL_FILE set (the QGIS 3.40 chroot run) an already running one is used.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flux_local  # noqa: E402
from harness import APP, MASTER_PASSWORD, PROFILE_DIR  # noqa: E402  (starts QGIS)
from qgis.core import Qgis, QgsApplication, QgsProject  # noqa: E402

# A test that runs longer than this is taken as hung. Python's signal-based --timeout cannot end a
# hang in native code (two threads each waiting for what the other holds), so a watchdog process
# (tests/watchdog.py), told when each test starts and ends, writes every thread's Python stack
# (faulthandler, on SIGUSR2) and native stack (gdb) to tests/artifacts/.../hang-stacks.txt and ends
# the run. A hang fails the run; nothing runs it again.
HANG_SECONDS = int(os.environ.get("FLUX_TEST_HANG_SECONDS", "300"))
_WATCHDOG = []


def _watchdog():
    if not _WATCHDOG:
        import faulthandler
        import signal
        import subprocess

        from harness import ARTIFACTS

        stacks = ARTIFACTS / "hang-stacks.txt"
        stacks.write_text("")
        python_stacks = open(stacks, "a")  # noqa: SIM115 (open for the session: faulthandler writes into it)
        faulthandler.register(signal.SIGUSR2, file=python_stacks, all_threads=True)
        proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "watchdog.py"), str(os.getpid()),
                                 str(stacks)], stdin=subprocess.PIPE, text=True)
        _WATCHDOG.extend([proc, python_stacks])
    return _WATCHDOG[0]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):  # noqa: ARG001 (pytest hook)
    watchdog = _watchdog()
    watchdog.stdin.write(f"arm {HANG_SECONDS} {item.nodeid} (QGIS {Qgis.QGIS_VERSION})\n")
    watchdog.stdin.flush()
    try:
        yield
    finally:
        watchdog.stdin.write("disarm\n")
        watchdog.stdin.flush()


def pytest_report_header(config):
    return f"QGIS {Qgis.QGIS_VERSION}, profile {PROFILE_DIR}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    import json

    from harness import ARTIFACTS

    stats = terminalreporter.stats
    counts = {k: len(stats.get(k, [])) for k in ("passed", "failed", "skipped", "error", "xfailed", "xpassed")}
    # the README's figures (faults injected, odd inputs tried, ...) are these per-test case counts
    # of a run, not a test that counts other tests
    cases = {}
    for report in stats.get("passed", []):
        if report.when == "call":
            name = report.nodeid.split("[", 1)[0]
            cases[name] = cases.get(name, 0) + 1
    (ARTIFACTS / "passed-cases.json").write_text(json.dumps(dict(sorted(cases.items())), indent=1))
    terminalreporter.write_line(
        f"QGIS {Qgis.QGIS_VERSION}: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped, {counts['error']} errors"
        + (f", {counts['xfailed']} xfailed (known QGIS bugs, see the reasons above)" if counts["xfailed"] else ""))


@pytest.fixture(scope="session")
def qgis_app():
    return APP


@pytest.fixture(scope="session")
def profile_dir():
    return PROFILE_DIR


@pytest.fixture(scope="session")
def master_password():
    am = QgsApplication.authManager()
    if not am.masterPasswordIsSet():
        assert am.setMasterPassword(MASTER_PASSWORD, True)
    return MASTER_PASSWORD


@pytest.fixture(scope="session")
def _flux_session():
    url_file = os.environ.get("FLUX_SERVER_URL_FILE")
    if url_file:
        # a server started outside (the QGIS 3.40 chroot run shares the host's loopback)
        server = flux_local.attach_local_flux(url_file)
    else:
        server = flux_local.start_local_flux()
    os.environ["EARTHMOVER_FLUX_COMPUTE_URL"] = server.base_url
    os.environ["EARTHMOVER_FLUX_API_URL"] = server.api_url
    yield server
    server.stop()


@pytest.fixture
def flux(_flux_session):
    """The local Flux server, reset (services, faults, log) for each test."""
    _flux_session.reset()
    yield _flux_session
    _flux_session.clear_faults()


@pytest.fixture
def project():
    QgsProject.instance().clear()
    yield QgsProject.instance()
    QgsProject.instance().clear()


@pytest.fixture
def credentials(flux, master_password):
    """The demo org's key stored as a Basic config; returns the authcfg id."""
    from earthmover_flux import api

    return api.store_credentials(flux.org, flux.key)


@pytest.fixture
def iface(qgis_app):
    from qgis_window import TestInterface

    window = TestInterface()
    import qgis.utils

    previous = qgis.utils.iface
    qgis.utils.iface = window
    yield window
    qgis.utils.iface = previous
    window.close_all()


def pytest_sessionfinish(session, exitstatus):  # noqa: ARG001 (pytest hook)
    import qgis.utils

    if "earthmover_flux" in qgis.utils.active_plugins:
        qgis.utils.unloadPlugin("earthmover_flux")
    QgsProject.instance().clear()
    QgsApplication.processEvents()


def _delete_leftover_layers():
    """Map layers Python still holds at the end are deleted now, while GDAL is alive: after
    exitQgis() an OGR layer's destructor closes its dataset on a destroyed driver (3.22 segfaults
    in Py_FinalizeEx, seen under gdb). Each is named with what holds it, so a leak shows up."""
    import gc

    from qgis.core import QgsMapLayer
    from qgis.PyQt import sip

    for obj in gc.get_objects():
        try:
            leftover = isinstance(obj, QgsMapLayer) and not sip.isdeleted(obj) and sip.ispyowned(obj)
        except (RuntimeError, ReferenceError):
            continue
        if leftover:
            holders = [type(r).__name__ for r in gc.get_referrers(obj)][:5]
            print(f"\nleft over at exit: {type(obj).__name__} {obj.name()!r} ({obj.providerType()}), "
                  f"held by {holders}")
            sip.delete(obj)


def pytest_unconfigure(config):
    # The interpreter exits normally: a crash while Python and QGIS tear down (exit 139) fails the
    # run. A bare QgsApplication exits cleanly on 3.22, 3.40 and 3.44 (measured), so a crash here
    # would be the plugin's or a test's doing.
    import gc

    gc.collect()
    _delete_leftover_layers()
    APP.exitQgis()
    sys.stdout.flush()
    sys.stderr.flush()


@pytest.fixture(autouse=True)
def _same_plugin_modules_for_every_test():
    # qgis.utils.unloadPlugin() deletes the plugin's modules from sys.modules (as QGIS does);
    # a later import would then make new classes, and `except FluxError` in a test module
    # imported earlier would no longer match. Put the session's modules back after each test.
    saved = {name: module for name, module in sys.modules.items()
             if name == "earthmover_flux" or name.startswith("earthmover_flux.")}
    yield
    sys.modules.update(saved)


@pytest.fixture(autouse=True)
def _no_task_left_running(request):
    yield
    manager = QgsApplication.taskManager()
    for _ in range(100):  # let tasks that are ending report
        if not manager.countActiveTasks():
            return
        QgsApplication.processEvents()
        import time

        time.sleep(0.05)
    left = [task.description() for task in manager.activeTasks()]
    print(f"\nTASKS LEFT RUNNING after {request.node.nodeid}: {left}")


# -- the thread rule, watched in every test ------------------------------------------------------
# Only the UI thread may create, read or delete Qt network objects (flux_qgis/engine.py says why).
# Every Python call of Qt's and QGIS's request methods passes through this guard, which lets it
# through unchanged and notes the calls made from any other thread; a test during which one was
# made fails, naming the call and where it came from.
_OFF_THREAD_CALLS = []


def _guard_network_methods():
    import threading
    import traceback

    from qgis.core import QgsBlockingNetworkRequest, QgsNetworkAccessManager, QgsNetworkContentFetcher
    from qgis.PyQt.QtNetwork import QNetworkAccessManager

    def guarded(cls, name):
        original = getattr(cls, name)

        def call(self, *args, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                where = "".join(traceback.format_stack(limit=8)[:-1])
                _OFF_THREAD_CALLS.append(f"{cls.__name__}.{name} on thread "
                                         f"{threading.current_thread().name}:\n{where}")
            return original(self, *args, **kwargs)

        setattr(cls, name, call)

    for name in ("get", "post", "put", "head", "deleteResource", "sendCustomRequest"):
        guarded(QNetworkAccessManager, name)
    for name in ("blockingGet", "blockingPost"):
        guarded(QgsNetworkAccessManager, name)
    for name in ("get", "post", "put", "head", "deleteResource"):
        guarded(QgsBlockingNetworkRequest, name)
    guarded(QgsNetworkContentFetcher, "fetchContent")


_guard_network_methods()


@pytest.fixture(autouse=True)
def _no_network_call_off_the_ui_thread():
    del _OFF_THREAD_CALLS[:]
    yield
    calls, _OFF_THREAD_CALLS[:] = list(_OFF_THREAD_CALLS), []
    assert not calls, f"{len(calls)} Qt network call(s) off the UI thread; the first:\n{calls[0]}"


@pytest.fixture(autouse=True)
def _fresh_dataset_metadata():
    """The plugin keeps what a dataset's services said for the QGIS session (flux_qgis/metadata.py);
    every test starts a session of its own there, so a fault or a count of requests is its own."""
    from earthmover_flux.flux_qgis import metadata

    metadata.forget()
    yield
