"""CLI contract: python -m matching rank|build|query|explain|bench, run as a subprocess."""
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import small_corpus

ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin=None):
    """Run ``python -m matching ...`` from the repository root; return the completed process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "matching", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def corpus_file(tmp_path):
    rows = [{"id": d["id"], "title": d["title"], "text": d["text"], "keywords": d["keywords"], "extra": 1}
            for d in small_corpus()]
    return write_jsonl(tmp_path / "corpus.jsonl", rows)


def test_rank_writes_one_json_line_per_query(tmp_path):
    queries = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "q1", "text": "锂离子电池热失控预警", "relevant": [1]},
        {"id": 7, "text": "GaN 5G 基站"},
        {"id": "q3", "text": "的了"},
    ])
    p = run("rank", "--corpus", corpus_file(tmp_path), "--queries", queries, "--top", "3", "--workers", "1")
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines()]
    assert [x["query_id"] for x in lines] == ["q1", 7, "q3"]
    assert lines[0]["ranked"][0] == 1 and len(lines[0]["ranked"]) <= 3
    assert lines[1]["ranked"][0] == 2
    assert lines[2]["ranked"] == []
    assert set(lines[0]) == {"query_id", "ranked"}
    assert "ranking" in p.stderr  # progress goes to stderr


def test_rank_quiet_and_parallel_give_the_same_output(tmp_path):
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": i, "text": t} for i, t in enumerate(["电池", "废水", "脑电"])])
    a = run("rank", "--corpus", corpus_file(tmp_path), "--queries", queries, "--workers", "1", "--quiet")
    b = run("rank", "--corpus", corpus_file(tmp_path), "--queries", queries, "--workers", "2", "--quiet")
    assert a.returncode == 0 and a.stdout == b.stdout and a.stderr == ""


def test_build_query_explain_on_a_saved_index(tmp_path):
    index = str(tmp_path / "idx")
    assert run("build", "--corpus", corpus_file(tmp_path), "--index", index, "--quiet").returncode == 0
    p = run("query", "--index", index, "--text", "锂离子电池热失控", "--top", "2")
    out = json.loads(p.stdout)
    assert out["matches"][0]["id"] == 1 and out["matches"][0]["explanation"]["terms"]
    p = run("explain", "--index", index, "--text", "锂离子电池热失控", "--doc", "1")
    exp = json.loads(p.stdout)
    assert exp["id"] == 1 and exp["score"] > 0 and "热失控" in exp["explanation"]["summary"]


def test_bench_quality_on_a_tiny_set(tmp_path):
    ds = tmp_path / "set"
    ds.mkdir()
    corpus_file(ds)
    write_jsonl(ds / "queries.jsonl", [{"id": "a", "text": "锂离子电池热失控", "relevant": [1], "type": "t"},
                                        {"id": "b", "text": "废水处理", "relevant": [6], "type": "t"}])
    p = run("bench", "--quality", "--dataset", str(ds), "--quiet", "--workers", "1")
    assert p.returncode == 0, p.stderr
    assert "| set | blend (matching) | all | 2 | 1.000" in p.stdout
    assert "BM25 (bm25s)" in p.stdout and "TF-IDF (sklearn)" in p.stdout


def test_bad_arguments_exit_nonzero():
    assert run("rank").returncode == 2
    assert run("query", "--index", "x").returncode == 2
    assert run("bench").returncode == 2
