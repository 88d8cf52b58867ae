"""The TOML configuration file and `reader config`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from reader.cli import main
from reader.config import DEFAULT_CONFIG_TEXT, Config, load_config, save_theme, write_default_config


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("READER_CONFIG_DIR", str(tmp_path))
    return tmp_path


def test_no_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "none.toml") == Config()


def test_every_key_is_read(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'theme = "nord"\ndefault_sort = "title"\ndefault_folder = "~/news"\n'
        'date_format = "%Y-%m-%d"\nshow_sidebar = false\nshow_metadata = false\n'
        '[keys]\n"app.quit" = "ctrl+q"\napp.next_initiative = "n, ctrl+n"\n',
        "utf-8",
    )
    config = load_config(path)
    assert config.messages == []
    assert config.theme == "nord" and config.default_sort == "title"
    assert config.default_folder == Path("~/news").expanduser()
    assert config.date_format == "%Y-%m-%d"
    assert config.show_sidebar is False and config.show_metadata is False
    assert config.keys == {"app.quit": "ctrl+q", "app.next_initiative": "n,ctrl+n"}


def test_a_bad_value_names_its_key_and_defaults_only_that_key(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'theme = "nord"\ndefault_sort = "sideways"\ndate_format = "%Q"\nshow_sidebar = "no"\n'
        "colour = 1\n[keys]\nquit = 5\n",
        "utf-8",
    )
    config = load_config(path)
    assert config.theme == "nord"  # the good key still applies
    assert config.default_sort == "newest" and config.date_format == "%d %b %Y"
    assert config.show_sidebar is True and config.keys == {}
    text = "\n".join(config.messages)
    for key in ("default_sort", "date_format", "show_sidebar", "colour", "keys.quit"):
        assert key in text
    assert all(str(path) in message for message in config.messages)


def test_invalid_toml_gives_one_message_and_all_defaults(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('theme = "nord\n', "utf-8")
    config = load_config(path)
    assert len(config.messages) == 1 and "not valid TOML" in config.messages[0]
    assert config.theme is None


def test_the_default_file_is_valid_and_changes_nothing(tmp_path: Path) -> None:
    tomllib.loads(DEFAULT_CONFIG_TEXT)
    path = write_default_config(tmp_path / "c.toml")
    assert load_config(path) == Config()
    with pytest.raises(FileExistsError):
        write_default_config(path)


def test_saving_the_theme_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    path = write_default_config(tmp_path / "c.toml")
    save_theme("dracula", path)
    save_theme("nord", path)
    text = path.read_text("utf-8")
    assert real_theme_lines(text) == ['theme = "nord"'] and "# Colour theme" in text
    assert load_config(path).theme == "nord"
    path.write_text('[keys]\nquit = "x"\n', "utf-8")
    save_theme('a "quoted" theme', path)
    config = load_config(path)
    assert config.theme == 'a "quoted" theme' and config.keys == {"quit": "x"}


def test_reader_config_path_init_and_check(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "--path"]) == 0
    assert capsys.readouterr().out.strip() == str(config_home / "config.toml")
    assert main(["config", "--init"]) == 0
    assert (config_home / "config.toml").read_text("utf-8") == DEFAULT_CONFIG_TEXT
    capsys.readouterr()
    assert main(["config", "--init"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["config", "--check"]) == 0
    (config_home / "config.toml").write_text('default_sort = "x"\n', "utf-8")
    assert main(["config", "--check"]) == 1
    assert "default_sort" in capsys.readouterr().err


def test_default_folder_is_what_a_bare_command_opens(
    config_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "only.md").write_text("# The only article\n", "utf-8")
    (config_home / "config.toml").write_text(f'default_folder = "{news}"\n', "utf-8")
    assert main(["list", "--json"]) == 0
    listed = [article["title"] for article in json.loads(capsys.readouterr().out)]
    assert listed == ["The only article"]


@pytest.mark.parametrize("value", ["view", "open", "never"])
def test_mark_read_on_is_read(tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f'mark_read_on = "{value}"\n', "utf-8")
    config = load_config(path)
    assert config.messages == [] and config.mark_read_on == value


def test_mark_read_on_is_in_the_template_and_checked(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The template names it, commented out, with its default.
    assert '# mark_read_on = "view"' in DEFAULT_CONFIG_TEXT
    uncommented = DEFAULT_CONFIG_TEXT.replace('# mark_read_on = "view"', 'mark_read_on = "view"')
    assert tomllib.loads(uncommented)["mark_read_on"] == "view"
    assert Config().mark_read_on == "view"
    for bad in ('"sometimes"', "true", '["open"]'):
        (config_home / "config.toml").write_text(f"mark_read_on = {bad}\n", "utf-8")
        assert load_config().mark_read_on == "view"
        assert main(["config", "--check"]) == 1
        err = capsys.readouterr().err
        assert "mark_read_on" in err and "view, open, never" in err


def real_theme_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("theme")]


TEMPLATE_THEME = '# theme = "textual-dark"\n'


@pytest.mark.parametrize(
    "with_nord",
    [
        DEFAULT_CONFIG_TEXT.replace(TEMPLATE_THEME, TEMPLATE_THEME + 'theme = "nord"\n'),
        'theme = "nord"\n' + DEFAULT_CONFIG_TEXT,
        DEFAULT_CONFIG_TEXT.replace("\n[keys]", '\ntheme = "nord"  # mine\n[keys]'),
    ],
    ids=["under-the-comment", "at-the-top", "above-keys"],
)
def test_saving_the_theme_changes_the_real_key_only(tmp_path: Path, with_nord: str) -> None:
    """The template plus a real theme line once came out with two `theme` keys (the
    commented line rewritten too): not TOML, so every setting fell back to its default."""
    path = tmp_path / "config.toml"
    path.write_text(with_nord, "utf-8")
    save_theme("dracula", path)
    text = path.read_text("utf-8")
    assert tomllib.loads(text)["theme"] == "dracula"
    assert load_config(path).messages == []
    # Only the value changed: the comment, the other lines and their order stay.
    assert text == with_nord.replace('theme = "nord"', 'theme = "dracula"')


def test_a_theme_saved_into_the_template_goes_under_its_comment(tmp_path: Path) -> None:
    path = write_default_config(tmp_path / "config.toml")
    save_theme("nord", path)
    text = path.read_text("utf-8")
    assert text == DEFAULT_CONFIG_TEXT.replace(TEMPLATE_THEME, TEMPLATE_THEME + 'theme = "nord"\n')
    assert load_config(path) == Config(theme="nord")


def test_a_file_that_does_not_parse_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    broken = 'theme = "nord"\ntheme = "dracula"\n# mine\n'
    path.write_text(broken, "utf-8")
    with pytest.raises(ValueError, match="not valid TOML"):
        save_theme("monokai", path)
    assert path.read_text("utf-8") == broken


def test_the_theme_is_written_through_a_symlink_keeping_the_mode(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "reader.toml"
    target.write_text('# mine\ntheme = "nord"\n', "utf-8")
    target.chmod(0o640)
    before = target.stat()
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(target)
    save_theme("dracula", link)
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text("utf-8") == '# mine\ntheme = "dracula"\n'
    after = target.stat()
    assert after.st_mode == before.st_mode
    # Replaced whole (a new file renamed over the old), not rewritten in place.
    assert after.st_ino != before.st_ino
    assert sorted(path.name for path in dotfiles.iterdir()) == ["reader.toml"]
    assert list(link.parent.iterdir()) == [link]


def test_reader_config_check_checks_the_keys_and_says_ok(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config_home / "config.toml"
    path.write_text('[keys]\n"app.quit" = "ctrl+nonsense"\n"app.nope" = "x"\n', "utf-8")
    assert main(["config", "--check"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}: keys.app.quit: 'ctrl+nonsense' is not a key name" in err
    assert f"{path}: keys.app.nope is not a binding id" in err
    path.write_text('theme = "nord"\n[keys]\n"app.quit" = "ctrl+q, q"\n', "utf-8")
    assert main(["config", "--check"]) == 0
    assert capsys.readouterr() == (f"{path}: OK\n", "")
