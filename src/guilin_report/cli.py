"""``guilin-report``: build the report, check the data, list the notebooks.

Exit codes: 0 everything published (or the data is valid); 1 a notebook failed, the data is
invalid, or a file could not be read or written; 2 a usage error (unknown option, language,
notebook or parameter, or a value of the wrong type), reported before any kernel starts;
3 another build held the output folder's lock for longer than --wait; 130/143 interrupted.
Every error is one line, never a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .paths import NOTEBOOKS_DIR


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (exit code 2) instead of the usage text."""

    def error(self, message):
        self.exit(2, f"guilin-report: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    from .params import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT, DEFAULT_WAIT

    parser = _Parser(prog="guilin-report", description=__doc__.split("\n\n")[0],
                     epilog="Exit codes: 0 all published; 1 a notebook failed, the data is invalid "
                            "or a file cannot be written; 2 usage error; 3 the lock wait ran out; "
                            "129/130/143 hung up/interrupted/terminated.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    b = sub.add_parser("build", help="execute the notebooks and publish HTML pages")
    b.add_argument("--lang", default="all", help="zh, en or all (default: all)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: reports/)")
    b.add_argument("--jobs", default=os.cpu_count() or 1,
                   help="notebooks run at once (default: the number of cores, %(default)s here)")
    b.add_argument("--only", nargs="+", metavar="NAME", help="only these notebooks (01_eldercare or eldercare)")
    b.add_argument("--force", action="store_true", help="run every notebook even if nothing changed")
    b.add_argument("--data-dir", type=Path, help="a copy of the data package to use instead of data/")
    b.add_argument("--timeout", default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="whole seconds a notebook may run before it fails and its kernel is stopped "
                        "(default: %(default)s)")
    b.add_argument("--wait", default=DEFAULT_WAIT, metavar="SECONDS",
                   help="whole seconds to wait for another build into the same folder; then exit "
                        "with code 3 (default: %(default)s; 0: do not wait)")
    b.add_argument("--with-code", action="store_true", help="show the code cells in the pages")
    b.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="set a notebook parameter (checked against the notebooks' parameters)")
    b.add_argument("--set", action="append", default=[], metavar="ID=VALUE", dest="scenario",
                   help="a what-if scenario: build with the figure ID set to VALUE (repeatable); "
                        "passed to the notebooks as the parameter 'overrides'; needs --out (never reports/)")
    b.add_argument("--quiet", action="store_true", help="print only errors")
    b.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR,
                   help="build another folder of numbered notebooks (default: notebooks/)")
    b.add_argument("--allow-existing", action="store_true",
                   help="build into a non-empty folder guilin-report did not make (none of its files "
                        "is deleted; those replaced are named)")
    b.add_argument("--max-output-mb", default=DEFAULT_MAX_OUTPUT_MB, metavar="MB",
                   help="megabytes of output a cell may show on its page; the rest is cut there and "
                        "kept in the notebook's log (default: %(default)s)")

    c = sub.add_parser("check", help="validate the data package and list its problems")
    c.add_argument("--data-dir", type=Path, help="the data package (default: data/)")

    sub.add_parser("list", help="show the notebooks and their parameters with defaults")

    sub.add_parser("refresh-notebooks", help="re-execute the notebooks in place with their defaults "
                                             "(the outputs nbval compares against) and refresh the "
                                             "README's findings and chart")
    return parser


def _build(args) -> int:
    from .errors import UsageError
    from .labels import LANGUAGES
    from .params import MAX_OUTPUT_MB, MAX_TIMEOUT, parse_scenario, whole_number
    from .run import BuildOptions, build

    langs = LANGUAGES if args.lang == "all" else (args.lang,)   # build() rejects an unknown one
    jobs = whole_number("--jobs", args.jobs, unit="")
    timeout = whole_number("--timeout", args.timeout, maximum=MAX_TIMEOUT)
    wait = whole_number("--wait", args.wait, minimum=0, maximum=MAX_TIMEOUT)
    max_output = whole_number("--max-output-mb", args.max_output_mb, unit="megabytes", maximum=MAX_OUTPUT_MB)
    for option, folder in (("--data-dir", args.data_dir), ("--notebooks-dir", args.notebooks_dir)):
        if folder is not None and not folder.is_dir():
            raise UsageError(f"{option} {folder} is not a folder")
    options = BuildOptions(langs=langs, out=args.out, jobs=jobs, only=args.only, force=args.force,
                           data_dir=args.data_dir, timeout=timeout, wait=wait, with_code=args.with_code,
                           parameters=[tuple(p) for p in args.parameter], scenario=parse_scenario(args.scenario),
                           quiet=args.quiet, notebooks_dir=args.notebooks_dir.resolve(),
                           allow_existing=args.allow_existing, max_output_mb=max_output)
    return build(options)


def _check(args) -> int:
    from .paths import data_path
    from .plugin import load

    problems = load().check(data_path(args.data_dir), thorough=True)   # Frictionless only once the fast checks pass
    for problem in problems:
        print(problem)
    sys.stdout.flush()                   # every problem before the summary, whatever the streams
    where = args.data_dir or "data/"
    if problems:
        count = len(problems)
        print(f"{count} problem{'s' * (count != 1)} in {where}", file=sys.stderr, flush=True)
        return 1
    print(f"{where}: valid")
    return 0


def _list(args) -> int:
    from .params import declared_type, discover, notebook_parameters

    for path in discover():
        print(path.stem)
        for name, spec in notebook_parameters(path).items():
            help_text = f"  # {spec['help']}" if spec.get("help") else ""
            print(f"    {name} = {spec['default']}  ({declared_type(spec)}){help_text}")
    return 0


def _refresh(args) -> int:
    from .paths import NOTEBOOKS_DIR, REPO_ROOT
    from .params import discover
    from .refresh import refresh_notebook, refresh_readme

    for path in discover():
        print(f"executing {path.name}", flush=True)
        refresh_notebook(path)
    print("refreshing the README's findings and chart", flush=True)
    refresh_readme(REPO_ROOT / "README.md", NOTEBOOKS_DIR)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .errors import FAILED, LOCKED, USAGE, BuildError, LockTimeout, UsageError, describe_os_error

    try:
        return {"build": _build, "check": _check, "list": _list,
                "refresh-notebooks": _refresh}[args.command](args)
    except UsageError as err:
        return _fail(err, USAGE)
    except LockTimeout as err:
        return _fail(err, LOCKED)
    except BuildError as err:
        return _fail(err, FAILED)
    except BrokenPipeError:
        # the reader went away (`guilin-report list | head`): stop quietly, as a shell tool does
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as err:
        return _fail(describe_os_error(err), FAILED)
    except KeyboardInterrupt:
        print("guilin-report: interrupted", file=sys.stderr)
        return 130


def _fail(message, code: int) -> int:
    print(f"guilin-report: error: {message}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
