"""File names of the plug-in's pages and downloads, and the one place a figure's period is
worded for them."""
from __future__ import annotations

SOURCE_PAGE, DATA_PAGE = "source.html", "data.html"
DOWNLOADS = "downloads"
PACKAGE_NAME = "guilin-civil-affairs-data"


def period_of(row, lang: str) -> str:
    """How the period of an indicator row reads on these pages (tooltips, key figures).

    SWITCH: this is the single place to change when the period formatting learns to mark a
    year the analysis infers ("2022（推定）" / "2022 (inferred)"; helper wp-truth): call its
    function here, with the row, instead of the plain ``period_text``.
    """
    from ..formatting import period_text

    return period_text(row["period_type"], row["period"], lang)
