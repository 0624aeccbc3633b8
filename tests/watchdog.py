"""The test run's watchdog: a separate process, so a hang in native code cannot stop it.

A test that runs longer than its limit is hung. Inside the test process nothing can be relied on
then (two threads may wait for each other holding the GIL and a Qt mutex), so this process, told
by conftest.py when each test starts and ends (a line on its stdin), does the reporting when the
limit passes:

1. SIGUSR2 to the test process: faulthandler (registered for it in conftest, a C handler that
   needs neither the GIL nor the UI thread) appends every thread's Python stack;
2. ``gdb -batch -p PID -ex "thread apply all bt"`` appends every thread's native stack, which
   names both sides of a deadlock (QGIS and Qt frames, the locks they wait on);
3. SIGKILL ends the run; the Makefile prints the file. A hung run is a failure, never run again.

    python watchdog.py PID STACKS_FILE      (stdin: "arm SECONDS NODEID" / "disarm"; EOF: exit)

Standard library only; runs under the same Python as the tests.
"""

import os
import select
import shutil
import signal
import subprocess
import sys
import time


def report(pid, path, nodeid, seconds):
    with open(path, "w") as out:
        out.write(f"HUNG: {nodeid} ran over {seconds:.0f} s; every thread, Python then native:\n")
        out.write("--- Python stacks (faulthandler) ---\n")
    try:
        os.kill(pid, signal.SIGUSR2)
    except ProcessLookupError:
        return
    time.sleep(2)  # faulthandler writes in the test process's signal handler
    gdb = shutil.which("gdb")
    with open(path, "a") as out:
        out.write("\n--- native stacks (gdb) ---\n")
        if gdb is None:
            out.write("gdb is not installed: no native stacks (make qgis installs it)\n")
        else:
            try:
                done = subprocess.run([gdb, "-batch", "-nx", "-p", str(pid), "-ex", "thread apply all bt"],
                                      capture_output=True, text=True, timeout=180)
                out.write(done.stdout)
                out.write(done.stderr[-2000:])
            except (subprocess.TimeoutExpired, OSError) as exc:
                out.write(f"gdb failed: {exc}\n")
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main():
    pid, path = int(sys.argv[1]), sys.argv[2]
    deadline, nodeid, seconds = None, "", 0.0
    stdin, pending = sys.stdin.fileno(), b""
    while True:
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([stdin], [], [], timeout)
        if not ready:
            report(pid, path, nodeid, seconds)
            return
        # the pipe itself, never a buffered reader: lines that arrive together ("disarm", then the
        # next test's "arm") must all be seen now, not left in a buffer select() knows nothing of
        chunk = os.read(stdin, 65536)
        if not chunk:
            return  # the test process ended
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            parts = line.decode("utf-8", "replace").split(" ", 2)
            if parts[0] == "arm" and len(parts) == 3:
                seconds = float(parts[1])
                deadline, nodeid = time.monotonic() + seconds, parts[2]
            else:
                deadline = None


if __name__ == "__main__":
    main()
