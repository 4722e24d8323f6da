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


#: The tag of the notebook cell whose chart the README shows.
README_FIGURE_TAG = "readme-figure"


def _readme_spec(plugin=None) -> dict:
    """What the project's README shows (the plug-in's :meth:`~.plugin.Plugin.readme`), or ``{}``."""
    if plugin is None:
        from .plugin import load

        plugin = load()
    return plugin.readme() or {}


def __getattr__(name: str):
    if name == "README_CHART":           # where the README's chart is written, the plug-in's choice
        return (_readme_spec().get("figure") or {}).get("path")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def readme_findings(notebooks_dir: Path, plugin=None) -> str:
    """The README's findings block, collected from the executed notebooks' declared key findings
    (:mod:`.declared`): those of the plug-in's ``findings`` notebooks in English, then in
    Chinese, then those of its ``summary`` notebooks in English. Nothing here is written a second
    time: the notebooks are the one source."""
    from .declared import findings

    spec = _readme_spec(plugin)
    found = [f for name in spec.get("findings", []) for f in findings(Path(notebooks_dir) / f"{name}.ipynb")]
    summary = [f for name in spec.get("summary", []) for f in findings(Path(notebooks_dir) / f"{name}.ipynb")]
    lines = [f"- {f['en']}" for f in found] + [""] + [f"- {f['zh']}" for f in found] + \
        [""] + [f["en"] for f in summary]
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


def refresh_readme(readme: Path, notebooks_dir: Path, plugin=None) -> None:
    """Rewrite the findings block and the chart of the README from the notebooks (for
    ``make notebooks``); without a plug-in that names them, the README is left alone."""
    spec = _readme_spec(plugin)
    if not spec:
        return
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    write_atomic(readme, text[:start] + readme_findings(notebooks_dir, plugin) + text[end:])
    figure = spec.get("figure")
    if figure:
        png = readme_figure(Path(notebooks_dir) / f"{figure['notebook']}.ipynb", figure.get("lang", "en"))
        write_atomic(readme.parent / figure["path"], png)
