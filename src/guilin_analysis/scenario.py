"""What-if scenarios and unknown ids: the two ways a researcher can name a figure wrongly.

A scenario is a mapping ``{id: value}`` that sets figures to values other than the report's,
without touching the transcription: ``Facts(overrides={"eldercare.beds.nursing": 9500})``. An id
may name an indicator or a reference figure, whose value is given in the unit it is printed in
(9500 is 9500张; ``{"volunteering.registered_volunteers": 120}`` is 120万人), or a count of the
division table (``divisions.townships``). A derived metric cannot be set: it is computed from its
formula, so set its inputs. Quotes and the report text stay verbatim.

:func:`check_overrides` refuses, in one sentence, an id the data package does not have
(suggesting the closest ids), a value that is not a finite number, and a value outside the
bounds the unit's label declares in ``datapackage.json`` (a negative count of beds).
:class:`UnknownIdError` is also what every lookup by id raises (:mod:`~guilin_analysis.lookup`).

Imports only :mod:`~guilin_analysis.data` (whose unit bounds ``check`` also applies), so that
:mod:`~guilin_analysis.metrics` and :mod:`~guilin_analysis.lookup` can both use it.
"""
from __future__ import annotations

import difflib
import math
import numbers
from typing import Iterable, Mapping

from .data import bound_problem, unit_bounds as bounds  # noqa: F401  (bounds: re-exported)


class UnknownIdError(KeyError):
    """An id that names no figure of the data package. A :class:`KeyError`, so code that catches
    pandas' ``KeyError`` still catches it; ``str()`` is the message itself, with ``item_id`` and
    ``suggestions`` (the closest ids) as attributes."""

    def __init__(self, message: str, item_id: str = "", suggestions: Iterable[str] = ()):
        super().__init__(message)
        self.message, self.item_id, self.suggestions = message, item_id, list(suggestions)

    def __str__(self) -> str:
        return self.message


def closest(item_id: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The ids of ``known`` that look most like ``item_id`` (difflib), best first."""
    known = list(known)
    found = difflib.get_close_matches(str(item_id), known, n=n, cutoff=0.6)
    if not found:                       # a last part typed right under the wrong section
        tail = str(item_id).rsplit(".", 1)[-1]
        found = [k for k in known if k.endswith(f".{tail}")][:n]
    return found


def unknown_id(item_id, known: Iterable[str], what: str) -> UnknownIdError:
    """The error for an id that is not ``what`` ("an indicator", ...): it names the id and
    suggests the closest ids."""
    hint = closest(item_id, known)
    names = [repr(h) for h in hint]
    suggestion = f"; did you mean {' or '.join([', '.join(names[:-1]), names[-1]] if len(names) > 1 else names)}?" \
        if hint else \
        "; ga.search(WORD) finds ids by name, quote or note."
    return UnknownIdError(f"{item_id!r} is not {what} of this data package{suggestion}", str(item_id), hint)


def check_overrides(overrides: Mapping | None, limits: Mapping[str, Mapping]) -> dict[str, float]:
    """``overrides`` checked against the ids that may be set (``limits``: id -> the bounds of
    its unit, see :func:`bounds`); returns ``{id: float value}``. Raises :class:`UnknownIdError`
    for an id not in ``limits`` and :class:`ValueError` for a value that is not a finite number
    or breaks its bounds, each in one sentence that names the id."""
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise ValueError(f"overrides must be a mapping of ids to numbers, such as "
                         f"{{'eldercare.beds.nursing': 9500}}, not {type(overrides).__name__}")
    checked = {}
    for item_id, value in overrides.items():
        if item_id not in limits:
            err = unknown_id(item_id, limits, "an indicator, a reference figure or a division count")
            raise UnknownIdError(f"overrides: {err.message}", err.item_id, err.suggestions)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"overrides: the value for {item_id!r} must be a finite number in the unit "
                             f"the figure is printed in, not {value!r}")
        why = bound_problem(limits[item_id], float(value))
        if why:
            raise ValueError(f"overrides: {value:g} for {item_id!r} {why}, the bound datapackage.json "
                             "declares for its unit (x-unit-labels)")
        checked[str(item_id)] = float(value)
    return checked
