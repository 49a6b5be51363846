# The course kit's commands. Each one creates .venv on first use and installs what it
# needs, so a fresh clone needs nothing but Python 3.10-3.13 and make.
#
#   make lab               start JupyterLab on your working copy (workspace/)
#   make update-notebooks  bring in new/updated notebooks; never touches ones you edited
#   make test              the whole test suite, smoke profile, offline (what CI runs)
#   make test-quick        only the quick tests (pytest -m "not slow")
#   make release           regenerate course/ from solutions/; publish if COURSE_EXCHANGE is set
#   make collect A=..      submissions from the exchange (or FROM=download.zip from an LMS)
#   make grade A=..        autograde them: sandboxed, parallel, resumable (ARGS=--force ...)
#   make grader-image      build the container image for ARGS="--isolation docker --image ..."
#   make feedback A=..     one HTML feedback page per student
#   make export            grades per exercise as CSV (autograde/grades.csv)
#   make summary A=..      averages per exercise and the most common failures
#   make bench             how long grading takes here (40 submissions, 1 and 2 workers)
#   make data              download data sets into the cache for offline/classroom use
#   make lint              ruff on the code and the notebooks
#
# NVIDIA GPU:  make lab TF=gpu   (installs tensorflow[and-cuda] instead of the CPU wheel)

PYTHON ?= python3
TF ?= cpu
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
# nbgrader shells out to `alembic` and `jupyter`: the venv's bin/ must come first on PATH.
export PATH := $(BIN):$(PATH)
LAB_ARGS ?=
WORKSPACE ?= workspace
# Jupyter refuses to run as root (containers, CI) unless told it may.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help lab update-notebooks test test-quick release collect grade grader-image feedback export summary bench data lint system-deps

help:
	@awk '/^#/ { sub(/^# ?/, ""); print; next } { exit }' Makefile

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 10) <= v[:2] <= (3, 13) else \
	  "Python 3.10 to 3.13 is needed (TensorFlow has no wheels for %d.%d). Run make PYTHON=python3.11 ..." % v[:2])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes (the stamp records which extras are in).
$(VENV)/.installed-$(TF): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(TF)]"
	@touch $@

$(VENV)/.installed-$(TF)-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(TF),dev]"
	@touch $@ $(VENV)/.installed-$(TF)

lab: $(VENV)/.installed-$(TF)
	@$(BIN)/python -m utils.workspace --workspace "$(WORKSPACE)"
	cd "$(WORKSPACE)" && $(BIN)/jupyter lab $(AS_ROOT) $(LAB_ARGS)

update-notebooks: $(VENV)/.installed-$(TF)
	@$(BIN)/python -m utils.workspace --update --workspace "$(WORKSPACE)"

# The grading sandbox needs bubblewrap (Debian/Ubuntu package `bubblewrap`). As root
# (CI, containers) or with password-less sudo it is installed here; otherwise we say how.
system-deps:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then SUDO="sudo -n"; \
	  else echo "The grading sandbox needs bubblewrap: install it (e.g. sudo apt-get install bubblewrap) and rerun."; exit 1; fi; \
	  echo "installing bubblewrap (the grading sandbox)"; \
	  $$SUDO apt-get install -y -q bubblewrap >/dev/null 2>&1 || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q bubblewrap >/dev/null; }; }

# CI calls exactly this (via .ci/run). Smoke profile, offline, timed part by part.
test:
	@t0=$$(date +%s); \
	$(MAKE) --no-print-directory system-deps $(VENV)/.installed-$(TF)-dev || exit 1; \
	t1=$$(date +%s); \
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m "not slow" -q $(PYTEST_ARGS); rc1=$$?; \
	t2=$$(date +%s); \
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m slow -q --durations=10 $(PYTEST_ARGS); rc2=$$?; \
	t3=$$(date +%s); \
	echo "== make test timings: install $$((t1-t0)) s | quick tests $$((t2-t1)) s (exit $$rc1) | slow tests $$((t3-t2)) s (exit $$rc2) | total $$((t3-t0)) s"; \
	[ $$rc1 -eq 0 ] && [ $$rc2 -eq 0 ]

test-quick: $(VENV)/.installed-$(TF)-dev
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m "not slow" -q $(PYTEST_ARGS)

A ?=
FROM ?=
ARGS ?=

release: $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde release $(A)

collect: $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde collect $(A) $(if $(FROM),--from "$(FROM)") $(ARGS)

grade: system-deps $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde grade $(A) $(ARGS)

# Optional: grade in containers instead of bubblewrap (ENGINE=podman for Podman).
ENGINE ?= docker
IMAGE ?= cnn-course-kit-grader
grader-image:  # a small build context: only what the image needs, never .venv or autograde/
	rm -rf build/grader-image && mkdir -p build/grader-image
	cp -r pyproject.toml README.md utils autograde/Dockerfile build/grader-image/
	$(ENGINE) build -t $(IMAGE) build/grader-image

feedback export summary: $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde $@ $(A) $(ARGS)

bench: system-deps $(VENV)/.installed-$(TF)
	COURSE_PROFILE=smoke $(BIN)/python -m autograde.bench $(ARGS)

data: $(VENV)/.installed-$(TF)
	$(BIN)/python -m utils.datasets

lint: $(VENV)/.installed-$(TF)-dev
	$(BIN)/ruff check utils autograde tests solutions course
