from robustness_support import CASES, PROFILE


def pytest_terminal_summary(terminalreporter):
    if CASES["total"]:
        terminalreporter.write_line(f"robustness: {CASES['total']} generated cases run (hypothesis profile {PROFILE})")
    for key in ("concurrency", "concurrency_postgresql"):
        if CASES.get(key):
            terminalreporter.write_line(f"robustness concurrency: {CASES[key]}")
