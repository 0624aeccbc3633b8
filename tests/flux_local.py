"""Start and drive the local Flux imitation (``flux_server``) from tests.

Standard library only, Python 3.11: this runs under QGIS's Python, while the
server runs in its own venv (Python >= 3.12, for icechunk 2 and xpublish-tiles)
as a subprocess. Nothing of flux_server is imported here.

    flux = start_local_flux("/some/cache/dir")
    try:
        url = flux.service_url("wms", "climate", "main", "", "wms")
        ...
    finally:
        flux.stop()
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

DEMO_ORG = "flux-demo"
DEMO_KEY = "flux-demo-key-7c1d2e9a4b"
OTHER_ORG = "other-org"
OTHER_KEY = "other-org-key-55aa77"

START_TIMEOUT = 120.0


class LocalFluxError(RuntimeError):
    pass


def server_python() -> str:
    """The server venv's interpreter: $FLUX_SERVER_PYTHON or <repo>/.venv-server/bin/python."""
    env = os.environ.get("FLUX_SERVER_PYTHON")
    if env:
        return env
    return str(REPO_ROOT / ".venv-server" / "bin" / "python")


def _server_env() -> dict:
    env = dict(os.environ)
    # The server package lives at the repo root; never inherit QGIS's PYTHONPATH.
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.pop("PYTHONHOME", None)
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("ICECHUNK_LOG", "error")
    env.setdefault("NO_PROXY", "127.0.0.1,localhost")
    return env


def _check_python(python: str) -> None:
    if not (os.path.isfile(python) and os.access(python, os.X_OK)) and not shutil.which(python):
        raise LocalFluxError(
            f"server python not found: {python}\n"
            "Create it with `make server-venv` (or python3.12 -m venv .venv-server && "
            ".venv-server/bin/pip install -r flux_server/requirements.txt), "
            "or set FLUX_SERVER_PYTHON.")


