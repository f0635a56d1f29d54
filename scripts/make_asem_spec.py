"""Generate the ASEM specs (specs/asem*.yaml) from data/samples/asem/ASEM_iMeta.csv.

The ASEM Sustainable Connectivity index (COINr's example data) expressed as gdindex
specs, one per "typical pipeline" of data/samples/asem/README.md:

- specs/asem.yaml (pipeline 1): min-max [0, 100], weighted arithmetic means;
- specs/asem_2_geometric.yaml: min-max [1, 100], weighted geometric means;
- specs/asem_3_zscore.yaml: z-scores (mean 0, sd 1), arithmetic means;
- specs/asem_4_winsorise.yaml: winsorisation (skew/kurtosis rule, log fallback),
  then pipeline 1;
- specs/asem_5a_mean_impute.yaml, specs/asem_5b_group_impute.yaml: column-mean or
  EurAsia_group-mean imputation, then pipeline 1;
- specs/asem_6_full.yaml: denominate → group-mean impute → screen (90 % data) →
  winsorise → min-max [0, 100] → arithmetic means;
- specs/asem_7a_panel_pooled.yaml, specs/asem_7b_panel_per_year.yaml: the
  2018-2022 panel, min-max over all years pooled or within each year.

All use the iMeta weights and directions and re-weight over the children present
(min_coverage 0).

Usage (from the repository root)::

    python scripts/make_asem_spec.py            # writes every specs/asem*.yaml
    python scripts/make_asem_spec.py --check    # exit 1 if any of them is stale

Only the standard library is used. The output depends only on the CSV files, so
re-running gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASEM_DIR = ROOT / "data" / "samples" / "asem"
META = ASEM_DIR / "ASEM_iMeta.csv"
DATA = ASEM_DIR / "ASEM_iData.csv"
PANEL = ASEM_DIR / "ASEM_iData_p.csv"
SPECS = ROOT / "specs"

# Paths as written into the spec: relative to specs/.
DATA_REL = "../data/samples/asem/ASEM_iData.csv"
PANEL_REL = "../data/samples/asem/ASEM_iData_p.csv"

GROUP_COLUMNS = ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]

GENERATED = """\
# GENERATED FILE: do not edit by hand.
# Written by scripts/make_asem_spec.py from data/samples/asem/ASEM_iMeta.csv.
# Regenerate (from the repository root):  python scripts/make_asem_spec.py
# Check that it is up to date:             python scripts/make_asem_spec.py --check
#
"""

ABOUT = """\
# ASEM Sustainable Connectivity index: 51 Asia-Europe Meeting countries, 49
# indicators, 2018. This is COINr's example data (github.com/bluefoxr/COINr,
# MIT licence), exported unchanged to CSV (see data/samples/asem/README.md).
#
"""

ABOUT_PANEL = """\
# ASEM Sustainable Connectivity index: 51 Asia-Europe Meeting countries, 49
# indicators, 2018-2022. This is COINr's example data (github.com/bluefoxr/COINr,
# MIT licence), exported unchanged to CSV (see data/samples/asem/README.md). The
# panel ASEM_iData_p.csv is artificial: the 2018 data replicated with noise.
#
"""

DIRECTIONS = "#   1. directions from iMeta `Direction` (14 indicators have -1);\n"

COLUMNS = """\
# Units and data are read straight from ASEM_iData.csv. Its non-indicator columns
# (uName, the groups, Time, and the denominators Area, Energy, GDP and Population)
# are not declared as indicators.
"""


@dataclass(frozen=True)
class Variant:
    """One pipeline of the ASEM README as a spec file."""

    file: str  # under specs/
    id: str
    title: str  # the spec's English name, after "ASEM Sustainable Connectivity"
    summary: str  # the spec's description, after the common first sentence
    comment: str  # header comment after GENERATED
    normalise: str = "{method: minmax, range: [0, 100], scope: period}"
    aggregate: str = "{method: arithmetic, min_coverage: 0.0}"
    impute: str | None = None
    treat: str | None = None
    screen: str | None = None
    denominate: bool = False  # write iMeta `Denominator` as `denominator:`
    panel: bool = False  # data from ASEM_iData_p.csv (units still from ASEM_iData)


WINSORISE = (
    "{method: winsorise, winmax: 5, skew: 2, kurt: 3.5, fallback: log, scope: period}"
)

VARIANTS = [
    Variant(
        file="asem.yaml",
        id="asem-sc",
        title="pipeline 1: min-max, arithmetic",
        summary="Min-max [0, 100] per indicator, weighted arithmetic means at every "
        "level, iMeta weights and directions, missing values left missing.",
        comment=ABOUT
        + """\
