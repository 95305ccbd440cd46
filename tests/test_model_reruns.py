"""The randomised model test, short version (#8): a seeded generator mutates a small
virtual web between real sweeps, outreach state changes and sweeps killed with SIGKILL;
after every step the store must match the model (benchmarks/model_reruns.py has the
model and the long version)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.model_reruns import run_model


def test_states_first_sightings_and_active_rows_survive_reruns_and_kills(tmp_path: Path) -> None:
    tally = run_model(8, 7, tmp_path, plan="stktsts")
    assert tally.steps == 7
    assert tally.sweeps + tally.kills == 4 and tally.states == 3
    assert tally.checks > 0
