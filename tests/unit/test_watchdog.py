"""tests/watchdog.py, the hang watchdog of every test run: it must see each "arm" line however the
lines arrive. In CI a QGIS 3.40 run hung for an hour without a report: conftest writes "disarm"
and the next test's "arm" back to back, one read took both into Python's stdin buffer, and the
watchdog then waited on the empty pipe, disarmed."""

import signal
import subprocess
import sys
import time
from pathlib import Path

WATCHDOG = Path(__file__).resolve().parents[1] / "watchdog.py"


def _watch(tmp_path, lines):
    target = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    stacks = tmp_path / "hang-stacks.txt"
    dog = subprocess.Popen([sys.executable, str(WATCHDOG), str(target.pid), str(stacks)], stdin=subprocess.PIPE,
                           env={"PATH": "/nonexistent"})  # no gdb: the report is the Python part only
    dog.stdin.write(lines.encode())
    dog.stdin.flush()
    try:
        returncode = target.wait(timeout=20)
    except subprocess.TimeoutExpired:
        returncode = None  # the watchdog did not end it
        target.kill()
        target.wait()
    dog.stdin.close()
    dog.wait(timeout=20)
    return returncode, stacks.read_text() if stacks.exists() else ""


def test_an_arm_line_that_arrives_with_the_disarm_before_it_is_seen(tmp_path):
    returncode, report = _watch(tmp_path, "arm 300 tests/a.py::first\ndisarm\narm 1 tests/b.py::second\n")
    assert returncode in (-signal.SIGUSR2, -signal.SIGKILL), f"the hung process was not ended ({returncode})"
    assert report.startswith("HUNG: tests/b.py::second ran over 1 s"), report[:200]


def test_a_disarmed_watchdog_leaves_the_process_alone(tmp_path):
    started = time.monotonic()
    target = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])
    dog = subprocess.Popen([sys.executable, str(WATCHDOG), str(target.pid), str(tmp_path / "s.txt")],
                           stdin=subprocess.PIPE)
    dog.stdin.write(b"arm 1 tests/a.py::quick\ndisarm\n")
    dog.stdin.flush()
    assert target.wait(timeout=20) == 0 and time.monotonic() - started >= 2.5
    dog.stdin.close()
    dog.wait(timeout=20)
    assert not (tmp_path / "s.txt").exists()
