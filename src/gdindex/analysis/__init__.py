"""The analysis layer: what is computed *about* an index.

Data check, validation, weight derivation, comparison of variants (later: audit,
explain, sensitivity). Each returns a result object with polars frames and `to_json()`;
files are written through `gdindex.io` primitives, never opened here directly.
"""
