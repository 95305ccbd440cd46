"""The frontier, the crawl's levels and the link-check claims, shared through Redis.

:class:`RedisFrontier` answers exactly what :class:`mentionspider.frontier.Frontier`
answers (``seen``, ``offsite``, ``not_html``, a trap, ``site_budget``,
``contact_limit`` or None), with the admitted page identities, the sites, the
per-site page and contact counts in Redis, each admission one atomic script call.
A worker admits pages with :meth:`RedisFrontier.queue`: admission, the count in the
page's level and the push of its request onto the shared queue are one script, so a
worker killed at any point leaves a page either not admitted (another worker, or the
page's parent fetched again, offers it again) or admitted *and* queued.
:class:`RedisLevels` is :class:`mentionspider.frontier.Levels` with its counts and
held-back links in Redis, so a site's level is complete when every worker's pages
of it are answered. :class:`CheckClaims` stands in for the link checker's
``checked`` set: asking whether a URL is in it claims it for this worker,
atomically, so each target is checked once across the cluster.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from mentionspider.analysis.urls import normalize_host, origin_of, site_of, url_key
from mentionspider.analysis.urls import canonical_url
from mentionspider.distributed import keys
from mentionspider.frontier import CONTACT_PAGES_PER_SITE, SKIPPED_EXTENSIONS, Frontier, Levels
from mentionspider.frontier import trap_reason

__all__ = ["RedisFrontier", "RedisLevels", "CheckClaims"]

SEEN, SITES, PAGES, CONTACTS, ORIGINS = (keys.key("frontier:" + name) for name in
                                         ("seen", "sites", "pages", "contacts", "origins"))
LEVELS, ANSWERED = keys.key("levels:pending"), keys.key("levels:answered:")
FOUND, RELEASING = keys.key("levels:found:"), keys.key("levels:releasing:")

#: KEYS: seen, sites, pages, contacts. ARGV: max pages per site, max contacts per site,
#: seed flag, contact flag, url key, site, local reason or ''. Same order as Frontier.
ADMIT_SCRIPT = """
local key, site, reason = ARGV[5], ARGV[6], ARGV[7]
if ARGV[4] == '1' then
  if tonumber(redis.call('HGET', KEYS[4], site) or '0') >= tonumber(ARGV[2]) then
    return 'contact_limit' end
  redis.call('SADD', KEYS[2], site)
end
if redis.call('SISMEMBER', KEYS[1], key) == 1 then return 'seen' end
if ARGV[3] == '0' and redis.call('SISMEMBER', KEYS[2], site) == 0 then return 'offsite' end
if reason ~= '' then return reason end
if tonumber(redis.call('HGET', KEYS[3], site) or '0') >= tonumber(ARGV[1]) then
  return 'site_budget' end
redis.call('HINCRBY', KEYS[3], site, 1)
redis.call('SADD', KEYS[1], key)
if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[4], site, 1) end
return ''
"""

#: The admission of ADMIT_SCRIPT as a Lua function, for QUEUE_SCRIPT.
_ADMIT_FUNCTION = """
local function admit(max_pages, max_contacts, seed, contact, key, site, reason)
  if contact == '1' then
    if tonumber(redis.call('HGET', KEYS[4], site) or '0') >= tonumber(max_contacts) then
      return 'contact_limit' end
    redis.call('SADD', KEYS[2], site)
  end
  if redis.call('SISMEMBER', KEYS[1], key) == 1 then return 'seen' end
  if seed == '0' and redis.call('SISMEMBER', KEYS[2], site) == 0 then return 'offsite' end
  if reason ~= '' then return reason end
  if tonumber(redis.call('HGET', KEYS[3], site) or '0') >= tonumber(max_pages) then
    return 'site_budget' end
  redis.call('HINCRBY', KEYS[3], site, 1)
  redis.call('SADD', KEYS[1], key)
  if contact == '1' then redis.call('HINCRBY', KEYS[4], site, 1) end
  if seed == '2' then redis.call('SADD', KEYS[2], site) end
  return ''
