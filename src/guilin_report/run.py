"""One build, step by step: check, lock, plan, execute, publish.

1. Check the command line (languages, notebooks, parameters) and the data (``data.validate``,
   the same gate as ``guilin-report check``) before taking the lock or starting a kernel.
2. Take ``<out>/.build.lock`` (waiting at most ``--wait`` seconds), then finish or remove what
   an interrupted build left behind.
3. Plan: a page runs again when its key (:func:`.cache.input_hash`) differs from the
   published one, or its page is missing; ``--force`` runs everything.
4. Execute the planned notebooks in worker processes (:mod:`.execute`).
5. Publish in one transaction (:mod:`.publish`): the new pages, then the manifest and index of
   every language, rendered from what will be published. Files that would not change are not
   written, so with nothing to do nothing is touched, and an index or manifest left stale by a
   crash is rewritten by the next build.
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

from guilin_analysis.labels import LANGUAGES
from .paths import NOTEBOOKS_DIR, REPORTS_DIR, data_path
from .cache import code_hash, data_hash as hash_data, data_label, input_hash, read_manifest, versions
from .errors import FAILED, OK, BuildError, UsageError, describe_os_error
from .execute import Job, Result, WorkerPool
from .pages import index_html
from .plugin import SiteContext, load as load_plugin
from .site import Chrome, other_of
from .params import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT, DEFAULT_WAIT
from .progress import Reporter
from .publish import (Transaction, check_out_location, check_output_folder, output_lock, recover_staging,
                      repair)

INTERRUPTED, TERMINATED, HUNG_UP = 130, 143, 129


@dataclass
class BuildOptions:
    langs: tuple[str, ...] = LANGUAGES
    out: Path = REPORTS_DIR
    jobs: int = os.cpu_count() or 1
    only: list[str] | None = None
    force: bool = False
    data_dir: Path | None = None
    timeout: int | None = DEFAULT_TIMEOUT
    wait: int | None = DEFAULT_WAIT
    with_code: bool = False
    overrides: list[tuple[str, str]] = field(default_factory=list)
    quiet: bool = False
    notebooks_dir: Path = NOTEBOOKS_DIR
    allow_existing: bool = False                # build into a non-empty folder the tool did not make
    max_output_mb: int = DEFAULT_MAX_OUTPUT_MB  # output kept per cell on the page (the log keeps all)


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that the build cleans up as after Ctrl-C."""


class HungUp(Terminated):
    """SIGHUP (the terminal went away): handled as SIGTERM."""


@contextlib.contextmanager
def _sigterm_interrupts():
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise HungUp() if signum == signal.SIGHUP else Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    previous_hup = signal.signal(signal.SIGHUP, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGHUP, previous_hup)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _error(line: str) -> None:
    print(f"error: {line}", file=sys.stderr, flush=True)


def build(options: BuildOptions, stream=None) -> int:
    """Build the report; return the exit code (see :mod:`.errors`).

    Raises :class:`UsageError` for a bad language, notebook or parameter and :class:`BuildError`
    for an unreadable notebook or an unusable output folder, before anything is published.
    An interrupt (SIGINT, SIGTERM) stops the workers and their kernels, removes the staging
    and says whether anything was published.
    """
    stream = stream or sys.stderr
    published: list[Transaction] = []
    try:
        with _sigterm_interrupts():
            return _build(options, stream, published)
    except KeyboardInterrupt as err:
        if published and published[0].committed:
            what = f"the build had already published its pages and indexes in {options.out}"
        else:
            what = f"nothing was published; {options.out} is unchanged"
        print(f"guilin-report: interrupted; {what}", file=sys.stderr, flush=True)
        return HUNG_UP if isinstance(err, HungUp) else TERMINATED if isinstance(err, Terminated) else INTERRUPTED


