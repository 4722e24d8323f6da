"""One build of the whole site per test session, shared by the test modules that read it.

Each module's fixture calls :func:`built_site`; the first call builds, later ones find the
same output folder up to date (the builder's no-op run), so the site is built once."""
from __future__ import annotations

from build_helpers import run


def built_site(tmp_path_factory):
    """The output folder of a real build of both languages (``<out>/zh``, ``<out>/en``)."""
    out = tmp_path_factory.getbasetemp() / "shared-site" / "reports"
    result = run("build", "--out", out)
    assert result.returncode == 0, result.stderr
    return out
