"""A campaign's ``[scoring]`` table: weight overrides, its languages, its authority list.

```toml
[scoring]
language = "en"                    # or ["en", "nl"]: pages in other languages score lower
authority_file = "tranco.csv"      # rank,domain lines (e.g. the Tranco list), read from disk
placement.main = 25                # any weight of mentionspider.scoring.WEIGHTS, by name
indexability.noindex = -80
```

The authority file is read when the campaign is loaded (never downloaded): a bad line
is one error line before any request, like any other campaign problem.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mentionspider.campaign import CampaignError, read_regular_file
from mentionspider.scoring import WEIGHTS, AuthorityError, Scorer, parse_authority

__all__ = ["ScoringConfig", "parse_scoring", "scorer_for", "MAX_AUTHORITY_BYTES"]

#: The largest authority list read (the Tranco top million is about 22 MB).
MAX_AUTHORITY_BYTES = 64 * 1024 * 1024
_LIMIT = 1_000_000  # no weight, threshold or day count is larger than this


@dataclass(frozen=True)
class ScoringConfig:
    weights: Mapping[str, float] = field(default_factory=dict)  # overrides only
    languages: tuple[str, ...] = ()
    authority_file: str | None = None
    authority: Mapping[str, int] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"weights": dict(self.weights), "languages": list(self.languages),
                "authority_file": self.authority_file, "authority_sites": len(self.authority)}


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def parse_scoring(table: Any, path: str | Path) -> ScoringConfig:
    """Validate a ``[scoring]`` table (one :class:`CampaignError` line per problem)."""
    path = Path(path)
    if not isinstance(table, dict):
        raise CampaignError(path, "scoring", "expected a table")
    languages: tuple[str, ...] = ()
    authority_file: str | None = None
    authority: dict[str, int] = {}
    weights: dict[str, float] = {}
    for key, value in _flatten(table).items():
        where = f"scoring.{key}"
        if key == "language":
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not values or not all(
                    isinstance(v, str) and v.strip().isalpha() and len(v.strip()) <= 3
                    for v in values):
                raise CampaignError(path, where, f"expected a language code like \"en\" or a "
                                                 f"list of them, got {value!r}"[:200])
            languages = tuple(v.strip().lower() for v in values)
        elif key == "authority_file":
            if not isinstance(value, str) or not value.strip():
                raise CampaignError(path, where, f"expected a file name, got {value!r}"[:200])
            authority_file = value
            try:
                text = read_regular_file(path.parent / value, MAX_AUTHORITY_BYTES).decode("utf-8")
                authority = parse_authority(text)
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else (
                    "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else str(exc))
                raise CampaignError(path, where, f"cannot read {value}: {reason}") from None
            except AuthorityError as exc:
                raise CampaignError(path, where, f"{value} {exc}") from None
        elif key in WEIGHTS:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not math.isfinite(value) or abs(value) > _LIMIT:
                raise CampaignError(path, where, f"expected a finite number, got {value!r}"[:200])
            weights[key] = float(value)
        else:
            raise CampaignError(path, where, "unknown key (expected language, authority_file "
                                             "or a weight named in mentionspider/scoring.py)")
    return ScoringConfig(weights, languages, authority_file, authority)


_SCORERS: dict[int, tuple[ScoringConfig | None, Scorer]] = {}


def scorer_for(config: ScoringConfig | None) -> Scorer:
    """The :class:`~mentionspider.scoring.Scorer` of a campaign's scoring table (one per
    table, shared by the components that score)."""
    known = _SCORERS.get(id(config))
    if known is not None and known[0] is config:
        return known[1]
    scorer = Scorer() if config is None else Scorer(
        overrides=config.weights, languages=config.languages, authority=config.authority)
    _SCORERS[id(config)] = (config, scorer)
    return scorer
