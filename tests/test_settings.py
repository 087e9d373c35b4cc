"""Settings: the shipped default_config.toml, environment and file overrides, errors, one reader of os.environ."""

import ast
from importlib.resources import files
from pathlib import Path

import pytest

from storyline import settings as settings_module
from storyline.errors import ConfigError
from storyline.settings import Settings, data_dir, get_settings, load_settings

SRC = Path(settings_module.__file__).resolve().parent
DEFAULT_CONFIG = files("storyline") / "default_config.toml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No STORYLINE_* variable and no ./storyline.toml leak in from the machine running the tests."""
    import os

    for name in list(os.environ):
        if name.startswith("STORYLINE_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_default_config_is_the_defaults(monkeypatch):
    defaults = load_settings()
    monkeypatch.setenv("STORYLINE_CONFIG", str(DEFAULT_CONFIG))
    from_file = load_settings()
    assert from_file == defaults
    assert from_file.model_dump() == {name: field.default.model_dump() for name, field in Settings.model_fields.items()}


def test_default_config_names_every_setting():
    import tomllib

    shipped = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    for section, model in Settings.model_fields.items():
        assert section in shipped, f"[{section}] missing from default_config.toml"
        for name in model.annotation.model_fields:
            # unset values (None) are shown commented out
            assert name in shipped[section] or f"# {name} = " in text, f"{section}.{name} missing"


def test_defaults_without_config():
    s = load_settings()
    assert s.store.db == "storyline.db"
    assert s.cluster.event_threshold == 0.3
    assert s.cluster.event_threshold_undated == 0.4
    assert s.paths.data is None


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("STORYLINE_CLUSTER__EVENT_THRESHOLD", "0.2")
    monkeypatch.setenv("STORYLINE_DB", "/tmp/elsewhere.db")
    s = load_settings()
    assert s.cluster.event_threshold == 0.2
    assert s.cluster.event_threshold_undated == 0.4
    assert s.store.db == "/tmp/elsewhere.db"
    assert get_settings().store.db == "/tmp/elsewhere.db"

    from storyline.store import default_db_path

    assert default_db_path() == "/tmp/elsewhere.db"


def test_data_dir_follows_storyline_data(monkeypatch, tmp_path):
    monkeypatch.setenv("STORYLINE_DATA", str(tmp_path / "data"))
    assert data_dir() == tmp_path / "data"
    assert data_dir("/explicit") == Path("/explicit")


def test_config_file_overlays_defaults(monkeypatch, tmp_path):
    config = tmp_path / "mine.toml"
    config.write_text('[cluster]\nstoryline_threshold = 0.2\n\n[store]\ndb = "news.db"\n', encoding="utf-8")
    monkeypatch.setenv("STORYLINE_CONFIG", str(config))
    s = load_settings()
    assert s.cluster.storyline_threshold == 0.2
    assert s.cluster.event_threshold == 0.3  # untouched values keep their defaults
    assert s.store.db == "news.db"
    # the environment wins over the file
    monkeypatch.setenv("STORYLINE_DB", "env.db")
    assert load_settings().store.db == "env.db"


def test_local_storyline_toml_is_read(tmp_path):
    (tmp_path / "storyline.toml").write_text("[ingest]\nbatch_size = 50\n", encoding="utf-8")
    assert load_settings().ingest.batch_size == 50


def test_invalid_value_raises_config_error(monkeypatch):
    monkeypatch.setenv("STORYLINE_CLUSTER__EVENT_THRESHOLD", "1.5")
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert "cluster.event_threshold" in message
    assert "less than or equal to 1" in message  # the rule it broke


def test_unknown_key_in_config_file_raises_config_error(monkeypatch, tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[cluster]\nevent_treshold = 0.2\n", encoding="utf-8")
    monkeypatch.setenv("STORYLINE_CONFIG", str(config))
    with pytest.raises(ConfigError, match="event_treshold"):
        load_settings()


def test_missing_config_file_raises_config_error(monkeypatch, tmp_path):
    monkeypatch.setenv("STORYLINE_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(ConfigError, match="absent.toml"):
        load_settings()


def test_replace_changes_one_value_and_checks_it():
    s = load_settings()
    t = s.replace(cluster={"event_threshold": 0.2})
    assert (t.cluster.event_threshold, s.cluster.event_threshold) == (0.2, 0.3)
    with pytest.raises(ConfigError):
        s.replace(cluster={"event_threshold": -1})
    with pytest.raises(ConfigError, match="no settings section"):
        s.replace(clusters={"event_threshold": 0.2})


def _reads_environment(tree: ast.AST) -> list[int]:
    """Lines that touch os.environ / os.getenv / os.putenv, or import them by name."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "putenv", "environb"}:
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and any(
                a.name in {"environ", "getenv", "environb"} for a in node.names):
            lines.append(node.lineno)
    return lines


def test_only_settings_reads_the_environment():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "settings.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{path.relative_to(SRC.parent)}:{line}" for line in _reads_environment(tree)]
    assert not offenders, "only storyline/settings.py may read os.environ; found: " + ", ".join(offenders)
