"""Size limits: articles and files/feeds over the configured limit are skipped with a clear message,
set by CLI option or environment variable; everything under the limit is still stored."""

from __future__ import annotations

import gzip
import json

from typer.testing import CliRunner

import samples
from storyline.cli import app

runner = CliRunner()


def _ingest(db, *args, env=None):
    result = runner.invoke(app, ["--db", str(db), "ingest", *args, "--json"], env=env)
    return result, (json.loads(result.stdout) if result.stdout.strip().startswith("{") else None)


def _articles(tmp_path, sizes):
    path = tmp_path / "sized.jsonl"
    path.write_text("".join(json.dumps({"id": f"s{n}", "text": ("Woord " * n)[:n].strip() or "x"}) + "\n"
                            for n in sizes))
    return path


def test_max_article_bytes_option(tmp_path):
    path = _articles(tmp_path, [500, 5_000, 50_000])
    result, summary = _ingest(tmp_path / "a.db", str(path), "--max-article-bytes", "10000")
    assert result.exit_code == 1  # something was skipped: a non-zero exit for scripts
    assert summary["new"] == 2 and summary["failed"] == 1
    assert summary["errors"] == [f"{path}:3: article larger than the limit of 10000 bytes"]


def test_max_article_bytes_from_environment(tmp_path):
    path = _articles(tmp_path, [500, 5_000])
    _, summary = _ingest(tmp_path / "a.db", str(path), env={"STORYLINE_MAX_ARTICLE_BYTES": "1000"})
    assert summary["new"] == 1 and "article larger than the limit of 1000 bytes" in summary["errors"][0]


def test_max_file_bytes_applies_to_feeds_and_files(tmp_path):
    feed = tmp_path / "big.rss"
    feed.write_bytes(samples.RSS)
    small = tmp_path / "small.jsonl"
    small.write_bytes(samples.JSONL)
    limit = len(samples.RSS) - 1
    result, summary = _ingest(tmp_path / "f.db", str(feed), str(small), "--max-file-bytes", str(limit))
    assert result.exit_code == 1 and summary["new"] == 2
    assert summary["errors"] == [f"{feed}: file larger than the limit of {limit} bytes"]
    _, summary = _ingest(tmp_path / "f2.db", str(feed), env={"STORYLINE_MAX_FILE_BYTES": str(len(samples.RSS))})
    assert summary["new"] == 2 and not summary["errors"]


def test_gzip_bomb_stops_at_the_file_limit(tmp_path):
    """A .jsonl.gz is checked compressed; what it inflates to is bounded by the same limit."""
    bomb = tmp_path / "bomb.jsonl.gz"
    bomb.write_bytes(gzip.compress(samples.JSONL + b"0" * (40 * 1024 * 1024)))
    assert bomb.stat().st_size < 100_000
    result, summary = _ingest(tmp_path / "b.db", str(bomb), "--max-file-bytes", str(8 * 1024 * 1024),
                              "--max-article-bytes", "100000")
    assert summary["new"] == 2
    assert any("input larger than the limit of 8388608 bytes; stopped reading" in e for e in summary["errors"])


def test_overlong_line_is_skipped_and_reading_goes_on(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"[" * (2 * 1024 * 1024) + b"\n" + samples.JSONL)
    _, summary = _ingest(tmp_path / "l.db", str(path), "--max-article-bytes", "100000")
    assert summary["new"] == 2
    assert summary["errors"] == [f"{path}:1: line longer than 665536 bytes: larger than the article limit "
                                 "of 100000 bytes"]


def test_limits_must_be_positive(tmp_path):
    result = runner.invoke(app, ["--db", str(tmp_path / "x.db"), "ingest", str(tmp_path), "--max-article-bytes", "0"])
    assert result.exit_code == 2 and "max-article-bytes" in result.output
