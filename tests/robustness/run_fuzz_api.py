"""``make fuzz-api``: schemathesis (CLI) against ``storyline serve`` on 127.0.0.1, bounded.

Builds a small database, serves it with a write token on a free port, and runs every operation of
the served OpenAPI schema with generated requests: no 5xx, no response outside the schema.
Environment: FUZZ_API_EXAMPLES (per operation, default 200), FUZZ_API_SECONDS (default 300).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from api_support import TOKEN, Server, build_db, seed_records  # noqa: E402


def main() -> int:
    examples = os.environ.get("FUZZ_API_EXAMPLES", "200")
    seconds = os.environ.get("FUZZ_API_SECONDS", "300")
    with tempfile.TemporaryDirectory() as tmp:
        db = build_db(Path(tmp) / "fuzz-api.db", seed_records(30))
        server = Server(db).wait()
        try:
            import httpx

            # Warm up: the first POST loads the pipeline's models (seconds on 2 cores), not a fair timeout.
            httpx.post(f"{server.url}/api/articles", json={"id": "warm-up", "text": "Een eerste bericht uit Gomel."},
                       headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
            cmd = [str(Path(sys.executable).with_name("schemathesis")), "run", f"{server.url}/openapi.json",
                   "--checks", "not_a_server_error,response_schema_conformance",
                   "--max-examples", examples, "--max-time", seconds, "--workers", "2", "--request-timeout", "60",
                   "--header", f"Authorization: Bearer {TOKEN}", "--seed", os.environ.get("FUZZ_API_SEED", "1"),
                   "--report", "junit", "--report-dir", str(Path(tmp) / "report")]
            print("$", " ".join(cmd), flush=True)
            return subprocess.call(cmd)
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
