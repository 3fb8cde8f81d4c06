# The two set-up commands of the README: `make report` (main job, offline) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: report test bench typecheck lint schemas

# constraints.txt pins the versions the suite is tested with; pyproject.toml keeps the ranges users get.
$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test,sweep]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/openness registry build --offline --mkdir -o out/report.html -o out/report.md -o out/report.csv -o out/report.json

test: $(STAMP)
	$(BIN)/python -m pytest -q

typecheck: $(STAMP)
	$(BIN)/mypy

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/devset.py

schemas: $(STAMP)
	$(BIN)/python -m openness.schema
