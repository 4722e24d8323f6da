"""The committed outputs: re-execute the notebooks in place and refresh the README's findings.

Used by ``guilin-report refresh-notebooks`` (``make notebooks``). The executed notebooks are the
baseline nbval compares against; the README's findings block and chart are the data's.
"""
from __future__ import annotations

import io
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


def readme_findings(data_dir=None) -> str:
    """The README's findings block: the key findings in English and Chinese, computed from the data."""
    from ..narrative import key_findings, summarize

    lines = [f"- {f}" for f in key_findings("en", data_dir)] + [""] + \
            [f"- {f}" for f in key_findings("zh", data_dir)] + ["", summarize("audit", "en", data_dir)]
    return "\n".join([README_START, *lines, README_END])


def refresh_readme(readme: Path, data_dir=None) -> None:
    """Rewrite the findings block of the README and redraw its chart (for ``make notebooks``)."""
    from ..data import load_indicators, load_reference
    from ..metrics import derived_metrics
    from ..plots import nursing_share

    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    write_atomic(readme, text[:start] + readme_findings(data_dir) + text[end:])
    fig = nursing_share(load_indicators(data_dir), derived_metrics(data_dir),
                        load_reference("reference-figures", data_dir), "en")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    write_atomic(readme.parent / README_CHART, buffer.getvalue())
