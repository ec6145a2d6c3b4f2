"""Rough edges a new user met (issue 18), each pinned by a test; settings files; progress."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from dataclasses import fields, is_dataclass

import pytest
from conftest import ROOT, SEEDS

import dedupe
from dedupe import cli
from dedupe.cli import main
from dedupe.io import InputProgress
from dedupe.progress import Progress
from dedupe.settings import config_from_mapping, config_to_toml, load_config

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

SEED_FILES = sorted(str(p) for p in SEEDS.glob("*.txt"))
GOOD = "A headline for the test\n2 min read\nThe council agreed the budget for the harbour on Monday."


def _jsonl(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# -- outputs are checked before the work starts -----------------------------------------------------


@pytest.mark.parametrize("flag", ["--stats", "-o", "--report", "--rejects", "--report-html"])
def test_unwritable_output_fails_before_any_work(tmp_path, capsys, flag):
    out = tmp_path / "o.jsonl"
    bad = "/no/such/dir/x.jsonl"
    argv = ["clean", SEED_FILES[0], flag, bad] + ([] if flag == "-o" else ["-o", str(out)])
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dedupe: error: cannot write {bad}: folder /no/such/dir does not exist")
    assert "read 1" not in err  # no summary: nothing was read
    assert not out.exists()


def test_output_that_is_a_folder_fails_before_any_work(tmp_path, capsys):
    assert main(["clean", SEED_FILES[0], "-o", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_output_dir_under_a_file_fails_before_any_work(tmp_path, capsys):
    f = tmp_path / "f"
    f.write_text("x")
    assert main(["clean", SEED_FILES[0], "--format", "txt", "--output-dir", str(f / "sub")]) == 1
    assert "cannot write" in capsys.readouterr().err


# -- rejects ----------------------------------------------------------------------------------------


def test_every_record_rejected_exits_1_and_keeps_the_rejects(tmp_path, capsys):
    src, out, stats = tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "s.json"
    src.write_text('{"id": 1, "body": "x"}\nnot json\n')
    assert main(["clean", str(src), "-o", str(out), "--stats", str(stats)]) == 1
    assert "every record was rejected (2 of 2)" in capsys.readouterr().err
    assert not out.exists()
    assert len(_jsonl(tmp_path / "o.rejects.jsonl")) == 2
    s = json.loads(stats.read_text())
    assert s["status"] == "failed" and s["failure"].startswith("every record")


def test_empty_input_is_not_a_failure(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text("")
    assert main(["clean", str(src), "-o", str(tmp_path / "o.jsonl")]) == 0


@pytest.mark.parametrize(("rate", "code"), [("0.4", 1), ("0.5", 0), ("1", 0)])
def test_max_reject_rate(tmp_path, capsys, rate, code):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.jsonl"
    src.write_text(json.dumps({"id": "a", "text": GOOD}) + "\nnot json\n")
    assert main(["clean", str(src), "-o", str(out), "--max-reject-rate", rate]) == code
    assert out.exists() == (code == 0)
    if code:
        assert "more than --max-reject-rate 0.4" in capsys.readouterr().err


@pytest.mark.parametrize("rate", ["-0.1", "1.5", "nan", "x"])
def test_max_reject_rate_is_validated(rate, capsys):
    assert main(["clean", "--max-reject-rate", rate]) == 2


# -- ids, entry points, stdin -------------------------------------------------------------------------


def test_ids_of_files_in_folders_are_relative_paths(tmp_path, capsys):
    for sub in ("a", "b"):
        (tmp_path / "site" / sub).mkdir(parents=True)
        (tmp_path / "site" / sub / "index.txt").write_text(GOOD.replace("harbour", sub), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(tmp_path / "site"), "-o", str(out)]) == 0
    assert [r["id"] for r in _jsonl(out)] == ["a/index.txt", "b/index.txt"]
    # A file named on the command line keeps its file name as id.
    assert main(["clean", str(tmp_path / "site" / "a" / "index.txt"), "-o", str(out)]) == 0
    assert [r["id"] for r in _jsonl(out)] == ["index.txt"]


def test_python_dash_m_dedupe_works():
    proc = subprocess.run(
        [sys.executable, "-m", "dedupe", "clean", SEED_FILES[0], "-q"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["id"] == "000_77bd88fc0e4ab6ab.txt"


class _TtyStdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_terminal_on_stdin_says_it_is_waiting(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _TtyStdin(io.BytesIO(b"")))
    assert main(["clean"]) == 0
    err = capsys.readouterr().err
    assert "reading JSON lines from standard input" in err and "Ctrl-D" in err


def test_piped_stdin_is_not_told_anything(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert main(["clean"]) == 0
    assert "standard input" not in capsys.readouterr().err


# -- library and CLI agree ---------------------------------------------------------------------------


def test_clean_html_returns_the_cli_warning():
    res = dedupe.clean_html("<html><body><script>var x;</script></body></html>")
    assert res.text == "" and res.notes["warnings"] == ["no_text_extracted"]


def test_cli_warnings_come_from_the_library(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "o.jsonl"
    src.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"id": "h", "html": "<html><body></body></html>"},
                {"id": "e", "text": ""},
                {"id": "b", "text": "2 min read"},
            ]
        )
    )
    assert main(["clean", str(src), "-o", str(out), "-q"]) == 0
    got = {r["id"]: r.get("warnings") for r in _jsonl(out)}
    assert got == {"h": ["no_text_extracted"], "e": ["empty_input"], "b": ["all_blocks_removed"]}


def test_lone_surrogates_are_repaired_in_the_library():
    res = dedupe.clean("The council met on Monday \ud83d to agree the budget.")
    assert "\ud83d" not in res.text and "\ufffd" in res.text
    assert res.notes["warnings"] == ["lone_surrogates_replaced"]
    res.text.encode("utf-8")


def test_document_refuses_a_non_string_id():
    with pytest.raises(TypeError, match=r"id must be a str, got int 3; pass id=str"):
        dedupe.Document(id=3, text="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="decode bytes first"):
        dedupe.Document(id="x", text=b"bytes")  # type: ignore[arg-type]


def test_config_stages_string_says_to_pass_a_tuple():
    with pytest.raises(dedupe.ConfigError, match=r"pass stages=\('boilerplate',\)"):
        dedupe.Config(stages="boilerplate")  # type: ignore[arg-type]


# -- work limits that do not depend on the clock --------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "limit", "over", "under"),
    [("max_chars", 100, "x" * 101, "x" * 100), ("max_blocks", 3, "a\nb\nc\nd", "a\nb\nc")],
)
def test_work_limits_pass_a_document_through_deterministically(option, limit, over, under):
    cfg = dedupe.Config(**{option: limit})
    res = dedupe.clean(over, config=cfg)
    assert res.text.replace("\n\n", "\n") == over and res.removed == []
    assert res.notes["error"] == (
        f"too_large: {len(over)} characters, more than max_chars={limit}"
        if option == "max_chars"
        else f"too_large: 4 blocks, more than max_blocks={limit}"
    )
    assert "error" not in dedupe.clean(under, config=cfg).notes


def test_work_limit_in_the_cli_is_counted_and_skips_the_corpus(tmp_path, capsys):
    cfg = tmp_path / "limits.toml"
    cfg.write_text("max_blocks = 5\n")
    big = "\n".join(f"Line number {i} of a long list of things here." for i in range(6))
    src, out, stats = tmp_path / "in.jsonl", tmp_path / "o.jsonl", tmp_path / "s.json"
    src.write_text(json.dumps({"id": "big", "text": big}) + "\n" + json.dumps({"id": "ok", "text": GOOD}) + "\n")
    argv = ["clean", "--corpus", str(src), "-o", str(out), "--config", str(cfg), "--stats", str(stats)]
    assert main(argv) == 0
    big_rec, ok = _jsonl(out)
    assert big_rec["error"].startswith("too_large") and big_rec["removed"] == []
    assert "error" not in ok
    assert json.loads(stats.read_text())["errors_by_reason"] == {"too_large": 1}


def test_doc_timeout_default_is_a_last_resort():
    assert cli.DOC_TIMEOUT == 60


# -- settings files -------------------------------------------------------------------------------------


def test_config_prints_every_field_and_reads_back(capsys):
    assert main(["config"]) == 0
    text = capsys.readouterr().out
    assert config_from_mapping(tomllib.loads(text)) == dedupe.Config()
    # Every field of every nested config is in the file, with its reason where config.py gives one.
    default = dedupe.Config()
    for f in fields(default):
        value = getattr(default, f.name)
        if is_dataclass(value):
            assert f"[{f.name}]" in text
            for g in fields(value):
                assert f"\n{g.name} = " in text or f"\n# {g.name} = " in text, (f.name, g.name)
        else:
            assert f"\n{f.name} = " in text
    assert "# A block whose bigrams are at least this much contained in earlier blocks is a copy." in text


def test_config_file_sets_nested_fields_and_flags_override_it(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        'stages = ["boilerplate", "duplicates"]\nmax_passes = 2\n'
        '[duplicates]\ncontainment = 0.6\n[html]\nfavor = "precision"\n[offtopic]\nmodel_threshold = false\n'
    )
    c = load_config(str(cfg))
    assert c.stages == ("boilerplate", "duplicates") and c.max_passes == 2
    assert c.duplicates.containment == 0.6 and c.html.favor == "precision"
    assert c.offtopic.model_threshold is None
    args = cli.build_parser().parse_args(
        ["clean", "--config", str(cfg), "--duplicate-threshold", "0.7", "--html-favor", "balanced",
         "--keep-comments", "--no-html-tables", "--corpus-threshold", "0.8", "--stages", "boilerplate"]
    )  # fmt: skip
    c = cli.args_to_config(args)
    assert c.duplicates.containment == 0.7 and c.html.favor == "balanced" and c.html.include_tables is False
    assert c.boilerplate.comments is False and c.html.include_comments is True
    assert c.corpus.containment == 0.8 and c.stages == ("boilerplate",) and c.max_passes == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[duplicates]\ncontainmnet = 0.6\n", "unknown setting 'duplicates.containmnet'"),
        ("colour = 1\n", "unknown setting 'colour'"),
        ("[duplicates]\nngram = 2.5\n", "duplicates.ngram must be an integer"),
        ("[boilerplate]\nquality = 1\n", "boilerplate.quality must be true or false"),
        ("[html]\nfavor = \"fast\"\n", "html.favor must be 'balanced', 'precision' or 'recall'"),
        ("duplicates = 3\n", "[duplicates] must be a table"),
        ("stages = \"boilerplate\"\n", "stages must be a list of strings"),
        ("[duplicates\n", "is not valid TOML"),
    ],
)
def test_bad_settings_files_name_the_key(tmp_path, capsys, content, message):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content)
    assert main(["clean", "--config", str(cfg), SEED_FILES[0]]) == 2
    err = capsys.readouterr().err
    assert message in err and str(cfg) in err


def test_missing_settings_file_is_a_usage_error(capsys):
    assert main(["config", "--config", "/no/such.toml"]) == 2
    assert "cannot read settings file /no/such.toml" in capsys.readouterr().err


def test_config_to_toml_round_trips_a_changed_config():
    c = dedupe.Config(
        stages=("boilerplate",),
        corpus=dedupe.CorpusConfig(index='we"ird\\path\n.db'),
        offtopic=dedupe.OfftopicConfig(model_threshold=None),
    )
    assert config_from_mapping(tomllib.loads(config_to_toml(c))) == c


# -- progress ------------------------------------------------------------------------------------------


def test_no_progress_line_when_stderr_is_not_a_terminal(capsys):
    assert main(["clean", *SEED_FILES, "-o", "-"]) == 0
    assert "\r" not in capsys.readouterr().err


def test_progress_line_shows_docs_rate_removed_and_eta(tmp_path, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"x" * 1000)
    inputs = InputProgress([str(src)])
    assert inputs.total == 1000
    monkeypatch.setattr(inputs, "position", lambda: 250)
    stream = io.StringIO()
    p = Progress(stream, inputs, enabled=True)
    p.started -= 10  # ten seconds in, a quarter read
    p.update(docs=1234, removed=56, chars=0)
    line = stream.getvalue()
    assert line.startswith("\rdedupe: [#####...............]  25% 1,234 docs")
    assert "56 blocks removed" in line and "ETA 30s" in line and "MB/s" in line
    p.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_without_a_known_size_has_no_eta():
    stream = io.StringIO()
    p = Progress(stream, InputProgress(["-"]), enabled=True)
    p.chars = 2_000_000
    assert "ETA" not in p.line() and "%" not in p.line() and "2.0 MB" in p.line()


def test_progress_is_silent_when_disabled():
    stream = io.StringIO()
    p = Progress(stream, None, enabled=False)
    p.started -= 100
    p.update(1, 1, 1)
    assert stream.getvalue() == ""


def test_input_progress_follows_the_files_read(tmp_path):
    from dedupe.io import iter_inputs

    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "a", "text": "x"}) + "\n")
    b.write_text(json.dumps({"id": "b", "text": "y"}) + "\n")
    prog = InputProgress([str(a), str(b)])
    list(iter_inputs([str(a), str(b)], progress=prog))
    assert prog.position() == prog.total == a.stat().st_size + b.stat().st_size


def test_verbose_logs_seconds_per_stage(capsys):
    assert main(["clean", SEED_FILES[0], "-v", "--workers", "1"]) == 0
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if "seconds per stage" in x)
    for stage in ("segment", "boilerplate", "duplicates", "offtopic"):
        assert stage in line


def test_readme_and_docs_name_every_clean_flag():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        assert f"dedupe {name}" in readme
        for action in p._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt not in ("--help", "--no-html-tables"):
                    assert opt in readme, f"README does not mention {opt} of dedupe {name}"