# This spec is "pipeline 1" of that README:
#   1. directions from iMeta `Direction` (14 indicators have -1);
#   2. min-max to [0, 100] per indicator. Scope `period`: the data have a single
#      period (2018), so `period` and `panel` give the same numbers;
#   3. weighted arithmetic mean at every level (pillars, sub-indices, index),
#      with weights from iMeta `Weight` (all 1). min_coverage 0.0 re-weights over
#      the children present, so a unit with a missing indicator still gets a score;
#   4. missing values stay missing: no imputation, no outlier treatment.
# The iMeta columns `Target` and `Denominator` are not used by pipeline 1. They
# belong to the distance-to-target and denomination pipelines.
#
"""
        + COLUMNS,
    ),
    Variant(
        file="asem_2_geometric.yaml",
        id="asem-sc-2-geometric",
        title="pipeline 2: min-max [1, 100], geometric",
        summary="Min-max [1, 100] per indicator, weighted geometric means at every "
        "level, iMeta weights and directions, missing values left missing.",
        comment=ABOUT
        + """\
# This spec is "pipeline 2" of that README:
"""
        + DIRECTIONS
        + """\
#   2. min-max to [1, 100] per indicator (scope `period`; one period), so that
#      every score is positive and has a logarithm;
#   3. weighted geometric mean exp(sum w_i ln x_i) at every level (pillars,
#      sub-indices, index), weights from iMeta `Weight` (all 1). min_coverage 0.0
#      re-weights over the children present;
#   4. missing values stay missing: no imputation, no outlier treatment.
#
"""
        + COLUMNS,
        normalise="{method: minmax, range: [1, 100], scope: period}",
        aggregate="{method: geometric, min_coverage: 0.0}",
    ),
    Variant(
        file="asem_3_zscore.yaml",
        id="asem-sc-3-zscore",
        title="pipeline 3: z-score, arithmetic",
        summary="Z-scores (mean 0, sd 1, sample sd) per indicator, weighted "
        "arithmetic means at every level, iMeta weights and directions, missing "
        "values left missing.",
        comment=ABOUT
        + """\
# This spec is "pipeline 3" of that README:
"""
        + DIRECTIONS
        + """\
#   2. z-score per indicator: (x - mean) / sd, sd the sample standard deviation
#      (n - 1), over the units with a value (scope `period`; one period);
#   3. weighted arithmetic mean at every level, weights from iMeta `Weight` (all
#      1). min_coverage 0.0 re-weights over the children present. Scores are
#      centred on 0, so growth rates mean nothing here (one period anyway);
#   4. missing values stay missing: no imputation, no outlier treatment.
#
"""
        + COLUMNS,
        normalise="{method: zscore, mean: 0, sd: 1, scope: period}",
    ),
    Variant(
        file="asem_4_winsorise.yaml",
        id="asem-sc-4-winsorise",
        title="pipeline 4: winsorise, min-max, arithmetic",
        summary="Outliers treated by the skew/kurtosis rule (winsorise at most 5 "
        "points, else log), then min-max [0, 100] and weighted arithmetic means, "
        "iMeta weights and directions, missing values left missing.",
        comment=ABOUT
        + """\
# This spec is "pipeline 4" of that README:
#   1. outlier treatment on the raw values (before the direction), per indicator
#      (DESIGN.md section 4.1): a column passes if |skew| < 2 or kurtosis < 3.5
#      (bias-corrected G1 and excess G2). While it fails and fewer than 5 points
#      are treated, the values equal to the maximum (skew >= 0) or the minimum
#      (skew < 0) take the next value inwards. If it still fails, the original
#      column becomes log(x - min + 0.01 (max - min)). Treated cells are flagged
#      `winsorised` or `log` in indicators.csv;
#   2. directions from iMeta `Direction` (14 indicators have -1);
#   3. then pipeline 1: min-max [0, 100] (scope `period`; one period) and
#      weighted arithmetic means, min_coverage 0.0;
#   4. missing values stay missing: no imputation.
#
"""
        + COLUMNS,
        treat=WINSORISE,
    ),
    Variant(
        file="asem_5a_mean_impute.yaml",
        id="asem-sc-5a-mean-impute",
        title="pipeline 5a: mean imputation, min-max, arithmetic",
        summary="Missing values imputed by the indicator's mean over all units, "
        "then min-max [0, 100] and weighted arithmetic means, iMeta weights and "
        "directions.",
        comment=ABOUT
        + """\
