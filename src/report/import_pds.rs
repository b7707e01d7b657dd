//! The words of `import-pds`: what was read, where each variable of pds.env went (or
//! why it did not), the secrets and the data, and what to do next. Values from pds.env
//! are shown only for the settings carried into the answers, once they passed
//! validation (which refuses a password inside a URL); a secret, and any variable the
//! catalog does not know, is named but never shown.
use std::path::Path;

use super::Style;
use crate::import_pds::caddyfile::Caddy;
use crate::import_pds::data::{self, DataPlan};
use crate::import_pds::data_copy::{self, Scan};
use crate::import_pds::plan::ImportPlan;
use crate::import_pds::secret_files::FileState;
use crate::import_pds::secrets::{Backend, Layout, sops_name};
use crate::plan::PlanView;
use crate::safe_text::escape;
use crate::value::Value;

fn heading(text: &str, style: Style) -> String {
    format!("\n{}\n", style.bold(text))
}

/// Rows of two columns, the first padded to the widest.
fn rows(rows: &[(String, String)]) -> String {
    let width = rows
        .iter()
        .map(|(a, _)| a.chars().count())
        .max()
        .unwrap_or(0);
    rows.iter()
        .map(|(a, b)| format!("  {a:<width$}  {b}\n"))
        .collect()
}

fn place(env: &str, line: usize) -> String {
    format!("{} (line {line})", escape(env))
}

fn shown(value: &Value) -> String {
    escape(&value.to_json()).into_owned()
}

/// `Read …` lines: the env file and what the Caddyfile gave.
pub fn read(env: &Path, variables: usize, caddyfile: &Path, caddy: Option<&Caddy>) -> String {
    let env_line = format!(
        "Read {}: {variables} variable{}.\n",
        escape(&env.display().to_string()),
        if variables == 1 { "" } else { "s" }
    );
    let caddy_line = match caddy {
        None => format!(
            "No Caddyfile at {}: the admin email and on-demand TLS are taken as installer.sh sets them up.\n",
            escape(&caddyfile.display().to_string())
        ),
        Some(c) => format!(
            "Read {}: {}, {}.\n",
            escape(&caddyfile.display().to_string()),
            c.email
                .as_deref()
                .map_or("no email".to_string(), |e| format!("email {}", escape(e))),
            if c.on_demand {
                "on-demand TLS"
            } else {
                "no on-demand TLS"
            }
        ),
    };
    env_line + &caddy_line
}

/// Where each variable went: carried (with its value when `values`), secrets, set by
/// the module, not carried, the defaults of what pds.env leaves out, and the host's
/// choices.
pub fn accounting(plan: &ImportPlan, values: bool, style: Style) -> String {
    let mut out = String::new();
    if !plan.carried.is_empty() {
        out.push_str(&heading("Carried into atproto.toml:", style));
        let r: Vec<(String, String)> = plan
            .carried
            .iter()
            .map(|c| {
                let value = if values {
                    format!(" = {}", shown(&c.value))
                } else {
                    String::new()
                };
                (place(&c.env, c.line), format!("{}{value}", c.path))
            })
            .collect();
        out.push_str(&rows(&r));
    }
    if !plan.secrets.is_empty() {
        out.push_str(&heading(
            "Secrets (never shown; where they go is below):",
            style,
        ));
        let r: Vec<(String, String)> = plan
            .secrets
            .iter()
            .map(|s| (place(&s.env, s.line), s.name.clone()))
            .collect();
        out.push_str(&rows(&r));
    }
    let by_module: Vec<(String, String)> = plan
        .not_carried
        .iter()
        .filter(|n| n.by_module)
        .map(|n| (place(&n.env, n.line), n.why.clone()))
        .collect();
    if !by_module.is_empty() {
        out.push_str(&heading("Set by the NixOS module instead:", style));
        out.push_str(&rows(&by_module));
    }
    let left: Vec<(String, String)> = plan
        .not_carried
        .iter()
        .filter(|n| !n.by_module)
        .map(|n| (place(&n.env, n.line), n.why.clone()))
        .collect();
    if !left.is_empty() {
        out.push_str(&heading("Not carried:", style));
        out.push_str(&rows(&left));
    }
    for (key, lines) in &plan.duplicates {
        let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
        out.push_str(&format!(
            "{}: {} is given on lines {}; the last counts, as for Docker.\n",
            style.warning("note"),
            escape(key),
            lines.join(", ")
        ));
    }
    if !plan.defaults.is_empty() {
        out.push_str(&heading("Not in pds.env, so the catalog's default:", style));
        let r: Vec<(String, String)> = plan
            .defaults
            .iter()
            .map(|d| (d.env.clone(), format!("{} = {}", d.path, shown(&d.value))))
            .collect();
        out.push_str(&rows(&r));
    }
    if !plan.chosen.is_empty() {
        out.push_str(&heading("Chosen for the host:", style));
        let r: Vec<(String, String)> = plan
            .chosen
            .iter()
            .map(|c| {
                let value = if values || !c.path.starts_with("host.") {
                    format!(" = {}", shown(&c.value))
                } else {
                    String::new()
                };
                (format!("{}{value}", c.path), c.why.clone())
            })
            .collect();
        out.push_str(&rows(&r));
    }
    out
}

