"""The reference of tests/test_asem.py and tests/test_asem_facts.py: the ASEM
pipelines 1–7 (data/samples/asem/README.md) recomputed from DESIGN.md §4 and the ASEM
README alone — plain NumPy over the raw CSV files read with the `csv` module, never
gdindex's preparation, normalisation or aggregation code — and gdindex's side of the
comparison (`computed`, through `compute` only, and the comparison helpers)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

import gdindex
from tests.conftest import ROOT, SPECS

ASEM = ROOT / "data" / "samples" / "asem"


TOL = 1e-9


# pipeline → shipped spec
SPEC_FILES = {
    "1": "asem.yaml",
    "2": "asem_2_geometric.yaml",
    "3": "asem_3_zscore.yaml",
    "4": "asem_4_winsorise.yaml",
    "5a": "asem_5a_mean_impute.yaml",
    "5b": "asem_5b_group_impute.yaml",
    "6": "asem_6_full.yaml",
    "7a": "asem_7a_panel_pooled.yaml",
    "7b": "asem_7b_panel_per_year.yaml",
}


# --- Reading the CSV files --- #


def _rows(name: str) -> list[dict[str, str]]:
    with open(ASEM / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _number(text: str) -> float:
    return float(text) if text.strip() else math.nan


@dataclass(frozen=True)
class Meta:
    """ASEM_iMeta.csv: indicators (row order), tree, weights, directions."""

    codes: list[str]
    direction: np.ndarray  # per indicator
    denominator: list[str | None]  # per indicator
    parent: dict[str, str]
    weight: dict[str, float]
    levels: list[list[str]]  # aggregates of level 2, 3, 4 in row order


@cache
def meta() -> Meta:
    rows = _rows("ASEM_iMeta.csv")
    inds = [r for r in rows if r["Type"] == "Indicator"]
    tree = [r for r in rows if r["Type"] in ("Indicator", "Aggregate")]
    return Meta(
        codes=[r["iCode"] for r in inds],
        direction=np.array([float(r["Direction"]) for r in inds]),
        denominator=[r["Denominator"] or None for r in inds],
        parent={r["iCode"]: r["Parent"] for r in tree if r["Parent"]},
        weight={r["iCode"]: float(r["Weight"]) for r in tree},
        levels=[
            [r["iCode"] for r in rows if r["Type"] == "Aggregate" and r["Level"] == lv]
            for lv in ("2", "3", "4")
        ],
    )


@dataclass(frozen=True)
class Data:
    """One ASEM data file as `values[unit, period, indicator]` (raw units)."""

    units: list[str]
    periods: list[int]
    values: np.ndarray
    columns: dict[str, np.ndarray]  # denominators, [unit, period]
    eurasia: list[str]  # EurAsia_group of every unit


@cache
def data(name: str) -> Data:
    rows = _rows(name)
    units = list(dict.fromkeys(r["uCode"] for r in rows))
    periods = sorted({int(r["Time"]) for r in rows})
    u_at = {u: i for i, u in enumerate(units)}
    t_at = {t: j for j, t in enumerate(periods)}
    codes = meta().codes
    values = np.full((len(units), len(periods), len(codes)), np.nan)
    den_names = ("Area", "Energy", "GDP", "Population")
    columns = {c: np.full((len(units), len(periods)), np.nan) for c in den_names}
    group: dict[str, str] = {}
    for r in rows:
        i, j = u_at[r["uCode"]], t_at[int(r["Time"])]
        values[i, j] = [_number(r[c]) for c in codes]
        for c in den_names:
            columns[c][i, j] = _number(r[c])
        group.setdefault(r["uCode"], r["EurAsia_group"])
    return Data(units, periods, values, columns, [group[u] for u in units])


# --- The reference, from DESIGN §4 --- #


def denominate(x: np.ndarray, d: Data) -> tuple[np.ndarray, np.ndarray]:
    """§4.1 `value / denominator · scale` (scale 1) for the indicators with an
    iMeta denominator; a missing or zero denominator gives a missing value.
    Returns the values and the mask of denominated (non-missing) cells."""
    out = x.copy()
    done = np.zeros(x.shape, dtype=bool)
    for k, name in enumerate(meta().denominator):
        if name is None:
            continue
        den = d.columns[name]
        ok = ~np.isnan(den) & (den != 0)
        col = np.full(den.shape, np.nan)
        col[ok] = x[:, :, k][ok] / den[ok]
        out[:, :, k] = col
        done[:, :, k] = ~np.isnan(col)
    return out, done


def impute_mean(
    x: np.ndarray, groups: list[str] | None
) -> tuple[np.ndarray, np.ndarray]:
    """§4.1 `mean` / `group_mean`: a missing cell takes the mean of the observed
    values of its indicator in the same period (within the unit's group)."""
    out = x.copy()
    labels = groups or ["all"] * x.shape[0]
    for label in sorted(set(labels)):
        rows = [i for i, g in enumerate(labels) if g == label]
        for t in range(x.shape[1]):
            for k in range(x.shape[2]):
                seen = [x[i, t, k] for i in rows if not math.isnan(x[i, t, k])]
                if not seen:
                    continue
                mean = math.fsum(seen) / len(seen)
                for i in rows:
                    if math.isnan(x[i, t, k]):
                        out[i, t, k] = mean
    return out, np.isnan(x) & ~np.isnan(out)


def screen(x: np.ndarray, basis: np.ndarray, share: float) -> np.ndarray:
    """Units screen: a (unit, period) keeps its values when at least `share` of
    the 49 indicators have a value in `basis`; otherwise all become missing.
    Returns the mask of dropped (unit, period) pairs; `x` is changed in place."""
    coverage = (~np.isnan(basis)).sum(axis=2) / basis.shape[2]
    dropped = coverage < share
    x[dropped] = np.nan
    return dropped


def skew_kurt(v: np.ndarray) -> tuple[float, float]:
    """Bias-corrected sample skewness G1 and excess kurtosis G2 (§4.1)."""
    n = v.size
    d = v - v.mean()
    m2, m3, m4 = (float(np.mean(d**p)) for p in (2, 3, 4))
    g1 = math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
    g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * (m4 / m2**2 - 3) + 6)
    return g1, g2


