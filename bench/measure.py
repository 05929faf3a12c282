"""Run a command, then write its wall time, CPU time, peak RSS and exit status to a file.

    python -S -I bench/measure.py OUTFILE CMD [ARGS...]

Why a wrapper: on Linux a child's peak RSS starts at its parent's at fork time, so measured
straight from run.py (which holds every tool's output) small processes would all read the same.
This process stays tiny. stdin, stdout and stderr pass straight through; the time excludes this
wrapper's own start-up.
"""
import os
import resource
import sys
import time


def main() -> None:
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    _, status = os.waitpid(pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # of the one child waited for
    cpu = usage.ru_utime + usage.ru_stime
    with open(out, "w") as f:
        f.write(f"{seconds:.6f} {cpu:.6f} {usage.ru_maxrss} {code}\n")  # maxrss: kB on Linux
    sys.exit(code if 0 <= code < 256 else 1)


if __name__ == "__main__":
    main()