/// The secrets' files: what will happen to each, never their contents.
pub fn secrets(backend: Backend, layout: &Layout, states: &[FileState], style: Style) -> String {
    let title = match backend {
        Backend::Generate => format!(
            "Secrets (generate: where the host's generator keeps them, root only, mode {:04o}; it never replaces them):",
            layout.mode
        ),
        Backend::Sops => format!(
            "Secrets (sops: a plaintext file for you to encrypt, root only, mode {:04o}; keys {}):",
            layout.mode,
            sops_name(crate::import_pds::plan::SERVICE, "<name>")
        ),
        Backend::Agenix => format!(
            "Secrets (agenix: one plaintext file each for you to encrypt, root only, mode {:04o}):",
            layout.mode
        ),
    };
    let mut out = heading(&title, style);
    let r: Vec<(String, String)> = layout
        .files
        .iter()
        .zip(states)
        .map(|(f, s)| {
            let (verb, why) = match s {
                FileState::New => (style.ok("create"), f.what.clone()),
                FileState::Same => (style.dim("keep  "), format!("{}: already there, the same", f.what)),
                FileState::Replace => (style.ok("update"), format!("{}: replaces an empty file or an older copy", f.what)),
                FileState::Conflict => (
                    style.error("refuse"),
                    format!("{}: holds a different secret, which the host may already use; it is not replaced", f.what),
                ),
            };
            (
                format!("{verb} {}", escape(&f.path.display().to_string())),
                why,
            )
        })
        .collect();
    out.push_str(&rows(&r));
    if states.contains(&FileState::Conflict) {
        out.push_str(
            "What to do: a different secret is where this PDS's must go. If the host's generator \
             made it and no PDS has used it yet, move it out of the way and run import-pds \
             again; if a PDS on this host already runs with it, that PDS has accounts of its \
             own: keep both copies until you know which one to keep.\n",
        );
    }
    out
}

/// The data: what is copied from where to where, what is not found, what stays.
pub fn data(plan: &DataPlan, scan: Option<&Scan>, style: Style) -> String {
    let mut out = heading(
        &format!(
            "Data (from {} to {}, for the {} user):",
            escape(&plan.from.display().to_string()),
            escape(&plan.dest_here.display().to_string()),
            data::PDS_USER
        ),
        style,
    );
    let names: Vec<String> = plan
        .items
        .iter()
        .map(|i| {
            let from = i
                .from
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let slash = if i.dir { "/" } else { "" };
            if from == i.to {
                format!("{}{slash}", escape(&i.to))
            } else {
                format!("{}{slash} (as {}{slash})", escape(&from), escape(&i.to))
            }
        })
        .collect();
    if !names.is_empty() {
        out.push_str(&format!("  copy: {}\n", names.join(", ")));
    }
    if !plan.missing.is_empty() {
        let missing: Vec<String> = plan
            .missing
            .iter()
            .map(|m| escape(m).into_owned())
            .collect();
        out.push_str(&format!(
            "  {}: not found in {}: {}\n",
            style.warning("note"),
            escape(&plan.from.display().to_string()),
            missing.join(", ")
        ));
    }
    for (name, why) in &plan.left {
        out.push_str(&format!("  left in place: {} ({why})\n", escape(name)));
    }
    if let Some(scan) = scan {
        let (n, bytes) = scan.to_copy();
        out.push_str(&format!(
            "  {n} file{} to copy ({}), {} already there and the same; each copy compared with its source (size and SHA-256)\n",
            if n == 1 { "" } else { "s" },
            data::size_text(bytes),
            scan.already()
        ));
    } else {
        out.push_str("  not copied now (no --copy-data): the commands are in the next steps\n");
    }
    out
}

