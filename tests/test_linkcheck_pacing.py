"""The pacer of link-check requests: per-host delay and concurrency, a cap on requests
in flight (pure, the clock passed in)."""

from __future__ import annotations

from mentionspider.linkcheck.pacing import Pacer


def test_one_host_is_spaced_by_its_delay_others_are_not_held_back() -> None:
    pacer: Pacer[str] = Pacer(cap=10, per_host=2, delay=0.5)
    for item in ("a1", "a2", "a3"):
        pacer.add("a.example", item)
    pacer.add("b.example", "b1")
    assert pacer.release(0.0) == ([], ["a1", "b1"])
    assert pacer.release(0.2) == ([], [])       # a.example's delay is not over
    assert pacer.wake_at(0.2) == 0.5
    assert pacer.release(0.5) == ([], ["a2"])   # two at once allowed, 0.5 s apart
    assert pacer.release(1.0) == ([], [])       # a.example has 2 in flight
    pacer.done("a.example")
    assert pacer.release(1.0) == ([], ["a3"])


def test_the_cap_counts_requests_in_flight_only() -> None:
    pacer: Pacer[str] = Pacer(cap=2, per_host=1, delay=0.0)
    for host in ("a", "b", "c"):
        pacer.add(host, host)
    assert pacer.release(0.0)[1] == ["a", "b"]
    assert pacer.wake_at(0.0) is None  # full: an answer coming back frees a place
    assert pacer.waiting() == 1
    pacer.done("a")
    assert pacer.release(0.0)[1] == ["c"]
    assert pacer.in_flight == 2


def test_the_host_with_most_work_goes_first_under_the_cap() -> None:
    pacer: Pacer[str] = Pacer(cap=1, per_host=1, delay=0.0)
    pacer.add("small", "s1")
    for i in range(3):
        pacer.add("big", f"b{i}")
    assert pacer.release(0.0)[1] == ["b0"]
    pacer.done("big", latency=0.01)
    # a slow host's two requests are more work than a quick host's two
    pacer.add("slow", "w0")
    pacer.add("slow", "w1")
    pacer.release(0.0)  # w0
    pacer.done("slow", latency=2.0)
    assert pacer.release(0.0)[1] == ["w1"]


def test_items_answered_meanwhile_go_without_a_place_or_a_delay() -> None:
    pacer: Pacer[str] = Pacer(cap=1, per_host=1, delay=1.0)
    for item in ("x1", "cached", "x2"):
        pacer.add("a", item)
    assert pacer.release(0.0, free=lambda item: item == "cached") == (["cached"], ["x1"])
    pacer.done("a")
    assert pacer.release(1.0) == ([], ["x2"])


def test_front_puts_an_item_before_the_others() -> None:
    pacer: Pacer[str] = Pacer(cap=5, per_host=1, delay=0.0)
    pacer.add("a", "later")
    pacer.add("a", "retry", front=True)
    assert pacer.release(0.0)[1] == ["retry"]


def test_the_delay_counts_from_when_a_request_really_left() -> None:
    pacer: Pacer[str] = Pacer(cap=5, per_host=2, delay=0.5)
    pacer.add("a", "a1")
    pacer.add("a", "a2")
    assert pacer.release(0.0)[1] == ["a1"]
    pacer.started("a", 0.3)  # it waited 0.3 s for the host's robots.txt
    assert pacer.release(0.5)[1] == []
    assert pacer.wake_at(0.5) == 0.8
    assert pacer.release(0.8)[1] == ["a2"]
