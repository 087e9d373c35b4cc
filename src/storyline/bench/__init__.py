"""Speed benchmarks: end-to-end ingest throughput against the models alone, and scaling to a large store."""