# This spec is "pipeline 5" of that README, variant a (column mean):
#   1. imputation: each missing value (63 cells) becomes the mean of the
#      indicator's observed values over all units in the same period, flagged
#      `imputed:mean` in indicators.csv;
#   2. directions from iMeta `Direction` (14 indicators have -1);
#   3. then pipeline 1: min-max [0, 100] (scope `period`; one period) and
#      weighted arithmetic means, min_coverage 0.0.
# specs/asem_5b_group_impute.yaml imputes within EurAsia_group instead.
#
"""
        + COLUMNS,
        impute="{method: mean}",
    ),
    Variant(
        file="asem_5b_group_impute.yaml",
        id="asem-sc-5b-group-impute",
        title="pipeline 5b: group-mean imputation, min-max, arithmetic",
        summary="Missing values imputed by the indicator's mean within the unit's "
        "EurAsia_group, then min-max [0, 100] and weighted arithmetic means, iMeta "
        "weights and directions.",
        comment=ABOUT
        + """\
# This spec is "pipeline 5" of that README, variant b (group mean):
#   1. imputation: each missing value becomes the mean of the indicator's
#      observed values over the units of the same EurAsia_group (Europe / Asia)
#      in the same period, flagged `imputed:group_mean` in indicators.csv;
#   2. directions from iMeta `Direction` (14 indicators have -1);
#   3. then pipeline 1: min-max [0, 100] (scope `period`; one period) and
#      weighted arithmetic means, min_coverage 0.0.
# specs/asem_5a_mean_impute.yaml imputes with the mean over all units instead.
#
"""
        + COLUMNS,
        impute="{method: group_mean, group: EurAsia_group}",
    ),
    Variant(
        file="asem_6_full.yaml",
        id="asem-sc-6-full",
        title="pipeline 6: denominate, impute, screen, winsorise, min-max, arithmetic",
        summary="17 indicators divided by their iMeta denominator, missing values "
        "imputed by EurAsia_group means, units with under 90 % data left out, "
        "outliers treated by the skew/kurtosis rule, then min-max [0, 100] and "
        "weighted arithmetic means, iMeta weights and directions.",
        comment=ABOUT
        + """\
# This spec is "pipeline 6" of that README, the full preparation chain in the
# fixed stage order of DESIGN.md section 1:
#   1. denominate: the 17 indicators with an iMeta `Denominator` are divided by
#      that column of ASEM_iData.csv (Area, Energy, GDP or Population), scale 1.
#      A missing denominator (Energy of one unit) leaves the value missing;
#   2. impute: each missing value becomes the mean of the (denominated)
#      indicator over the units of the same EurAsia_group in the same period;
#   3. screen: a unit is kept when it has at least 90 % of the 49 indicators.
#      The coverage is counted after imputation (`coverage_of: imputed`), like
#      the reference's Screen(dset = "Imputed");
#   4. outlier treatment on the imputed values, before the direction, as in
#      pipeline 4 (|skew| 2, kurtosis 3.5, at most 5 points, else log);
#   5. directions from iMeta `Direction`, min-max [0, 100] (scope `period`; one
#      period) and weighted arithmetic means (min_coverage 0.0).
# indicators.csv flags every step: `denominated;imputed:group_mean;winsorised`.
#
# Units and data are read straight from ASEM_iData.csv. Its non-indicator columns
# (uName, the groups, Time, and the denominators Area, Energy, GDP and Population)
# are not declared as indicators; the denominators are read from it by name.
""",
        impute="{method: group_mean, group: EurAsia_group}",
        treat=WINSORISE,
        screen="{min_coverage: 0.9, coverage_of: imputed}",
        denominate=True,
    ),
    Variant(
        file="asem_7a_panel_pooled.yaml",
        id="asem-sc-7a-panel-pooled",
        title="pipeline 7a: panel, min-max pooled over years, arithmetic",
        summary="The 2018-2022 panel: min-max [0, 100] per indicator over all units "
        "and years pooled, weighted arithmetic means at every level, iMeta weights "
        "and directions, missing values left missing.",
        comment=ABOUT_PANEL
        + """\
