"""Methods: the formulas of DESIGN §4 as pure functions on arrays.

Normalisers, aggregators, weighting schemes, imputation, treatment and growth, each
registered with its parameter model. This layer never imports the spec and never
touches files.
"""
