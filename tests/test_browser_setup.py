"""`make test` on a machine without Chromium: the browser tests skip with one line saying how to
get it, except on CI, where a missing browser is an error."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONE_BROWSER_FILE = "tests/browser/test_login_journey.py"


def run_pytest(**env: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "CI"} | env
    return subprocess.run([sys.executable, "-m", "pytest", ONE_BROWSER_FILE], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=300)


def test_without_chromium_the_browser_tests_skip_with_one_line_saying_how_to_get_it():
    result = run_pytest(CHECKAPP_BROWSER="/nonexistent")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 skipped" in output
    hints = [line for line in output.splitlines() if "apt-get install chromium" in line]
    assert len(hints) == 1, output
    assert "playwright install chromium" in hints[0] and "CHECKAPP_BROWSER=/nonexistent" in hints[0]


def test_on_ci_a_missing_chromium_is_an_error():
    result = run_pytest(CHECKAPP_BROWSER="/nonexistent", CI="true")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "apt-get install chromium" in output and "CI=true" in output
