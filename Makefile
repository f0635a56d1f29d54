# gdindex — every target sets itself up: a fresh machine needs only Python 3.11 and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system-deps fonts demo report test check lint fmt type cov golden bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src/gdindex  # byte-code even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

install: $(STAMP)

# Debian packages: Chromium for the browser test, the CJK font the report measures
# text with. Prints what it installs (sudo when not root); nothing when present.
system-deps:
	bash scripts/system-deps.sh chromium fonts

fonts:
	bash scripts/system-deps.sh fonts

demo: $(STAMP)  ## compute the Guangdong sample index and print the ranked report
	$(BIN)/gdindex compute specs/guangdong.yaml --out out/guangdong

report: $(STAMP) fonts  ## write the published report of the Guangdong sample (HTML, Markdown, Excel)
	$(BIN)/gdindex report specs/guangdong.yaml --out out/report

test: $(STAMP) system-deps  ## the whole test suite (installs Chromium and CJK fonts first)
	$(BIN)/python -m pytest -q

lint: $(STAMP)  ## ruff, and the import contracts of DESIGN §1 (import-linter)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_layout.py
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

type: $(STAMP)
	$(BIN)/mypy src

cov: $(STAMP)
	$(BIN)/python -m pytest -q --cov=gdindex --cov-report=term-missing

check: lint type test  ## the single gate: lint + types + tests

golden: $(STAMP)  ## rewrite golden files (review the diff before committing)
	$(BIN)/python -m pytest -q tests/test_golden.py --update-golden

bench: $(STAMP)  ## print the benchmark figures and ratios
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis
