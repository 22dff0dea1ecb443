//! Config and theme files as the OS gives them: devices, FIFOs, missing,
//! too large, not UTF-8; and the binary's exit code and message for them.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kready::config::Config;
use kready::config::console::ConsoleSettings;
use kready::config::keymap::{Action, Keymap};
use kready::config::theme::Theme;

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn load_err(path: &Path) -> String {
    Config::load(Some(path)).unwrap_err().to_string()
}

#[test]
fn devices_fifos_and_big_files_are_refused_at_once() {
    let started = Instant::now();
    assert_eq!(
        load_err(Path::new("/dev/zero")),
        "/dev/zero: a character device, not a regular file"
    );
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.toml");
    mkfifo(&fifo);
    assert_eq!(
        load_err(&fifo),
        format!("{}: a FIFO, not a regular file", fifo.display())
    );
    let big = dir.path().join("big.toml");
    let mut text = String::from("# padding\n").repeat(110_000);
    text.push_str("theme = \"dark\"\n");
    std::fs::write(&big, text).unwrap();
    assert_eq!(
        load_err(&big),
        format!(
            "{}: larger than the 1048576-byte limit; is it the right file?",
            big.display()
        )
    );
    assert_eq!(
        load_err(dir.path()),
        format!("{}: a directory, not a regular file", dir.path().display())
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn errors_say_the_os_error_and_the_path_once() {
    let e = load_err(Path::new("/nonexistent/kready.toml"));
    assert_eq!(e, "/nonexistent/kready.toml: no such file or directory");
    // Through anyhow's chain, as main prints it.
    let chained = format!(
        "{:#}",
        anyhow::Error::from(Config::load(Some(Path::new("/nonexistent/kready.toml"))).unwrap_err())
    );
    assert_eq!(chained, e);
}

#[test]
fn config_files_may_start_with_a_byte_order_mark_but_must_be_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("config.toml");
    std::fs::write(&f, b"\xef\xbb\xbf[thresholds]\nmin-zones = 3\n").unwrap();
    assert_eq!(Config::load(Some(&f)).unwrap().thresholds.min_zones, 3);
    std::fs::write(&f, b"theme = \"d\xe9faut\"\n").unwrap();
    assert_eq!(
        load_err(&f),
        format!(
            "{}: not UTF-8 text (invalid byte at offset 10)",
            f.display()
        )
    );
}

fn dark_text() -> &'static str {
    kready::config::theme::EMBEDDED[0].1
}

#[test]
fn a_user_theme_that_cannot_be_used_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    let load = || {
        Theme::load("mine", Some(dir.path()))
            .unwrap_err()
            .to_string()
    };

    std::fs::write(&path, b"base = { fg = \"wh\xffite\" }\n").unwrap();
    assert_eq!(
        load(),
        format!(
            "{}: not UTF-8 text (invalid byte at offset 17)",
            path.display()
        )
    );

    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    assert_eq!(
        load(),
        format!("{}: a directory, not a regular file", path.display())
    );
    std::fs::remove_dir(&path).unwrap();

    mkfifo(&path);
    let started = Instant::now();
    assert_eq!(
        load(),
        format!("{}: a FIFO, not a regular file", path.display())
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    std::fs::remove_file(&path).unwrap();

    // A user theme named like an embedded one does not fall back to it.
    let dark = dir.path().join("dark.toml");
    std::fs::write(&dark, dark_text().replace("\"#ff5f5f\"", "3")).unwrap();
    let e = Theme::load("dark", Some(dir.path()))
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        format!(
            "{}:11:16: `error.fg`: expected a string, found integer `3`",
            dark.display()
        )
    );
}

#[test]
fn theme_errors_name_the_slot_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    let load = |text: &str| {
        std::fs::write(&path, text).unwrap();
        Theme::load("mine", Some(dir.path()))
            .unwrap_err()
            .to_string()
    };
    let p = path.display();
    let e = load(&dark_text().replace("#ff5f5f", "nocolour"));
    assert!(
        e.starts_with(&format!("{p}: `error.fg`: `nocolour` is not a colour")),
        "{e}"
    );
    assert_eq!(
        load("[base]\nfg = 3\n"),
        format!("{p}:2:6: `base.fg`: expected a string, found integer `3`")
    );
    assert_eq!(
        load("[base]\nfg = \"red\"\n"),
        format!("{p}: `muted`: not set (a theme sets every slot)")
    );
    let e = load(&format!("{}\n[sparkle]\nfg = \"red\"\n", dark_text()));
    assert!(
        e.starts_with(&format!(
            "{p}: `sparkle`: unknown slot (the slots are base,"
        )),
        "{e}"
    );
    // The BOM is accepted as in config files.
    std::fs::write(&path, format!("\u{feff}{}", dark_text())).unwrap();
    assert!(Theme::load("mine", Some(dir.path())).is_ok());
}

#[test]
fn theme_names_cannot_leave_the_themes_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.toml"), dark_text()).unwrap();
    let themes = dir.path().join("themes");
    std::fs::create_dir(&themes).unwrap();
    assert_eq!(
        Theme::load("../x", Some(&themes)).unwrap_err().to_string(),
        "theme `../x` is not a theme name (letters, digits, `-` and `_` only)"
    );
    assert_eq!(
        Theme::load("nope", Some(&themes)).unwrap_err().to_string(),
        format!(
            "no theme `nope`: the embedded themes are dark, light, high-contrast, and a user \
             theme is a NAME.toml in {}",
            themes.display()
        )
    );
}

/// Runs the binary with its own config directory, and waits at most
/// `limit` for it.
fn kready(config_home: &Path, args: &[&str]) -> (i32, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kready"))
        .args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env("HOME", config_home)
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let limit = Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            return (status.code().unwrap_or(-1), stderr, started.elapsed());
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("kready {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn the_binary_refuses_dev_zero_and_fifos_fast_with_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let (code, stderr, took) = kready(home.path(), &["--config", "/dev/zero", "checks"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "kready: /dev/zero: a character device, not a regular file\n"
    );
    assert!(took < Duration::from_secs(5), "{took:?}");

    let fifo = home.path().join("pipe.toml");
    mkfifo(&fifo);
    let (code, stderr, _) = kready(home.path(), &["--config", fifo.to_str().unwrap(), "checks"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!("kready: {}: a FIFO, not a regular file\n", fifo.display())
    );

    let (code, stderr, _) = kready(home.path(), &["--config", "/nonexistent.toml", "checks"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "kready: /nonexistent.toml: no such file or directory\n"
    );
}

#[test]
fn the_default_config_file_is_read_when_it_can_be_and_an_error_when_not() {
    let home = tempfile::tempdir().unwrap();
    // None: the defaults.
    let (code, stderr, _) = kready(home.path(), &["checks"]);
    assert_eq!((code, stderr.as_str()), (0, ""));

    let dir = home.path().join("kready");
    std::fs::create_dir(&dir).unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, "[thresholds]\nmin-zones = 0\n").unwrap();
    let (code, stderr, _) = kready(home.path(), &["checks"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "kready: {}:2:13: `thresholds.min-zones`: `0` is out of range: must be a whole \
             number from 1 to 100\n",
            config.display()
        )
    );

    // There, but not a file: an error, not silently the defaults.
    std::fs::remove_file(&config).unwrap();
    std::fs::create_dir(&config).unwrap();
    let (code, stderr, _) = kready(home.path(), &["checks"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "kready: {}: a directory, not a regular file\n",
            config.display()
        )
    );
}

/// A user's config directory with `themes/`, and a config file in it.
fn config_dir_with(config: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, config).unwrap();
    let config = Config::load(Some(&path)).unwrap();
    (dir, config)
}

const COLOUR_HINT: &str =
    "(a name such as `red` or `lightblue`, `#rrggbb`, or an index from 0 to 255)";

#[test]
fn a_bad_theme_colour_starts_the_console_with_the_default_theme_and_a_warning() {
    let (dir, config) = config_dir_with("theme = \"mine\"\n");
    let themes = dir.path().join("themes");
    let mine = themes.join("mine.toml");
    std::fs::write(&mine, dark_text().replace("#ff5f5f", "blurple")).unwrap();

    let settings = ConsoleSettings::load(&config, None, false, Some(&themes));
    assert_eq!(settings.theme, Theme::embedded_default());
    assert_eq!(settings.theme.name, "dark");
    let warning = format!(
        "theme {}: `error.fg`: `blurple` is not a colour {COLOUR_HINT}; using the default theme",
        mine.display()
    );
    assert_eq!(settings.warnings, std::slice::from_ref(&warning));
    assert_eq!(settings.status_line(), Some(warning));

    // The same through --theme, and a file that is not text.
    std::fs::write(&mine, b"\xff\xfe").unwrap();
    let settings = ConsoleSettings::load(&Config::default(), Some("mine"), false, Some(&themes));
    assert_eq!(settings.theme, Theme::embedded_default());
    assert_eq!(
        settings.warnings,
        [format!(
            "theme {}: not UTF-8 text (invalid byte at offset 0); using the default theme",
            mine.display()
        )]
    );
}

#[test]
fn a_bad_user_default_theme_falls_back_to_the_embedded_one() {
    let (dir, config) = config_dir_with("");
    let themes = dir.path().join("themes");
    let dark = themes.join("dark.toml");
    std::fs::write(&dark, dark_text().replace("\"#ff5f5f\"", "3")).unwrap();
    let settings = ConsoleSettings::load(&config, None, false, Some(&themes));
    assert_eq!(settings.theme, Theme::embedded_default());
    assert_eq!(
        settings.warnings,
        [format!(
            "theme {}:11:16: `error.fg`: expected a string, found integer `3`; using the \
             default theme",
            dark.display()
        )]
    );
    // Under NO_COLOR no theme is read, so nothing is wrong with one.
    let settings = ConsoleSettings::load(&config, None, true, Some(&themes));
    assert_eq!(settings.theme, Theme::monochrome());
    assert!(settings.warnings.is_empty(), "{:?}", settings.warnings);
}

#[test]
fn an_unknown_theme_name_falls_back_naming_where_it_was_written() {
    let (dir, config) = config_dir_with("theme = \"nope\"\n");
    let themes = dir.path().join("themes");
    let embedded = "the embedded themes are dark, light, high-contrast, and a user theme is a \
                    NAME.toml in";
    let settings = ConsoleSettings::load(&config, None, false, Some(&themes));
    assert_eq!(
        settings.warnings,
        [format!(
            "{}: `theme`: no theme `nope`: {embedded} {}; using the default theme",
            dir.path().join("config.toml").display(),
            themes.display()
        )]
    );
    let settings = ConsoleSettings::load(&config, Some("../x"), false, Some(&themes));
    assert_eq!(
        settings.warnings,
        [
            "--theme: `../x` is not a theme name (letters, digits, `-` and `_` only); using the \
          default theme"
        ]
    );
    assert_eq!(settings.theme, Theme::embedded_default());
}

#[test]
fn a_bad_key_binding_starts_the_console_with_the_default_keymap_and_a_warning() {
    let (dir, config) = config_dir_with("[keymap]\nhelp = [\"h\"]\nquit = [\"ctrl-Q\"]\n");
    let settings = ConsoleSettings::load(&config, None, true, None);
    let defaults = Keymap::default();
    for (b, d) in settings.keymap.bindings.iter().zip(&defaults.bindings) {
        // Not even the good override is kept: the keymap is the default one.
        assert_eq!((b.action, &b.keys), (d.action, &d.keys));
    }
    assert_eq!(settings.keymap.keys_of(Action::Help), "?");
    assert_eq!(
        settings.warnings,
        [format!(
            "{}: `keymap.quit`: `ctrl-Q` can never be pressed: terminals send ctrl with a \
             capital letter as ctrl with the small one; write `ctrl-q`; using the default keymap",
            dir.path().join("config.toml").display()
        )]
    );
}

#[test]
fn a_bad_theme_and_a_bad_keymap_share_the_status_line() {
    let (dir, config) = config_dir_with("theme = \"mine\"\n[keymap]\nfly = [\"f\"]\n");
    let themes = dir.path().join("themes");
    std::fs::write(themes.join("mine.toml"), "[base]\nfg = \"red\"\n").unwrap();
    let settings = ConsoleSettings::load(&config, None, false, Some(&themes));
    assert_eq!(settings.warnings.len(), 2, "{:?}", settings.warnings);
    assert!(
        settings.warnings[0]
            .ends_with("`muted`: not set (a theme sets every slot); using the default theme")
    );
    assert!(settings.warnings[1].contains("`keymap.fly`: no such action"));
    assert_eq!(settings.status_line(), Some(settings.warnings.join(" | ")));
}

#[test]
fn a_theme_the_console_cannot_read_no_longer_stops_it() {
    let home = tempfile::tempdir().unwrap();
    let themes = home.path().join("kready/themes");
    std::fs::create_dir_all(&themes).unwrap();
    std::fs::write(themes.join("mine.toml"), b"\xff\xfe").unwrap();
    std::fs::write(
        home.path().join("kready/config.toml"),
        "[keymap]\nquit = [\"ctrl-\"]\n",
    )
    .unwrap();
    // Start-up goes on past the theme and keymap, to the next thing this
    // test lacks: a terminal.
    let args = ["--snapshot", "/nonexistent/cluster.yaml", "--theme", "mine"];
    let (code, stderr, _) = kready(home.path(), &args);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("kready: the console needs a terminal"),
        "{stderr}"
    );
    // `kready checks` reads neither.
    let (code, stderr, _) = kready(home.path(), &["checks"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
}

#[test]
fn unknown_check_ids_stay_fatal_for_the_binary() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("my.toml");
    std::fs::write(&config, "disabled = [\"workload/nope\"]\n").unwrap();
    let (code, stderr, _) = kready(
        home.path(),
        &["--config", config.to_str().unwrap(), "checks"],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "kready: {}: `disabled`: `workload/nope` is not a check id (see `kready checks`)\n",
            config.display()
        )
    );
}
