"""Servers that misbehave below HTTP, through the plugin's one network engine (issue 21).

A small raw TCP server on 127.0.0.1 (Python sockets, no HTTP library) plays the Flux service:
it never answers, resets the connection, sends half a body and closes, or redirects to another
host. Each time the API call ends with one sentence that says what happened and what to do, in
bounded time, with no layer half made and no key in the message; nothing stays in flight.
"""

import socket
import threading
import time

import pytest
from earthmover_flux import api
from earthmover_flux.core.errors import FluxError
from earthmover_flux.flux_qgis import network
from qgis.core import QgsNetworkAccessManager

CAPABILITIES = "service=WMS"  # what list_variables asks first


class RawServer:
    """Accepts connections on ``host`` and answers each request with ``behave(request bytes, conn)``."""

    def __init__(self, behave, host="127.0.0.1"):
        self.behave = behave
        self.requests = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self.open = []
        self.stopped = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.open.append(conn)
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        data = b""
        conn.settimeout(5)
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        self.requests.append(data.decode("latin-1"))
        try:
            self.behave(data, conn)
        except OSError:
            pass

    def stop(self):
        self.stopped.set()
        for conn in self.open:
            try:
                conn.close()
            except OSError:
                pass
        self.sock.close()


def silent(_request, conn):
    time.sleep(30)  # holds the connection, never answers


def reset(_request, conn):
    import struct

    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
    conn.close()


def half_body(_request, conn):
    body = b"<WMS_Capabilities>" + b"x" * 4000
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(body))
    conn.sendall(body[: len(body) // 2])
    conn.close()


@pytest.fixture
def raw(request):
    servers = []

    def make(behave, host="127.0.0.1"):
        server = RawServer(behave, host)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def call_list_variables(server, credentials, org):
    return api.list_variables(org, "climate", "main", "", "wms", authcfg=credentials, compute_url=server.url)


def assert_sentence(error, key, *parts):
    text = str(error)
    assert key not in text
    assert text.endswith(".") and len(text) < 400, text
    for part in parts:
        assert part in text, text


def test_a_server_that_never_answers_times_out_with_a_sentence(raw, flux, credentials, project):
    server = raw(silent)
    previous = QgsNetworkAccessManager.timeout()
    QgsNetworkAccessManager.setTimeout(2000)
    started = time.monotonic()
    try:
        with pytest.raises(FluxError) as caught:
            call_list_variables(server, credentials, flux.org)
    finally:
        QgsNetworkAccessManager.setTimeout(previous)
    assert time.monotonic() - started < 6
    assert_sentence(caught.value, flux.key, "did not answer within 2 s", "Try again")
    assert server.requests and "authorization: basic" in server.requests[0].lower()
    assert network.in_flight() == 0 and project.mapLayers() == {}


def test_a_reset_connection_says_the_server_could_not_be_reached(raw, flux, credentials, project):
    server = raw(reset)
    with pytest.raises(FluxError) as caught:
        call_list_variables(server, credentials, flux.org)
    assert_sentence(caught.value, flux.key, "Could not reach 127.0.0.1", "Check the URL")
    assert network.in_flight() == 0 and project.mapLayers() == {}


def test_half_a_body_is_never_taken_for_the_whole(raw, flux, credentials, project):
    server = raw(half_body)
    with pytest.raises(FluxError) as caught:
        call_list_variables(server, credentials, flux.org)
    assert_sentence(caught.value, flux.key, "broke off before the answer was complete", "Try again")
    assert network.in_flight() == 0 and project.mapLayers() == {}


def test_a_redirect_to_another_host_is_refused_and_the_key_stays_home(raw, flux, credentials, project):
    elsewhere = raw(silent, host="127.0.0.2")

    def redirect(request, conn):
        path = request.split(b" ", 2)[1] if isinstance(request, bytes) else request.split(" ", 2)[1]
        target = f"{elsewhere.url}{path.decode() if isinstance(path, bytes) else path}"
        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {target}\r\nContent-Length: 0\r\n\r\n".encode())
        conn.close()

    server = raw(redirect)
    with pytest.raises(FluxError) as caught:
        call_list_variables(server, credentials, flux.org)
    assert_sentence(caught.value, flux.key, "redirected the request to another host (127.0.0.2)",
                    "does not send your API key there")
    time.sleep(0.3)
    assert elsewhere.requests == []  # not even asked, let alone with the key
    assert network.in_flight() == 0 and project.mapLayers() == {}


def test_a_redirect_on_the_same_server_is_followed_with_the_key(raw, flux, credentials):
    """The same origin: followed, with the key (the engine adds it again to the new request)."""
    answered = []

    def behave(request, conn):
        line = request.split(b"\r\n", 1)[0].decode()
        if "/moved/" not in line:
            path = line.split(" ")[1]
            conn.sendall(f"HTTP/1.1 301 Moved\r\nLocation: /moved{path}\r\nContent-Length: 0\r\n\r\n".encode())
        else:
            answered.append(request)
            body = b"not capabilities"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body)
                         + body)
        conn.close()

    server = raw(behave)
    response = network.send("GET", f"{server.url}/v1/services/wms/{flux.org}/climate/main/wms?x=1",
                            authcfg=credentials)
    assert response.status == 200 and response.body == b"not capabilities"
    assert response.url.startswith(f"{server.url}/moved/v1/services/wms/")
    assert answered and b"authorization: basic" in answered[0].lower()


def test_unloading_the_plugin_aborts_what_is_in_flight(flux, credentials, iface, qtbot):
    import qgis.utils
    from earthmover_flux.flux_qgis.tasks import run_in_background
    from qgis.core import QgsApplication

    flux.set_faults({"match": "GetCapabilities", "latency": 20})
    assert qgis.utils.loadPlugin("earthmover_flux") and qgis.utils.startPlugin("earthmover_flux")
    reports = []
    unloaded = False
    try:
        run_in_background("held", lambda fb: api.list_variables(flux.org, "climate", "main", "", "wms", feedback=fb),
                          lambda r, e: reports.append(e))
        qtbot.waitUntil(lambda: network.in_flight() == 1, timeout=5000)
        started = time.monotonic()
        unloaded = qgis.utils.unloadPlugin("earthmover_flux")
        assert unloaded
        qtbot.waitUntil(lambda: bool(reports), timeout=2000)
        assert time.monotonic() - started < 2
    finally:
        if not unloaded:
            qgis.utils.unloadPlugin("earthmover_flux")
    assert type(reports[0]).__name__ == "FluxCancelled"
    qtbot.waitUntil(lambda: QgsApplication.taskManager().countActiveTasks() == 0, timeout=5000)
    assert network.in_flight() == 0
