"""veridata's pytest reporter: one JSON line per event on the report channel (the fd in VERIDATA_REPORT_FD).

The channel is a pipe read by the sandbox supervisor, so what counts is what pytest reported while it ran, not an exit
status or a file left behind. It runs in the same process as the code under test, so it proves nothing alone: the host
also checks that exactly the tests it found by parsing the test file ran, and that its own must-fail test failed.
Items whose function was imported from the solution (`from solution import *` brings a solution's own `test_*`
helpers along) are deselected and listed as foreign: they are not the tests being checked.
"""
import json
import os

import pytest

_LIMIT = 2000
try:
    _FD = int(os.environ.get("VERIDATA_REPORT_FD", "3"))
    os.set_inheritable(_FD, False)
except (OSError, ValueError):
    _FD = -1


def _emit(event):
    if _FD < 0:
        return
    data = (json.dumps(event) + "\n").encode("utf-8", "replace")
    while data:
        written = os.write(_FD, data)
        data = data[written:]


def _text(longrepr):
    text = "" if longrepr is None else str(longrepr)
    if len(text) > _LIMIT:
        text = text[: _LIMIT // 2] + "\n...\n" + text[-_LIMIT // 2 :]
    return text


def pytest_sessionstart(session):
    _emit({"event": "start", "pytest": pytest.__version__})


def pytest_collectreport(report):
    if report.failed:
        _emit({"event": "collect-error", "nodeid": report.nodeid, "message": _text(report.longrepr)})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    kept, foreign = [], []
    for item in items:
        module = getattr(item, "module", None)
        owner = getattr(item, "cls", None) or getattr(item, "function", None)
        if module is not None and owner is not None and getattr(owner, "__module__", None) != module.__name__:
            foreign.append(item)
        else:
            kept.append(item)
    if foreign:
        config.hook.pytest_deselected(items=foreign)
        items[:] = kept
    _emit({"event": "collected", "items": [item.nodeid for item in kept], "foreign": [item.nodeid for item in foreign]})


def pytest_runtest_logreport(report):
    event = {"event": "test", "nodeid": report.nodeid, "when": report.when, "outcome": report.outcome}
    if hasattr(report, "wasxfail"):
        event["xfail"] = True
    if report.outcome != "passed":
        event["message"] = _text(report.longrepr)
    _emit(event)


def pytest_sessionfinish(session, exitstatus):
    _emit({"event": "end", "exitstatus": int(exitstatus), "collected": session.testscollected, "failed": session.testsfailed})
