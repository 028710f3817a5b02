# The two commands of the README: `make run` and `make test` (both set up .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
STAMP := $(VENV)/.installed

.PHONY: run test eval bench setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/newsfacts run corpus --manifest corpus/manifest.jsonl --out out

# pytest exits 5 when it collects no tests: that is a failure here (there must be tests).
test: $(STAMP)
	@$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$status

# Dev scores against ../shared/eval/gold (used before every stop).
eval: $(STAMP)
	@$(BIN)/newsfacts run $(SHARED)/corpus/articles --manifest $(SHARED)/corpus/manifest.jsonl --out out/eval --quiet --jobs 2
	@$(BIN)/python $(SHARED)/eval/score.py out/eval/articles $(SHARED)/eval/gold

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/normalization.py
	$(BIN)/python bench/ner.py
	$(BIN)/python bench/speed.py

clean:
	rm -rf out $(VENV) *.egg-info
