//! What a value in the answers file may hold, whatever its type: no control
//! characters, no password inside a URL, paths the modules can pass on safely,
//! schedules systemd reads, list items that stay one item. Each of these was accepted
//! once and reached the host's files, the Nix store or the operator's terminal.
//! (nixlib/tests/plans has the same cases for both validators.)
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::{Answers, edit};
use atproto_wizard::validate::{Diagnostic, validate};
use atproto_wizard::value::Value;
use toml_edit::DocumentMut;

const BASE: &str = r#"schema = 1

[host]
hostname = "pds1"
domain = "pds.example.com"
admin_email = "admin@example.com"

[integrations.tls]
accept_terms = true

[integrations.secrets]
backend = "generate"
"#;

/// The diagnostics at `path` of BASE with `value` written there (through the answers
/// file's own TOML writer and reader).
fn at(path: &str, value: Value) -> Vec<Diagnostic> {
    let mut doc: DocumentMut = BASE.parse().unwrap();
    edit::set(&mut doc, path, &value);
    let text = doc.to_string();
    let answers = Answers::parse("t.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    validate(Catalog::embedded(), &answers.tree)
        .into_iter()
        .filter(|d| d.path == path)
        .collect()
}

fn text(s: &str) -> Value {
    Value::Str(s.to_string())
}

/// The message of the one `field` error for `value` at `path`.
fn field_error(path: &str, value: Value) -> String {
    error_with_code(path, value, "field")
}

/// The message of the one error for `value` at `path`, which has the code `code`.
fn error_with_code(path: &str, value: Value, code: &str) -> String {
    let found = at(path, value.clone());
    assert_eq!(found.len(), 1, "{path} = {value:?}: {found:#?}");
    assert_eq!(found[0].code, code);
    found[0].message.clone()
}

fn accepted(path: &str, value: Value) {
    let found = at(path, value.clone());
    assert!(found.is_empty(), "{path} = {value:?}: {found:#?}");
}

// ------------------------------------------------------------------ control characters

const CONTROL: &str = "must not contain control characters (line breaks, tabs, escape codes) or Unicode line separators.";

#[test]
fn urls_with_control_characters_are_refused() {
    // NUL (Nix cuts the string there), ESC and BEL (a terminal sequence), DEL, C1
    // controls (NEL, CSI) and the Unicode separators.
    for (bad, json) in [
        ("\0", "\\u0000"),
        ("\u{1b}]0;x\u{7}", "\\u001b]0;x\\u0007"),
        ("\u{7f}", "\u{7f}"),
        ("\u{85}", "\u{85}"),
        ("\u{9b}2J", "\u{9b}2J"),
        ("\u{2028}", "\u{2028}"),
        ("\u{2029}", "\u{2029}"),
    ] {
        let message = field_error(
            "integrations.logging.loki_url",
            text(&format!("https://logs.example.com/{bad}")),
        );
        assert_eq!(
            message,
            format!("\"https://logs.example.com/{json}\" {CONTROL}")
        );
    }
}

#[test]
fn every_string_type_refuses_them() {
    for path in [
        "integrations.tls.dns_provider",
        "integrations.database.url",
        "integrations.backup.password_file",
        "integrations.backup.schedule",
        "integrations.backup.repository",
        "integrations.secrets.sops_file",
        "host.flake_url",
        "host.domain",
        "services.ozone.settings.server_did",
        "services.constellation.settings.jetstream",
        "services.bluesky-pds.domain",
    ] {
        let message = field_error(path, text("a\u{2029}b"));
        assert_eq!(message, format!("\"a\u{2029}b\" {CONTROL}"), "{path}");
    }
    // Each item of a list.
    let found = at(
        "services.bluesky-pds.settings.crawlers",
        Value::List(vec![text("https://bsky.network"), text("https://x\u{1b}")]),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].message, format!("\"https://x\\u001b\" {CONTROL}"));
}

#[test]
fn other_non_ascii_text_is_still_taken() {
    // Characters that share their first UTF-8 bytes with the refused ones (C2 with the
    // C1 controls, E2 80 with the separators) are not refused.
    accepted("integrations.tls.dns_provider", text("¡é€‧ \u{202f}😀"));
    accepted(
        "integrations.logging.loki_url",
        text("https://logs.example.com/é€"),
    );
}

// ------------------------------------------------------------------ passwords in URLs

/// The one error at `path` for `value`, which has its own code (the wizard keeps no
/// copy of such a value) and must not repeat the password.
fn password_error(path: &str, value: &str, password: &str) -> String {
    let message = error_with_code(path, text(value), "password-in-value");
    assert!(!message.contains(password), "{message}");
    message
}

const URL_PASSWORD: &str = "A password in this URL (user:password@) would be readable by every user of the host, in its files and the Nix store";

