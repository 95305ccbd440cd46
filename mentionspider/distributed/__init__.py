"""Distributed sweeps: many Scrapy workers, one Redis, one SQLite writer (#15).

- :mod:`.keys`: every Redis key a sweep uses, under one prefix.
- :mod:`.connection`: connect to Redis, one clear error when it is not there.
- :mod:`.queue`: the shared request queue, reliable (a popped request stays in the
  worker's processing list until its callback is done; a dead worker's list goes
  back to the queue).
- :mod:`.scheduler`: scrapy-redis's scheduler with that queue; page requests are
  shared, a worker's link-check chains (HEAD, GET, soft-404 probe) stay local.
- :mod:`.frontier`: the frontier (seen URLs, seed sites, page budgets) and the
  link-check claims, shared in Redis, one round trip per page.
- :mod:`.politeness`: per-host delay and concurrency across all workers.
- :mod:`.pipeline`: a worker's items go to Redis; :mod:`.writer` alone writes SQLite.
- :mod:`.cluster`: ``mentionspider sweep --redis`` (writer + coordinator + local
  workers) and ``mentionspider worker --redis``.
"""
