"""The committed outputs: re-execute the notebooks in place and refresh the README's findings.

Used by ``guilin-report refresh-notebooks`` (``make notebooks``). The executed notebooks are the
baseline nbval compares against; the README's findings block and chart are the data's.
"""
from __future__ import annotations

import base64
from pathlib import Path

from .execute import KERNEL_NAME, ipc_kernel_config
from .publish import write_atomic

README_START, README_END = "<!-- findings:start -->", "<!-- findings:end -->"
README_CHART = "docs/nursing-share.en.png"


def refresh_notebook(path: Path, timeout: float | None = 600) -> None:
    """Execute a notebook in place with its default parameters (for ``make notebooks``).

    Uses nbclient directly, not papermill, so the committed notebook carries no run
    timestamps: its outputs are the regression baseline nbval compares against.
    """
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    with ipc_kernel_config() as config:
        nbclient.NotebookClient(nb, timeout=timeout, kernel_name=KERNEL_NAME, config=config,
                                resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    write_atomic(path, nbformat.writes(nb) + "\n")


#: The notebooks whose key findings the README lists, in order; the audit's key finding closes it.
README_NOTEBOOKS = ("01_eldercare", "02_governance", "03_volunteering", "04_children_and_social_affairs")
README_AUDIT = "05_data_audit"
#: The tag of the notebook cell whose chart the README shows.
README_FIGURE_TAG = "readme-figure"


def readme_findings(notebooks_dir: Path) -> str:
    """The README's findings block, collected from the executed notebooks: the key findings of
    the section notebooks in English, then in Chinese, then the audit's key finding in English.
    Nothing here is written a second time: the notebooks are the one source."""
    from guilin_analysis.notebook import findings_of

    found = [f for name in README_NOTEBOOKS for f in findings_of(notebooks_dir / f"{name}.ipynb")]
    audit = findings_of(notebooks_dir / f"{README_AUDIT}.ipynb")
    lines = [f"- {f['en']}" for f in found] + [""] + [f"- {f['zh']}" for f in found] + \
        [""] + [f["en"] for f in audit]
    return "\n".join([README_START, *lines, README_END])


def readme_figure(notebook: Path, lang: str = "en") -> bytes:
    """The PNG drawn by the cell tagged ``readme-figure`` of ``notebook``, run in ``lang``: the
    README shows the chart the notebook draws, from the notebook's own call."""
    import tempfile

    import nbformat
    import papermill

    with tempfile.TemporaryDirectory() as tmp, ipc_kernel_config() as config:
        out = Path(tmp) / notebook.name
        papermill.execute_notebook(str(notebook), str(out), parameters={"lang": lang}, kernel_name=KERNEL_NAME,
                                   progress_bar=False, cwd=str(notebook.parent), config=config)
        nb = nbformat.read(out, as_version=4)
    for cell in nb.cells:
        if README_FIGURE_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    return base64.b64decode(output["data"]["image/png"])
    raise ValueError(f"{notebook.name} has no cell tagged {README_FIGURE_TAG!r} that draws a chart")


def refresh_readme(readme: Path, notebooks_dir: Path) -> None:
    """Rewrite the findings block and the chart of the README from the notebooks (for ``make notebooks``)."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    write_atomic(readme, text[:start] + readme_findings(notebooks_dir) + text[end:])
    write_atomic(readme.parent / README_CHART, readme_figure(notebooks_dir / f"{README_NOTEBOOKS[0]}.ipynb"))