#[test]
fn a_database_url_with_a_password_names_the_password_file() {
    assert_eq!(
        password_error(
            "integrations.database.url",
            "postgresql://ozone:Hunter2Password@db.example.com:5432/ozone",
            "Hunter2Password"
        ),
        "A password in this URL (user:password@ or ?password=) would be readable by every user of the host, in its files and the Nix store: keep it in integrations.database.password_file."
    );
    password_error(
        "integrations.database.url",
        "postgres://db.example.com/ozone?sslmode=require&password=Hunter2",
        "Hunter2",
    );
    // A user name alone is how the URL is meant to be written.
    accepted(
        "integrations.database.url",
        text("postgresql://ozone@db.example.com:5432/ozone"),
    );
    accepted(
        "integrations.database.url",
        text("postgresql://[::1]:5432/ozone?sslmode=require"),
    );
}

#[test]
fn a_loki_url_with_a_password_is_refused() {
    assert_eq!(
        password_error(
            "integrations.logging.loki_url",
            "https://user:secret@loki.example.com/loki/api/v1/push",
            "secret"
        ),
        format!(
            "{URL_PASSWORD}: this integration passes no credentials to Loki; reach it without them (a private network, or an authenticating proxy on this host)."
        )
    );
    accepted(
        "integrations.logging.loki_url",
        text("https://logs@loki.example.com/loki/api/v1/push"),
    );
    // A port, and an @ in the path, are not a password.
    accepted(
        "integrations.logging.loki_url",
        text("https://loki.example.com:3100/~ops@x/push"),
    );
    accepted(
        "integrations.logging.loki_url",
        text("http://[::1]:3100/loki/api/v1/push"),
    );
}

#[test]
fn a_backup_repository_with_a_password_names_the_files_for_it() {
    assert_eq!(
        password_error(
            "integrations.backup.repository",
            "rest:https://backup:pass@backup.example.com/pds1",
            "pass@"
        ),
        format!(
            "{URL_PASSWORD}: keep the repository password in integrations.backup.password_file and the backend's credentials (like RESTIC_REST_USERNAME and RESTIC_REST_PASSWORD) in integrations.backup.environment_file."
        )
    );
    for fine in [
        "sftp:backup@backup.example.com:/srv/restic/pds1",
        "ssh://backup@backup.example.com/./pds1",
        "backup@backup.example.com:pds1",
        "s3:s3.amazonaws.com/bucket/pds1",
        "/srv/restic/pds1",
    ] {
        accepted("integrations.backup.repository", text(fine));
    }
}

#[test]
fn a_flake_url_with_a_token_says_how_the_host_gets_credentials() {
    assert_eq!(
        password_error(
            "host.flake_url",
            "git+https://deploy:ghp_0123456789abcdef@github.com/example/atproto-nix",
            "ghp_0123456789abcdef"
        ),
        "A password or token in this URL (user:password@) would be readable by every user of the host, in flake.nix, flake.lock and the Nix store: give the host access with a git credential helper or a netrc file (nix.settings.netrc-file) instead."
    );
    for fine in [
        "git+ssh://git@github.com/example/atproto-nix",
        "github:example/atproto-nix",
        "path:/etc/nixos/atproto-nix",
    ] {
        accepted("host.flake_url", text(fine));
    }
}

#[test]
fn service_urls_and_lists_of_urls_refuse_passwords_too() {
    let hint = format!(
        "{URL_PASSWORD}: leave credentials out of the URL; a service that needs them reads them from a root-only environment file (its environmentFiles option on NixOS)."
    );
    assert_eq!(
        password_error(
            "services.ozone.settings.pds_url",
            "https://admin:pw@pds.example.com",
            "pw@"
        ),
        hint
    );
    let found = at(
        "services.bluesky-pds.settings.crawlers",
        Value::List(vec![
            text("https://bsky.network"),
            text("https://relay:pw@relay.example.com"),
        ]),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "password-in-value");
    assert_eq!(found[0].message, hint);
    // Lists of URLs are URLs, item by item.
    let found = at(
        "services.bluesky-pds.settings.crawlers",
        Value::List(vec![text("bsky.network")]),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("must be an http(s)://"),
        "{found:#?}"
    );
}

// ------------------------------------------------------------------ paths

#[test]
fn a_repo_path_cannot_leave_the_host_directory() {
    for bad in [
        "./../../../../root/.ssh/id_ed25519",
        "./secrets/../../x",
        "./..",
        "./secrets/./secrets.yaml",
        "./secrets//secrets.yaml",
    ] {
        let message = field_error("integrations.secrets.sops_file", text(bad));
        assert!(
            message.ends_with("must be a path inside the host's configuration directory starting with ./, like ./secrets/secrets.yaml, of letters, digits, '.', '_' and '-', without '.' or '..' parts."),
            "{bad}: {message}"
        );
    }
    for fine in [
        "./secrets/secrets.yaml",
        "./secrets/",
        "./.sops.yaml",
        "./..secrets",
    ] {
        accepted("integrations.secrets.sops_file", text(fine));
        accepted("integrations.secrets.agenix_dir", text(fine));
    }
}

