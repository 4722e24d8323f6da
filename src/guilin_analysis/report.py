"""Build the HTML report: execute every notebook with papermill, publish pages atomically.

In: the notebooks under ``notebooks/``, a data package, languages and parameters.
Out, under ``out`` (default ``reports/``), per language ``<out>/<lang>/``:
``index.html`` (key figures, a link and status per notebook, build time, data used),
``<notebook>.html`` (nbconvert's lab template, code hidden unless ``with_code``, no network
fetches), ``notebooks/<notebook>.ipynb`` (the executed notebook; for a failure, papermill's
error banner makes it the log), ``figures/<notebook>-<n>.png`` and ``manifest.json``
(per notebook: parameters, status, duration, input hash, versions).

How it stays safe and fast (see the README's "Scheduled runs"):

* notebooks run in parallel, each in its own kernel in a worker process; kernels talk over
  IPC (Unix sockets, one private folder per kernel), so concurrent start-ups cannot collide
  on TCP ports (papermill #511, jupyter_client #487) and nothing listens on the network;
* a notebook runs again only when its input hash changes: notebook source, parameters,
  the data package's files, the package's code, or the tool versions;
* a failing notebook does not stop the others, and its last good page stays published;
* every file is written to a temporary name in the same folder, then renamed
  (``os.replace``), so a reader never sees half a page; a lock file serialises two builds
  into the same folder.
"""
from __future__ import annotations

import ast
import base64
import contextlib
import datetime as dt
import hashlib
import html
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from . import __version__
from .paths import NOTEBOOKS_DIR, PACKAGE_DIR, REPORTS_DIR, data_path

LANGUAGES = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
KERNEL_NAME = "python3"
TEMPLATE_DIR = PACKAGE_DIR / "templates"
TOOLS = ("papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "matplotlib")


class UsageError(ValueError):
    """A bad command line: unknown language, notebook or parameter, or a value of the wrong type."""


# ---------------------------------------------------------------- notebooks and parameters

def discover(only: list[str] | None = None, notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb``), optionally only those named in ``only``."""
    found = sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if not only:
        return found
    by_name = {p.stem: p for p in found}
    picked = []
    for name in only:
        match = by_name.get(name) or by_name.get(Path(name).stem) or next(
            (p for stem, p in by_name.items() if stem.split("_", 1)[-1] == name), None)
        if match is None:
            raise UsageError(f"unknown notebook {name!r}; known: {', '.join(by_name)}")
        picked.append(match)
    return sorted(set(picked))


def notebook_parameters(path: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell, as papermill reads them.

    Returns ``{name: {"default": "'zh'", "inferred_type_name": "str", "help": ...}}``.
    """
    import papermill

    return papermill.inspect_notebook(str(path))


_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}


def declared_type(spec: dict) -> str:
    """The type of a parameter: its annotation if any, else the type of its default literal."""
    kind = spec.get("inferred_type_name", "None")
    if kind not in ("None", ""):
        return kind
    try:
        return type(ast.literal_eval(spec.get("default", "None"))).__name__
    except (ValueError, SyntaxError):
        return "None"


def coerce(name: str, value: str, spec: dict, notebook: str) -> object:
    """Turn the command-line string ``value`` into the type of the parameter's default.

    ``None`` defaults (``data_dir = None``) take any string; ``bool`` takes true/false/yes/no/1/0;
    ``list`` and ``dict`` take JSON. Raises :class:`UsageError` naming the parameter and notebook.
    """
    kind = declared_type(spec)
    declared = f"(notebook {notebook} declares {name} = {spec.get('default')})"
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return _BOOLS[value.lower()]
        if kind in ("list", "dict"):
            parsed = json.loads(value)
            if type(parsed).__name__ != kind:
                raise ValueError
            return parsed
    except (ValueError, KeyError):
        raise UsageError(f"parameter {name}={value!r} is not a valid {kind} {declared}") from None
    return value


