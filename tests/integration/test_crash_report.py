"""The crash report (host/crash.c): a fatal signal leaves, in the log, the
bug-report header, the signal with its si_code, the faulting address and
instruction, a backtrace and the end marker, then the process dies of the
same signal. The report must also come out when the fault is a jump into
unmapped code (what a call into an unloaded module does): the test module
tests/modules/crashy.c jumps to an address in the never-mapped first page,
and the backtrace must still name the module's function and the server's
frames below it.
"""

import os
import re
import signal

import pytest

from modis_helpers import REPO, RawConn

pytestmark = pytest.mark.modis_only

BUILDDIR = os.environ.get("MODIS_BUILDDIR") or REPO



def in_server(line):
    """Is this backtrace line a frame of the server binary? glibc names the
    executable by argv[0], which holds the process title (set-proc-title),
    as Redis's reports show "redis-server *:6379(...)"."""
    return re.search(r"modis-server[^(]*\(", line) is not None

def wait_dead(srv, timeout=10):
    srv.proc.wait(timeout)
    srv.expected_exit = True
    return srv.proc.returncode


def report_of(srv):
    log = srv.log()
    start = log.find("=== MODIS BUG REPORT START")
    assert start >= 0, log
    end = log.find("=== MODIS BUG REPORT END", start)
    assert end > start, log
    return log[start:end]


def backtrace_lines(report):
    return report.split("Backtrace:\n", 1)[1].splitlines()


def test_kill_segv_leaves_a_report(start_server):
    srv = start_server()
    os.kill(srv.proc.pid, signal.SIGSEGV)
    assert wait_dead(srv) == -signal.SIGSEGV
    report = report_of(srv)
    pid = srv.proc.pid
    assert ("%d:signal-handler (" % pid) in report
    assert "crashed by signal: 11 (SIGSEGV), si_code: 0" in report
    assert ("Killed by PID: %d" % os.getpid()) in report
    assert any(in_server(line) for line in backtrace_lines(report))


def test_debug_segfault_leaves_a_report(start_server):
    srv = start_server()
    c = RawConn(srv.port)
    c.send_command("DEBUG", "SEGFAULT")
    assert wait_dead(srv) == -signal.SIGSEGV
    c.close()
    report = report_of(srv)
    assert "crashed by signal: 11 (SIGSEGV), si_code: 2" in report  # SEGV_ACCERR
    assert "Accessing address: 0x" in report
    assert "Crashed running the instruction at: 0x" in report
    assert "not mapped" not in report


def test_jump_into_unmapped_code_leaves_a_report(start_server):
    path = os.path.join(BUILDDIR, "tests", "modules", ".libs", "crashy.so")
    if not os.path.exists(path):
        pytest.skip("%s not built (the test modules are built by `make check`)" % path)
    srv = start_server()
    c = RawConn(srv.port)
    assert c.call("MODULE", "LOAD", path) == b"+OK\r\n"
    c.send_command("CRASHY.JUMP")
    assert wait_dead(srv) == -signal.SIGSEGV
    c.close()
    report = report_of(srv)
    assert "crashed by signal: 11 (SIGSEGV), si_code: 1" in report  # SEGV_MAPERR
    assert "Accessing address: 0x10\n" in report
    assert "Crashed running the instruction at: 0x10\n" in report
    assert "The instruction address is not mapped" in report
    lines = backtrace_lines(report)
    crashy = [i for i, line in enumerate(lines) if "crashy.so(" in line]
    assert crashy, report
    # The frames below the module's handler are the server's dispatcher.
    assert any(in_server(line) for line in lines[crashy[0] + 1:]), report


@pytest.mark.parametrize("sub, lines", [
    ("ASSERT", ["=== ASSERTION FAILED ===", "==> "]),
    ("PANIC", ["!!! Software Failure. Press left mouse button to continue",
               "Guru Meditation: DEBUG PANIC called at Unix time "]),
])
def test_debug_assert_and_panic_leave_a_report(start_server, sub, lines):
    srv = start_server()
    c = RawConn(srv.port)
    c.send_command("DEBUG", sub)
    assert wait_dead(srv) == -signal.SIGABRT
    c.close()
    log = srv.log()
    for line in lines:
        assert line in log
    report = report_of(srv)
    assert "crashed by signal: 6 (SIGABRT)" in report
    assert any(in_server(line) for line in backtrace_lines(report))
