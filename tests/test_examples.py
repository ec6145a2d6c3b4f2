"""Every example in examples/ runs and prints what it promises (CI runs them through this test)."""

from __future__ import annotations

import runpy
import subprocess
import sys

import pytest
from conftest import ROOT

EXAMPLES = {
    "quickstart.py": ["boilerplate.reading_time", "duplicate.within"],
    "corpus_report.py": ["duplicate.corpus", "wrote report.html: 5 documents"],
    "trafilatura_pipeline.py": ["Ferries will run every twenty minutes", "same clean text both ways: True"],
    "dask_bag.py": [
        "24 documents cleaned in 4 partitions, 94 blocks removed",
        "46 paragraphs removed as copies of earlier documents",
    ],
    "datatrove_step.py": ["1 of 2 documents kept"],
    "property_test.py": ["both properties hold"],
}


def test_every_example_is_listed():
    assert sorted(p.name for p in (ROOT / "examples").glob("*.py")) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs(name, tmp_path, monkeypatch, capsys):
    # In-process (runpy, as `python examples/NAME.py` would run it): the imports are shared, so the
    # six examples cost seconds, not a minute of interpreter start-ups.
    path = ROOT / "examples" / name
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [str(path)])
    runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    for needle in EXAMPLES[name]:
        assert needle in out, (needle, out[-2000:])
    if name == "corpus_report.py":
        assert (tmp_path / "report.html").stat().st_size > 10_000


def test_an_example_runs_as_a_script(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "duplicate.within" in proc.stdout
