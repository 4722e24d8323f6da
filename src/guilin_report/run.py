"""One build, step by step: check, lock, plan, run, render, publish.

1. Check the command line (languages, notebooks, parameters, a scenario's ``--set`` figures and
   its ``--out``) and the data (the plug-in's check, ``guilin-report check``'s gate) before
   taking the lock or starting a kernel.
2. Take ``<out>/.build.lock`` (waiting at most ``--wait`` seconds), then finish or remove what
   an interrupted build left behind.
3. Plan each page (:mod:`.plan`): run its notebook when its run key differs from the published
   one (code cells, parameters, data, analysis code, tools), or its executed notebook cannot be
   read back as recorded; render its page again, with no kernel, when only its render key
   differs (Markdown cells, templates, CSS, builder code, navigation); else keep it. ``--force``
   runs everything.
4. Render what needs only rendering, here in the building process; run the rest through the
   executor (:class:`.execute.WorkerPool`, or the fake a test gives), which renders each page
   after its run.
5. Publish in one transaction (:mod:`.publish`): the new pages, then the plug-in's pages and the
   manifest and index of every language, rendered from what will be published. Files that
   would not change are not written, so with nothing to do nothing is touched, and an index or
   manifest left stale by a crash is rewritten by the next build.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import paths, plan
from .cache import data_hash as hash_data, data_label, read_manifest, tree_hash, versions
from .errors import FAILED, OK, BuildError, UsageError, describe_os_error
from .execute import Job, Result, WorkerPool, stage_page
from .labels import LANGUAGES
from .pages import index_html
from .paths import NOTEBOOKS_DIR, REPORTS_DIR, data_path
from .params import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT, DEFAULT_WAIT, SCENARIO_PARAMETER
from .plugin import SiteContext, load as load_plugin
from .progress import Reporter
from .publish import (Transaction, check_out_location, check_output_folder, output_lock, recover_staging,
                      repair)
from .site import Chrome, nav_names, other_of

INTERRUPTED, TERMINATED, HUNG_UP = 130, 143, 129


@dataclass
class BuildOptions:
    langs: tuple[str, ...] = LANGUAGES
    out: Path | None = None                  # None: the project's reports/
    jobs: int = os.cpu_count() or 1
    only: list[str] | None = None
    force: bool = False
    data_dir: Path | None = None
    timeout: int | None = DEFAULT_TIMEOUT
    wait: int | None = DEFAULT_WAIT
    with_code: bool = False
    parameters: list[tuple[str, str]] = field(default_factory=list)   # -p NAME VALUE
    scenario: dict = field(default_factory=dict)                      # --set ID=VALUE: {id: number}
    quiet: bool = False
    notebooks_dir: Path = NOTEBOOKS_DIR
    allow_existing: bool = False                # build into a non-empty folder the tool did not make
    max_output_mb: int = DEFAULT_MAX_OUTPUT_MB  # output kept per cell on the page (the log keeps all)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that the build cleans up as after Ctrl-C."""


class HungUp(Terminated):
    """SIGHUP (the terminal went away): handled as SIGTERM."""