def build_data(data_dir: str | os.PathLike, python: str | None = None, timeout: float = 300) -> dict:
    """Build the sample repositories into data_dir (a no-op when already built)."""
    python = python or server_python()
    _check_python(python)
    data_dir = Path(data_dir)
    proc = subprocess.run(
        [python, "-m", "flux_server.build_data", str(data_dir)],
        cwd=str(REPO_ROOT), env=_server_env(), capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        raise LocalFluxError(f"building sample data failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads((data_dir / "manifest.json").read_text())


# Requests to the server must never go through a proxy set in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LocalFlux:
    """A running local Flux server (see flux_server/README.md)."""

    def __init__(self, info: dict, manifest: dict, proc: subprocess.Popen | None = None,
                 stderr_path: Path | None = None, log_file: Path | None = None):
        self.proc = proc  # None when attached to a server started elsewhere
        self.info = info
        self.base_url: str = info["base_url"]
        self.api_url: str = info["api_url"]
        self.port: int = info["port"]
        self.manifest = manifest
        self.org = DEMO_ORG
        self.key = manifest["orgs"][DEMO_ORG]["key"]
        self.other_org = OTHER_ORG
        self.other_key = manifest["orgs"][OTHER_ORG]["key"]
        self.stderr_path = stderr_path
        # JSON lines, one per request; on the server's file system.
        self.log_file = Path(log_file or info.get("log_file") or "server-requests.log")

    # -- URLs -----------------------------------------------------------------
    def service_url(self, service: str, repo: str = "climate", ref: str = "main",
                    group: str = "", suffix: str | None = None, org: str | None = None) -> str:
        """``{base}/v1/services/{service}/{org}/{repo}/{ref}/{group}/{suffix}`` (no trailing slash).

        suffix defaults from the service type: dap2 -> opendap, else the name.
        """
        if suffix is None:
            suffix = "opendap" if service == "dap2" else service
        parts = [self.base_url, "v1", "services", service, org or self.org, repo, ref]
        parts += [p for p in group.strip("/").split("/") if p]
        parts.append(suffix)
        return "/".join(parts)

    def snapshot(self, label: str, repo: str = "climate") -> str:
        """Snapshot id of commit label c1..c4 of a demo repo."""
        return self.manifest["orgs"][self.org]["repos"][repo]["snapshots"][label]

    def basic_auth_header(self, org: str | None = None, key: str | None = None) -> str:
        token = f"{org or self.org}:{key or self.key}".encode()
        return "Basic " + base64.b64encode(token).decode()

    # -- control API ----------------------------------------------------------
    def _control(self, method: str, path: str, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with _OPENER.open(req, timeout=30) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            raise LocalFluxError(f"{method} {path}: {exc.code} {exc.read()[:500]!r}") from None
        return json.loads(body) if body else None

    def log(self, clear: bool = False) -> list:
        """Request log entries (method, path, query, status, auth, kind, service, org, time)."""
        return self._control("GET", "/_flux/log" + ("?clear=1" if clear else ""))

    def clear_log(self) -> None:
        self._control("DELETE", "/_flux/log")

    def set_faults(self, *rules: dict) -> list:
        """Replace all fault rules, e.g. set_faults({"match": "GetMap", "status": 503, "times": 1})."""
        return self._control("POST", "/_flux/faults", {"rules": list(rules)})["rules"]

    def faults(self) -> list:
        return self._control("GET", "/_flux/faults")["rules"]

    def clear_faults(self) -> None:
        self._control("DELETE", "/_flux/faults")

    def reset(self) -> None:
        """Initial deployments, no faults, empty log."""
        self._control("POST", "/_flux/reset")

    def alive(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        try:
            return self._control("GET", "/_flux/health") == {"ok": True}
        except (OSError, LocalFluxError):
            return False

    def stderr_tail(self, limit: int = 4000) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-limit:]
        except (OSError, AttributeError):
            return ""

    def stop(self) -> None:
        """Stop the server if this object started it (an attached one keeps running)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        # The server's stderr only matters while it runs (stderr_tail); keep it
        # when asked, so cache folders do not fill up with one file per run.
        if self.stderr_path and not os.environ.get("FLUX_KEEP_STDERR"):
            self.stderr_path.unlink(missing_ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, even if it is killed."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: stop() still ends it on a normal exit


def start_local_flux(data_dir: str | os.PathLike | None = None, port: int = 0,
                     log_file: str | os.PathLike | None = None,
                     timeout: float = START_TIMEOUT) -> LocalFlux:
    """Build the data (once per data_dir) and start the server; returns when it listens.

    data_dir=None uses $FLUX_DATA_DIR, else a fresh temporary directory. The
    request log goes to log_file, default ``<data_dir>/../server-requests.log``.
    """
    python = server_python()
    _check_python(python)
    if data_dir is None:
        data_dir = os.environ.get("FLUX_DATA_DIR") or Path(tempfile.mkdtemp(prefix="flux-local-")) / "data"
    data_dir = Path(data_dir).resolve()
    manifest = build_data(data_dir, python)

    workdir = data_dir.parent
    workdir.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    ready = workdir / f"flux-ready-{tag}.json"
    stderr_path = workdir / f"flux-server-{tag}.stderr"
    log_path = Path(log_file).resolve() if log_file else workdir / "server-requests.log"
    cmd = [python, "-m", "flux_server", "--data", str(data_dir), "--host", "127.0.0.1",
           "--port", str(port), "--ready-file", str(ready), "--log-file", str(log_path)]
    with open(stderr_path, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=str(REPO_ROOT), env=_server_env(),
                                stdout=subprocess.DEVNULL, stderr=err, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + timeout
    while True:
        if ready.exists():
            try:
                info = json.loads(ready.read_text())
                break
            except ValueError:
                pass  # written atomically, but be safe
        if proc.poll() is not None:
            raise LocalFluxError(
                f"flux server exited with {proc.returncode} before it was ready:\n"
                f"{stderr_path.read_text(errors='replace')[-4000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait(timeout=10)
            raise LocalFluxError(
                f"flux server not ready after {timeout:.0f}s:\n"
                f"{stderr_path.read_text(errors='replace')[-4000:]}")
        time.sleep(0.1)
    ready.unlink(missing_ok=True)
    return LocalFlux(info, manifest, proc=proc, stderr_path=stderr_path, log_file=log_path)


def attach_local_flux(info: dict | str | os.PathLike) -> LocalFlux:
    """A LocalFlux for a server already running (started by someone else).

    info is the server's ready-file content (a dict) or its path. The manifest
    comes from the server itself (``GET /_flux/manifest``), so the data folder
    need not be visible here. stop() leaves the server running.
    """
    if not isinstance(info, dict):
        info = json.loads(Path(info).read_text())
    probe = LocalFlux(info, {"orgs": {DEMO_ORG: {"key": DEMO_KEY}, OTHER_ORG: {"key": OTHER_KEY}}})
    manifest = info.get("manifest") or probe._control("GET", "/_flux/manifest")
    return LocalFlux(info, manifest)


if __name__ == "__main__":
    # Handy by hand: python tests/flux_local.py [DATA_DIR] -> runs until Ctrl-C.
    flux = start_local_flux(sys.argv[1] if len(sys.argv) > 1 else None)
    print(json.dumps({"base_url": flux.base_url, "api_url": flux.api_url,
                      "org": flux.org, "key": flux.key}, indent=2))
    try:
        flux.proc.wait()
    except KeyboardInterrupt:
        flux.stop()