def resolve_parameters(notebooks: list[Path], overrides: list[tuple[str, str]]) -> dict[str, dict]:
    """Check ``-p NAME VALUE`` pairs against every notebook before any kernel starts.

    A name must be a parameter of at least one selected notebook; each notebook gets the
    overrides it declares, typed like its default. Raises :class:`UsageError`.
    """
    result: dict[str, dict] = {p.stem: {} for p in notebooks}
    if not overrides:
        return result
    specs = {p.stem: notebook_parameters(p) for p in notebooks}
    for name, value in overrides:
        if name in ("lang", "data_dir"):
            raise UsageError(f"set {name} with --{name.replace('_', '-')}, not with -p")
        declared = [stem for stem, spec in specs.items() if name in spec]
        if not declared:
            known = sorted({n for spec in specs.values() for n in spec} - {"lang", "data_dir"})
            raise UsageError(f"unknown parameter {name!r}; the selected notebooks take: "
                             f"{', '.join(known) or 'no other parameters'}")
        for stem in declared:
            result[stem][name] = coerce(name, value, specs[stem][name], stem)
    return result


# ---------------------------------------------------------------- hashing

def _hash_files(paths, root: Path, digest) -> None:
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")


def tree_hash(root: Path, suffixes: tuple[str, ...] | None = None) -> str:
    """SHA-256 over every file under ``root`` (names and bytes), caches and checkpoints aside."""
    digest = hashlib.sha256()
    files = [p for p in root.rglob("*") if p.is_file()
             and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts
             and (suffixes is None or p.suffix in suffixes)]
    _hash_files(files, root, digest)
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions that can change a page: Python, this package and the notebook tools."""
    found = {"python": platform.python_version(), "guilin-analysis": __version__}
    for tool in TOOLS:
        try:
            found[tool] = metadata.version(tool)
        except metadata.PackageNotFoundError:
            found[tool] = "missing"
    return found


def input_hash(notebook: Path, parameters: dict, with_code: bool, data_hash: str,
               code_hash: str, tool_versions: dict) -> str:
    """The key of one page: it changes whenever anything that can change the page changes."""
    digest = hashlib.sha256(notebook.read_bytes())
    digest.update(json.dumps([parameters, with_code, data_hash, code_hash, tool_versions],
                             sort_keys=True, default=str).encode())
    return digest.hexdigest()


# ---------------------------------------------------------------- atomic files

def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- one notebook (in a worker)

def _exporter(lang: str, with_code: bool):
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="guilin", extra_template_basedirs=[str(TEMPLATE_DIR)],
                        exclude_input=not with_code, exclude_input_prompt=True,
                        exclude_output_prompt=True, language_code=lang)


def notebook_html(nb, lang: str, with_code: bool, title: str) -> str:
    """A self-contained HTML page for an executed notebook (images inline, no remote scripts)."""
    nb.metadata["title"] = title
    body, _ = _exporter(lang, with_code).from_notebook_node(nb)
    return body.replace(f'<html lang="{lang}">', f'<html lang="{HTML_LANG[lang]}">', 1)


def figures(nb) -> list[bytes]:
    """The PNG images a notebook displayed, in order."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                found.append(base64.b64decode(png))
    return found


