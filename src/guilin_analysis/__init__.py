"""guilin_analysis: load, check, derive, describe and draw the figures of one report.

The public API used by the notebooks, the command line and outside checks. The analysis
modules (metrics, audit, lookup, notebook, charts, tables, style) load on first use, so that
the command line and the data checks start without importing pandas or matplotlib.
"""
from importlib import import_module

from .data import (
    DataValidationError,
    Problem,
    load_indicators,
    load_reference,
    load_report_text,
    validate,
)
from .labels import label

__version__ = "0.1.0"

_LAZY = {
    "derived_metrics": ("metrics", "derived_metrics"),
    "audit": ("consistency", "audit"),
    "audit_summary": ("consistency", "summary"),
    "Facts": ("lookup", "Facts"),
    "key_figures": ("notebook", "key_figures"),
    "say": ("notebook", "say"),
    "finding": ("notebook", "finding"),
    "pick": ("notebook", "pick"),
    "sources": ("notebook", "sources"),
    "findings_of": ("notebook", "findings_of"),
    "charts": ("charts", None),
    "tables": ("tables", None),
    "style": ("style", None),
    "formatting": ("formatting", None),
}

__all__ = ["DataValidationError", "Problem", "label", "load_indicators", "load_reference",
           "load_report_text", "validate", *_LAZY]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'guilin_analysis' has no attribute {name!r}")
    module, attr = _LAZY[name]
    loaded = import_module(f".{module}", __name__)
    value = loaded if attr is None else getattr(loaded, attr)
    globals()[name] = value
    return value