def passes(v: np.ndarray) -> bool:
    """|G1| < 2 or G2 < 3.5."""
    g1, g2 = skew_kurt(v)
    return abs(g1) < 2 or g2 < 3.5


def treat_column(x: np.ndarray, winmax: int) -> tuple[np.ndarray, str, np.ndarray]:
    """§4.1 winsorisation of one column (NaN = missing), falling back to the log.

    Returns the treated column, `"winsorised"`, `"log"` or `""`, and the mask of
    treated cells (those winsorised, or every observed cell for the log)."""
    seen = ~np.isnan(x)
    orig = x[seen]
    if passes(orig):
        return x, "", np.zeros(x.shape, dtype=bool)
    v = orig.copy()
    # "fewer than winmax points treated": the points whose value has changed.
    while not passes(v) and int((v != orig).sum()) < winmax:
        if skew_kurt(v)[0] >= 0:
            top = v.max()
            v[v == top] = v[v < top].max()
        else:
            bottom = v.min()
            v[v == bottom] = v[v > bottom].min()
    if passes(v):
        out = x.copy()
        out[seen] = v
        changed = np.zeros(x.shape, dtype=bool)
        changed[seen] = v != orig
        return out, "winsorised", changed
    lo, hi = orig.min(), orig.max()
    out = np.full(x.shape, np.nan)
    out[seen] = np.log(orig - lo + 0.01 * (hi - lo))
    return out, "log", seen


