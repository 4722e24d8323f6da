"""`guilin-report check` as a researcher meets it: every formula evaluated, one problem said as one."""
from __future__ import annotations

from guilin_report import cli

from conftest import rewrite

DEFINITIONS = "metrics/metric-definitions.csv"


def test_check_evaluates_every_formula_and_counts_one_problem_as_one(data_copy, capsys):
    rewrite(data_copy / DEFINITIONS, lambda t: t.replace("eldercare.beds.nursing / eldercare.beds.institutional × 100",
                                                         "eldercare.beds.nursin / eldercare.beds.institutional × 100", 1))
    assert cli.main(["check", "--data-dir", str(data_copy)]) == 1
    out, err = capsys.readouterr()
    (problem,) = out.splitlines()
    assert problem.startswith("data/metrics/metric-definitions.csv, line ") and ", column formula: " in problem
    assert "'eldercare.beds.nursin'" in problem
    assert err.strip() == f"1 problem in {data_copy}"


def test_a_valid_package_says_so(data_copy, capsys):
    assert cli.main(["check", "--data-dir", str(data_copy)]) == 0
    assert capsys.readouterr().out.strip() == f"{data_copy}: valid"
