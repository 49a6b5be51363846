# The course kit's commands. Each one creates .venv on first use and installs what it
# needs, so a fresh clone needs nothing but Python 3.10-3.13 and make.
#
#   make lab               start JupyterLab on your working copy (workspace/)
#   make formgrader        the instructor's JupyterLab on the repository (Nbgrader menu: Formgrader)
#   make update-notebooks  bring in new/updated notebooks; never touches ones you edited
#   make test              the whole test suite, smoke profile, offline (what CI runs)
#   make test-quick        only the quick tests (pytest -m "not slow")
#   make release           regenerate course/ from solutions/, time each solution in the grader; publish if COURSE_EXCHANGE is set
#   make collect A=..      submissions from the exchange (or FROM=download.zip [ROSTER=class.csv] from an LMS)
#   make grade A=..        autograde them: sandboxed, parallel, resumable (ARGS=--force ...)
#   make grader-image      build the container image for ARGS="--isolation docker --image ..."
#   make feedback A=..     one HTML feedback page per student (released to the exchange if COURSE_EXCHANGE is set)
#   make hub-users FILE=.. Linux accounts for a class from the LMS's roster (root)
#   make hub               JupyterHub for the class: formgrader service, exchange, PostgreSQL gradebook (root)
#   make grading-scheduler / grading-worker SCHEDULER=..  grade on many machines (make grade SCHEDULER=..)
#   make export            grades per exercise as CSV (autograde/grades.csv)
#   make summary A=..      averages per exercise and the most common failures
#   make bench             benchmarks that print ratios (PART="pipeline features conv grading")
#   make student-edition DEST=.. REPO=..  the course for students, answers left out
#   make data              download data sets and trained weights into the cache (offline/classroom use)
#   make lint              ruff on the code and the notebooks
#
# NVIDIA GPU:  make lab TF=gpu   (installs tensorflow[and-cuda] instead of the CPU wheel)

# student-edition
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
# /student-edition
PYTEST_ARGS ?=
# student-edition

.DEFAULT_GOAL := help
.PHONY: help lab update-notebooks test test-quick release collect grade grader-image feedback export summary bench data lint system-deps browser-deps hub-deps hub hub-users grading-scheduler grading-worker formgrader student-edition

help:
	@awk '/^#/ { sub(/^# ?/, ""); print; next } { exit }' Makefile

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 10) <= v[:2] <= (3, 13) else \
	  "Python 3.10 to 3.13 is needed (TensorFlow has no wheels for %d.%d). Run make PYTHON=python3.11 ..." % v[:2])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes (the stamp records which extras are in). The lab
# settings the kit ships go where JupyterLab reads defaults (editable installs skip them).
# The kernel settings load cnn_course_kit.quiet in every kernel of the environment (TensorFlow's
# start-up notices filtered out of fd 2, genuine warnings kept: see utils/quiet.py).
LAB_SETTINGS := utils/jupyter/default_setting_overrides.json
KERNEL_SETTINGS := utils/jupyter/ipython_kernel_config.json
# ... and `import utils` keeps working for notebooks older than the name cnn_course_kit
# (utils/legacy.py): a wheel ships this .pth, an editable install needs it copied.
LEGACY_PTH := utils/cnn_course_kit_legacy.pth
define install_lab_settings
	@mkdir -p $(VENV)/etc/jupyter/labconfig && cp $(LAB_SETTINGS) $(VENV)/etc/jupyter/labconfig/
	@mkdir -p $(VENV)/etc/ipython && cp $(KERNEL_SETTINGS) $(VENV)/etc/ipython/
	@$(BIN)/python -c 'import shutil, sysconfig; shutil.copy("$(LEGACY_PTH)", sysconfig.get_paths()["purelib"])'
endef

$(VENV)/.installed-$(TF): pyproject.toml setup.py $(LAB_SETTINGS) $(KERNEL_SETTINGS) $(LEGACY_PTH) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(TF),lab]"
	$(install_lab_settings)
	@touch $@
# /student-edition

$(VENV)/.installed-$(TF)-dev: pyproject.toml setup.py $(LAB_SETTINGS) $(KERNEL_SETTINGS) $(LEGACY_PTH) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(TF),lab,hub,dev]"
	$(install_lab_settings)
	@touch $@ $(VENV)/.installed-$(TF) $(VENV)/.installed-$(TF)-hub

# The instructor's extras for a hub and for grading on a cluster (make test has them too).
$(VENV)/.installed-$(TF)-hub: pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[$(TF),lab,hub]"
	$(install_lab_settings)
	@touch $@ $(VENV)/.installed-$(TF)