def title_of(nb, fallback: str) -> str:
    """The first Markdown heading of a notebook, written or generated, without the leading #."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            out.get("data", {}).get("text/markdown", "") for out in cell.get("outputs", [])]
        for text in texts:
            for line in text.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


@contextlib.contextmanager
def ipc_kernel_config():
    """Kernel settings for IPC transport: Unix sockets in a private folder, removed afterwards.

    No TCP ports, so kernels started at the same time cannot collide (papermill #511,
    jupyter_client #487), and no kernel listens on the network.
    """
    from traitlets.config import Config

    sockets = tempfile.mkdtemp(prefix="guilin-kernel-")
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(sockets, "kernel")
    try:
        yield config
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


@dataclass
class Job:
    """One notebook in one language."""

    name: str
    source: Path
    lang: str
    parameters: dict
    key: str
    staging: Path
    timeout: float | None = None
    with_code: bool = False


@dataclass
class Result:
    name: str
    lang: str
    status: str
    duration: float
    error: str = ""
    title: str = ""
    files: dict = field(default_factory=dict)   # final relative path -> staged file


def run_job(job: Job) -> Result:
    """Execute one notebook in a fresh kernel over IPC and stage its page, notebook, figures and log."""
    start = time.perf_counter()
    job.staging.mkdir(parents=True, exist_ok=True)
    executed = job.staging / f"{job.name}.ipynb"
    log = job.staging / f"{job.name}.log"
    # The kernel inherits this worker's stdout and stderr: send both to the notebook's log.
    saved = [os.dup(1), os.dup(2)]
    with open(log, "ab") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    try:
        return _run_job(job, executed, log, start)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, saved_fd in zip((1, 2), saved):
            os.dup2(saved_fd, fd)
            os.close(saved_fd)


def _run_job(job: Job, executed: Path, log: Path, start: float) -> Result:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    status, error = "ok", ""
    try:
        with ipc_kernel_config() as config:
            papermill.execute_notebook(
                str(job.source), str(executed), parameters=job.parameters, kernel_name=KERNEL_NAME,
                progress_bar=False, cwd=str(job.source.parent), execution_timeout=job.timeout,
                request_save_on_cell_execute=False, config=config)
    except PapermillExecutionError as err:
        status, error = "failed", f"cell {err.exec_count}: {err.ename}: {err.evalue}"
    except Exception as err:  # a dead kernel, a timeout, an unreadable notebook
        status, error = "failed", f"{type(err).__name__}: {err}".strip()
    files = {f"logs/{job.name}.log": log}
    title = job.name
    if executed.exists():
        files[f"notebooks/{job.name}.ipynb"] = executed
        nb = nbformat.read(executed, as_version=4)
        title = title_of(nb, job.name)
        if status == "ok":
            page = job.staging / f"{job.name}.html"
            page.write_text(notebook_html(nb, job.lang, job.with_code, title), encoding="utf-8")
            files[f"{job.name}.html"] = page
            for n, png in enumerate(figures(nb), 1):
                staged = job.staging / f"{job.name}-{n}.png"
                staged.write_bytes(png)
                files[f"figures/{job.name}-{n}.png"] = staged
    return Result(job.name, job.lang, status, time.perf_counter() - start, error, title, files)


# ---------------------------------------------------------------- the build

@dataclass
class BuildOptions:
    langs: tuple[str, ...] = LANGUAGES
    out: Path = REPORTS_DIR
    jobs: int = os.cpu_count() or 1
    only: list[str] | None = None
    force: bool = False
    data_dir: Path | None = None
    timeout: float | None = None
    with_code: bool = False
    overrides: list[tuple[str, str]] = field(default_factory=list)
    quiet: bool = False
    notebooks_dir: Path = NOTEBOOKS_DIR


class Reporter:
    """Progress: a bar on a terminal, one plain line per notebook otherwise, nothing if quiet."""

    def __init__(self, total: int, quiet: bool, stream=None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.bar = None
        if total and not quiet and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="notebook", file=self.stream, leave=False)

    def say(self, line: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def done(self, result: Result) -> None:
        line = f"[{result.lang}] {result.name}: {result.status} ({result.duration:.1f} s)"
        if result.status != "ok":
            line += f" {result.error}"
            if self.quiet:
                print(line, file=sys.stderr, flush=True)
        if self.bar is not None:
            self.bar.set_postfix_str(f"{result.lang}/{result.name}")
            self.bar.update(1)
            if result.status != "ok":
                self.say(line)
        else:
            self.say(line)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _publish(result: Result, lang_dir: Path) -> None:
    """Move a result's staged files into place, one atomic rename each; drop stale figures."""
    if result.status == "ok":                     # a failure keeps the last good page's figures
        for old in (lang_dir / "figures").glob(f"{result.name}-*.png"):
            if f"figures/{old.name}" not in result.files:
                old.unlink()
    for rel, staged in result.files.items():
        target = lang_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)