def _build(options: BuildOptions, stream, published: list) -> int:
    for lang in options.langs:
        if lang not in LANGUAGES:
            raise UsageError(f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)} or all")
    from .params import discover, resolve_parameters

    listed = discover(None, options.notebooks_dir)
    selected = discover(options.only, options.notebooks_dir)
    if not selected:
        raise UsageError(f"no notebooks found in {options.notebooks_dir}")
    per_notebook = resolve_parameters(selected, options.overrides)
    out = Path(options.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is not a folder")
    data_dir = data_path(options.data_dir)

    # Untrusted output folder (issue 15): refuse an --out over the inputs or holding others' files,
    # then finish a commit a killed build left, before anything else, the data check included.
    try:
        data_files = list(load_plugin().data_files(data_dir))
    except Exception:                            # the data check below says why
        data_files = []
    check_out_location(out, data_dir, options.notebooks_dir, data_files, LANGUAGES)
    foreign = check_output_folder(out, LANGUAGES, options.allow_existing)

    def waiting():
        if not options.quiet:
            limit = "without limit" if options.wait is None else f"at most {options.wait} s"
            print(f"another build is writing to {out}; waiting for it to finish ({limit})",
                  file=stream, flush=True)

    _cleaned(repair(out, options.wait, waiting) if out.is_dir() else (0, 0), options, stream)

    problems = _data_problems(data_dir)
    if problems:
        for problem in problems:
            _error(problem)
        _error(f"the data package is invalid ({len(problems)} problem{'s' * (len(problems) != 1)}); "
               f"nothing was built and {out} is unchanged")
        return FAILED
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
        try:
            return _build_locked(options, listed, selected, per_notebook, data_dir, out, stream,
                                 transaction, data_key)
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


def _data_problems(data_dir: Path) -> list[str]:
    """The data gate, ``guilin-report check``'s: every problem as one sentence, ``[]`` if valid.

    Any exception of the plug-in's check becomes a problem, so that nothing runs on data the
    project cannot read.
    """
    try:
        return list(load_plugin().check(data_dir))
    except Exception as err:
        return [f"{data_dir}: the data cannot be read ({type(err).__name__}: {err})"]


def _key_figures(lang: str, data_dir: Path, key: str, previous: dict) -> dict:
    """The index's key figures (from the plug-in), reused from the manifest while the data and
    code are the same."""
    if previous.get("key") == key:
        return previous
    return {"key": key, "figures": [[str(x) for x in row] for row in load_plugin().key_figures(lang, data_dir)]}


def _preload() -> list[str] | None:
    """Modules the warm kernels import once (the plug-in's), or ``None`` for cold kernels
    (``GUILIN_REPORT_COLD_KERNELS=1``)."""
    if os.environ.get("GUILIN_REPORT_COLD_KERNELS"):
        return None
    return list(getattr(load_plugin(), "kernel_preload", lambda: [])())


def notebooks_hash(notebooks_dir: Path, notebooks: list[str]) -> str:
    digest = hashlib.sha256()
    for stem in notebooks:
        try:
            digest.update((Path(notebooks_dir) / f"{stem}.ipynb").read_bytes())
        except OSError:
            pass
    return digest.hexdigest()


def _chrome(lang: str, stems, version: str, data_hash: str) -> Chrome:
    return Chrome(lang, tuple(stems), version, data_hash, other_of(lang), load_plugin().citation(version, lang))


def _build_locked(options, listed, selected, per_notebook, data_dir, out, stream,
                  transaction: Transaction, data_hash: str) -> int:
    code, tools = code_hash(), versions()
    shown_data = data_label(data_dir)
    published = {lang: read_manifest(out / lang / "manifest.json") for lang in LANGUAGES}
    version = load_plugin().data_version(data_dir)
    stems = [p.stem for p in listed]

    jobs: list[Job] = []
    for lang in options.langs:
        entries = published[lang].get("notebooks", {})
        for nb in selected:
            params = {"lang": lang, **per_notebook[nb.stem]}
            if options.data_dir is not None:
                params["data_dir"] = str(data_dir)
            key = input_hash(nb, params, options.with_code, data_hash, code, tools)
            chrome = _chrome(lang, stems, version, data_hash)
            key = hashlib.sha256(json.dumps([key, repr(chrome)]).encode()).hexdigest()
            previous = entries.get(nb.stem, {})
            fresh = (previous.get("input_hash") == key and previous.get("status") == "ok"
                     and (out / lang / f"{nb.stem}.html").exists())
            if options.force or not fresh:
                jobs.append(Job(nb.stem, nb, lang, params, key, transaction.folder(lang, nb.stem),
                                options.timeout, options.with_code, chrome, str(data_dir),
                                max_output=options.max_output_mb * 10**6))

    # Before any kernel starts: whatever the data layer raises stops the build here.
    key_figures = {}
    try:
        for lang in options.langs:
            key = hashlib.sha256(f"{lang}\0{data_hash}\0{code}".encode()).hexdigest()
            key_figures[lang] = _key_figures(lang, data_dir, key, published[lang].get("key_figures", {}))
    except Exception as err:
        _error(f"the key figures cannot be computed from {shown_data} ({type(err).__name__}: {err}); "
               f"nothing was built and {out} is unchanged")
        return FAILED

    reporter = Reporter(len(jobs), options.quiet, stream)
    updates: dict[str, dict] = {lang: {} for lang in options.langs}
    results: list[Result] = []

    def done(job: Job, result: Result) -> None:
        previous = published[job.lang].get("notebooks", {}).get(job.name, {})
        updates[job.lang][job.name] = _entry(job, result, previous, shown_data, data_hash, tools)
        _stage_result(transaction, job, result, previous)
        results.append(result)
        reporter.done(result)

    if jobs:
        pool = WorkerPool(min(options.jobs, len(jobs)), _preload())
        try:
            pool.run(jobs, done)
        finally:
            pool.close()
            reporter.close()

    site = SiteInputs(data_dir, options.notebooks_dir, data_hash, version, code)
    changed, site_errors = _stage_indexes(transaction, out, options.langs, published, updates, key_figures,
                                          stems, tools, code, site)
    if transaction:
        transaction.commit()
    if not jobs:
        reporter.say(f"nothing changed; {out} is up to date" if not changed else
                     f"no notebook needed to run; rewrote {', '.join(changed)} to match the published pages")
    failed = [r for r in results if r.status != "ok"]
    if failed and not options.quiet:
        print(f"{len(failed)} of {len(results)} notebooks failed; their logs are linked from the "
              f"index and listed in {out}/<lang>/manifest.json", file=stream)
    for problem in site_errors:
        _error(problem)
    all_ok = not site_errors and all(updates[lang].get(nb.stem, published[lang].get("notebooks", {}).get(nb.stem, {}))
                 .get("status") == "ok" for lang in options.langs for nb in selected)
    return FAILED if failed or not all_ok else OK


def _shown_parameters(params: dict, shown_data: str) -> dict:
    return {**params, "data_dir": shown_data} if "data_dir" in params else dict(params)


def _entry(job: Job, result: Result, previous: dict, shown_data: str, data_hash: str, tools: dict) -> dict:
    """A notebook's manifest entry after a run; a failure keeps the last good page and its data."""
    now = _now()
    entry = {
        "notebook": f"{job.name}.ipynb",
        "title": result.title or previous.get("title") or job.name,
        "parameters": _shown_parameters(job.parameters, shown_data),
        "status": result.status,
        "error": result.error,
        "duration_s": round(result.duration, 3),
        "timings": result.timings,
        "input_hash": job.key,
        "built_at": now,
        "executed_notebook": (f"notebooks/{job.name}.ipynb" if f"notebooks/{job.name}.ipynb" in result.files
                              else previous.get("executed_notebook")),
        "versions": tools,
    }
    if result.status == "ok":
        entry.update(page=f"{job.name}.html", last_good_at=now, data=shown_data, data_hash=data_hash,
                     findings=result.findings, figures=sorted(r for r in result.files if r.startswith("figures/")))
    else:
        entry["error_log"] = (f"notebooks/{job.name}.ipynb" if f"notebooks/{job.name}.ipynb" in result.files
                              else f"logs/{job.name}.log")
        kept = previous.get("page")                # the last good page stays published
        entry.update(page=kept, last_good_at=previous.get("last_good_at"), findings=previous.get("findings", []),
                     data=previous.get("data", shown_data) if kept else shown_data,
                     data_hash=previous.get("data_hash", data_hash) if kept else data_hash,
                     figures=previous.get("figures", []) if kept else [])
    return entry


def _stage_result(transaction: Transaction, job: Job, result: Result, previous: dict) -> None:
    """Stage a notebook's files; a success also removes the figures its last page had (as its
    manifest entry records them) and its new page no longer has. Nothing else is deleted."""
    if result.status == "ok":
        for old in previous.get("figures", []):
            if old not in result.files:
                transaction.delete(f"{job.lang}/{old}")
    for rel, staged in result.files.items():
        transaction.add(f"{job.lang}/{rel}", staged)


@dataclass
class SiteInputs:
    """What the source and data pages are made from."""

    data_dir: Path
    notebooks_dir: Path
    data_hash: str
    data_version: str
    code: str


def _stage_indexes(transaction: Transaction, out: Path, langs, published: dict, updates: dict,
                   key_figures: dict, listed: list[str], tools: dict, code: str,
                   site: SiteInputs) -> tuple[list[str], list[str]]:
    """Stage the manifest and index of every language whose published copy differs from what
    this build publishes, and the source and data pages of every language built (see
    :func:`_stage_site`). Returns the files staged, relative to ``out``, and the problems met.

    The manifest records the key of its index (what the index is rendered from) and the index's
    SHA-256: while both match, the published index is current and is not rendered again.
    """
    manifests = {}
    for lang in LANGUAGES:
        if lang in langs:
            manifests[lang] = _manifest(lang, published[lang], updates[lang], key_figures[lang], listed, tools,
                                        site.data_version)
        elif published[lang].get("key_figures"):        # another language: its own data and figures
            manifests[lang] = {k: v for k, v in published[lang].items() if k not in ("index", "site")}
    changed, problems = [], []
    for lang, manifest in manifests.items():
        other = next((o for o in manifests if o != lang), None)
        key = hashlib.sha256(json.dumps([manifest, listed, other, code], sort_keys=True).encode()).hexdigest()
        recorded = published[lang].get("index", {})
        index_text = None
        if recorded.get("key") == key and _sha256(out / lang / "index.html") == recorded.get("sha256"):
            manifest["index"] = recorded
        else:
            index_text = index_html(lang, manifest, listed, other)
            manifest["index"] = {"key": key, "sha256": hashlib.sha256(index_text.encode()).hexdigest()}
        if lang in langs:
            changed += _stage_site(transaction, out, lang, manifest, published[lang].get("site", {}),
                                   listed, other, site, problems)
        elif published[lang].get("site"):
            manifest["site"] = published[lang]["site"]
        files = {"manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                 "index.html": index_text}
        for name, text in files.items():
            if text is not None and _read(out / lang / name) != text.encode("utf-8"):
                transaction.write(f"{lang}/{name}", text)
                changed.append(f"{lang}/{name}")
    return changed, problems


def _stage_site(transaction: Transaction, out: Path, lang: str, manifest: dict, recorded: dict,
                listed: list[str], other: str | None, site: SiteInputs, problems: list[str]) -> list[str]:
    """Stage the source page, the data page and the downloads of ``lang`` when their key (data,
    code, notebooks, languages) differs from the published one or a published file differs
    from what was recorded; else keep them. A failure keeps the published ones and is a problem.
    """
    key = hashlib.sha256(json.dumps([lang, site.data_hash, site.data_version, site.code, listed, other,
                                     notebooks_hash(site.notebooks_dir, listed)]).encode()).hexdigest()
    files = recorded.get("files", {})
    if (recorded.get("key") == key and files
            and all(_sha256(out / lang / rel) == digest for rel, digest in files.items())):
        manifest["site"] = recorded
        return []
    built_at = _now()
    chrome = _chrome(lang, listed, site.data_version, site.data_hash)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        new = load_plugin().site_pages(SiteContext(lang, chrome, built_at, Path(site.data_dir), tuple(listed),
                                                   Path(site.notebooks_dir)))
    except Exception as err:
        problems.append(f"the source and data pages ({lang}) cannot be made from {data_label(site.data_dir)} "
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


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _sha256(path: Path) -> str | None:
    data = _read(path)
    return None if data is None else hashlib.sha256(data).hexdigest()


def _manifest(lang: str, published: dict, updates: dict, key_figures: dict, listed: list[str],
              tools: dict, data_version: str = "") -> dict:
    """A language's manifest after this build: every listed notebook's latest entry, the data
    they share (``null`` when pages were built from different data), the key figures."""
    entries = {name: entry for name, entry in published.get("notebooks", {}).items() if name in listed}
    entries.update(updates)
    shared = {(e.get("data"), e.get("data_hash")) for e in entries.values()}
    data, data_hash = shared.pop() if len(shared) == 1 else (None, None)
    manifest = {"lang": lang, "data": data, "data_hash": data_hash, "data_version": data_version,
                "key_figures": key_figures,
                "versions": tools, "notebooks": entries}
    unchanged = {k: v for k, v in published.items() if k not in ("built_at", "index", "site")} == manifest
    manifest["built_at"] = published.get("built_at") if unchanged and published.get("built_at") else _now()
    return manifest
