//! The host's checks: secret files, certificates of the public names, and whether the
//! running system is the host directory's.
use super::{Context, check, not_checked};
use crate::status::observed::Observed;
use crate::status::report::{Check, Level};
use crate::status::targets::{SecretFile, StatusTargets, TlsTarget, secrets_unit_of};
use crate::status::time::openssl_date;

/// Below this many days left, a certificate is a warning.
const CERT_WARN_DAYS: i64 = 14;

/// A secret file: root's, and readable by nobody else. Only `stat` looks at it.
pub fn secret_file(f: &SecretFile, o: &Observed, cx: &Context) -> Check {
    let subject = f.file.as_str();
    let Some(text) = o.stdout() else {
        if o.problem().contains("No such file") {
            let mut c = check(
                "secret-file",
                subject,
                Level::Error,
                format!("missing ({}'s {})", f.owner, f.name),
            );
            c.next = vec![match cx.backend.as_str() {
                "sops" => format!(
                    "add the key atproto/{}/{} to the sops file, then switch: {}",
                    f.owner, f.name, cx.switch
                ),
                "agenix" => format!(
                    "add {}-{}.age to the agenix directory, then switch: {}",
                    f.owner, f.name, cx.switch
                ),
                _ => cx.on_host(&format!("systemctl restart {}", secrets_unit_of(&f.owner))),
            }];
            return c;
        }
        return not_checked("secret-file", subject, o, Vec::new());
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let [user, group, mode] = words.as_slice() else {
        return not_checked(
            "secret-file",
            subject,
            &Observed::CouldNotRun(format!("stat printed {:?}", text.trim())),
            Vec::new(),
        );
    };
    let Ok(bits) = u32::from_str_radix(mode, 8) else {
        return not_checked(
            "secret-file",
            subject,
            &Observed::CouldNotRun(format!("stat printed the mode {mode:?}")),
            Vec::new(),
        );
    };
    // systemd reads every secret as root before the service starts (EnvironmentFile=,
    // LoadCredential=), so root alone needs to read it.
    if *user != "root" || bits & 0o077 != 0 {
        let mut c = check(
            "secret-file",
            subject,
            Level::Error,
            format!("owner {user}, group {group}, mode {mode}: must be root's alone (0400)"),
        );
        c.next = vec![cx.on_host(&format!(
            "chown root:root {subject} && chmod 0400 {subject}"
        ))];
        return c;
    }
    check(
        "secret-file",
        subject,
        Level::Ok,
        format!("root's alone (mode {mode})"),
    )
}

/// A public name's certificate, as the proxy serves it.
pub fn tls(n: &TlsTarget, o: &Observed, cx: &Context) -> Check {
    let label = n.label.as_str();
    let end = o
        .stdout()
        .and_then(|t| t.lines().find_map(|l| l.trim().strip_prefix("notAfter=")))
        .and_then(openssl_date);
    let proxy_step = match cx.proxy.as_deref() {
        Some("caddy") => cx.on_host("journalctl -u caddy -e"),
        _ => cx.on_host("systemctl status 'acme-*'"),
    };
    let Some(end) = end else {
        if let Observed::NotInstalled(_) = o {
            return not_checked(
                "tls",
                label,
                o,
                vec!["install openssl here to check certificates".into()],
            );
        }
        let mut c = check(
            "tls",
            label,
            Level::Error,
            format!(
                "does not answer over TLS on port 443: {}",
                openssl_reason(&o.problem())
            ),
        );
        c.next = vec![
            format!("check DNS for {label}: it must point at the host"),
            proxy_step,
        ];
        return c;
    };
    let days = (end - cx.now).div_euclid(86_400);
    if end <= cx.now {
        let mut c = check(
            "tls",
            label,
            Level::Error,
            "the certificate has expired".into(),
        );
        c.next = vec![proxy_step];
        return c;
    }
    if days < CERT_WARN_DAYS {
        let mut c = check(
            "tls",
            label,
            Level::Warning,
            format!("the certificate expires in {days} days: renewal should have happened"),
        );
        c.next = vec![proxy_step];
        return c;
    }
    check(
        "tls",
        label,
        Level::Ok,
        format!("certificate valid for {days} more days"),
    )
}

/// OpenSSL's error lines (`40970E0B817F0000:error:10080002:BIO routines:…:746:Name or
/// service not known`) end with the reason; anything else is kept whole.
fn openssl_reason(line: &str) -> &str {
    match line.split_once(":error:") {
        Some((_, rest)) => rest.rsplit(':').next().unwrap_or(rest).trim(),
        None => line,
    }
}

/// Whether the running system is the one DIR builds.
pub fn generation(
    t: &StatusTargets,
    running: &Observed,
    built: Option<&Observed>,
    cx: &Context,
) -> Check {
    let Some(running) = running.stdout().map(str::trim).filter(|s| !s.is_empty()) else {
        return not_checked("generation", "/run/current-system", running, Vec::new());
    };
    let Some(built) = built else {
        return check(
            "generation",
            running,
            Level::Info,
            "a classic host: whether it is this directory's configuration is unknown".into(),
        );
    };
    let Some(path) = built.stdout().map(str::trim).filter(|s| !s.is_empty()) else {
        return check(
            "generation",
            running,
            Level::Info,
            format!(
                "whether it is {}'s configuration is unknown: {}",
                cx.dir,
                built.problem()
            ),
        );
    };
    if path == running {
        return check(
            "generation",
            running,
            Level::Ok,
            format!("running {}'s configuration ({})", cx.dir, t.flake_name),
        );
    }
    let mut c = check(
        "generation",
        running,
        Level::Warning,
        format!(
            "the running system is not {}'s configuration ({path})",
            cx.dir
        ),
    );
    c.next = vec![
        format!(
            "atproto-wizard preview {}",
            crate::shell::shell_word(&cx.dir)
        ),
        cx.switch.clone(),
    ];
    c
}
