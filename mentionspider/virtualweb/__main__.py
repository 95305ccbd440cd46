"""Run the virtual web as a proxy: ``python -m mentionspider.virtualweb [WEB_DIR] --port 0``.

Prints the proxy URL on the first line of stdout, then serves until
interrupted (SIGINT/SIGTERM). WEB_DIR defaults to the bundled sample web.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from contextlib import ExitStack
from pathlib import Path

from .server import LoggedRequest, ProxyServer, log_line
from .testing import sample_web_dir
from .web import WebConfigError, load_web


async def _serve(server: ProxyServer, host: str, port: int) -> None:
    listener = await server.listen(host, port)
    bound = listener.sockets[0].getsockname()[1]
    print(f"http://{host}:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    listener.close()
    await server.close_connections()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m mentionspider.virtualweb", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "web_dir",
        nargs="?",
        type=Path,
        default=sample_web_dir(),
        help="web directory (default: bundled sample)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="port to bind (default 0: any free port)"
    )
    parser.add_argument(
        "--access-log", type=Path, help="append one JSON line per request to this file"
    )
    args = parser.parse_args(argv)
    try:
        web = load_web(args.web_dir)
    except WebConfigError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    server = ProxyServer(web, keep_log=False)
    _ = server.ssl_context
    with ExitStack() as stack:
        if args.access_log is not None:
            log_file = stack.enter_context(
                open(args.access_log, "a", encoding="utf-8", buffering=1)
            )

            def write(entry: LoggedRequest) -> None:
                log_file.write(log_line(entry) + "\n")

            server.on_request = write
        asyncio.run(_serve(server, args.host, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
