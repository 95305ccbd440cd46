"""Count a process's Redis round trips and CPU time, for benchmarks/distributed_throughput.py.

With this folder on ``PYTHONPATH`` and ``MENTIONSPIDER_BENCH_PROBE`` set to a folder, every
``mentionspider`` CLI process (the sweep, and the workers it starts, which inherit the
environment) writes ``<role>-<pid>.json`` there when it exits: its role (``sweep`` or
``worker``), its own CPU seconds (user and system, not its children's), those spent before its first
Redis script call (start-up: imports, Scrapy, the campaign; a worker's crawl starts
with a script call) and its Redis round
trips by what they were: a command's name, a script's name (where it was registered: file
and line), or ``pipeline`` with the commands it carried. One round trip is one
``send_packed_command`` of redis-py: a command, a script call or a whole pipeline. Nothing
else changes; the cost is a dictionary increment per round trip. With
``MENTIONSPIDER_BENCH_PROFILE`` set to a role, processes of that role are also run under
cProfile (``<role>-<pid>.prof``).
"""

from __future__ import annotations

import atexit
import json
import os
import resource
import sys
import time
from collections import Counter
from pathlib import Path

FOLDER = os.environ.get("MENTIONSPIDER_BENCH_PROBE", "")


def _install(folder: Path) -> None:
    import redis
    from redis.client import Pipeline

    role = "worker" if len(sys.argv) > 1 and sys.argv[1] == "worker" else "sweep"
    trips: Counter[str] = Counter()
    started: list[float] = []  # CPU seconds at the first script call: the crawl starts
    scripts: dict[str, str] = {}
    register, execute, pipelined = (redis.Redis.register_script, redis.Redis.execute_command,
                                    Pipeline.execute)

    def registering(self, script):  # type: ignore[no-untyped-def]
        made = register(self, script)
        caller = sys._getframe(1)
        where = f"{Path(caller.f_code.co_filename).stem}:{caller.f_lineno}"
        first = script.strip().splitlines()[0][:40] if isinstance(script, str) else ""
        scripts[made.sha] = f"script {where} ({first})"
        return made

    def executing(self, *args, **options):  # type: ignore[no-untyped-def]
        name = str(args[0]).upper() if args else "?"
        if name == "EVALSHA" and len(args) > 1:
            name = scripts.get(str(args[1]), "EVALSHA")
            if not started:
                usage = resource.getrusage(resource.RUSAGE_SELF)
                started.append(usage.ru_utime + usage.ru_stime)
        trips[name] += 1
        return execute(self, *args, **options)

    def executing_pipeline(self, raise_on_error=True):  # type: ignore[no-untyped-def]
        names = sorted({str(args[0]).upper() for args, _ in self.command_stack})
        if names:
            trips["pipeline " + "+".join(names)] += 1
        return pipelined(self, raise_on_error)

    def report() -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out = {"role": role, "pid": os.getpid(), "cpu": usage.ru_utime + usage.ru_stime,
               "startup": started[0] if started else 0.0, "trips": dict(trips)}
        (folder / f"{role}-{os.getpid()}.json").write_text(json.dumps(out), encoding="utf-8")

    redis.Redis.register_script = registering  # type: ignore[method-assign]
    redis.Redis.execute_command = executing  # type: ignore[method-assign]
    Pipeline.execute = executing_pipeline  # type: ignore[method-assign]
    atexit.register(report)
    if os.environ.get("MENTIONSPIDER_BENCH_PROFILE") == role:  # cProfile this role too
        import cProfile

        profile = cProfile.Profile(time.process_time)
        profile.enable()
        atexit.register(lambda: profile.dump_stats(str(folder / f"{role}-{os.getpid()}.prof")))


if FOLDER and "mentionspider.cli" in sys.orig_argv:
    _install(Path(FOLDER))