#[test]
fn a_host_path_holds_only_what_systemd_and_the_shell_carry_as_it_is() {
    for bad in [
        "/var/lib/secrets/%h",
        "/var/lib/my secrets/password",
        "/var/lib/secrets/\"password\"",
        "/var/lib/secrets/it's",
        "/var/lib/secrets/$(id)",
        "/var/lib/secrets/x;reboot",
        "/var/lib/secrets/a\\b",
        "/var/lib/secrets/../../etc/shadow",
        "/var/lib/./secrets",
        "//var/lib/secrets",
        "/var/lib/secrets/clé",
        "relative/path",
        "/",
    ] {
        let message = field_error("integrations.backup.password_file", text(bad));
        assert!(
            message.ends_with("must be an absolute path on the host, like /var/lib/secrets/backup-password, of letters, digits, '.', '_', '-', '+' and '@', without '.' or '..' parts (spaces, quotes, '%' and '$' would not reach the program as written)."),
            "{bad}: {message}"
        );
    }
    for fine in [
        "/var/lib/secrets/backup-password",
        "/run/secrets/restic@pds1+v2.key",
        "/mnt/backup/constellation/",
        "/var/lib/.secrets/..x",
    ] {
        accepted("integrations.backup.password_file", text(fine));
        accepted("services.constellation.settings.backup_dir", text(fine));
    }
}

#[test]
fn a_backup_repository_cannot_hold_a_systemd_specifier() {
    let message = field_error(
        "integrations.backup.repository",
        text("rest:https://backup.example.com/%h"),
    );
    assert_eq!(
        message,
        "\"rest:https://backup.example.com/%h\" must be a restic or borg repository without '%', like sftp:backup@backup.example.com:/srv/restic or ssh://backup@backup.example.com/./repo."
    );
}

// ------------------------------------------------------------------ schedules

const CALENDAR: &str = "must be a systemd calendar expression: daily, weekly (or minutely, hourly, monthly, quarterly, semiannually, yearly), or [weekdays] [[year-]month-day] [hour:minute[:second]] like Mon..Fri *-*-* 03:00:00, with * for any, lists (1,15), weekday ranges (Mon..Fri) and repetition from the start (*:0/15)";

#[test]
fn a_schedule_systemd_would_refuse_is_refused() {
    for bad in [
        "every tuesday, maybe",
        "Daily ",
        "*-*-* 24:00",
        "*:0/60",
        "*-*-1/31",
        "Fri..Tue",
        "*/2:00",
        "1969-01-01",
    ] {
        let message = field_error("integrations.backup.schedule", text(bad));
        assert_eq!(
            message,
            format!("{} {CALENDAR}.", Value::Str(bad.into()).to_json()),
            "{bad}"
        );
    }
    for fine in [
        "daily",
        "weekly",
        "semiannually",
        "*-*-* 03:00:00",
        "Mon..Fri 02:30",
        "Sat,Sun *-*-* 04:00",
        "*:0/15",
        "0/6:00",
        "*-*-1/7 03:00",
        "2024-01-01",
        "Mon",
    ] {
        accepted("integrations.backup.schedule", text(fine));
    }
}

// ------------------------------------------------------------------ list items

const JOINED: &str = "must not contain \",\": the list reaches the program joined with commas, so this would be two items; write each as an item of its own.";

#[test]
fn a_list_item_holding_the_join_character_is_refused() {
    let found = at(
        "services.bluesky-pds.settings.crawlers",
        Value::List(vec![text("https://a.example.com,https://b.example.com")]),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].message,
        format!("\"https://a.example.com,https://b.example.com\" {JOINED}")
    );
    let found = at(
        "services.ozone.settings.admin_dids",
        Value::List(vec![
            text("did:plc:ewvi7nxzyoun6zhxrhs64oiz"),
            text("did:plc:ewvi7nxzyoun6zhxrhs64oiz,did:web:example.com"),
        ]),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.ends_with(JOINED), "{found:#?}");
    // The items one by one are fine.
    let found = at(
        "services.bluesky-pds.settings.crawlers",
        Value::List(vec![
            text("https://a.example.com"),
            text("https://b.example.com"),
        ]),
    );
    assert!(found.is_empty(), "{found:#?}");
}

// ------------------------------------------------------------------ TOML dates

#[test]
fn an_unquoted_toml_date_makes_the_file_unreadable_as_it_is_for_nix() {
    // Nix's builtins.fromTOML refuses dates and times outright ("Dates and times are
    // not supported"), so the modules could never read such a file: the wizard refuses
    // it the same way instead of taking it as text.
    for (value, shown) in [
        ("2024-01-01", "2024-01-01"),
        ("03:00:00", "03:00:00"),
        ("1979-05-27T07:32:00Z", "1979-05-27T07:32:00Z"),
    ] {
        let text = format!("{BASE}\n[integrations.backup]\nschedule = {value}\n");
        let e = Answers::parse("t.toml", &text).unwrap_err();
        assert_eq!(
            e.location.map(|l| (l.line, l.column)),
            Some((15, 12)),
            "{e}"
        );
        assert_eq!(
            e.message,
            format!(
                "a TOML date or time, which Nix cannot read: write it in quotes, like \"{shown}\""
            )
        );
    }
    let text = format!("{BASE}\n[services.ozone.settings]\nadmin_dids = [\"a\", 2024-01-01]\n");
    assert!(Answers::parse("t.toml", &text).is_err());
}
