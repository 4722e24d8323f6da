"""The README's findings and chart are the notebooks': a stale block fails here."""
from __future__ import annotations

from guilin_report.refresh import README_CHART, readme_findings
from guilin_analysis.paths import NOTEBOOKS_DIR, REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_findings_block_matches_the_notebooks():
    block = readme_findings(NOTEBOOKS_DIR)
    assert block in README, "run `make notebooks` to refresh the README"
    # the key findings of the four section notebooks in both languages, and the audit's
    assert block.count("\n- ") >= 8 and "护理型床位" in block and "Nursing-type beds" in block
    assert "checks:" in block


def test_chart_is_present():
    assert (REPO_ROOT / README_CHART).read_bytes().startswith(b"\x89PNG")
    assert f"]({README_CHART})" in README
