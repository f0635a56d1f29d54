"""Seeded synthetic panel for benchmarks: units × periods × indicators, 4 pillars.

    python bench/synth.py OUT_DIR --units 3000 --periods 10 --indicators 60 [--messy]

writes OUT_DIR/data.csv (wide) and OUT_DIR/spec.yaml. `make_panel` returns the same
data in memory.

`--messy` makes the panel of the preparation benchmark: 5 % of the cells missing at
random, 0.2 % of the cells multiplied by 50–200 (outliers), a units table
OUT_DIR/units.csv (`unit, name, region, population`, 5 regions) and a spec that
prepares the data: group-mean imputation by region, winsorising (winmax 5), every
6th indicator divided by population × 10,000, and a coverage screen of 0.5.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl
import yaml

PILLARS = ("infrastructure", "industry", "innovation", "livelihood")
REGIONS = ("north", "south", "east", "west", "centre")
MESSY_MISSING = 0.05
MESSY_OUTLIERS = 0.002


def make_panel(
    units: int = 3000,
    periods: int = 10,
    indicators: int = 60,
    seed: int = 7,
    missing: float = 0.0,
    outliers: float = 0.0,
) -> pl.DataFrame:
    """A wide frame `unit, period, x01..xNN` with trends, noise and optional holes.

    `missing`: share of cells set missing at random. `outliers`: share of cells
    multiplied by a factor drawn from [50, 200] (drawn after the holes, so a panel
    without outliers is the same as before).
    """
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0.0, 0.5, size=(units, 1, 1))
    trend = rng.normal(0.03, 0.02, size=(units, 1, 1))
    scale = rng.uniform(1, 1000, size=(1, 1, indicators))
    t = np.arange(periods).reshape(1, periods, 1)
    noise = rng.normal(1.0, 0.05, size=(units, periods, indicators))
    values = level * scale * np.exp(trend * t) * noise
    if missing > 0:
        values[rng.random(values.shape) < missing] = np.nan
    if outliers > 0:
        hit = rng.random(values.shape) < outliers
        values[hit] *= rng.uniform(50, 200, size=int(hit.sum()))
    flat = values.reshape(units * periods, indicators)
    cols = {
        "unit": [f"U{u:05d}" for u in range(units) for _ in range(periods)],
        "period": [2015 + p for _ in range(units) for p in range(periods)],
    }
    for i in range(indicators):
        cols[f"x{i + 1:02d}"] = flat[:, i]
    return pl.DataFrame(cols).with_columns(pl.col("^x.*$").fill_nan(None))


def make_units(units: int = 3000, seed: int = 11) -> pl.DataFrame:
    """The units table `unit, name, region, population`: 5 regions, population
    log-normal around 500,000 (the same every period)."""
    rng = np.random.default_rng(seed)
    ids = [f"U{u:05d}" for u in range(units)]
    return pl.DataFrame(
        {
            "unit": ids,
            "name": [f"Unit {u}" for u in range(units)],
            "region": [REGIONS[r] for r in rng.integers(0, len(REGIONS), units)],
            "population": np.round(rng.lognormal(np.log(5e5), 0.8, units)),
        }
    )


def make_spec(
    indicators: int = 60,
    data_file: str = "data.csv",
    *,
    prepare: bool = False,
    units_file: str = "units.csv",
) -> dict:
    """A spec dict: indicators split evenly over 4 pillars, every 7th one reversed.

    With `prepare`, the spec reads the units table `units_file` (grouped by region)
    and uses the preparation keys: `impute: group_mean` by region, `treat:
    winsorise` (winmax 5), every 6th indicator `denominator: population` with
    `scale: 10000`, and `screen: {min_coverage: 0.5}`.
    """
    ids = [f"x{i + 1:02d}" for i in range(indicators)]
    per = -(-indicators // len(PILLARS))
    spec: dict = {
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
    if prepare:
        spec["units"] = {
            "file": units_file,
            "id": "unit",
            "name": {"en": "name"},
            "groups": ["region"],
        }
        spec["defaults"]["impute"] = {"method": "group_mean", "group": "region"}
        spec["defaults"]["treat"] = {"method": "winsorise", "winmax": 5}
        spec["screen"] = {"min_coverage": 0.5}
        for n, ind in enumerate(spec["indicators"]):
            if n % 6 == 0:
                ind["denominator"] = "population"
                ind["scale"] = 10000
    return spec


def write(
    out: Path, units: int, periods: int, indicators: int, *, messy: bool = False
) -> Path:
    """Write data.csv and spec.yaml (and units.csv when `messy`) into `out`; return
    the spec path."""
    out.mkdir(parents=True, exist_ok=True)
    if messy:
        panel = make_panel(
            units, periods, indicators, missing=MESSY_MISSING, outliers=MESSY_OUTLIERS
        )
        make_units(units).write_csv(out / "units.csv")
    else:
        panel = make_panel(units, periods, indicators)
    panel.write_csv(out / "data.csv")
    spec = out / "spec.yaml"
    spec.write_text(
        yaml.safe_dump(make_spec(indicators, prepare=messy), allow_unicode=True),
        encoding="utf-8",
    )
    return spec


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument("--messy", action="store_true", help="the preparation panel")
    args = parser.parse_args()
    print(write(args.out, args.units, args.periods, args.indicators, messy=args.messy))
