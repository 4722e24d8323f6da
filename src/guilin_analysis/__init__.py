"""guilin_analysis: load, check, derive, describe and draw the figures of one report.

The public API used by the notebooks, the command line and outside checks.
"""
from .labels import label
from .data import (
    DataValidationError,
    Problem,
    load_indicators,
    load_reference,
    load_report_text,
    validate,
)

__all__ = [
    "DataValidationError",
    "Problem",
    "label",
    "load_indicators",
    "load_reference",
    "load_report_text",
    "validate",
]
__version__ = "0.1.0"
