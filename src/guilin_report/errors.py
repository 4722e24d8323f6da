"""The builder's errors and exit codes: each error is one sentence for the command line.

Exit codes of ``guilin-report build`` (also in the README):

* ``0`` everything published (or nothing needed to change);
* ``1`` a notebook failed, the data is invalid, or a file could not be read or written;
* ``2`` a usage error (unknown option, language, notebook or parameter, a value of the wrong type);
* ``3`` another build held the output folder's lock for longer than ``--wait`` seconds;
* ``130`` / ``143`` interrupted by SIGINT (Ctrl-C) / SIGTERM.
"""
from __future__ import annotations

import errno
import os

OK, FAILED, USAGE, LOCKED = 0, 1, 2, 3


class UsageError(ValueError):
    """A bad command line: unknown language, notebook or parameter, or a value of the wrong type."""


class BuildError(RuntimeError):
    """The build cannot go on (an unreadable notebook, unusable data or output folder).

    Raised before anything is published; the message is one sentence.
    """


class LockTimeout(RuntimeError):
    """Another build held the output folder's lock for longer than the allowed wait."""


def describe_os_error(err: OSError, doing: str = "") -> str:
    """One sentence for an operating-system error: what failed, on which file, and why.

    A full disk reads "no space left on the device holding PATH", never a bare errno.
    """
    where = err.filename if err.filename is not None else ""
    if err.errno == errno.ENOSPC:
        text = f"no space left on the device holding {where or 'the output folder'}"
    else:
        reason = err.strerror or (os.strerror(err.errno) if err.errno else str(err)) or type(err).__name__
        text = f"{reason}: {where}" if where else reason
    return f"{doing}: {text}" if doing else text
