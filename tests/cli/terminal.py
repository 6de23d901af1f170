"""Run the CLI with stdout and stderr on a pseudo-terminal of a given size (as a person would)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios


def run_in_terminal(args: list[str], columns: int = 80, env: dict | None = None,
                    timeout: float = 300) -> tuple[int, str]:
    """(exit code, everything written to the terminal) of `python -m coprod_kg ARGS`."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {k: v for k, v in (env or os.environ).items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen([sys.executable, "-m", "coprod_kg", *args], stdin=subprocess.DEVNULL,
                               stdout=secondary, stderr=secondary, env=environment)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    code = process.wait(timeout=timeout)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
