"""The outbox builds the same observed value in the browser as the server does from the plain form."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from checkapp.models import CheckItem
from checkapp.verdict.kinds import observed_from_fields

FORMS_JS = Path(__file__).resolve().parent.parent / "static" / "js" / "forms.js"
SCRIPT = """
const { observed } = await import(process.argv[1]);
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify(cases.map(([kind, fields]) => {
  const data = {
    get: (n) => (n in fields ? [].concat(fields[n])[0] : null),
    getAll: (n) => [].concat(fields[n] ?? []),
  };
  return observed(kind, data, { querySelector: () => ("missing" in fields ? {} : null) });
})));
"""

CASES = [
    ("yes_no", {"value": "yes"}, {}),
    ("yes_no", {"value": "no", "note": "x"}, {}),
    ("yes_no", {"na": "1"}, {}),
    ("number", {"value": "2,5"}, {}),
    ("number", {"value": "4"}, {}),
    ("duration", {"minutes": "2", "seconds": "30"}, {}),
    ("duration", {"value": "95", "laps": "40, 55"}, {}),
    ("time_window", {"value": "9:05"}, {}),
    ("time_window", {"value": "14h30"}, {}),
    ("choice", {"value": "printed"}, {"options": ["printed", "handwritten"], "promised": ["printed"]}),
    ("rating", {"value": "4"}, {"min": 4}),
    ("text", {"value": "Polite, but slow", "flag": "1"}, {}),
    ("text", {"value": "Fine"}, {}),
    ("photo", {"flag": "1"}, {}),
    ("photo", {}, {}),
    ("email", {"minutes": "39", "seconds": "0", "missing": ["free returns"]}, {"phrases": ["free returns", "invoice"]}),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_browser_and_server_read_the_answer_forms_alike():
    cases = [[kind, fields] for kind, fields, _ in CASES]
    result = subprocess.run(["node", "--experimental-detect-module", "--input-type=module", "-e", SCRIPT,
                             FORMS_JS.as_uri(), json.dumps(cases)], capture_output=True, text=True, check=True)
    browser = json.loads(result.stdout)
    for (kind, fields, expected), seen in zip(CASES, browser, strict=True):
        form = MultiDict([(k, v) for k, vs in fields.items() for v in ([vs] if isinstance(vs, str) else vs)])
        server = observed_from_fields(CheckItem(kind=kind, expected=expected), form)
        assert seen == server, (kind, fields)