# student-edition
# Which of nbgrader's tools JupyterLab shows: a Jupyter config folder of utils/jupyter/ goes
# first on JUPYTER_CONFIG_PATH. `student`: Assignments and Validate only (what make lab and a
# Binder or `pip install .` environment get); `instructor`: also Create Assignment, Formgrader
# and Course List. Both give Validate the teaching message first (utils/jupyter/__init__.py).
jupyter_tools = JUPYTER_CONFIG_PATH="$(CURDIR)/utils/jupyter/$(1)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}"

lab: $(VENV)/.installed-$(TF)
	@$(BIN)/python -m cnn_course_kit.workspace --workspace "$(WORKSPACE)"
	cd "$(WORKSPACE)" && $(call jupyter_tools,student) $(BIN)/jupyter lab $(AS_ROOT) $(LAB_ARGS)
# /student-edition

# The instructor's JupyterLab: nbgrader's formgrader on this repository (the configuration
# in autograde/ is read from the folder the server starts in; the files are the whole repo).
formgrader: $(VENV)/.installed-$(TF)
	cd autograde && $(call jupyter_tools,instructor) $(BIN)/jupyter lab $(AS_ROOT) \
	  --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS)

# student-edition
update-notebooks: $(VENV)/.installed-$(TF)
	@$(BIN)/python -m cnn_course_kit.workspace --update --workspace "$(WORKSPACE)"
# /student-edition

# System packages, from apt when we are root (CI, containers) or have password-less sudo;
# otherwise we say what to install. $(call apt_need,COMMAND,PACKAGE,WHAT IT IS FOR)
define apt_need
	@command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null && command -v apt-get >/dev/null 2>&1; then SUDO="sudo -n"; \
	  else echo "$(2) is needed for $(3): install it (e.g. sudo apt-get install $(2)) and rerun."; exit 1; fi; \
	  echo "installing $(2) ($(3))"; \
	  $$SUDO apt-get install -y -q $(2) >/dev/null 2>&1 || { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q $(2) >/dev/null; }; }
endef

# The grading sandbox needs bubblewrap (Debian/Ubuntu package `bubblewrap`).
system-deps:
	$(call apt_need,bwrap,bubblewrap,the grading sandbox)

