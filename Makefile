# The project's commands. A fresh machine needs only python3 (3.10+), make and git.
#   make report     build the HTML report under reports/ (installs first if needed)
#   make test       run every test: unit, provenance, command line, builds, nbval, browser (2 workers)
#   make test-fast  the tests that start no kernel and no browser (the edit loop)
#   make lab        open JupyterLab on notebooks/ with the project's kernel (guilin-civil-affairs), no news prompt;
#                   as root too (--allow-root is added when the user id is 0); more options in LAB_ARGS, e.g.
#                   make lab LAB_ARGS="--no-browser --ip 0.0.0.0 --port 8899"
#   make notebooks  re-execute the notebooks in place (refreshes the nbval baseline)
#   make bench      run the benchmarks under benchmarks/

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check
export PYTHONDONTWRITEBYTECODE := 1
export MPLBACKEND := Agg

.PHONY: install report test test-fast lab notebooks bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10) and "Python 3.10 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name guilin-civil-affairs --display-name "Python (guilin-civil-affairs)" > /dev/null
	mkdir -p $(VENV)/share/jupyter/lab/settings
	printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' \
		> $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

report: install
	$(BIN)/guilin-report build
	@echo "The report: reports/zh/index.html (中文) and reports/en/index.html (English), under $(CURDIR)"

# Every test, on as many workers as there are cores; nbval keeps each notebook's cells on one
# worker (--dist loadscope), and the one shared full build is made once (tests/conftest.py).
test: install
	$(BIN)/python -m pytest -n auto --dist loadscope

# No kernel, no browser: a test that starts a kernel here fails (GUILIN_NO_KERNELS) and must be
# marked `kernel`.
test-fast: install
	GUILIN_NO_KERNELS=1 $(BIN)/python -m pytest tests -m "not kernel and not browser" -n auto --dist loadscope

# JupyterLab refuses to start as root unless told; root is the usual user in Docker and cloud notebooks.
LAB_ARGS ?=
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: install
	$(BIN)/jupyter lab notebooks/ --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate $(LAB_ROOT) $(LAB_ARGS)

notebooks: install
	$(BIN)/guilin-report refresh-notebooks

bench: install
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_phases.py

clean:
	rm -rf reports/ .pytest_cache
