//! The probes `status` runs, as command lines (pure): each one a program found by
//! name on the host (locally, or through `ssh`), so nothing beyond the host itself
//! needs installing there. A probe's key names what it looks at; the judgement reads
//! the outputs by key.
use super::targets::StatusTargets;

/// The properties read from every unit. `--timestamp=unix` makes the times
/// machine-readable (`@<seconds>`) whatever the host's locale and time zone.
pub const UNIT_PROPERTIES: &str = "LoadState,ActiveState,SubState,ActiveEnterTimestamp,\
NRestarts,ExecMainStatus,ExecMainStartTimestamp,Result";

/// How long one probe may take.
pub const HEALTH_TIMEOUT_SECS: u32 = 5;

/// What a probe does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Run a command line; its output is the observation.
    Run(Vec<String>),
    /// A plain HTTP/1.1 GET on the host's loopback; the observation is the status line.
    HttpGet { port: u16, path: String },
    /// `first | second`: the TLS handshake piped into the certificate reader.
    Pipe(Vec<String>, Vec<String>),
}

/// Where a probe runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On the host (through ssh with `--host`).
    Host,
    /// Where the wizard runs: public reachability, and evaluating the host directory.
    Here,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub key: String,
    pub action: Action,
    pub place: Place,
}

fn argv(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn run(key: String, words: &[&str]) -> Probe {
    Probe {
        key,
        action: Action::Run(argv(words)),
        place: Place::Host,
    }
}

pub fn unit_key(unit: &str) -> String {
    format!("unit:{unit}")
}
pub fn health_key(id: &str) -> String {
    format!("health:{id}")
}
pub fn journal_key(unit: &str) -> String {
    format!("journal:{unit}")
}
pub fn du_key(dir: &str) -> String {
    format!("du:{dir}")
}
pub fn df_key(dir: &str) -> String {
    format!("df:{dir}")
}
pub fn stat_key(file: &str) -> String {
    format!("stat:{file}")
}
pub fn tls_key(label: &str) -> String {
    format!("tls:{label}")
}
pub const RUNNING_KEY: &str = "generation:running";
pub const BUILT_KEY: &str = "generation:built";

/// `systemctl show` for one unit.
pub fn unit_probe(unit: &str) -> Probe {
    run(
        unit_key(unit),
        &[
            "systemctl",
            "show",
            &format!("{unit}.service"),
            "--timestamp=unix",
            &format!("--property={UNIT_PROPERTIES}"),
        ],
    )
}

/// The health GET as a command line for a host reached through ssh: bash's
/// `/dev/tcp` and builtins (bash is in every NixOS system; curl can be left out of it),
/// under coreutils' `timeout`, printing the status line. `/dev/tcp` is there: nixpkgs
/// builds bash (`pkgs/shells/bash/5.nix`) without `--disable-net-redirections`, so
/// with bash's default, net redirections on.
pub fn remote_http_get(port: u16, path: &str) -> Vec<String> {
    let script = format!(
        "exec 3<>/dev/tcp/127.0.0.1/{port} && printf 'GET %s HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' \"$1\" >&3 && IFS= read -r line <&3 && printf '%s\\n' \"$line\""
    );
    argv(&[
        "timeout",
        &HEALTH_TIMEOUT_SECS.to_string(),
        "bash",
        "-c",
        &script,
        "health",
        path,
    ])
}

/// Every probe for the targets, in report order.
pub fn probes(t: &StatusTargets, dir: &str) -> Vec<Probe> {
    let mut out = Vec::new();
    for s in &t.services {
        for unit in std::iter::once(&s.unit).chain(&s.companions) {
            out.push(unit_probe(unit));
        }
        if let Some(h) = &s.health {
            out.push(Probe {
                key: health_key(&s.id),
                action: Action::HttpGet {
                    port: h.port,
                    path: h.path.clone(),
                },
                place: Place::Host,
            });
        }
        for unit in std::iter::once(&s.unit).chain(&s.companions) {
            out.push(run(
                journal_key(unit),
                &[
                    "journalctl",
                    "-u",
                    &format!("{unit}.service"),
                    "-p",
                    "err",
                    "-n",
                    "5",
                    "--no-pager",
                    "-o",
                    "cat",
                    "--since",
                    "-1d",
                ],
            ));
        }
        for d in &s.state_dirs {
            out.push(run(du_key(d), &["du", "-sb", d]));
            out.push(run(df_key(d), &["df", "-B1", "--output=avail,size", d]));
        }
        if let Some(u) = &s.secrets_unit {
            out.push(unit_probe(u));
        }
    }
    for f in &t.secret_files {
        // Owner, group and mode only: a secret's content is never read.
        out.push(run(
            stat_key(&f.file),
            &["stat", "-L", "-c", "%U %G %a", &f.file],
        ));
    }
    for name in &t.tls {
        let connect = format!("{}:443", name.server_name);
        out.push(Probe {
            key: tls_key(&name.label),
            action: Action::Pipe(
                argv(&[
                    "openssl",
                    "s_client",
                    "-connect",
                    &connect,
                    "-servername",
                    &name.server_name,
                ]),
                argv(&["openssl", "x509", "-noout", "-enddate"]),
            ),
            place: Place::Here,
        });
    }
    if let Some(b) = &t.backup {
        out.push(unit_probe(&b.unit));
    }
    out.push(run(
        RUNNING_KEY.into(),
        &["readlink", "/run/current-system"],
    ));
    if t.flake {
        let attr = format!(
            "{dir}#nixosConfigurations.{}.config.system.build.toplevel.outPath",
            t.flake_name
        );
        out.push(Probe {
            key: BUILT_KEY.into(),
            action: Action::Run(argv(&["nix", "eval", "--raw", &attr])),
            place: Place::Here,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::targets::{
        HealthTarget, SecretFile, ServiceTarget, StatusTargets, TlsTarget,
    };

    fn host() -> StatusTargets {
        StatusTargets {
            flake_name: "pds1".into(),
            flake: true,
            services: vec![ServiceTarget {
                id: "bluesky-pds".into(),
                title: "Bluesky PDS".into(),
                unit: "bluesky-pds".into(),
                health: Some(HealthTarget {
                    port: 3000,
                    path: "/xrpc/_health".into(),
                }),
                state_dirs: vec!["/var/lib/pds".into()],
                disk_gb: 20,
                secrets_unit: Some("atproto-secrets-bluesky-pds".into()),
                companions: Vec::new(),
            }],
            secret_files: vec![SecretFile {
                owner: "bluesky-pds".into(),
                name: "jwt_secret".into(),
                file: "/var/lib/atproto-secrets/bluesky-pds/jwt_secret".into(),
            }],
            backup: None,
            tls: vec![TlsTarget {
                label: "pds.example.com".into(),
                server_name: "pds.example.com".into(),
            }],
        }
    }

    fn find<'a>(all: &'a [Probe], key: &str) -> &'a Probe {
        all.iter().find(|p| p.key == key).unwrap()
    }

    #[test]
    fn every_probe_is_a_command_line_with_the_exact_words() {
        let all = probes(&host(), "/srv/host");
        let words = |key: &str| match &find(&all, key).action {
            Action::Run(a) => a.join(" "),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            words("unit:bluesky-pds"),
            "systemctl show bluesky-pds.service --timestamp=unix --property=LoadState,ActiveState,SubState,ActiveEnterTimestamp,NRestarts,ExecMainStatus,ExecMainStartTimestamp,Result"
        );
        assert_eq!(
            words("journal:bluesky-pds"),
            "journalctl -u bluesky-pds.service -p err -n 5 --no-pager -o cat --since -1d"
        );
        assert_eq!(words("du:/var/lib/pds"), "du -sb /var/lib/pds");
        assert_eq!(
            words("df:/var/lib/pds"),
            "df -B1 --output=avail,size /var/lib/pds"
        );
        assert_eq!(
            words("stat:/var/lib/atproto-secrets/bluesky-pds/jwt_secret"),
            "stat -L -c %U %G %a /var/lib/atproto-secrets/bluesky-pds/jwt_secret"
        );
        assert_eq!(words(RUNNING_KEY), "readlink /run/current-system");
        assert_eq!(
            words(BUILT_KEY),
            "nix eval --raw /srv/host#nixosConfigurations.pds1.config.system.build.toplevel.outPath"
        );
        assert!(
            all.iter()
                .any(|p| p.key == "unit:atproto-secrets-bluesky-pds")
        );
    }

    #[test]
    fn public_names_and_the_flake_are_checked_here_the_rest_on_the_host() {
        let all = probes(&host(), "/srv/host");
        let here: Vec<&str> = all
            .iter()
            .filter(|p| p.place == Place::Here)
            .map(|p| p.key.as_str())
            .collect();
        assert_eq!(here, ["tls:pds.example.com", BUILT_KEY]);
        assert_eq!(
            find(&all, "tls:pds.example.com").action,
            Action::Pipe(
                argv(&[
                    "openssl",
                    "s_client",
                    "-connect",
                    "pds.example.com:443",
                    "-servername",
                    "pds.example.com"
                ]),
                argv(&["openssl", "x509", "-noout", "-enddate"])
            )
        );
        // A classic host has no flake to evaluate.
        let mut classic = host();
        classic.flake = false;
        assert!(
            !probes(&classic, "/etc/nixos")
                .iter()
                .any(|p| p.key == BUILT_KEY)
        );
    }

    #[test]
    fn the_remote_health_get_is_bash_dev_tcp_under_timeout() {
        let a = remote_http_get(3000, "/xrpc/_health");
        assert_eq!(a[..4], ["timeout", "5", "bash", "-c"]);
        assert!(a[4].starts_with("exec 3<>/dev/tcp/127.0.0.1/3000 && "));
        // The path is an argument, never part of the script.
        assert_eq!(a[5..], ["health", "/xrpc/_health"]);
    }
}