@contextlib.contextmanager
def _interrupts():
    """Ctrl-C and SIGTERM interrupt the build, however it was started: Python's default SIGINT
    handler is installed (a build started from a background job inherits SIGINT ignored, and
    would otherwise not stop on Ctrl-C) and SIGTERM raises :class:`Terminated`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise HungUp() if signum == signal.SIGHUP else Terminated()

    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous_term = signal.signal(signal.SIGTERM, handler)
    previous_hup = signal.signal(signal.SIGHUP, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        signal.signal(signal.SIGHUP, previous_hup)
        signal.signal(signal.SIGINT, previous_int)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _error(line: str) -> None:
    print(f"error: {line}", file=sys.stderr, flush=True)


def build(options: BuildOptions, stream=None, *, executor=None, plugin=None) -> int:
    """Build the report; return the exit code (see :mod:`.errors`).

    ``executor`` makes the :class:`~.execute.Executor` that runs the notebooks from a number
    of jobs (default :class:`~.execute.WorkerPool`); ``plugin`` is the project's plug-in
    (default the installed one, :func:`.plugin.load`).

    Raises :class:`UsageError` for a bad language, notebook, parameter or scenario and
    :class:`BuildError` for an unreadable notebook or an unusable output folder, before anything
    is published. An interrupt (SIGINT, SIGTERM) stops the workers and their kernels, removes
    the staging and says whether anything was published.
    """
    stream = stream or sys.stderr
    published: list[Transaction] = []
    out = Path(options.out) if options.out is not None else REPORTS_DIR
    try:
        with _interrupts():
            plugin = plugin or load_plugin()
            executor = executor or (lambda size: WorkerPool(size, _preload(plugin)))
            return _build(options, out, stream, published, executor, plugin)
    except KeyboardInterrupt as err:
        if published and published[0].committed:
            what = f"the build had already published its pages and indexes in {out}"
        else:
            what = f"nothing was published; {out} is unchanged"
        print(f"guilin-report: interrupted; {what}", file=sys.stderr, flush=True)
        return HUNG_UP if isinstance(err, HungUp) else TERMINATED if isinstance(err, Terminated) else INTERRUPTED


def _check_scenario(options: BuildOptions, selected: list[Path]) -> None:
    """A scenario publishes only where it is asked to, never into the default ``reports/``."""
    if not options.scenario:
        return
    if options.out is None:
        raise UsageError("a scenario (--set) needs its own --out folder; it is never published into reports/")
    if Path(options.out).expanduser().resolve() == REPORTS_DIR.resolve():
        raise UsageError(f"a scenario (--set) is never published into the default {REPORTS_DIR.name}/; "
                         f"choose another --out")
    from .params import scenario_notebooks

    scenario_notebooks(selected)


def _build(options: BuildOptions, out: Path, stream, published: list, executor, plugin) -> int:
    for lang in options.langs:
        if lang not in LANGUAGES:
            raise UsageError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)} or all")
    from .params import discover, resolve_parameters

    listed = discover(None, options.notebooks_dir)
    selected = discover(options.only, options.notebooks_dir)
    if not selected:
        raise UsageError(f"no notebooks found in {options.notebooks_dir}")
    per_notebook = resolve_parameters(selected, options.parameters)
    _check_scenario(options, selected)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is not a folder")
    data_dir = data_path(options.data_dir)

    # Untrusted output folder (issue 15): refuse an --out over the inputs or holding others' files,
    # then finish a commit a killed build left, before anything else, the data check included.
    data_files_error = None
    try:
        data_files = list(plugin.data_files(data_dir))
    except Exception as err:                     # the data check below says why, or else this
        data_files, data_files_error = [], err
    check_out_location(out, data_dir, options.notebooks_dir, data_files, LANGUAGES)
    foreign = check_output_folder(out, LANGUAGES, options.allow_existing)

    def waiting():
        if not options.quiet:
            limit = "without limit" if options.wait is None else f"at most {options.wait} s"
            print(f"another build is writing to {out}; waiting for it to finish ({limit})",
                  file=stream, flush=True)

    _cleaned(repair(out, options.wait, waiting) if out.is_dir() else (0, 0), options, stream)

    problems = _data_problems(plugin, data_dir)
    if problems:
        for problem in problems:
            _error(problem)
        _error(f"the data package is invalid ({len(problems)} problem{'s' * (len(problems) != 1)}); "
               f"nothing was built and {out} is unchanged")
        return FAILED
    if data_files_error is not None:             # valid data whose files cannot be listed: no hash
        raise BuildError(f"the data files of {data_dir} cannot be listed ({type(data_files_error).__name__}: "
                         f"{data_files_error}); nothing was built and {out} is unchanged")
    scenario = _scenario_rows(plugin, options.scenario, data_dir)
    data_key = hash_data(data_dir, data_files, exclude=out)     # before the lock: special files refused

    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / ".build.lock").touch()
    except OSError as err:
        raise BuildError(describe_os_error(err, f"cannot write to the output folder {out}")) from None

    with output_lock(out, options.wait, waiting):
        _cleaned(recover_staging(out), options, stream)
        transaction = Transaction(out)
        transaction.foreign = foreign
        published.append(transaction)
        context = _Context(options, out, stream, plugin, executor, data_dir, scenario)
        try:
            return _build_locked(context, listed, selected, per_notebook, transaction, data_key)
        except OSError as err:
            state = ("publishing stopped part way; the next build finishes it" if transaction.journaled
                     else f"nothing was published; {out} is unchanged")
            raise BuildError(f"{describe_os_error(err)}; {state}") from None
        finally:
            transaction.discard()


def _cleaned(counts: tuple[int, int], options, stream) -> None:
    finished, removed = counts
    if (finished or removed) and not options.quiet:
        print(f"cleaned up after an interrupted build (publications finished: {finished}; "
              f"unpublished staging folders removed: {removed})", file=stream, flush=True)


def _data_problems(plugin, data_dir: Path) -> list[str]:
    """The data gate, ``guilin-report check``'s: every problem as one sentence, ``[]`` if valid.

    Any exception of the plug-in's check becomes a problem, so that nothing runs on data the
    project cannot read.
    """
    try:
        return list(plugin.check(data_dir))
    except Exception as err:
        return [f"{data_dir}: the data cannot be read ({type(err).__name__}: {err})"]


def _scenario_rows(plugin, overrides: dict, data_dir: Path) -> dict[str, list[dict]]:
    """Per language, the figures a scenario changes (from the plug-in); an id the data does
    not have is a usage error, before any kernel starts."""
    if not overrides:
        return {lang: [] for lang in LANGUAGES}
    rows = {}
    for lang in LANGUAGES:
        try:
            found = plugin.scenario(dict(overrides), data_dir, lang)
        except (ValueError, KeyError) as err:
            message = err.args[0] if err.args else str(err)
            raise UsageError(f"--set: {message}") from None
        rows[lang] = [{k: str(row.get(k, "")) for k in ("id", "name", "value", "transcribed")} for row in found]
    return rows


@dataclass
class _Context:
    """What every step of one build reads."""

    options: BuildOptions
    out: Path
    stream: object
    plugin: object
    executor: object
    data_dir: Path
    scenario: dict                 # lang -> the changed figures (rows), empty when not a scenario
    sources: dict = field(default_factory=dict)   # stem -> the source notebook (JSON), None if unreadable


def _key_figures(plugin, lang: str, data_dir: Path, key: str, previous: dict) -> dict:
    """The plug-in's key figures for the index, reused from the manifest while the data and
    code are the same (the notebooks' own declared key figures come first, see
    :func:`_index_figures`)."""
    if previous.get("key") == key:
        return previous
    rows = []
    for row in plugin.key_figures(lang, data_dir):
        row = [str(x) for x in row]
        rows.append([row[0], row[1], _href(row[2] if len(row) > 2 else ""), row[3] if len(row) > 3 else ""])
    return {"key": key, "figures": rows}


def _href(href: str) -> str:
    from .declared import site_href

    return site_href(href) or ""


def _index_figures(manifest: dict, listed: list[str]) -> list:
    """The index's key figures: those the first published page that declares any shows (the
    display protocol's ``key_figures``), else the plug-in's."""
    entries = manifest.get("notebooks", {})
    for stem in listed:
        figures = entries.get(stem, {}).get("key_figures")
        if entries.get(stem, {}).get("page") and figures:
            return figures
    return manifest.get("key_figures", {}).get("figures", [])


def _preload(plugin) -> list[str] | None:
    """Modules the warm kernels import once (the plug-in's), or ``None`` for cold kernels
    (``GUILIN_REPORT_COLD_KERNELS=1``)."""
    if os.environ.get("GUILIN_REPORT_COLD_KERNELS"):
        return None
    return list(getattr(plugin, "kernel_preload", lambda: [])())


def notebooks_hash(notebooks_dir: Path, notebooks: list[str]) -> str:
    digest = hashlib.sha256()
    for stem in notebooks:
        try:
            digest.update((Path(notebooks_dir) / f"{stem}.ipynb").read_bytes())
        except OSError:
            pass
    return digest.hexdigest()


def _read_sources(notebooks_dir: Path, stems: list[str]) -> dict[str, dict | None]:
    """The source notebooks as JSON (for their keys and navigation names); ``None`` for one that
    cannot be read (it then runs, and fails on its own)."""
    sources = {}
    for stem in stems:
        try:
            nb = json.loads((Path(notebooks_dir) / f"{stem}.ipynb").read_text(encoding="utf-8"))
            sources[stem] = nb if isinstance(nb, dict) else None
        except (OSError, ValueError):
            sources[stem] = None
    return sources


def _chrome(ctx: _Context, lang: str, listed: list[str], version: str, data_hash: str,
            other: str | None, scenario_rows: list[dict]) -> Chrome:
    plugin = ctx.plugin
    words = {key: texts[lang] for key, texts in (plugin.words() or {}).items()
             if isinstance(texts, dict) and isinstance(texts.get(lang), str)}
    pages = nav_names({stem: ctx.sources.get(stem) for stem in listed}, lang)
    return Chrome(lang, pages, version, data_hash, other, plugin.citation(version, lang),
                  extra=tuple((str(h), str(t)) for h, t in plugin.nav(lang)),
                  words=tuple(sorted(words.items())),
                  scenario=tuple((r["name"], r["value"], r["transcribed"]) for r in scenario_rows))


def _build_locked(ctx: _Context, listed, selected, per_notebook, transaction: Transaction,
                  data_hash: str) -> int:
    options, out, plugin, data_dir = ctx.options, ctx.out, ctx.plugin, ctx.data_dir
    tools = versions()
    analysis, plugin_code = plan.plugin_hashes(plugin)
    executing, builder = plan.executing_hash(), plan.builder_hash(paths.TEMPLATES)
    shown_data = data_label(data_dir)
    published = {lang: read_manifest(out / lang / "manifest.json") for lang in LANGUAGES}
    version = plugin.data_version(data_dir)
    stems = [p.stem for p in listed]
    sources = ctx.sources = _read_sources(options.notebooks_dir, stems)
    code = hashlib.sha256(f"{builder}\0{analysis}\0{plugin_code}".encode()).hexdigest()

    # The other language a page links to: built now, or already published.
    other_of_lang = {lang: (other_of(lang) if other_of(lang) in options.langs
                            or published[other_of(lang)].get("key_figures") else None) for lang in LANGUAGES}
    # The header links only pages that exist or that this build makes (never a page an --only
    # first build left out, nor one of a notebook that never succeeded and is not run now).
    selected_stems = {p.stem for p in selected}
    linked = {lang: [s for s in stems if s in selected_stems
                     or published[lang].get("notebooks", {}).get(s, {}).get("page")] for lang in options.langs}
    chromes = {lang: _chrome(ctx, lang, linked[lang], version, data_hash, other_of_lang[lang], ctx.scenario[lang])
               for lang in options.langs}

    runs: list[Job] = []
    renders: list[tuple[Job, bytes]] = []
    for lang in options.langs:
        entries = published[lang].get("notebooks", {})
        for nb in selected:
            params = {"lang": lang, **per_notebook[nb.stem]}
            if options.data_dir is not None:
                params["data_dir"] = str(data_dir)
            if options.scenario:
                params[SCENARIO_PARAMETER] = dict(options.scenario)
            source = sources.get(nb.stem) or {"raw": _raw_hash(nb)}
            run_key = plan.run_key(source, params, data_hash, analysis, executing, tools)
            inputs = plan.render_inputs(source, lang, options.with_code, builder, plugin_code, chromes[lang])
            previous = entries.get(nb.stem, {})
            decision = plan.decide(previous, run_key, inputs, out / lang / "notebooks" / f"{nb.stem}.ipynb",
                                   (out / lang / f"{nb.stem}.html").exists(), options.force)
            if decision.action == plan.KEEP:
                continue
            job = Job(nb.stem, nb, lang, params, run_key, transaction.folder(lang, nb.stem), options.timeout,
                      options.with_code, chromes[lang], str(data_dir), render_inputs=inputs,
                      max_output=options.max_output_mb * 10**6)
            if decision.action == plan.RENDER:
                renders.append((job, decision.executed))
            else:
                runs.append(job)

    # Before any kernel starts: whatever the data layer raises stops the build here.
    key_figures = {}
    try:
        for lang in options.langs:
            key = hashlib.sha256(f"{lang}\0{data_hash}\0{analysis}\0{plugin_code}".encode()).hexdigest()
            key_figures[lang] = _key_figures(plugin, lang, data_dir, key, published[lang].get("key_figures", {}))
    except Exception as err:
        _error(f"the key figures cannot be computed from {shown_data} ({type(err).__name__}: {err}); "
               f"nothing was built and {out} is unchanged")
        return FAILED

    updates: dict[str, dict] = {lang: {} for lang in options.langs}
    results: list[Result] = []
    lines = []
    for job, executed in renders:
        previous = published[job.lang].get("notebooks", {}).get(job.name, {})
        start = time.perf_counter()
        entry = _render_only(job, executed, previous, transaction, out)
        if entry is None:                  # the executed notebook no longer fits its source: run it
            runs.append(job)
            continue
        updates[job.lang][job.name] = entry
        lines.append(f"[{job.lang}] {job.name}: rendered again, no kernel ({time.perf_counter() - start:.1f} s)")
    rendered = len(lines)
    reporter = Reporter(len(runs), options.quiet, ctx.stream)
    for line in lines:
        reporter.say(line)

    def done(job: Job, result: Result) -> None:
        previous = published[job.lang].get("notebooks", {}).get(job.name, {})
        updates[job.lang][job.name] = _entry(job, result, previous, shown_data, data_hash, tools)
        _stage_result(transaction, out, job, result, previous)
        results.append(result)
        reporter.done(result)

    if runs:
        pool = ctx.executor(min(options.jobs, len(runs)))
        try:
            pool.run(runs, done)
        finally:
            pool.close()
            reporter.close()

    site = SiteInputs(data_dir, options.notebooks_dir, data_hash, version, code)
    changed, site_errors = _stage_indexes(ctx, transaction, published, updates, key_figures, stems, tools,
                                          site, chromes)
    if transaction:
        transaction.commit()
    if not runs:
        if rendered:
            reporter.say(f"no notebook needed to run; rendered {rendered} page{'s' * (rendered != 1)} again "
                         f"from the executed notebooks")
        else:
            reporter.say(f"nothing changed; {out} is up to date" if not changed else
                         f"no notebook needed to run; rewrote {', '.join(changed)} to match the published pages")
    elif rendered:
        reporter.say(f"rendered {rendered} page{'s' * (rendered != 1)} again without running them")
    failed = [r for r in results if r.status != "ok"]
    if failed and not options.quiet:
        print(f"{len(failed)} of {len(results)} notebooks failed; their logs are linked from the "
              f"index and listed in {out}/<lang>/manifest.json", file=ctx.stream)
    for problem in site_errors:
        _error(problem)
    all_ok = not site_errors and all(updates[lang].get(nb.stem, published[lang].get("notebooks", {}).get(nb.stem, {}))
                                     .get("status") == "ok" for lang in options.langs for nb in selected)
    return FAILED if failed or not all_ok else OK


def _raw_hash(path: Path) -> str:
    data = _read(Path(path))
    return "" if data is None else hashlib.sha256(data).hexdigest()


def _render_only(job: Job, executed: bytes, previous: dict, transaction: Transaction, out: Path) -> dict | None:
    """Render a page again from its published executed notebook and the current source, in
    this process (no kernel); the manifest entry after it, or ``None`` when the executed
    notebook does not fit the source any more (then it runs)."""
    import nbformat

    from .pages import render_page

    start = time.perf_counter()
    try:
        nb = nbformat.reads(executed.decode("utf-8"), as_version=4)
        source = nbformat.read(job.source, as_version=4)
        page = render_page(nb, source, stem=job.name, lang=job.lang, with_code=job.with_code, chrome=job.chrome,
                           built_at=_now(), data_dir=job.data_dir)
    except (ValueError, KeyError, StopIteration, UnicodeDecodeError):
        return None
    result = Result(job.name, job.lang, "ok", time.perf_counter() - start, title=page.title,
                    files=stage_page(job, page))
    _stage_result(transaction, out, job, result, previous)
    return {**previous, "title": page.title or previous.get("title") or job.name, "page": f"{job.name}.html",
            "findings": page.findings, "ids": page.ids, "key_figures": page.key_figures,
            "figures": sorted(r for r in result.files if r.startswith("figures/")),
            "render_key": plan.render_key(job.render_inputs, plan.sha256(executed)), "rendered_at": _now()}


def _shown_parameters(params: dict, shown_data: str) -> dict:
    return {**params, "data_dir": shown_data} if "data_dir" in params else dict(params)


def _entry(job: Job, result: Result, previous: dict, shown_data: str, data_hash: str, tools: dict) -> dict:
    """A notebook's manifest entry after a run; a failure keeps the last good page and its data."""
    now = _now()
    executed_rel = f"notebooks/{job.name}.ipynb"
    executed = result.files.get(executed_rel)
    executed_sha = plan.sha256(Path(executed).read_bytes()) if executed and Path(executed).exists() else None
    entry = {
        "notebook": f"{job.name}.ipynb",
        "title": result.title or previous.get("title") or job.name,
        "parameters": _shown_parameters(job.parameters, shown_data),
        "status": result.status,
        "error": result.error,
        "duration_s": round(result.duration, 3),
        "timings": result.timings,
        "run_key": job.key,
        "executed_sha256": executed_sha,
        "built_at": now,
        "executed_notebook": executed_rel if executed else previous.get("executed_notebook"),
        "versions": tools,
    }
    if result.status == "ok":
        entry.update(page=f"{job.name}.html", last_good_at=now, data=shown_data, data_hash=data_hash,
                     findings=result.findings, ids=result.ids, key_figures=result.key_figures,
                     render_key=plan.render_key(job.render_inputs, executed_sha or ""), rendered_at=now,
                     figures=sorted(r for r in result.files if r.startswith("figures/")))
    else:
        entry["error_log"] = executed_rel if executed else f"logs/{job.name}.log"
        kept = previous.get("page")                # the last good page stays published
        entry.update(page=kept, last_good_at=previous.get("last_good_at"), findings=previous.get("findings", []),
                     ids=previous.get("ids", []), key_figures=previous.get("key_figures", []),
                     data=previous.get("data", shown_data) if kept else shown_data,
                     data_hash=previous.get("data_hash", data_hash) if kept else data_hash,
                     figures=previous.get("figures", []) if kept else [])
    return entry


def _stage_result(transaction: Transaction, out: Path, job: Job, result: Result, previous: dict) -> None:
    """Stage a notebook's files (those that differ from the published ones); a success also
    removes the figures its last page had (as its manifest entry records them) and its new page
    no longer has. Nothing else is deleted."""
    if result.status == "ok":
        for old in previous.get("figures", []):
            if old not in result.files:
                transaction.delete(f"{job.lang}/{old}")
    for rel, staged in result.files.items():
        if _read(out / job.lang / rel) != _read(Path(staged)):
            transaction.add(f"{job.lang}/{rel}", staged)


@dataclass
class SiteInputs:
    """What the plug-in's pages are made from."""

    data_dir: Path
    notebooks_dir: Path
    data_hash: str
    data_version: str
    code: str


def _used_on(manifest: dict, listed: list[str]) -> dict[str, list[str]]:
    """data id -> the notebooks whose published page shows it (the ids their outputs declare)."""
    used: dict[str, list[str]] = {}
    for stem in listed:
        entry = manifest.get("notebooks", {}).get(stem, {})
        if entry.get("page"):
            for ident in entry.get("ids") or []:
                used.setdefault(ident, []).append(stem)
    return used


def _stage_indexes(ctx: _Context, transaction: Transaction, published: dict, updates: dict,
                   key_figures: dict, listed: list[str], tools: dict, site: SiteInputs,
                   chromes: dict) -> tuple[list[str], list[str]]:
    """Stage the manifest and index of every language whose published copy differs from what
    this build publishes, and the plug-in's pages of every language built (see
    :func:`_stage_site`). Returns the files staged, relative to ``out``, and the problems met.

    The manifest records the key of its index (what the index is rendered from) and the index's
    SHA-256: while both match, the published index is current and is not rendered again.
    """
    out, langs = ctx.out, ctx.options.langs
    manifests = {}
    for lang in LANGUAGES:
        if lang in langs:
            manifests[lang] = _manifest(lang, published[lang], updates[lang], key_figures[lang], listed, tools,
                                        site.data_version, _scenario_record(ctx, lang))
        elif published[lang].get("key_figures"):        # another language: its own data and figures
            manifests[lang] = {k: v for k, v in published[lang].items() if k not in ("index", "site")}
    changed, problems = [], []
    for lang, manifest in manifests.items():
        other = next((o for o in manifests if o != lang), None)
        chrome = chromes.get(lang)
        if chrome is None or chrome.other_lang != other:
            recorded = manifest.get("scenario") or {}
            chrome = _chrome(ctx, lang, listed, str(manifest.get("data_version") or ""),
                             manifest.get("data_hash") or "", other, recorded.get("figures", []))
        figures = _index_figures(manifest, listed)
        key = hashlib.sha256(json.dumps([manifest, listed, other, site.code, repr(chrome), figures],
                                        sort_keys=True).encode()).hexdigest()
        recorded = published[lang].get("index", {})
        index_text = None
        if recorded.get("key") == key and _sha256(out / lang / "index.html") == recorded.get("sha256"):
            manifest["index"] = recorded
        else:
            index_text = index_html(chrome, manifest, listed, figures)
            manifest["index"] = {"key": key, "sha256": hashlib.sha256(index_text.encode()).hexdigest()}
        if lang in langs:
            changed += _stage_site(ctx, transaction, lang, manifest, published[lang].get("site", {}),
                                   listed, other, site, problems, chrome)
        elif published[lang].get("site"):
            manifest["site"] = published[lang]["site"]
        files = {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                 "index.html": index_text}
        for name, text in files.items():
            if text is not None and _read(out / lang / name) != text.encode("utf-8"):
                transaction.write(f"{lang}/{name}", text)
                changed.append(f"{lang}/{name}")
    return changed, problems


def _scenario_record(ctx: _Context, lang: str) -> dict | None:
    """What the manifest records of a scenario: the overrides as given and the changed figures."""
    if not ctx.options.scenario:
        return None
    return {"overrides": dict(ctx.options.scenario), "figures": ctx.scenario[lang]}


def _stage_site(ctx: _Context, transaction: Transaction, lang: str, manifest: dict, recorded: dict,
                listed: list[str], other: str | None, site: SiteInputs, problems: list[str],
                chrome: Chrome) -> list[str]:
    """Stage the plug-in's pages of ``lang`` (the source and data pages and the downloads) when
    their key (data, code, notebooks, chrome, what each notebook shows, the scenario) differs from
    the published one or a published file differs from what was recorded; else keep them. A
    failure keeps the published ones and is a problem.
    """
    out = ctx.out
    used_on = _used_on(manifest, listed)
    overrides = dict(ctx.options.scenario)
    key = hashlib.sha256(json.dumps([lang, site.data_hash, site.data_version, site.code, listed, other,
                                     notebooks_hash(site.notebooks_dir, listed), repr(chrome), used_on,
                                     overrides], sort_keys=True).encode()).hexdigest()
    files = recorded.get("files", {})
    if recorded.get("key") == key and all(_sha256(out / lang / rel) == digest for rel, digest in files.items()):
        manifest["site"] = recorded
        return []
    built_at = _now()
    started, cpu = time.perf_counter(), time.process_time()
    try:
        new = ctx.plugin.site_pages(SiteContext(lang, chrome, built_at, Path(site.data_dir), tuple(listed),
                                                Path(site.notebooks_dir), used_on, overrides))
    except Exception as err:
        problems.append(f"the plug-in's pages ({lang}) cannot be made from {data_label(site.data_dir)} "
                        f"({type(err).__name__}: {err}); the published ones are kept")
        if recorded:
            manifest["site"] = recorded
        return []
    timings = {"wall_s": round(time.perf_counter() - started, 3), "cpu_s": round(time.process_time() - cpu, 3)}
    manifest["site"] = {"key": key, "built_at": built_at, "timings": timings,
                        "files": {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(new.items())}}
    changed = []
    for rel, data in new.items():
        if _read(out / lang / rel) != data:
            transaction.write(f"{lang}/{rel}", data)
            changed.append(f"{lang}/{rel}")
    for rel in files:
        if rel not in new and (out / lang / rel).exists():
            transaction.delete(f"{lang}/{rel}")
    return changed


#: The largest published file the builder reads back (a page, a download, an executed notebook).
READ_BACK_LIMIT = 512 << 20


def _read(path: Path) -> bytes | None:
    """A published file's bytes, or ``None``: absent, or not a regular file of at most
    :data:`READ_BACK_LIMIT` bytes (opened without following a link or blocking: a FIFO or a
    link to ``/dev/zero`` in ``--out`` is read as absent, and replaced)."""
    from .manifest import ManifestError, read_regular

    try:
        return read_regular(path, READ_BACK_LIMIT)
    except (OSError, ManifestError):
        return None


def _sha256(path: Path) -> str | None:
    data = _read(path)
    return None if data is None else hashlib.sha256(data).hexdigest()


def _manifest(lang: str, published: dict, updates: dict, key_figures: dict, listed: list[str],
              tools: dict, data_version: str = "", scenario: dict | None = None) -> dict:
    """A language's manifest after this build: every listed notebook's latest entry, the data
    they share (``null`` when pages were built from different data), the key figures, the
    scenario (``null`` for the report's own figures)."""
    entries = {name: entry for name, entry in published.get("notebooks", {}).items() if name in listed}
    entries.update(updates)
    shared = {(e.get("data"), e.get("data_hash")) for e in entries.values()}
    data, data_hash = shared.pop() if len(shared) == 1 else (None, None)
    manifest = {"lang": lang, "data": data, "data_hash": data_hash, "data_version": data_version,
                "key_figures": key_figures, "scenario": scenario,
                "versions": tools, "notebooks": entries}
    unchanged = {k: v for k, v in published.items() if k not in ("built_at", "index", "site")} == manifest
    manifest["built_at"] = published.get("built_at") if unchanged and published.get("built_at") else _now()
    return manifest
