"""Scrapy's Downloader with its per-slot concurrency kept at every delay, including 0.

Scrapy 2.19 starts the queued requests of a download slot in a loop that stops when the
slot has no free transfer slot left, but a request only counts as transferring once its
download coroutine runs, after the loop. With a delay the loop starts one request and
stops; with ``DOWNLOAD_DELAY = 0`` it starts every queued request at once, so
``concurrency_per_site = 1`` let 12 requests reach one host together. Here a request
counts as transferring from the moment it is started. (``DOWNLOADER`` in settings.py.)
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro

__all__ = ["PerSlotDownloader"]


class PerSlotDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            # Counted at once: _download adds it again (a set) and removes it when done.
            slot.transferring.add(request)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
