"""Draw entities at random from what `storyline entities` shows, each with the sentences of its mentions, to read.

    python scripts/sample_shown_entities.py STORE.db SEED N [--all]

The entities are those the listing shows by default (settings enrich.entity_min_confidence up; ``--all`` for every
entity); for each: name, type, mentions, articles, place, variants, and up to two mentions in context from each
of its first four articles. Used for the "read 50 entities at random" figure of docs/benchmarks.md.
"""

import json
import os
import random
import sqlite3
import subprocess
import sys


def main() -> None:
    db, seed, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    extra = sys.argv[4:]
    out = subprocess.run([sys.executable, "-m", "storyline", "--db", db, "entities", "--jsonl", *extra],
                         capture_output=True, text=True, env=dict(os.environ), check=True).stdout
    ents = [json.loads(line) for line in out.splitlines() if line.strip()]
    print(f"# shown entities: {len(ents)}; seed {seed}")
    pick = random.Random(seed).sample(ents, n)
    conn = sqlite3.connect(db)
    for i, e in enumerate(pick, 1):
        where = (f"{e.get('country')} {e['lat']:.2f},{e['lon']:.2f}" if e.get("lat") is not None
                 else (e.get("country") or ""))
        print(f"\n## {i}. [{e['id']}] {e['name']} | {e['type']} | m={e['mentions']} a={len(e['articles'])} | {where}"
              f" | variants: {e['variants'][:8]}")
        rows = conn.execute("SELECT m.article_id, m.type, m.start, m.\"end\", a.text FROM mentions m JOIN articles a"
                            " ON a.id = m.article_id WHERE m.entity_id = ? ORDER BY m.id LIMIT 40", (e["id"],))
        seen: dict[str, int] = {}
        for aid, type_, start, end, text in rows:
            seen.setdefault(aid, 0)
            if seen[aid] >= 2 or len(seen) > 4:
                continue
            seen[aid] += 1
            print(f"   {aid[:14]} {type_}: …{text[max(0, start - 90):end + 70].replace(chr(10), ' ')}…")


if __name__ == "__main__":
    main()
