"""Settings: declared once, built with a fixed precedence, documented everywhere they show."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, run_kg

from kg.config import SETTINGS, Settings, settings_table
from kg.errors import ConfigError

#: A value of each type that differs from every default, as env text and as parsed value.
SAMPLES = {
    str: ("/srv/elsewhere", "/srv/elsewhere"),
    int: ("7", 7),
    float: ("2.5", 2.5),
}


#: Settings with a restricted range: a valid non-default value.
CHOICES = {
    "server": ("gunicorn", "gunicorn"),
    "query_memory_mb": ("2048", 2048),
    "trusted_proxies": ("127.0.0.1, 10.0.0.0/8,,", ("127.0.0.1", "10.0.0.0/8")),
}


def sample(setting) -> tuple[str, object]:
    if setting.name in CHOICES:
        return CHOICES[setting.name]
    if isinstance(setting.default, bool):
        return ("true", True) if not setting.default else ("false", False)
    if isinstance(setting.default, tuple):
        return ("a, b,,c", ("a", "b", "c"))
    return SAMPLES[type(setting.default)]


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_setting_is_a_field_of_settings() -> None:
    assert [s.name for s in SETTINGS] == list(Settings.__dataclass_fields__)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_defaults_apply_without_environment(setting) -> None:
    assert getattr(Settings.build(env={}), setting.name) == setting.default


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_the_environment_overrides_the_default(setting) -> None:
    text, value = sample(setting)
    assert getattr(Settings.build(env={setting.env: text}), setting.name) == value


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_an_override_beats_the_environment(setting) -> None:
    text, value = sample(setting)
    built = Settings.build(env={setting.env: text}, overrides={setting.name: setting.default})
    assert getattr(built, setting.name) == setting.default


def test_none_overrides_are_ignored() -> None:
    assert Settings.build(env={"KG_PORT": "9001"}, overrides={"port": None}).port == 9001


@pytest.mark.parametrize(
    "env",
    [
        {"KG_PORT": "eighty"},
        {"KG_ROW_LIMIT": "1.5"},
        {"KG_QUERY_TIMEOUT": "soon"},
        {"KG_ALLOW_UPDATE": "maybe"},
        {"KG_PORT": "0"},
        {"KG_ROW_LIMIT": "-1"},
        {"KG_QUERY_TIMEOUT": "0"},
        {"KG_MAX_NESTING": "0"},
    ],
)
def test_bad_environment_values_are_config_errors(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="|".join(k.lower()[3:] for k in env) + "|KG_"):
        Settings.build(env=env)


def test_an_unknown_override_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        Settings.build(env={}, overrides={"no_such_setting": 1})


@pytest.mark.parametrize(
    ("text", "value"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]
)
def test_booleans_accept_the_usual_spellings(text: str, value: bool) -> None:
    assert Settings.build(env={"KG_ALLOW_UPDATE": text}).allow_update is value


def test_unrelated_environment_variables_are_ignored() -> None:
    assert Settings.build(env={"KG_NOT_A_SETTING": "x", "PORT": "1"}) == Settings.build(env={})


def test_the_readme_embeds_the_settings_table_verbatim() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_the_readme_documents_every_setting(setting) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{setting.env}`" in readme


@pytest.fixture(scope="module")
def settings_output() -> str:
    done = run_kg("settings")
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_kg_settings_prints_every_setting_with_its_help(settings_output: str, setting) -> None:
    line = next(line for line in settings_output.splitlines() if f"`{setting.name}`" in line)
    assert setting.env in line and setting.help in line


@pytest.fixture(scope="module")
def serve_help() -> str:
    done = run_kg("serve", "--help")
    assert done.returncode == 0, done.stderr
    return normalized(done.stdout)


SERVE_FLAGS = {
    "host": "--host",
    "port": "--port",
    "workers": "--workers",
    "threads": "--threads",
    "allow_update": "--allow-update",
    "update_token_file": "--token-file",
    "store": "--store",
}


@pytest.mark.parametrize(("name", "flag"), SERVE_FLAGS.items())
def test_serve_help_shows_each_flag_with_the_declared_help(
    serve_help: str, name: str, flag: str
) -> None:
    setting = next(s for s in SETTINGS if s.name == name)
    assert flag in serve_help and normalized(setting.help) in serve_help


def test_serve_help_names_every_setting_variable(serve_help: str) -> None:
    assert [s.env for s in SETTINGS if s.env not in serve_help] == []
