"""PNG plots of a scaling run (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

PLOTS = {
    "time": "bench-scaling-time.png",
    "latency": "bench-scaling-latency.png",
    "memory": "bench-scaling-memory.png",
}


def marginal_rss_kb(rows: list[dict]) -> list[float | None]:
    """Resident memory added per stored article over each window (the models' fixed cost drops out)."""
    out: list[float | None] = [None]
    for prev, cur in zip(rows, rows[1:]):
        if prev.get("segment") != cur.get("segment") or cur["articles"] <= prev["articles"]:
            out.append(None)  # another run (another process): no growth across it
            continue
        out.append(max(0.0, (cur["rss_mb"] - prev["rss_mb"]) * 1024 / (cur["articles"] - prev["articles"])))
    return out


def write_plots(run: dict, out_dir: Path) -> list[Path]:
    """Time per article, assignment latency and memory per article against store size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    every = run["rows"]
    if not every:
        return []
    rows = [r for r in every if r.get("grown", "live") == "live"]  # lines: the store grown live
    cloned = [r for r in every if r.get("grown") == "cloned"]  # markers: windows on cloned stores
    if not rows:
        rows, cloned = cloned, []
    out_dir.mkdir(parents=True, exist_ok=True)
    x = [r["articles"] for r in rows]
    header = run.get("header") or {}
    ner_ran = (header.get("cache_fill") or {}).get("ner_installed")
    note = ((" (NER + embeddings cached)" if ner_ran else " (embeddings cached; no NER model in this run)")
            if header.get("cache") else "")
    written: list[Path] = []

    def finish(fig, ax, name, ylabel, title):
        ax.set_xscale("log")
        ax.set_xlabel("articles in the store")
        ax.set_ylabel(ylabel)
        ax.set_title(title + note, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = out_dir / PLOTS[name]
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(x, [r["ms_per_article"] for r in rows], label="wall ms / article", lw=1.2)
    if rows[0].get("cpu_ms_per_article") is not None:
        ax.plot(x, [r["cpu_ms_per_article"] for r in rows], label="CPU ms / article", lw=1.2)
    stages = sorted({k for r in rows for k in (r.get("stage_ms_per_article") or {})})
    for stage in stages:
        ax.plot(x, [(r.get("stage_ms_per_article") or {}).get(stage) for r in rows], label=f"{stage} stage",
                lw=0.8, ls="--")
    if cloned:
        cx = [r["articles"] for r in cloned]
        ax.scatter(cx, [r["ms_per_article"] for r in cloned], marker="s", s=22, label="wall, cloned store")
        ax.scatter(cx, [r.get("cpu_ms_per_article") for r in cloned], marker="o", s=22, label="CPU, cloned store")
    ax.set_ylim(bottom=0)
    finish(fig, ax, "time", "milliseconds per article (window)", "Time per article")

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(x, [r["assign_p50_ms"] for r in rows], label="p50 wall", lw=1.2)
    ax.plot(x, [r["assign_p99_ms"] for r in rows], label="p99 wall", lw=1.2)
    if rows[0].get("assign_cpu_p99_ms") is not None:
        ax.plot(x, [r["assign_cpu_p50_ms"] for r in rows], label="p50 CPU", lw=1.2, ls="--")
        ax.plot(x, [r["assign_cpu_p99_ms"] for r in rows], label="p99 CPU", lw=1.2, ls="--")
    if cloned:
        cx = [r["articles"] for r in cloned]
        ax.scatter(cx, [r["assign_p99_ms"] for r in cloned], marker="s", s=22, label="p99 wall, cloned store")
        ax.scatter(cx, [r.get("assign_cpu_p99_ms") for r in cloned], marker="o", s=22, label="p99 CPU, cloned store")
    ax.axhline(50, color="red", lw=0.8, ls=":", label="p99 target 50 ms")
    ax.set_ylim(bottom=0)
    finish(fig, ax, "latency", "ms per article (learn_one)", "Online event assignment latency")

    fig, ax = plt.subplots(figsize=(7, 4))
    growth = marginal_rss_kb(rows)
    ax.plot(x[1:], growth[1:], label="resident memory growth, kB per added article", lw=1.2)
    ax.plot(x, [r["db_mb"] * 1024 / r["articles"] for r in rows], label="database kB / article", lw=1.2)
    if cloned:
        ax.scatter([r["articles"] for r in cloned], [r["db_mb"] * 1024 / r["articles"] for r in cloned], marker="s",
                   s=22, label="database kB / article, cloned store")
    ax.set_yscale("log")
    ax2 = ax.twinx()
    ax2.plot(x, [r["rss_mb"] for r in rows], color="grey", lw=0.8, ls="--", label="resident MB (right)")
    if cloned:
        ax2.scatter([r["articles"] for r in cloned], [r["rss_mb"] for r in cloned], color="grey", marker="^", s=22,
                    label="resident MB, cloned store (right)")
    ax2.set_ylabel("resident MB")
    ax2.legend(fontsize=8, loc="lower right")
    finish(fig, ax, "memory", "kB per article", "Memory per article")
    return written