/// What the copy did.
pub fn copied(done: &data_copy::Copied, plan: &DataPlan) -> String {
    let mut out = format!(
        "copied {} file{} ({}) into {}, {} already there; all {} compared with their source: the same\n",
        done.files,
        if done.files == 1 { "" } else { "s" },
        data::size_text(done.bytes),
        escape(&plan.dest_here.display().to_string()),
        done.already,
        done.verified
    );
    if !done.chowned {
        out.push_str(&format!(
            "note: the {0} user does not exist yet, so the copies are root's until the host is switched (systemd gives the directory to {0} when the PDS starts; the next steps also say how)\n",
            data::PDS_USER
        ));
    }
    out
}

/// Everything the next steps need.
pub struct Next<'a> {
    pub view: &'a PlanView<'a>,
    /// The host directory as the host sees it.
    pub dir: &'a Path,
    pub backend: Backend,
    pub layout: &'a Layout,
    /// The sops file is there already: the keys are merged into it, not encrypted anew.
    pub sops_file_exists: bool,
    pub data: &'a DataPlan,
    /// The data was copied now.
    pub copied: bool,
    /// The copies belong to the pds user already.
    pub chowned: bool,
    pub machine: Option<&'a crate::wizard::first_switch::Machine>,
}

/// The numbered steps after an import (see `report::next::numbered`).
pub fn next_steps(n: &Next) -> Vec<String> {
    use crate::shell::shell_word;
    let d = shell_word(&n.dir.display().to_string());
    let mut out = Vec::new();
    if let Some(staging) = &n.layout.staging {
        let staging = shell_word(&staging.display().to_string());
        let commands = match (&n.layout.encrypted, n.backend) {
            (Some(file), Backend::Sops) if n.sops_file_exists => {
                let plain = n.layout.files.first().map(|f| f.path.display().to_string());
                format!(
                    "The host's sops file exists already: open it with sops, add the atproto: keys of {} to it, then delete the plaintext:\n  sops {}\n  rm -r {staging}",
                    shell_word(&plain.unwrap_or_default()),
                    shell_word(&file.display().to_string()),
                )
            }
            _ => {
                let mut text = "Encrypt the secrets for the host (AGE_PUBLIC_KEY: the host's age key, for instance `ssh-to-age < /etc/ssh/ssh_host_ed25519_key.pub`; in a git repository, `git add` what you encrypt, as a flake sees only tracked files), then delete the plaintext:".to_string();
                for c in &n.layout.encrypt {
                    text.push_str(&format!("\n  {c}"));
                }
                text.push_str(&format!("\n  rm -r {staging}"));
                text
            }
        };
        out.push(commands);
    }
    let mut stop =
        "Stop the Docker PDS (its Caddy holds ports 80 and 443) and keep it from starting again:"
            .to_string();
    for c in data::stop_commands(&n.data.from) {
        stop.push_str(&format!("\n  {c}"));
    }
    out.push(stop);
    if !n.copied {
        let mut copy =
            "Copy the data while no PDS runs, then compare each copy with its source:".to_string();
        for c in data::commands(n.data) {
            copy.push_str(&format!("\n  {c}"));
        }
        out.push(copy);
    }
    out.push(format!(
        "Preview what would be built and which services would start (changes nothing):\n  atproto-wizard preview {d}"
    ));
    if let Some(step) = n
        .machine
        .and_then(|m| crate::wizard::summary::first_switch_step(n.view, n.dir, m))
    {
        out.push(step);
    }
    out.push(crate::wizard::summary::switch_step(n.view, n.dir));
    if !n.chowned {
        out.push(format!(
            "Give the data to the {} user (it exists once switched; systemd also does this when the PDS first starts):\n  {}",
            data::PDS_USER,
            data::chown_command(n.data)
        ));
    }
    let hostname = n
        .view
        .get("services.bluesky-pds.settings.hostname")
        .map(|v| v.to_string())
        .unwrap_or_default();
    out.push(format!(
        "DNS stays as it is: {hostname} and *.{hostname} already point at the PDS (if this is another machine, point them here)."
    ));
    out.push(format!(
        "Check that the PDS answers, then log in to an account:\n  curl {}",
        shell_word(&format!("https://{hostname}/xrpc/_health"))
    ));
    out.push(format!(
        "Keep {} until the NixOS PDS works: it is the way back (systemctl enable --now pds).",
        escape(&n.data.from.display().to_string())
    ));
    out.push(format!(
        "To change this host later:\n  atproto-wizard edit {d}"
    ));
    out
}
