"""Which pages show which figures: the ids that executed notebooks declare in their outputs.

The display protocol (``/work/plan/PROTOCOL.md``) has every declared output carry
``metadata["guilin_report"]["ids"]``, or under its mime type
(``metadata["text/markdown"]["guilin_report"]["ids"]``). The builder collects them and passes
them to the plug-in as ``SiteContext.used_on``; until it does, :func:`used_on` reads them from
the executed notebooks itself. Never the notebooks' source text: a figure a cell names but no
output shows is not "used on" that page.
"""
from __future__ import annotations

import json
from pathlib import Path

METADATA_KEY = "guilin_report"


def declared_ids(nb: dict) -> list[str]:
    """The ids the outputs of one executed notebook (a JSON mapping) declare, in order, once each."""
    found: dict[str, None] = {}
    for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
        for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
            meta = output.get("metadata", {}) if isinstance(output, dict) else {}
            if not isinstance(meta, dict):
                continue
            places = [meta.get(METADATA_KEY)] + [v.get(METADATA_KEY) for v in meta.values() if isinstance(v, dict)]
            for place in places:
                ids = place.get("ids") if isinstance(place, dict) else None
                if isinstance(ids, list):
                    found.update((i, None) for i in ids if isinstance(i, str))
    return list(found)


def used_on(notebooks_dir: Path, stems) -> dict[str, list[str]]:
    """``{id: [stems of the notebooks whose outputs show it]}``, in reading order. A notebook
    that cannot be read shows nothing."""
    found: dict[str, list[str]] = {}
    for stem in stems:
        try:
            nb = json.loads((Path(notebooks_dir) / f"{stem}.ipynb").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for ident in declared_ids(nb):
            found.setdefault(ident, []).append(stem)
    return found