end
"""

#: KEYS: seen, sites, pages, contacts, requests, levels pending, releasing:<level> (or
#: any unused key). ARGV: max pages per site, max contacts per site, how many seen marks,
#: the seen marks (url keys), then per page: seed flag ('2': a seed whose site joins the
#: crawl's sites once admitted), contact flag, url key, site, local reason or '', level
#: ('' for none), request.
#: Marks the pages seen (fetched under those addresses), then admits the pages in order;
#: an admitted page counts in its level and its request goes onto the queue, all in this
#: one step. The level whose release these pages are is then followed: its held-back
#: links are dropped. Returns each page's answer.
QUEUE_SCRIPT = _ADMIT_FUNCTION + """
local marks = tonumber(ARGV[3])
for i = 4, 3 + marks do redis.call('SADD', KEYS[1], ARGV[i]) end
local answers = {}
for i = 4 + marks, #ARGV, 7 do
  local answer = admit(ARGV[1], ARGV[2], ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3],
                       ARGV[i + 4])
  if answer == '' then
    if ARGV[i + 5] ~= '' then redis.call('HINCRBY', KEYS[6], ARGV[i + 5], 1) end
    redis.call('LPUSH', KEYS[5], ARGV[i + 6])
  end
  answers[#answers + 1] = answer
end
redis.call('DEL', KEYS[7])
return answers
"""

#: KEYS: pending, seen. ARGV: the answered:, found: and releasing: key prefixes, how many
#: seen marks, the seen marks (url keys: the pages' addresses, marked first), then per
#: answered page: its level, the page, its links (JSON). For each page in turn: its
#: level's held-back entries when it was the level's last page, else 0. The entries stay
#: (as releasing:<level>) until QUEUE_SCRIPT has queued the next level: a page answered
#: twice (fetched again because its worker died) counts once, and gets them again if
#: that worker died before the next level was queued.
ANSWER_SCRIPT = """
local marks = tonumber(ARGV[4])
for i = 5, 4 + marks do redis.call('SADD', KEYS[2], ARGV[i]) end
local out = {}
for i = 5 + marks, #ARGV, 3 do
  local level, page = ARGV[i], ARGV[i + 1]
  local found, releasing = ARGV[2] .. level, ARGV[3] .. level
  local result = 0
  if redis.call('SADD', ARGV[1] .. level, page) == 0 then
    result = redis.call('LRANGE', releasing, 0, -1)
  else
    redis.call('RPUSH', found, ARGV[i + 2])
    if redis.call('HINCRBY', KEYS[1], level, -1) <= 0 then
      redis.call('HDEL', KEYS[1], level)
      redis.call('RENAME', found, releasing)
      result = redis.call('LRANGE', releasing, 0, -1)
    end
  end
  out[#out + 1] = result
end
return out
"""

#: KEYS: checked, claims:<worker>. ARGV: url. 1 = someone claimed it before.
CLAIM_SCRIPT = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 1 end
redis.call('SADD', KEYS[2], ARGV[1])
return 0
"""


def _extension(url: str) -> str:
    last = urlsplit(url).path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def level_key(site: str, depth: int) -> str:
    return f"{depth}|{site}"


def _host_of_origin(origin: str) -> str:
    return normalize_host(origin.split("://", 1)[-1])


class RedisFrontier(Frontier):
    def __init__(self, server: Any, sites: Iterable[str], *, max_pages_per_site: int,
                 max_url_length: int = 500, max_repeats: int = 3) -> None:
        super().__init__((), max_pages_per_site=max_pages_per_site,
                         max_url_length=max_url_length, max_repeats=max_repeats)
        self.server = server
        #: url keys of pages fetched under them, not yet marked in Redis: marked with this
        #: worker's next frontier or level call, or its next acknowledgement, whichever is
        #: first (always before the page is acknowledged, so none is lost)
        self.pending: list[str] = []
        self._admit = server.register_script(ADMIT_SCRIPT)
        self._queue = server.register_script(QUEUE_SCRIPT)
        sites = list(sites)
        if sites:
            server.sadd(SITES, *sites)
        self.refresh()

    def refresh(self) -> None:
        """Take the site addresses other workers learnt (a seed that redirected)."""
        for host, origin in self.server.hgetall(ORIGINS).items():
            self.origins[host.decode()] = origin.decode()

    def add_site(self, site: str) -> None:
        self.server.sadd(SITES, site)

    def set_origin(self, url: str) -> None:
        super().set_origin(url)
        origin = origin_of(canonical_url(url))
        self.server.hset(ORIGINS, _host_of_origin(origin), origin)

    def mark_seen(self, url: str) -> None:
        self.pending.append(url_key(url))

    def take_seen(self) -> list[str]:
        """The seen marks not yet in Redis, for the call that sends them."""
        pending, self.pending = self.pending, []
        return pending

    def _local_reason(self, url: str) -> str:
        if _extension(url) in SKIPPED_EXTENSIONS:
            return "not_html"
        return trap_reason(url, max_length=self.max_url_length,
                           max_repeats=self.max_repeats) or ""

    def _ask(self, url: str, *, seed: bool = False, contact: bool = False) -> str | None:
        if self.pending:
            self.server.sadd(SEEN, *self.take_seen())
        answer = self._admit(keys=[SEEN, SITES, PAGES, CONTACTS], args=[
            self.max_pages_per_site, CONTACT_PAGES_PER_SITE, "1" if seed else "0",
            "1" if contact else "0", url_key(url), site_of(url),
            "" if seed else self._local_reason(url)])
        answer = answer.decode() if isinstance(answer, bytes) else answer
        return answer or None

    def admit(self, url: str, *, seed: bool = False) -> str | None:
        reason = self._ask(url, seed=seed)
        origin = origin_of(canonical_url(url))
        if seed and reason in (None, "seen") and _host_of_origin(origin) not in self.origins:
            super().set_origin(url)  # every worker offers the seeds: each learns their origins
        return reason

    def admit_contact(self, url: str) -> str | None:
        return self._ask(url, contact=True)

    def unseen(self, urls: Iterable[str]) -> list[str]:
        """``urls`` without those admitted before and without repeats (one round trip), in
        order: the pages worth building a request for."""
        marked = set(self.pending)  # seen here, not yet in Redis
        todo = [url for url in dict.fromkeys(urls) if url_key(url) not in marked]
        if not todo:
            return []
        known = self.server.smismember(SEEN, [url_key(url) for url in todo])
        return [url for url, seen in zip(todo, known) if not seen]

    def queue(self, pages: Sequence[tuple[str, str, tuple[str, int] | None, bytes]],
              release: tuple[str, int] | None = None) -> list[str | None]:
        """Admit ``pages`` ``(url, kind, level, request)`` in order, kind ``seed``,
        ``search`` (a seed that adds its site once admitted), ``contact`` or ``page``, and
        put each admitted page's request on the shared queue,
        counted in its level ``(site, depth)`` if it has one, in one atomic step. Returns
        each page's answer (None: admitted and queued). ``release``: the level these
        pages follow (its held-back links are done with)."""
        marks = self.take_seen()
        args: list[Any] = [self.max_pages_per_site, CONTACT_PAGES_PER_SITE, len(marks), *marks]
        for url, kind, level, data in pages:
            seed = {"seed": "1", "search": "2"}.get(kind, "0")
            args += [seed, "1" if kind == "contact" else "0",
                     url_key(url), site_of(url), "" if seed != "0" else self._local_reason(url),
                     "" if level is None else level_key(*level), data]
        done = RELEASING + (level_key(*release) if release else "-")
        answers = self._queue(keys=[SEEN, SITES, PAGES, CONTACTS, keys.REQUESTS, LEVELS, done],
                              args=args)
        out: list[str | None] = []
        for (url, kind, _, _), answer in zip(pages, answers):
            answer = answer.decode() if isinstance(answer, bytes) else answer
            out.append(answer or None)
            origin = origin_of(canonical_url(url))
            if kind in ("seed", "search") and answer in ("", "seen") and (
                    _host_of_origin(origin) not in self.origins):
                super().set_origin(url)  # every worker offers the seeds: each learns their origins
        return out


class RedisLevels(Levels):
    def __init__(self, server: Any) -> None:
        super().__init__()
        self.server = server
        self._answer = server.register_script(ANSWER_SCRIPT)

    def sent(self, site: str, depth: int) -> None:
        self.server.hincrby(LEVELS, level_key(site, depth), 1)

    def answered(self, site: str, depth: int, page: str, links: Iterable[str]) -> list[str]:
        return self.release(site, depth, page, links) or []

    def release(self, site: str, depth: int, page: str, links: Iterable[str],
                seen: Sequence[str] = ()) -> list[str] | None:
        """As :meth:`answered`, but None when the level is not complete, and the level's
        links (perhaps none) when it is: they must then be queued with
        :meth:`RedisFrontier.queue` ``release=(site, depth)``. ``seen``: seen marks to
        send first (:meth:`RedisFrontier.take_seen`)."""
        return self.release_many([(site, depth, page, list(links))], seen)[0]

    def release_many(self, answers: Sequence[tuple[str, int, str, list[str]]],
                     seen: Sequence[str] = ()) -> list[list[str] | None]:
        """:meth:`release` for several answered pages ``(site, depth, page, links)``, in
        order, in one round trip."""
        args: list[Any] = [ANSWERED, FOUND, RELEASING, len(seen), *seen]
        for site, depth, page, links in answers:
            args += [level_key(site, depth), page, json.dumps([page, links])]
        out: list[list[str] | None] = []
        for found in self._answer(keys=[LEVELS, SEEN], args=args):
            if not found:
                out.append(None)
                continue
            entries = sorted((json.loads(entry) for entry in found), key=lambda e: e[0])
            out.append([link for _, links_ in entries for link in links_])
        return out

    def stalled(self) -> list[tuple[str, int, list[str]]]:
        # Only the whole cluster knows that nothing is in flight: levels are not released
        # early by one idle worker. (A page request lost on the way holds its level back.)
        return []


class CheckClaims:
    """The link checker's ``checked`` set, in Redis. ``url in claims`` claims ``url``
    for this worker unless another did; ``add`` is then a no-op."""

    def __init__(self, server: Any, worker: str) -> None:
        self.server = server
        self.mine = keys.claims(worker)
        self._claim = server.register_script(CLAIM_SCRIPT)

    def __contains__(self, url: object) -> bool:
        return bool(self._claim(keys=[keys.CHECKED, self.mine], args=[str(url)]))

    def add(self, url: str) -> None:
        pass
