"""What is computed *about* an index: uncertainty and sensitivity analysis (and, as
the package is re-laid, data checks, comparisons, audits and explanations).

Modules here compute and return results with polars frames and `to_json()`; they never
print and never write files themselves (DESIGN §1).
"""