def build(options: BuildOptions, stream=None) -> int:
    """Build the report; return the exit code (0 all published, 1 a failure or invalid data).

    Raises :class:`UsageError` for a bad language, notebook or parameter, before anything runs.
    """
    from filelock import FileLock, Timeout

    from .data import validate

    stream = stream or sys.stderr
    for lang in options.langs:
        if lang not in LANGUAGES:
            raise UsageError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)} or all")
    notebooks = discover(options.only, options.notebooks_dir)
    if not notebooks:
        raise UsageError(f"no notebooks found in {options.notebooks_dir}")
    per_notebook = resolve_parameters(notebooks, options.overrides)
    data_dir = data_path(options.data_dir)

    problems = validate(data_dir)
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"error: the data package is invalid ({len(problems)} problems); nothing was built "
              f"and {options.out} is unchanged", file=sys.stderr)
        return 1

    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / ".build.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not options.quiet:
            print(f"another build is writing to {out}; waiting for it to finish", file=stream, flush=True)
        lock.acquire()
    try:
        return _build_locked(options, notebooks, per_notebook, data_dir, out, stream)
    finally:
        lock.release()


def _build_locked(options, notebooks, per_notebook, data_dir, out, stream) -> int:
    data_hash = tree_hash(data_dir)
    code_hash = tree_hash(PACKAGE_DIR, (".py", ".j2", ".json", ".css"))
    tool_versions = versions()
    manifests, jobs = {}, []
    staging_root = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    for lang in options.langs:
        lang_dir = out / lang
        manifest = _read_manifest(lang_dir / "manifest.json")
        manifests[lang] = manifest
        for nb in notebooks:
            params = {"lang": lang, **per_notebook[nb.stem]}
            if options.data_dir is not None:
                params["data_dir"] = str(data_dir)
            key = input_hash(nb, params, options.with_code, data_hash, code_hash, tool_versions)
            previous = manifest.get("notebooks", {}).get(nb.stem, {})
            fresh = (previous.get("input_hash") == key and previous.get("status") == "ok"
                     and (lang_dir / f"{nb.stem}.html").exists())
            if options.force or not fresh:
                jobs.append(Job(nb.stem, nb, lang, params, key, staging_root / lang / nb.stem,
                                options.timeout, options.with_code))
    reporter = Reporter(len(jobs), options.quiet, stream)
    if not jobs:
        reporter.say(f"nothing changed; {out} is up to date")
        shutil.rmtree(staging_root, ignore_errors=True)
        return 0 if all(_all_ok(m, notebooks) for m in manifests.values()) else 1

    results: list[Result] = []
    try:
        workers = max(1, min(options.jobs, len(jobs)))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(run_job, job): job for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as err:  # the worker itself died
                    result = Result(job.name, job.lang, "failed", 0.0, f"{type(err).__name__}: {err}")
                _publish(result, out / job.lang)
                results.append(result)
                _record(manifests[job.lang], job, result, tool_versions)
                reporter.done(result)
    finally:
        reporter.close()
        shutil.rmtree(staging_root, ignore_errors=True)

    built_at = _now()
    for lang in options.langs:
        manifest = manifests[lang]
        manifest.update({"lang": lang, "built_at": built_at, "data_dir": str(data_dir),
                         "data_hash": data_hash, "versions": tool_versions})
        write_atomic(out / lang / "manifest.json",
                     json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True))
        write_atomic(out / lang / "index.html", index_html(lang, manifest, notebooks, data_dir))
    failed = [r for r in results if r.status != "ok"]
    if failed and not options.quiet:
        print(f"{len(failed)} of {len(results)} notebooks failed; their executed notebooks "
              f"(with the error) are under {out}/<lang>/notebooks/", file=stream)
    return 1 if failed or not all(_all_ok(m, notebooks) for m in manifests.values()) else 0


def _all_ok(manifest: dict, notebooks: list[Path]) -> bool:
    entries = manifest.get("notebooks", {})
    return all(entries.get(nb.stem, {}).get("status") == "ok" for nb in notebooks)


def _record(manifest: dict, job: Job, result: Result, tool_versions: dict) -> None:
    entries = manifest.setdefault("notebooks", {})
    previous = entries.get(job.name, {})
    entry = {
        "notebook": f"{job.name}.ipynb",
        "title": result.title or previous.get("title", job.name),
        "parameters": job.parameters,
        "status": result.status,
        "error": result.error,
        "duration_s": round(result.duration, 3),
        "input_hash": job.key,
        "built_at": _now(),
        "executed_notebook": f"notebooks/{job.name}.ipynb",
        "versions": tool_versions,
    }
    if result.status == "ok":
        entry["page"] = f"{job.name}.html"
        entry["last_good_at"] = entry["built_at"]
    else:
        entry["page"] = previous.get("page")          # the last good page stays published
        entry["last_good_at"] = previous.get("last_good_at")
    entries[job.name] = entry


