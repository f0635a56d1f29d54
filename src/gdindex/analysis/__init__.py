"""What is computed *about* an index (DESIGN §9): the statistical coherence audit
(`audit`), why a unit stands where it does (`explain`) and weights that balance a
node's children (`optimise`). Modules here compute and return frames; they never
print and never write files themselves."""
