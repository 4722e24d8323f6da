"""Warm kernels (guilin_report.warm): each notebook still gets a fresh kernel process of its own,
with the same outputs as a cold kernel, and no kernel outlives its build."""
from __future__ import annotations

import json
import os
import time

import nbformat
import pytest

from build_helpers import alive, notebook, run

pytestmark = pytest.mark.kernel

PROBE = """\
import os, sys
warm = "pandas" in sys.modules          # imported before this cell ran?
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
seen = "leftover" in globals()          # a name left by another notebook?
leftover = 1
fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
ax.bar([0, 1], [2, 3])
fig.savefig("/dev/null")
print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "warm": warm, "seen": seen}))
"""


def _probe(nb_path):
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout" and output["text"].startswith("{"):
                return json.loads(output["text"])
    raise AssertionError("the probe printed nothing")


@pytest.fixture
def probes(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for n in (1, 2, 3):
        notebook(folder / f"0{n}_probe.ipynb", "", "import json\n" + PROBE,
                 "import pandas as pd\npd.DataFrame({'a': [1, 2]})")
    return folder


def _build(folder, out, env=None):
    result = run("build", "--lang", "en", "--jobs", "1", "--out", out, "--notebooks-dir", folder,
                 "--timeout", "60", env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    return [_probe(out / "en" / "notebooks" / f"0{n}_probe.ipynb") for n in (1, 2, 3)]


def test_each_notebook_gets_a_fresh_forked_kernel_with_the_libraries_imported(probes, tmp_path):
    found = _build(probes, tmp_path / "warm")
    assert all(p["warm"] for p in found)                       # pandas was there before the cell
    assert not any(p["seen"] for p in found)                   # no name survives from another notebook
    assert len({p["pid"] for p in found}) == 3                 # a process of its own each
    assert len({p["ppid"] for p in found}) == 1                # all forked from the one zygote
    assert not any(alive(p["pid"]) for p in found)             # and all of them ended


def test_cold_kernels_when_asked_and_the_same_outputs(probes, tmp_path):
    cold = _build(probes, tmp_path / "cold", env={**os.environ, "GUILIN_REPORT_COLD_KERNELS": "1"})
    assert not any(p["warm"] for p in cold)
    _build(probes, tmp_path / "warm")

    def outputs(out):
        nb = nbformat.read(out / "en" / "notebooks" / "01_probe.ipynb", as_version=4)
        return [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") != "stream"]

    assert outputs(tmp_path / "warm") == outputs(tmp_path / "cold")


def test_a_zygote_with_a_thread_refuses_to_fork(tmp_path, monkeypatch):
    """A module that starts a thread on import makes every fork unsafe: the zygote says so
    rather than fork (and the provisioner then starts the kernel cold)."""
    (tmp_path / "threadstarter.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    from guilin_report.warm import Zygote

    zygote = Zygote(["threadstarter"])
    try:
        assert "threadstarter" in zygote.ready["imported"]
        with pytest.raises(OSError, match="threads"):
            zygote.spawn(["true"], dict(os.environ), None)
    finally:
        zygote.close()


def test_the_zygote_ends_its_kernels_when_its_worker_goes(tmp_path):
    from guilin_report.warm import Zygote

    zygote = Zygote([])
    pid = zygote.spawn(["sleep", "60"], dict(os.environ), None)   # not ipykernel: exec'd in the child
    assert zygote.status(pid)[0] is None and alive(pid)
    zygote.close()                                                 # the worker's end of the socket goes
    deadline = time.monotonic() + 10
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