# This spec is "pipeline 7" of that README, variant a (pooled):
"""
        + DIRECTIONS
        + """\
#   2. min-max to [0, 100] per indicator with scope `panel`: the minimum and
#      maximum are taken over all units and all five years pooled, so a score is
#      comparable across years and growth rates measure change;
#   3. weighted arithmetic mean at every level, min_coverage 0.0;
#   4. missing values stay missing: no imputation, no outlier treatment.
# specs/asem_7b_panel_per_year.yaml normalises within each year instead.
#
# Units (ids, names, groups) come from ASEM_iData.csv; the values from
# ASEM_iData_p.csv, whose `Time` column is the period. The non-indicator columns
# of the panel (uName, the groups and the denominators) are not declared as
# indicators.
""",
        normalise="{method: minmax, range: [0, 100], scope: panel}",
        panel=True,
    ),
    Variant(
        file="asem_7b_panel_per_year.yaml",
        id="asem-sc-7b-panel-per-year",
        title="pipeline 7b: panel, min-max within each year, arithmetic",
        summary="The 2018-2022 panel: min-max [0, 100] per indicator within each "
        "year, weighted arithmetic means at every level, iMeta weights and "
        "directions, missing values left missing.",
        comment=ABOUT_PANEL
        + """\
# This spec is "pipeline 7" of that README, variant b (per year):
"""
        + DIRECTIONS
        + """\
#   2. min-max to [0, 100] per indicator with scope `period`: the minimum and
#      maximum are those of each year, so every year has its own 0 and 100 and
#      growth rates measure reshuffling, not progress;
#   3. weighted arithmetic mean at every level, min_coverage 0.0;
#   4. missing values stay missing: no imputation, no outlier treatment.
# specs/asem_7a_panel_pooled.yaml pools all years instead.
#
# Units (ids, names, groups) come from ASEM_iData.csv; the values from
# ASEM_iData_p.csv, whose `Time` column is the period. The non-indicator columns
# of the panel (uName, the groups and the denominators) are not declared as
# indicators.
""",
        normalise="{method: minmax, range: [0, 100], scope: period}",
        panel=True,
    ),
]


def q(text: str) -> str:
    """Quote a string as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def num(text: str) -> str:
    """Write a numeric iMeta cell as an int when it is integral, else as a float."""
    value = float(text)
    if value.is_integer():
        return str(int(value))
    return repr(value)


