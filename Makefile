# Two entry points: `make sample` (install, then the main job on sample_data/) and `make test`.
VENV := .venv
PYTHON := $(VENV)/bin/python
LINEAGE := $(VENV)/bin/lineage
INSTALLED := $(VENV)/.installed
OUT := out
SAMPLE_DB := sqlite:///$(OUT)/sample.db

.PHONY: sample test bench clean

$(INSTALLED): pyproject.toml requirements.lock
	scripts/bootstrap $(VENV)
	$(PYTHON) -m pip install --quiet --constraint requirements.lock --editable '.[test]'
	touch $(INSTALLED)

sample: $(INSTALLED)
	rm -f $(OUT)/sample.db*
	mkdir -p $(OUT)
	LINEAGE_DB=$(SAMPLE_DB) scripts/sample-job $(LINEAGE) $(OUT)

test: $(INSTALLED)
	scripts/test-system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PYTHON) -m pytest -q

bench: $(INSTALLED)
	$(PYTHON) bench/ingest_throughput.py

clean:
	rm -rf $(VENV) $(OUT)
