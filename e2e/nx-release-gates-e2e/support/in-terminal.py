"""Runs a command in a pseudo-terminal, as typed in a terminal, for the interruption tests.

usage: python3 in-terminal.py LOG COMMAND [ARG...]

The command is the session leader of a new pseudo-terminal and its foreground process group, so the terminal's
Ctrl-C reaches every process of the run that stays in that group, as a shell's job would. Everything the terminal
shows goes to LOG as it comes. A line `ctrl-c` on this helper's stdin types the terminal's interrupt character
(\\x03) into the terminal; the line discipline, not this helper, turns it into SIGINT. The helper exits with the
command's exit status (128 + the signal when a signal ended it).
"""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time


def main() -> int:
    log_path, command = sys.argv[1], sys.argv[2:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A terminal of a usual size: programs that ask for the width get an answer.
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    control = sys.stdin.fileno()
    watched = [master, control]
    pending = b""
    status = None
    drain_until = None
    with open(log_path, "ab", buffering=0) as log:
        while drain_until is None or time.monotonic() < drain_until:
            if status is None:
                done, status_now = os.waitpid(pid, os.WNOHANG)
                if done:
                    status = status_now
                    # What the command wrote just before it ended is still in the terminal: read it, briefly, since
                    # a process it left behind may hold the terminal open.
                    drain_until = time.monotonic() + 1.0
            try:
                ready, _, _ = select.select(watched, [], [], 0.1)
            except InterruptedError:
                continue
            if master in ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every process holding the terminal has closed it
                    data = b""
                if not data:
                    watched.remove(master)
                    if status is None:
                        _, status = os.waitpid(pid, 0)
                    break
                log.write(data)
            if control in ready:
                chunk = os.read(control, 1024)
                if not chunk:
                    watched.remove(control)
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if line.strip() == b"ctrl-c":
                        os.write(master, b"\x03")
    if status is None:
        _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)

if __name__ == "__main__":
    sys.exit(main())