def read_meta() -> list[dict[str, str]]:
    with META.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def read_periods(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        times = {row["Time"] for row in csv.DictReader(f)}
    return sorted(times, key=int)


def build(meta: list[dict[str, str]], variant: Variant, periods: list[str]) -> str:
    indicators = [r for r in meta if r["Type"] == "Indicator"]
    aggregates = [r for r in meta if r["Type"] == "Aggregate"]
    by_code = {r["iCode"]: r for r in indicators + aggregates}
    children: dict[str, list[dict[str, str]]] = {}
    for r in indicators + aggregates:
        if r["Parent"]:
            if r["Parent"] not in by_code:
                raise SystemExit(
                    f"{META}: {r['iCode']} has unknown parent {r['Parent']!r}"
                )
            children.setdefault(r["Parent"], []).append(r)
    roots = [r for r in aggregates if not r["Parent"]]
    if len(roots) != 1:
        raise SystemExit(
            f"{META}: expected one root aggregate, found {[r['iCode'] for r in roots]}"
        )
    # Keep iMeta row order everywhere: sort children by their row position.
    order = {r["iCode"]: i for i, r in enumerate(meta)}
    for kids in children.values():
        kids.sort(key=lambda r: order[r["iCode"]])

    lines: list[str] = [(GENERATED + variant.comment).rstrip("\n"), ""]
    out = lines.append
    out("spec_version: 1")
    out(f"id: {variant.id}")
    out(f"name: {{en: {q(f'ASEM Sustainable Connectivity ({variant.title})')}}}")
    out("description:")
    out(
        "  en: "
        + q(
            "ASEM Sustainable Connectivity index (COINr example data): 51 countries, "
            "49 indicators, 8 pillars, 2 sub-indices. " + variant.summary
        )
    )
    out("")
    out("units:")
    out(f"  file: {DATA_REL}")
    out("  id: uCode")
    out("  name: {en: uName}")
    out(f"  groups: [{', '.join(GROUP_COLUMNS)}]")
    out("")
    out("data:")
    out(f"  - file: {PANEL_REL if variant.panel else DATA_REL}")
    out("    format: wide")
    out("    unit: uCode")
    out("    period: Time")
    out("")
    out(f"periods: [{', '.join(periods)}]")
    out("")
    out("defaults:")
    if variant.impute:
        out(f"  impute: {variant.impute}")
    if variant.treat:
        out(f"  treat: {variant.treat}")
    out(f"  normalise: {variant.normalise}")
    out(f"  aggregate: {variant.aggregate}")
    out("  weights: {method: explicit}")
    out("")
    if variant.screen:
        out(f"screen: {variant.screen}")
        out("")
    source = q(
        "COINr ASEM example data (ASEM_iMeta.csv / "
        + ("ASEM_iData_p.csv)" if variant.panel else "ASEM_iData.csv)")
    )
    n_den = sum(bool(r["Denominator"]) for r in indicators) if variant.denominate else 0
    out(f"# {len(indicators)} indicators, in iMeta row order (Type == Indicator).")
    if n_den:
        out(f"# {n_den} of them are divided by their iMeta `Denominator` (scale 1).")
    out("indicators:")
    for r in indicators:
        out(f"  - id: {r['iCode']}")
        out(f"    name: {{en: {q(r['iName'])}}}")
        if r["Unit"]:
            out(f"    unit: {q(r['Unit'])}")
        out(f"    direction: {num(r['Direction'])}")
        if variant.denominate and r["Denominator"]:
            out(f"    denominator: {r['Denominator']}")
        out(f"    source: {source}")
    out("")
    out("# Tree from iMeta `Parent` links: Index (level 4) -> sub-indices (level 3) ->")
    out("# pillars (level 2) -> indicators (level 1). Weights from iMeta `Weight`.")
    out("tree:")
    root = roots[0]
    out(f"  id: {root['iCode']}")
    out(f"  name: {{en: {q(root['iName'])}}}")
    _children(root["iCode"], children, "  ", out)
    return "\n".join(lines) + "\n"


def build_all() -> dict[Path, str]:
    """The text of every ASEM spec, by output path (in VARIANTS order)."""
    meta = read_meta()
    periods = {False: read_periods(DATA), True: read_periods(PANEL)}
    ids = [v.id for v in VARIANTS]
    files = [v.file for v in VARIANTS]
    if len(set(ids)) != len(ids) or len(set(files)) != len(files):
        raise SystemExit("VARIANTS: spec ids and files must be unique")
    return {SPECS / v.file: build(meta, v, periods[v.panel]) for v in VARIANTS}


def _children(
    code: str, children: dict[str, list[dict[str, str]]], indent: str, out
) -> None:
    out(f"{indent}children:")
    for r in children.get(code, []):
        if r["Type"] == "Indicator":
            out(f"{indent}  - {{id: {r['iCode']}, weight: {num(r['Weight'])}}}")
        else:
            out(f"{indent}  - id: {r['iCode']}")
            out(f"{indent}    name: {{en: {q(r['iName'])}}}")
            out(f"{indent}    weight: {num(r['Weight'])}")
            _children(r["iCode"], children, indent + "    ", out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="fail if the spec on disk differs"
    )
    args = parser.parse_args(argv)
    texts = build_all()
    if args.check:
        stale = 0
        for path, text in texts.items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != text:
                stale += 1
                state = "is missing" if current is None else "is out of date"
                print(
                    f"{path.relative_to(ROOT)} {state}; "
                    "run python scripts/make_asem_spec.py",
                    file=sys.stderr,
                )
        if stale:
            return 1
        print(f"{len(texts)} ASEM specs are up to date")
        return 0
    SPECS.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        tmp = path.with_suffix(".yaml.tmp")
        tmp.write_text(text, encoding="utf-8", newline="\n")
        tmp.replace(path)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
