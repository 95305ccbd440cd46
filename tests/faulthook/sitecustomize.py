"""Kill a distributed worker at one exact point of its work, for tests/test_distributed.py.

With this folder on ``PYTHONPATH`` and ``MENTIONSPIDER_TEST_KILL`` set to a point below,
the first ``mentionspider worker`` process of the sweep to reach that point (one in the
whole cluster: the first to set a Redis key) sends itself SIGKILL right there, as a
machine that loses power would stop. Nothing else changes: the worker is the real one,
talking to the real Redis, fetching from the virtual web.

- ``seeds``: ``start()`` has just had its seeds admitted (and, by design, queued).
- ``release``: a level of a site has just been released to this worker, before the
  next level is queued (``RedisLevels.release_many`` returned).
- ``follow``: the worker has just queued the pages of a level after the seeds'.
- ``search``: the worker that runs search has its second search answer in hand, before
  it has read it (result pages of the first queued, queries left to send).
- ``writing``: in the ``mentionspider sweep --redis`` process (the writer) instead: it
  has moved its third batch of items from the shared list to its own, and not yet
  written it.
"""

from __future__ import annotations

import os
import signal
import sys

POINT = os.environ.get("MENTIONSPIDER_TEST_KILL", "")


def _die_once(url: str) -> None:
    import redis

    if redis.Redis.from_url(url).set("mentionspider:test:killed", os.getpid(), nx=True):
        os.kill(os.getpid(), signal.SIGKILL)


def _install(url: str) -> None:
    from mentionspider.distributed.frontier import RedisFrontier, RedisLevels

    queue, release = RedisFrontier.queue, RedisLevels.release_many

    def queued(self, pages, release=None):  # type: ignore[no-untyped-def]
        answers = queue(self, pages, release)
        kinds = {kind for (_, kind, _, _), answer in zip(pages, answers) if answer is None}
        levels = {level[1] for (_, _, level, _), answer in zip(pages, answers)
                  if answer is None and level is not None}
        if (POINT == "seeds" and "seed" in kinds) or (POINT == "follow" and levels - {0}):
            _die_once(url)
        return answers

    def released(self, answers, seen=()):  # type: ignore[no-untyped-def]
        found = release(self, answers, seen)
        if POINT == "release" and any(links is not None for links in found):
            _die_once(url)
        return found

    from mentionspider.search.source import SearchSource

    answered, answers = SearchSource.answered, []

    def answering(self, state, status, headers, body):  # type: ignore[no-untyped-def]
        answers.append(state)
        if POINT == "search" and len(answers) == 2:
            _die_once(url)
        return answered(self, state, status, headers, body)

    SearchSource.answered = answering  # type: ignore[method-assign]
    RedisFrontier.queue = queued  # type: ignore[method-assign]
    RedisLevels.release_many = released  # type: ignore[method-assign]


def _install_writer() -> None:
    from mentionspider.distributed.writer import Writer

    write = Writer._write
    batches = []

    def writing(self, items):  # type: ignore[no-untyped-def]
        batches.append(len(items))
        if len(batches) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return write(self, items)

    Writer._write = writing  # type: ignore[method-assign]


if POINT == "writing" and len(sys.argv) > 1 and sys.argv[1] == "sweep" and "--redis" in sys.argv:
    _install_writer()
elif POINT and len(sys.argv) > 3 and sys.argv[1] == "worker" and sys.argv[2] == "--redis":
    _install(sys.argv[3])
