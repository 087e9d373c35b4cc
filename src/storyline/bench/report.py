"""Markdown for docs/benchmarks-speed.md: the bench replaces its own marked sections, keeps the rest."""

from __future__ import annotations

import re
import time
from pathlib import Path

from storyline.bench.harness import machine

CHECKPOINTS = (10_000, 100_000, 1_000_000)


def _machine_line(info: dict | None = None) -> str:
    m = info or machine()
    return f"{m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, Python {m['python']}"


def e2e_markdown(result: dict, command: str) -> str:
    stages = result.get("stages", {})
    total = result.get("seconds") or 0.0
    lines = [
        f"Command: `{command}`  ",
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ",
        f"Machine: {_machine_line(result.get('machine'))}; load average at start {result.get('load_average_start')}, "
        f"at end {result.get('load_average_end')}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| articles through the pipeline | {result['articles']} (read {result['read']}, duplicates "
        f"{result['duplicates']}, copies {result['copies']}) |",
        f"| wall seconds | {result['seconds']} |",
        f"| **articles/s end-to-end** | **{result['articles_per_s']}** |",
        f"| CPU seconds (pipeline process) / articles per CPU second | {result.get('cpu_s')} / "
        f"{result.get('cpu_articles_per_s')} |",
        f"| models ahead in a worker process (`--prefetch`) | {'yes' if result.get('prefetch') else 'no'}"
        f" ({result.get('prefetch_batches', 0)} batches; worker CPU seconds {result.get('worker_cpu_s', 0)}) |",
        f"| models alone: seconds | {result.get('models_only_s')} |",
        f"| models alone: articles/s | {result.get('models_only_articles_per_s')} (CPU seconds "
        f"{result.get('models_only_cpu_s')}) |",
        f"| slowest model | {result.get('slowest_model')} ({result.get('slowest_model_articles_per_s')} articles/s) |",
        f"| **ratio pipeline / models** | **{result.get('ratio')}** (vs slowest model alone: "
        f"{result.get('ratio_vs_slowest')}); **in CPU seconds: {result.get('cpu_ratio')}** |",
        f"| model seconds inside the pipeline | {result.get('models_in_pipeline_s')} |",
        f"| assignment latency p50 / p99 (ms) | wall {result['assignment_ms']['p50']} / "
        f"{result['assignment_ms']['p99']}; CPU {result['assignment_ms'].get('cpu_p50')} / "
        f"{result['assignment_ms'].get('cpu_p99')} |",
        f"| start-up (models, dictionaries; not in the figures above) | {result.get('startup_s')} s |",
        f"| peak RSS (MB) | {result['peak_rss_mb']} (models-alone process: {result.get('models_only_peak_rss_mb')}) |",
    ]
    if result.get("models_note"):
        lines.append(f"| note | {result['models_note']} |")
    lines += ["", "| stage | seconds | share |", "|---|---|---|"]
    for name, sec in stages.items():
        share = f"{100 * sec / total:.0f} %" if total else ""
        lines.append(f"| {name} | {sec} | {share} |")
    return "\n".join(lines) + "\n"


def scaling_markdown(run: dict, command: str, plot_names: list[str]) -> str:
    header, rows, footer = run.get("header") or {}, run["rows"], run.get("footer")
    lines = [
        f"Command: `{command}`  ",
        f"Started: {header.get('started')}; {'finished ' + footer['finished'] if footer else 'stopped before the target (partial run)'}  ",
        f"Machine: {_machine_line(header.get('machine'))}; code at commit {header.get('commit')}  ",
        f"Target {header.get('target')} articles, a row every {header.get('every')}, batches of "
        f"{header.get('batch_size')}; replay of {header.get('base_articles')} distinct DPG articles.  ",
    ]
    if header.get("cache"):
        fill = header.get("cache_fill") or {}
        lines.append(
            "**Enrichment models cached**: NER and the sentence embedder ran once on the base corpus "
            f"({fill.get('seconds')} s, {fill.get('model_s')}; NER installed: {fill.get('ner_installed')}); "
            "replayed copies are answered from that cache. Everything else runs live."
            + ("" if fill.get("ner_installed") else " **No NER model was found when this run started**, so no "
               "entity mentions were stored or linked in it."))
    lines += ["", "| store size | grown | wall ms/article | CPU ms/article | assign p50 / p99 ms wall | "
                  "assign p50 / p99 ms CPU | RSS MB | RSS growth kB/article | DB kB/article | load avg |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    live = [r for r in rows if r.get("grown", "live") == "live"]
    shown = []
    for target in _checkpoints(live[-1]["articles"] if live else 0):
        near = [r for r in live if r["articles"] >= target]
        if near and near[0] not in shown:
            shown.append(near[0])
    if live and live[-1] not in shown:
        shown.append(live[-1])
    if live and live[0] not in shown:
        shown.insert(0, live[0])
    shown += [r for r in rows if r.get("grown") == "cloned"]  # every window measured on a cloned store
    from storyline.bench.plots import marginal_rss_kb

    growth = {id(r): g for r, g in zip(rows, marginal_rss_kb(rows))}
    for r in shown:
        g = growth.get(id(r))
        lines.append(
            f"| {r['articles']:,} | {r.get('grown', 'live')} | {r['ms_per_article']} | {r.get('cpu_ms_per_article')} | "
            f"{r['assign_p50_ms']} / {r['assign_p99_ms']} | {r.get('assign_cpu_p50_ms')} / "
            f"{r.get('assign_cpu_p99_ms')} | {r['rss_mb']} | {'—' if g is None else round(g, 1)} | "
            f"{r['db_mb'] * 1024 / r['articles']:.1f} | {r.get('load_average')} |")
    lines.append("")
    lines.append("Each row is the window of live-replayed articles ending at that store size (every "
                 f"{header.get('every'):,} articles of the live run: the first row at or after every 10k up to 100k and "
                 "every 100k up to 1M, plus the first and the last). *live*: the store was grown to that size by the live replay; *cloned*: "
                 "the store was grown by SQL cloning of a live-replayed store (`storyline.store.clone`: every table, "
                 "ids and dates shifted per copy, full-text index filled), then this window was replayed live on it. "
                 "RSS growth is over the window, within one run.")
    for seg in (run.get("segments") or [])[1:]:
        c = seg.get("clone") or {}
        lines.append(f"- run `{seg.get('command')}` at {seg.get('started')} (commit {seg.get('commit')}), from "
                     f"{seg.get('start_articles', 0):,} articles: "
                     + (f"store of {c.get('articles'):,} articles cloned from {c.get('source_articles'):,} live ones "
                        f"({c.get('copies')} copies, {c.get('seconds')} s)" if c else "continued a live store"))
    for name in plot_names:
        lines.append(f"![{name}]({name})")
    return "\n".join(lines) + "\n"


def _checkpoints(last: int) -> list[int]:
    """Store sizes to show: every 10k up to 100k, every 100k up to 1M, and the headline sizes."""
    steps = [n for n in range(10_000, 100_001, 10_000)] + [n for n in range(200_000, 1_000_001, 100_000)]
    return sorted({n for n in steps if n <= last} | set(CHECKPOINTS))


def replace_section(path: Path, name: str, body: str) -> None:
    """Put ``body`` between ``<!-- bench:NAME -->`` markers in ``path`` (appended if absent)."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Speed benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
