"""Seeded synthetic panel for benchmarks: units × periods × indicators, 4 pillars.

    python bench/synth.py OUT_DIR --units 3000 --periods 10 --indicators 60

writes OUT_DIR/data.csv (wide) and OUT_DIR/spec.yaml. `make_panel` returns the same
data in memory.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl
import yaml

PILLARS = ("infrastructure", "industry", "innovation", "livelihood")


def make_panel(
    units: int = 3000,
    periods: int = 10,
    indicators: int = 60,
    seed: int = 7,
    missing: float = 0.0,
) -> pl.DataFrame:
    """A wide frame `unit, period, x01..xNN` with trends, noise and optional holes."""
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0.0, 0.5, size=(units, 1, 1))
    trend = rng.normal(0.03, 0.02, size=(units, 1, 1))
    scale = rng.uniform(1, 1000, size=(1, 1, indicators))
    t = np.arange(periods).reshape(1, periods, 1)
    noise = rng.normal(1.0, 0.05, size=(units, periods, indicators))
    values = level * scale * np.exp(trend * t) * noise
    if missing > 0:
        values[rng.random(values.shape) < missing] = np.nan
    flat = values.reshape(units * periods, indicators)
    cols = {
        "unit": [f"U{u:05d}" for u in range(units) for _ in range(periods)],
        "period": [2015 + p for _ in range(units) for p in range(periods)],
    }
    for i in range(indicators):
        cols[f"x{i + 1:02d}"] = flat[:, i]
    return pl.DataFrame(cols).with_columns(pl.col("^x.*$").fill_nan(None))


def make_spec(indicators: int = 60, data_file: str = "data.csv") -> dict:
    """A spec dict: indicators split evenly over 4 pillars, every 7th one reversed."""
    ids = [f"x{i + 1:02d}" for i in range(indicators)]
    per = -(-indicators // len(PILLARS))
    return {
        "spec_version": 1,
        "id": "synthetic",
        "name": {"zh": "合成面板", "en": "Synthetic panel"},
        "data": [{"file": data_file}],
        "defaults": {"normalise": {"method": "minmax", "scope": "panel"}},
        "indicators": [
            {"id": i, "name": {"en": i}, "direction": -1 if n % 7 == 6 else 1}
            for n, i in enumerate(ids)
        ],
        "tree": {
            "id": "index",
            "name": {"en": "Index"},
            "children": [
                {"id": p, "name": {"en": p}, "children": ids[k * per : (k + 1) * per]}
                for k, p in enumerate(PILLARS)
            ],
        },
    }


def write(out: Path, units: int, periods: int, indicators: int) -> Path:
    """Write data.csv and spec.yaml into `out`; return the spec path."""
    out.mkdir(parents=True, exist_ok=True)
    make_panel(units, periods, indicators).write_csv(out / "data.csv")
    spec = out / "spec.yaml"
    spec.write_text(
        yaml.safe_dump(make_spec(indicators), allow_unicode=True), encoding="utf-8"
    )
    return spec


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=60)
    args = parser.parse_args()
    print(write(args.out, args.units, args.periods, args.indicators))
