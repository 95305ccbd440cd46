"""The global cap on link checks in flight."""

from __future__ import annotations

from mentionspider.linkcheck.gate import CheckGate


def test_gate_lets_through_in_arrival_order() -> None:
    gate: CheckGate[str] = CheckGate(2)
    assert gate.admit("a") == ["a"]
    assert gate.admit("b") == ["b"]
    assert gate.admit("c") == []
    assert gate.admit("d") == []
    assert gate.release() == ["c"]
    assert gate.release() == ["d"]
    assert gate.release() == []
    assert gate.active == 1


def test_unstick_restarts_waiting_checks() -> None:
    gate: CheckGate[str] = CheckGate(1)
    gate.admit("a")
    gate.admit("b")
    gate.admit("c")
    assert gate.unstick() == ["b"]
    assert list(gate.waiting) == ["c"]
