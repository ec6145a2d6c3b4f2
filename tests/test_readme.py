"""The README opens with the set-up-and-run command and the test command, and CI runs the latter."""

from __future__ import annotations

import re

from conftest import ROOT


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", readme, flags=re.S)[:2]


def test_readme_opens_with_two_commands():
    run, test = _commands()
    assert "dedupe clean" in run and "seeds/" in run
    assert "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = _commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
