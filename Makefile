# The project's commands. A fresh machine needs only python3 (3.10+), make and git.
#   make report     build the HTML report under reports/ (installs first if needed)
#   make test       run every test: unit, provenance, command line, builds, nbval, browser (2 workers)
#   make test-fast  the tests that start no kernel and no browser (the edit loop)
#   make lab        open JupyterLab on notebooks/ with the project's kernel (guilin-civil-affairs), no news prompt
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

# Every test, on as many workers as there are cores; nbval keeps each notebook's cells on one
# worker (--dist loadscope), and the one shared full build is made once (tests/conftest.py).
test: install
	$(BIN)/python -m pytest -n auto --dist loadscope

# No kernel, no browser: a test that starts a kernel here fails (GUILIN_NO_KERNELS) and must be
# marked `kernel`.
test-fast: install
	GUILIN_NO_KERNELS=1 $(BIN)/python -m pytest tests -m "not kernel and not browser" -n auto --dist loadscope

lab: install
	$(BIN)/jupyter lab notebooks/ --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

notebooks: install
	$(BIN)/guilin-report refresh-notebooks

bench: install
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_build.py

clean:
	rm -rf reports/ .pytest_cache
