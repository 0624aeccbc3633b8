"""``python -m flux_server --data DIR [--host 127.0.0.1] [--port 0] [--ready-file F] [--log-file F]``

Builds the sample data if DIR has none, binds the socket itself (so ``--port 0``
can report the port the OS chose), and writes the ready file only once uvicorn
accepts connections.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import warnings
from pathlib import Path


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m flux_server", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="data directory (built if empty)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--ready-file", help="JSON {base_url, api_url, port, ...} written when listening")
    parser.add_argument("--log-file", help="request log, JSON lines (default DIR/../server-requests.log)")
    parser.add_argument("--no-preload", action="store_true",
                        help="import the protocol plugins on first use instead of at start")
    parser.add_argument("--access-log", action="store_true", help="uvicorn's own access log")
    return parser.parse_args(argv)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


async def _serve(server, sock, ready_file: Path | None, info: dict) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()  # re-raise why uvicorn stopped
            raise SystemExit("uvicorn stopped before it started")
        await asyncio.sleep(0.05)
    print(f"flux-local listening\n  base URL: {info['base_url']}\n  API URL:  {info['api_url']}\n"
          f"  org: {info['org']}  key: {info['key']}\n  data: {info['data_dir']}", flush=True)
    if ready_file:
        _write_atomic(ready_file, json.dumps(info, indent=2))
    await task


def main(argv=None) -> int:
    args = _parse(argv)
    # opendap-protocol imports pkg_resources, which warns on every start.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")

    import uvicorn

    from . import data
    from .app import create_app
    from .compute import preload
    from .state import FluxState

    data_dir = Path(args.data).resolve()
    manifest = data.build(data_dir)  # no-op when already built
    data.quiet_icechunk()
    log_file = Path(args.log_file).resolve() if args.log_file else data_dir.parent / "server-requests.log"
    if not args.no_preload:
        preload()

    state = FluxState(manifest, data_dir, log_file)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    port = sock.getsockname()[1]
    # Clients always reach the server on loopback, even when it listens on all interfaces.
    host = args.host if args.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    base_url = f"http://{host}:{port}"
    info = {
        "base_url": base_url,
        "api_url": f"{base_url}/api",
        "port": port,
        "pid": os.getpid(),
        "org": data.DEMO_ORG,
        "key": data.DEMO_KEY,
        "data_dir": str(data_dir),
        "log_file": str(log_file),
    }
    config = uvicorn.Config(create_app(state), log_level="warning", access_log=args.access_log,
                            lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    ready = Path(args.ready_file).resolve() if args.ready_file else None
    if ready:
        ready.unlink(missing_ok=True)
    try:
        asyncio.run(_serve(server, sock, ready, info))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
