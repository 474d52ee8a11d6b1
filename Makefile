# The two commands of the README: `make demo` and `make test`. Each creates .venv and
# installs the course into it on first use (needs only Python 3.10+ and make).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test test-portable test-browser lab bench sample clean-cache notebooks site maker help

help:
	@echo "make demo   render the avatar dataset, train the default GAN for 3 minutes (DEMO_MINUTES=10 for the full run)"
	@echo "make test   run the test suite"
	@echo "make test-portable   the test suite on a laptop (the live toy GAN's numbers not compared)"
	@echo "make test-browser   only the browser tests (JupyterLab in headless Chromium; needs apt-get install chromium)"
	@echo "make lab    open the course in JupyterLab"
	@echo "make bench  run the benchmarks (prints figures against reference runs)"
	@echo "make site   build the course website into website/_build/html (offline; open index.html)"
	@echo "make maker  build the avatar maker page into website/avatar_maker/_build (needs npm once)"

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "ganlab needs Python 3.10 or newer; this is " + sys.version.split()[0] + ". Run make PYTHON=python3.11 (or another 3.10+ interpreter).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -e .
	@touch $@

# The main job: render the dataset, train the default recipe for DEMO_MINUTES (3: a
# classroom-sized run; DEMO_MINUTES=10 for the full one), write samples, the loss curve
# and metrics.json into runs/demo/run/. Run again, it continues the same run.
DEMO_MINUTES ?= 3
demo: $(INSTALLED)
	$(BIN)/python -m ganlab demo --minutes $(DEMO_MINUTES)

test: $(INSTALLED)
	$(BIN)/python -m pytest

# make test for a laptop that is not the course machine's kind of CPU: the cells tagged
# machine-dependent (the live 2-D toy GAN) are run but their output is not compared
# (see conftest.py); everything else is checked as in make test. On a CPU without
# bfloat16 units make test chooses this mode by itself.
test-portable: $(INSTALLED)
	GANLAB_PORTABLE=1 $(BIN)/python -m pytest

# The course as a learner sees it: every notebook opened in JupyterLab, the live widget of
# 01 clicked through, in Debian's headless Chromium (tests/browser, also part of make test;
# screenshots in tests/browser/screenshots/).
test-browser: $(INSTALLED)
	$(BIN)/python -m pytest tests/browser

lab: $(INSTALLED)
	$(BIN)/jupyter lab notebooks/

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_data.py
	$(BIN)/python benchmarks/train_throughput.py

# Rebuild the small committed sample in data/sample (see data/README.md).
sample: $(INSTALLED)
	rm -rf data/sample
	$(BIN)/python -m ganlab data --n 64 --size 64 --seed 0 --workers 1 --preview data/sample/grid.png --export data/sample

# Re-execute the chapters in place, top to bottom, as they are committed (make notebooks
# NOTEBOOKS=notebooks/02_loss_math.ipynb for one), timing each: the times go to
# notebooks/run_times.json and from there into the chapters' headers, the README and the
# workshop plan. nbval in make test then re-checks the chapters.
NOTEBOOKS ?= notebooks/[0-9][0-9]_*.ipynb
notebooks: $(INSTALLED)
	$(BIN)/python benchmarks/chapter_times.py $(NOTEBOOKS)

clean-cache:
	rm -rf data/cache

# The course as a website: every chapter a page, built from the committed notebooks
# without running them (website/build.py; Sphinx with myst-nb, MathJax copied in), so it
# reads offline. Open website/_build/html/index.html, or serve the folder.
site: $(INSTALLED)
	$(BIN)/python website/build.py

# The avatar maker: a static page that runs the shipped generators (exported to ONNX) in
# the browser with onnxruntime-web, which npm fetches once into website/avatar_maker/
# node_modules (pinned by its package-lock.json). Serve the folder, e.g.
# python3 -m http.server -d website/avatar_maker/_build, and open it.
maker: $(INSTALLED)
	$(BIN)/python website/avatar_maker/build.py
