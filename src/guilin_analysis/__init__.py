"""guilin_analysis: load, check, derive, describe and draw the figures of one report.

The public API used by the notebooks, the command line and outside checks. The analysis
modules (metrics, audit, lookup, compare, notebook, charts, tables, style) load on first use, so that
the command line and the data checks start without importing pandas or matplotlib;
``dir(guilin_analysis)`` (and so tab completion) lists every name, loaded or not.

At the prompt::

    import guilin_analysis as ga
    facts = ga.Facts()                          # or ga.Facts(data_dir, overrides={"eldercare.beds.nursing": 9500})
    facts.show("eldercare.beds.nursing")        # value, unit, qualifier, period, the quote in its sentence
    facts.quote("eldercare.beds.nursing"); facts.where("eldercare.beds.nursing")
    ga.search("志愿")                           # ids, names, quotes and notes that contain a word
"""
from importlib import import_module as _import_module

from .data import (
    DataValidationError,
    Problem,
    load_indicators,
    load_reference,
    load_report_text,
    validate,
)
from .labels import label
from .scenario import UnknownIdError

__version__ = "0.1.0"

_LAZY = {
    "derived_metrics": ("metrics", "derived_metrics"),
    "audit": ("consistency", "audit"),
    "audit_summary": ("consistency", "summary"),
    "compare": ("compare", "compare"),
    "Facts": ("lookup", "Facts"),
    "key_figures": ("notebook", "key_figures"),
    "search": ("lookup", "search"),
    "say": ("notebook", "say"),
    "finding": ("notebook", "finding"),
    "pick": ("notebook", "pick"),
    "sources": ("notebook", "sources"),
    "findings_of": ("notebook", "findings_of"),
    "charts": ("charts", None),
    "tables": ("tables", None),
    "style": ("style", None),
    "formatting": ("formatting", None),
    "lookup": ("lookup", None),
    "metrics": ("metrics", None),
    "consistency": ("consistency", None),
    "notebook": ("notebook", None),
    "scenario": ("scenario", None),
}

__all__ = ["DataValidationError", "Problem", "UnknownIdError", "label", "load_indicators", "load_reference",
           "load_report_text", "validate", *_LAZY]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'guilin_analysis' has no attribute {name!r}")
    module, attr = _LAZY[name]
    loaded = _import_module(f".{module}", __name__)
    value = loaded if attr is None else getattr(loaded, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every public name, including those that load on first use (for ``dir()`` and tab completion)."""
    loaded = [n for n in globals() if not n.startswith("_")]
    return sorted({*__all__, *loaded, "__version__"})
