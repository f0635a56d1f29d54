"""Generate specs/asem.yaml from data/samples/asem/ASEM_iMeta.csv.

The ASEM Sustainable Connectivity index (COINr's example data) expressed as a
gdindex spec, for "pipeline 1" of data/samples/asem/README.md:

- min-max to [0, 100] per indicator (scope: period; the data have one period);
- weighted arithmetic mean at every level, re-weighting over the children
  present (min_coverage 0);
- iMeta weights and directions; missing values stay missing.

Usage (from the repository root)::

    python scripts/make_asem_spec.py            # writes specs/asem.yaml
    python scripts/make_asem_spec.py --check    # exit 1 if specs/asem.yaml is stale

Only the standard library is used. The output depends only on the CSV files, so
re-running gives a byte-identical file.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASEM_DIR = ROOT / "data" / "samples" / "asem"
META = ASEM_DIR / "ASEM_iMeta.csv"
DATA = ASEM_DIR / "ASEM_iData.csv"
OUT = ROOT / "specs" / "asem.yaml"

# Paths as written into the spec: relative to specs/.
DATA_REL = "../data/samples/asem/ASEM_iData.csv"

GROUP_COLUMNS = ["GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]

HEADER = """\
# GENERATED FILE: do not edit by hand.
# Written by scripts/make_asem_spec.py from data/samples/asem/ASEM_iMeta.csv.
# Regenerate (from the repository root):  python scripts/make_asem_spec.py
# Check that it is up to date:             python scripts/make_asem_spec.py --check
#
# ASEM Sustainable Connectivity index: 51 Asia-Europe Meeting countries, 49
# indicators, 2018. This is COINr's example data (github.com/bluefoxr/COINr,
# MIT licence), exported unchanged to CSV (see data/samples/asem/README.md).
#
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
# Units and data are read straight from ASEM_iData.csv. Its non-indicator columns
# (uName, the groups, Time, and the denominators Area, Energy, GDP and Population)
# are not declared as indicators.
"""


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


def read_periods() -> list[str]:
    with DATA.open(newline="", encoding="utf-8-sig") as f:
        times = {row["Time"] for row in csv.DictReader(f)}
    return sorted(times, key=int)


def build(meta: list[dict[str, str]], periods: list[str]) -> str:
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

    lines: list[str] = [HEADER.rstrip("\n"), ""]
    out = lines.append
    out("spec_version: 1")
    out("id: asem-sc")
    out(
        f"name: {{en: {q('ASEM Sustainable Connectivity (pipeline 1: min-max, arithmetic)')}}}"
    )
    out("description:")
    out(
        "  en: "
        + q(
            "ASEM Sustainable Connectivity index (COINr example data): 51 countries, "
            "49 indicators, 8 pillars, 2 sub-indices. Min-max [0, 100] per indicator, "
            "weighted arithmetic means at every level, iMeta weights and directions, "
            "missing values left missing."
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
    out(f"  - file: {DATA_REL}")
    out("    format: wide")
    out("    unit: uCode")
    out("    period: Time")
    out("")
    out(f"periods: [{', '.join(periods)}]")
    out("")
    out("defaults:")
    out("  normalise: {method: minmax, range: [0, 100], scope: period}")
    out("  aggregate: {method: arithmetic, min_coverage: 0.0}")
    out("  weights: {method: explicit}")
    out("")
    out(f"# {len(indicators)} indicators, in iMeta row order (Type == Indicator).")
    out("indicators:")
    for r in indicators:
        out(f"  - id: {r['iCode']}")
        out(f"    name: {{en: {q(r['iName'])}}}")
        if r["Unit"]:
            out(f"    unit: {q(r['Unit'])}")
        out(f"    direction: {num(r['Direction'])}")
        out(
            f"    source: {q('COINr ASEM example data (ASEM_iMeta.csv / ASEM_iData.csv)')}"
        )
    out("")
    out("# Tree from iMeta `Parent` links: Index (level 4) -> sub-indices (level 3) ->")
    out("# pillars (level 2) -> indicators (level 1). Weights from iMeta `Weight`.")
    out("tree:")
    root = roots[0]
    out(f"  id: {root['iCode']}")
    out(f"  name: {{en: {q(root['iName'])}}}")
    _children(root["iCode"], children, "  ", out)
    return "\n".join(lines) + "\n"


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
    text = build(read_meta(), read_periods())
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else None
        if current != text:
            print(
                f"{OUT.relative_to(ROOT)} is out of date; run python scripts/make_asem_spec.py",
                file=sys.stderr,
            )
            return 1
        print(f"{OUT.relative_to(ROOT)} is up to date")
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(OUT)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
