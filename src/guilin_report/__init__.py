"""The report builder (``guilin-report``), one job per module. It knows no analysis: what is
specific to a project comes through its plug-in (:mod:`.plugin`).


* :mod:`.params`   notebook parameters, typed and checked before any kernel starts
* :mod:`.cache`    hashes of the data, tool versions; what is already published (manifests)
* :mod:`.plan`     what each page needs: a run (run key), only a render (render key), nothing
* :mod:`.execute`  kernels over IPC in worker processes; time limits; a dead worker's isolation;
                   the executor seam (a fake executor in tests)
* :mod:`.declared` what an executed notebook declares in its metadata (findings, ids, key figures)
* :mod:`.publish`  one transaction: stage, then pages, manifests and indexes together; the lock
* :mod:`.manifest` what a manifest (and a journal) may hold, checked when read back
* :mod:`.pages`    notebook pages (nbconvert, sanitised) and the index (autoescaped Jinja)
* :mod:`.labels`   the builder's own words, in each language
* :mod:`.progress` the progress bar or one line per notebook
* :mod:`.run`      one build, step by step (the order of the steps above)
* :mod:`.refresh`  the committed notebook outputs and the README's findings (``make notebooks``)
* :mod:`.errors`   one-sentence errors and the exit codes
* :mod:`.plugin`   the one hook into the project: data check, data files, its own pages, words
* :mod:`.site`     the header and footer of every page
* :mod:`.cli`      the command line

Out, under ``out`` (default ``reports/``), per language ``<out>/<lang>/``: ``index.html``,
``<notebook>.html``, ``notebooks/<notebook>.ipynb`` (the executed notebook), ``figures/``,
``logs/<notebook>.log`` (the kernel's output) and ``manifest.json``.
"""
from importlib import import_module

__version__ = "0.1.0"

# Loaded on first use, so that `guilin-report list` or a usage error does not import the builder.
_LAZY = {"BuildOptions": "run", "build": "run", "LANGUAGES": "labels", "DEFAULT_TIMEOUT": "params",
         "DEFAULT_WAIT": "params", "BuildError": "errors", "LockTimeout": "errors", "UsageError": "errors"}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value
