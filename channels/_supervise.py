"""The job worker processes `serve` starts beside its API processes, kept running until it stops.

Each is `influencer-os worker --nice N`: a separate interpreter, so a turn's CPU never holds the
API's interpreter lock, and at a lower priority, so the operating system gives a webhook's
acknowledgement the CPU first (measured in `bench webhook`). One that exits is started again.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading

__all__ = ["JobWorkers"]

log = logging.getLogger(__name__)

class JobWorkers:
    """`count` worker processes of `threads` threads each, restarted when one exits."""

    def __init__(self, count: int, *, threads: int = 4, nice: int = 19) -> None:
        self.count, self.threads, self.nice = count, threads, nice
        self._processes: list[subprocess.Popen[bytes]] = []
        self._stop = threading.Event()
        self._watch: threading.Thread | None = None

    def describe(self) -> str:
        return f"{self.count} process(es) of {self.threads} threads, nice {self.nice}"

    def _spawn(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "channels.cli", "worker",
                   "--threads", str(self.threads), "--nice", str(self.nice)]
        return subprocess.Popen(command)  # its log lines go where the server's go

    def start(self) -> None:
        """Start the processes and a thread that restarts any that exits."""
        if not self.count:
            return
        self._processes = [self._spawn() for _ in range(self.count)]
        self._watch = threading.Thread(target=self._keep, name="job-workers", daemon=True)
        self._watch.start()

    def _keep(self) -> None:
        while not self._stop.wait(2.0):
            for i, process in enumerate(self._processes):
                if process.poll() is not None and not self._stop.is_set():
                    log.warning("job worker %s exited with %s; starting another", process.pid, process.returncode)
                    self._processes[i] = self._spawn()

    def stop(self) -> None:
        """Stop the processes (SIGTERM, then SIGKILL after 10 s)."""
        self._stop.set()
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