# A class on one server (make hub) and the tests of it: PostgreSQL for the gradebook
# (Debian's server programs live off PATH, in /usr/lib/postgresql/<version>/bin) and the
# proxy JupyterHub puts in front of everything (Node's configurable-http-proxy, from npm,
# into .venv: nothing global).
CHP_VERSION ?= 4.6.3
hub-deps: $(BIN)/configurable-http-proxy
	$(call apt_need,/usr/lib/postgresql/*/bin/initdb,postgresql,the gradebook of a class on a hub)
$(BIN)/configurable-http-proxy: | $(BIN)/python
	$(call apt_need,npm,npm,JupyterHub's proxy)
	npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy@$(CHP_VERSION)
	ln -sf ../node/node_modules/.bin/configurable-http-proxy $@

# The browser tests drive Debian's Chromium with Playwright (CHROMIUM=/path/to/chrome to
# use another Chromium-based browser).
export CHROMIUM ?=
browser-deps:
	$(if $(CHROMIUM),@test -x "$(CHROMIUM)" || { echo "CHROMIUM=$(CHROMIUM) is not an executable"; exit 1; },$(call apt_need,chromium,chromium,the browser tests))

# CI calls exactly this (via .ci/run). Smoke profile, offline, timed part by part. The
# tests run TEST_PROCESSES at a time (pytest-xdist; the notebooks' round trips stretch
# the sized grading limits by as much: tests/test_notebooks.py, _sharing).
TEST_PROCESSES ?= 2
# Notebook and browser tests are spread one by one; the others file by file (their
# module-wide fixtures, such as the hostile batch, then run once).
SIDE_BY_SIDE = $(if $(filter-out 0 1,$(TEST_PROCESSES)),-n $(TEST_PROCESSES) --dist $(1))
test:
	@t0=$$(date +%s); \
	$(MAKE) --no-print-directory system-deps browser-deps hub-deps $(VENV)/.installed-$(TF)-dev || exit 1; \
	$(BIN)/python -m cnn_course_kit.pretrained || echo "(the trained weights or ImageNet's class names could not be fetched: notebook 06 runs on random weights)"; \
	t1=$$(date +%s); \
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m "not slow" -q $(call SIDE_BY_SIDE,load) $(PYTEST_ARGS); rc1=$$?; \
	t2=$$(date +%s); \
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m slow -q --durations=20 $(call SIDE_BY_SIDE,worksteal) tests/test_notebooks.py $(PYTEST_ARGS); rc2=$$?; \
	t3=$$(date +%s); \
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m slow -q --durations=20 $(call SIDE_BY_SIDE,worksteal) tests/test_browser.py $(PYTEST_ARGS); rc3=$$?; \
	t4=$$(date +%s); \
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m slow -q --durations=20 $(call SIDE_BY_SIDE,loadfile) --ignore=tests/test_notebooks.py --ignore=tests/test_browser.py $(PYTEST_ARGS); rc4=$$?; \
	t5=$$(date +%s); \
	echo "== make test timings: install $$((t1-t0)) s | quick tests $$((t2-t1)) s (exit $$rc1) | notebooks $$((t3-t2)) s (exit $$rc2) | browser $$((t4-t3)) s (exit $$rc3) | grading and other slow tests $$((t5-t4)) s (exit $$rc4) | total $$((t5-t0)) s"; \
	[ $$rc1 -eq 0 ] && [ $$rc2 -eq 0 ] && [ $$rc3 -eq 0 ] && [ $$rc4 -eq 0 ]

test-quick: $(VENV)/.installed-$(TF)-dev
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m pytest -m "not slow" -q $(call SIDE_BY_SIDE,load) $(PYTEST_ARGS)

A ?=
FROM ?=
ROSTER ?=
ARGS ?=

release: $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde release $(A) $(ARGS)

collect: $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde collect $(A) $(if $(FROM),--from "$(FROM)") $(if $(ROSTER),--roster "$(ROSTER)") $(ARGS)

grade: system-deps $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde grade $(A) $(if $(SCHEDULER),--scheduler $(SCHEDULER)) $(ARGS)

# A class on one server (autograde/hub/): run as root on the server. hub-users makes Linux
# accounts from the LMS's roster (FILE=roster.csv: id, name, email[, role]); hub installs
# the environment for everyone, the exchange and the PostgreSQL gradebook, then starts
# JupyterHub with the formgrader as a service (HUB_LAYOUT=hub.json for other paths/ports).
HUB_LAYOUT ?=
hub_cmd = $(BIN)/python -m autograde.hub $(if $(HUB_LAYOUT),--layout $(HUB_LAYOUT))
hub-users: $(VENV)/.installed-$(TF)-hub
	@test -n "$(FILE)" || { echo "make hub-users needs FILE=roster.csv (id, name, email[, role])"; exit 1; }
	$(hub_cmd) users $(FILE)
hub: system-deps hub-deps $(VENV)/.installed-$(TF)-hub
	$(hub_cmd) start

# Grading on many machines (autograde/cluster.py): a Dask scheduler, and on every machine
# that grades (the kit installed at the same version, the course folder at the same path)
# one worker with a thread per core. Then make grade A=... SCHEDULER=tcp://HOST:8786, with
# COURSE_GRADEBOOK_URL pointing at the course's PostgreSQL gradebook.
SCHEDULER ?=
grading-scheduler: $(VENV)/.installed-$(TF)-hub
	$(BIN)/dask scheduler --port 8786 $(ARGS)
grading-worker: system-deps $(VENV)/.installed-$(TF)-hub
	@test -n "$(SCHEDULER)" || { echo "make grading-worker needs SCHEDULER=tcp://HOST:8786"; exit 1; }
	PYTHONPATH="$(CURDIR)" $(BIN)/dask worker $(SCHEDULER) --nworkers 1 --nthreads $$(nproc) $(ARGS)

# Optional: grade in containers instead of bubblewrap (ENGINE=podman for Podman).
ENGINE ?= docker
IMAGE ?= cnn-course-kit-grader
grader-image:  # a small build context: only what the image needs, never .venv or autograde/
	rm -rf build/grader-image && mkdir -p build/grader-image
	cp -r pyproject.toml setup.py README.md utils autograde/Dockerfile build/grader-image/
	$(ENGINE) build -t $(IMAGE) build/grader-image

feedback export summary: $(VENV)/.installed-$(TF)
	$(BIN)/python -m autograde $@ $(A) $(ARGS)

bench: system-deps $(VENV)/.installed-$(TF)
	COURSE_PROFILE=smoke COURSE_OFFLINE=1 $(BIN)/python -m autograde.benchmarks $(PART) $(ARGS)

# student-edition
data: $(VENV)/.installed-$(TF)
	$(BIN)/python -m cnn_course_kit.datasets
# /student-edition

# The student edition (autograde/edition.py): course/, utils/, a README and Makefile made of
# the parts marked student-edition in these two files; no solutions/, autograde/ or tests/.
# Its badges and Colab cells name REPO= (or pyproject's [tool.cnn-course-kit] student-repository).
DEST ?=
REPO ?=
student-edition: $(VENV)/.installed-$(TF)
	@test -n "$(DEST)" || { echo "make student-edition needs DEST=FOLDER outside the kit, e.g. DEST=../course-student"; exit 1; }
	$(BIN)/python -m autograde student-edition "$(DEST)" $(if $(REPO),--repository "$(REPO)")

lint: $(VENV)/.installed-$(TF)-dev
	$(BIN)/ruff check utils autograde tests solutions course
	$(BIN)/ruff format --check utils autograde tests
