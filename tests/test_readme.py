"""The README's findings and chart are the data's, not typed in."""
from __future__ import annotations

from guilin_analysis.paths import REPO_ROOT
from guilin_analysis.build.refresh import README_CHART, readme_findings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_findings_block_matches_the_data():
    assert readme_findings() in README, "run `make notebooks` to refresh the README"


def test_chart_is_committed_and_shown():
    assert (REPO_ROOT / README_CHART).read_bytes().startswith(b"\x89PNG")
    assert f"]({README_CHART})" in README
