"""Progress: a bar on a terminal, one plain line per notebook otherwise (cron), nothing if quiet."""
from __future__ import annotations

import sys


class Reporter:
    """Tells the user what the build does; errors are printed even when quiet."""

    def __init__(self, total: int, quiet: bool, stream=None):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.bar = None
        if total and not quiet and self.stream.isatty():
            import tqdm

            tqdm.tqdm.monitor_interval = 0         # no monitor thread beside the worker processes
            self.bar = tqdm.tqdm(total=total, unit="notebook", file=self.stream, leave=False)

    def say(self, line: str) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def done(self, result) -> None:
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
            self.bar = None
