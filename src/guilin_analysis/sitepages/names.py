"""File names of the plug-in's pages and downloads, and the one place a figure's period is
worded for them."""
from __future__ import annotations

SOURCE_PAGE, DATA_PAGE, GLOSSARY_PAGE = "source.html", "data.html", "glossary.html"
FIGURES = "figures"
DOWNLOADS = "downloads"
PACKAGE_NAME = "guilin-civil-affairs-data"


def period_of(facts, indicator_id: str, lang: str) -> str:
    """How the period of an indicator reads on these pages (tooltips, key figures): as
    :meth:`Facts.period <guilin_analysis.lookup.Facts.period>` words it, a year the analysis infers
    marked ("2022（推定）" / "2022 (inferred)")."""
    return facts.period(indicator_id, lang)