# ---------------------------------------------------------------- the index page

_INDEX_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #ddd}
.ok{color:#009E73}.failed{color:#D55E00;font-weight:bold}.muted{color:#666;font-size:.9em}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{color:#444}dd{margin:0;font-weight:bold}
"""


def index_html(lang: str, manifest: dict, notebooks: list[Path], data_dir: Path) -> str:
    """The index page of one language: key figures, a link and status per notebook, provenance."""
    from .labels import label
    from .narrative import key_figures

    esc = html.escape
    figures_html = "".join(f"<dt>{esc(name)}</dt><dd>{esc(value)}</dd>"
                           for name, value in key_figures(lang, data_dir))
    rows = []
    for nb in notebooks:
        entry = manifest.get("notebooks", {}).get(nb.stem)
        if entry is None:
            rows.append(f"<tr><td>{esc(nb.stem)}</td><td>{label('status_not_built', lang)}</td><td></td></tr>")
            continue
        title = esc(entry.get("title") or nb.stem)
        page = entry.get("page")
        link = f'<a href="{esc(page)}">{title}</a>' if page else title
        if entry["status"] == "ok":
            status = f'<span class="ok">{label("status_ok", lang)}</span>'
        else:
            status = (f'<span class="failed">{label("status_failed", lang)}</span> '
                      f'<span class="muted">{esc(entry.get("error", ""))}</span> '
                      f'<a href="{esc(entry["executed_notebook"])}">{label("error_log", lang)}</a>')
            if page:
                status += f' · {label("last_good_page", lang)}: {esc(entry.get("last_good_at") or "")}'
        rows.append(f"<tr><td>{link}</td><td>{status}</td>"
                    f"<td class=\"muted\">{entry.get('duration_s', 0):.1f} s</td></tr>")
    other = "en" if lang == "zh" else "zh"
    return f"""<!DOCTYPE html>
<html lang="{HTML_LANG[lang]}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(label("report_title", lang))}</title><style>{_INDEX_CSS}</style></head>
<body>
<h1>{esc(label("report_title", lang))}</h1>
<p><a href="../{other}/index.html">{label("other_language", lang)}</a></p>
<h2>{label("key_figures", lang)}</h2>
<dl>{figures_html}</dl>
<h2>{label("notebooks", lang)}</h2>
<table><tr><th>{label("notebooks", lang)}</th><th>{label("status", lang)}</th><th>{label("duration", lang)}</th></tr>
{"".join(rows)}
</table>
<p class="muted">{label("built_at", lang)}: {esc(manifest.get("built_at", ""))} ·
{label("data_used", lang)}: {esc(str(data_dir))} (sha256 {esc(manifest.get("data_hash", "")[:12])}) ·
guilin-analysis {esc(__version__)}</p>
</body>
</html>
"""


# ---------------------------------------------------------------- committed outputs

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


README_START, README_END = "<!-- findings:start -->", "<!-- findings:end -->"
README_CHART = "docs/nursing-share.en.png"


def readme_findings(data_dir=None) -> str:
    """The README's findings block: the key findings in English and Chinese, computed from the data."""
    from .narrative import key_findings, summarize

    lines = [f"- {f}" for f in key_findings("en", data_dir)] + [""] + \
            [f"- {f}" for f in key_findings("zh", data_dir)] + ["", summarize("audit", "en", data_dir)]
    return "\n".join([README_START, *lines, README_END])


def refresh_readme(readme: Path, data_dir=None) -> None:
    """Rewrite the findings block of the README and redraw its chart (for ``make notebooks``)."""
    from .data import load_indicators, load_reference
    from .metrics import derived_metrics
    from .plots import nursing_share

    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    write_atomic(readme, text[:start] + readme_findings(data_dir) + text[end:])
    fig = nursing_share(load_indicators(data_dir), derived_metrics(data_dir),
                        load_reference("reference-figures", data_dir), "en")
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    write_atomic(readme.parent / README_CHART, buffer.getvalue())