def treat(x: np.ndarray, winmax: int = 5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Treat every indicator in every period on its own (the default scope).
    Returns the values and the masks of winsorised and of log-transformed cells."""
    out = x.copy()
    win = np.zeros(x.shape, dtype=bool)
    logged = np.zeros(x.shape, dtype=bool)
    for t in range(x.shape[1]):
        for k in range(x.shape[2]):
            col, how, mask = treat_column(x[:, t, k], winmax)
            out[:, t, k] = col
            (win if how == "winsorised" else logged)[:, t, k] = mask
    return out, win, logged


def minmax(x: np.ndarray, lo: float, hi: float, pooled: bool) -> np.ndarray:
    """§4.2 min-max on `direction · x`, per period or over all periods pooled.
    A constant indicator in its scope is left missing."""
    z = x * meta().direction
    out = np.full(z.shape, np.nan)
    scopes = [slice(None)] if pooled else [slice(t, t + 1) for t in range(z.shape[1])]
    for k in range(z.shape[2]):
        for s in scopes:
            block = z[:, s, k]
            seen = block[~np.isnan(block)]
            if seen.size == 0 or seen.max() == seen.min():
                continue
            low, high = seen.min(), seen.max()
            out[:, s, k] = (block - low) / (high - low) * (hi - lo) + lo
    return out


def zscore(x: np.ndarray) -> np.ndarray:
    """§4.2 z-score per period: (x − mean) / sd with the sample sd (n − 1)."""
    z = x * meta().direction
    out = np.full(z.shape, np.nan)
    for t in range(z.shape[1]):
        for k in range(z.shape[2]):
            col = z[:, t, k]
            seen = col[~np.isnan(col)]
            n = seen.size
            mean = math.fsum(seen) / n
            sd = math.sqrt(math.fsum((seen - mean) ** 2) / (n - 1))
            out[:, t, k] = (col - mean) / sd
    return out


def aggregate(scores: np.ndarray, mean: str) -> dict[str, np.ndarray]:
    """§4.3 bottom-up: each aggregate is the weighted mean of its available
    children, weights rescaled over them (min_coverage 0). Returns every node."""
    m = meta()
    nodes = {c: scores[:, :, k] for k, c in enumerate(m.codes)}
    for level in m.levels:
        for node in level:
            kids = [c for c in nodes if m.parent.get(c) == node]
            X = np.stack([nodes[c] for c in kids], axis=-1)
            W = np.broadcast_to(np.array([m.weight[c] for c in kids]), X.shape)
            have = ~np.isnan(X)
            w = np.where(have, W, 0.0)
            total = w.sum(axis=-1)
            with np.errstate(invalid="ignore", divide="ignore"):
                if mean == "arithmetic":
                    value = np.where(have, X, 0.0) * w
                    nodes[node] = value.sum(axis=-1) / total
                else:  # geometric: exp(Σ w ln x / Σ w)
                    logs = np.log(np.where(have, X, 1.0))
                    nodes[node] = np.exp((logs * w).sum(axis=-1) / total)
            nodes[node][total == 0] = np.nan
    return nodes


@dataclass
class Reference:
    """The reference result of one pipeline."""

    data: Data
    prepared: np.ndarray  # [unit, period, indicator], input of the normaliser
    scores: dict[str, np.ndarray]  # node or indicator id → [unit, period]
    denominated: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    imputed: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    winsorised: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    logged: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    screened: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def reference(
    pipeline: str, winmax: int = 5, coverage_of: str = "imputed"
) -> Reference:
    """Pipeline 1–7 of the ASEM README, with the parameters of the shipped specs."""
    d = data("ASEM_iData_p.csv" if pipeline.startswith("7") else "ASEM_iData.csv")
    x = d.values.copy()
    none = np.zeros(x.shape, dtype=bool)
    den, imp, win, logged = none, none, none, none
    dropped = np.zeros(x.shape[:2], dtype=bool)
    if pipeline == "6":
        x, den = denominate(x, d)
        observed = x.copy()
        x, imp = impute_mean(x, d.eurasia)
        dropped = screen(x, x if coverage_of == "imputed" else observed, 0.9)
    if pipeline == "5a":
        x, imp = impute_mean(x, None)
    if pipeline == "5b":
        x, imp = impute_mean(x, d.eurasia)
    if pipeline in ("4", "6"):
        x, win, logged = treat(x, winmax)
    if pipeline == "2":
        norm = minmax(x, 1.0, 100.0, pooled=False)
    elif pipeline == "3":
        norm = zscore(x)
    else:
        norm = minmax(x, 0.0, 100.0, pooled=pipeline == "7a")
    scores = aggregate(norm, "geometric" if pipeline == "2" else "arithmetic")
    return Reference(d, x, scores, den, imp, win, logged, dropped)


# --- gdindex's side --- #


@cache
def computed(pipeline: str) -> gdindex.IndexResult:
    return gdindex.compute(SPECS / SPEC_FILES[pipeline])


def _grid(ref: Reference, rows: list[dict[str, Any]], key: str, value: str) -> dict:
    """Long rows → {key: [unit, period] array} on the reference's axes."""
    u_at = {u: i for i, u in enumerate(ref.data.units)}
    t_at = {t: j for j, t in enumerate(ref.data.periods)}
    shape = (len(u_at), len(t_at))
    out: dict[str, np.ndarray] = {}
    for r in rows:
        arr = out.setdefault(r[key], np.full(shape, np.nan))
        v = r[value]
        arr[u_at[r["unit"]], t_at[r["period"]]] = np.nan if v is None else v
    return out


def max_abs_diff(expected: np.ndarray, got: np.ndarray, what: str) -> float:
    """Max |expected − got|; both must be missing in the same cells."""
    gone = np.isnan(expected) != np.isnan(got)
    assert not gone.any(), (
        f"{what}: missing in one but not the other at {gone.nonzero()}"
    )
    both = ~np.isnan(expected)
    return float(np.abs(expected[both] - got[both]).max()) if both.any() else 0.0


def _flag_cells(result: gdindex.IndexResult, ref: Reference, test: Any) -> np.ndarray:
    """Mask [unit, period, indicator] of the cells whose flag parts pass `test`."""
    codes = meta().codes
    mask = np.zeros(ref.prepared.shape, dtype=bool)
    u_at = {u: i for i, u in enumerate(ref.data.units)}
    t_at = {t: j for j, t in enumerate(ref.data.periods)}
    k_at = {c: k for k, c in enumerate(codes)}
    table = result.indicator_table().select("unit", "period", "indicator", "flag")
    for unit, period, ind, flag in table.iter_rows():
        if flag and any(test(part) for part in flag.split(";")):
            mask[u_at[unit], t_at[period], k_at[ind]] = True
    return mask


def _cells(mask: np.ndarray, ref: Reference) -> list[str]:
    codes = meta().codes
    return [
        f"{ref.data.units[i]} {ref.data.periods[j]} {codes[k]}"
        for i, j, k in zip(*mask.nonzero(), strict=True)
    ]


def assert_same_cells(got: np.ndarray, expected: np.ndarray, ref: Reference) -> None:
    assert _cells(got & ~expected, ref) == [], "flagged by gdindex only"
    assert _cells(expected & ~got, ref) == [], "flagged by the reference only"
