//! The command line: thin wrappers that read files, call the pure core and print.
pub mod adopt_cmd;
pub mod apply_cmd;
pub mod catalog_cmd;
pub mod check_cmd;
pub mod fix_cmd;
pub mod fleet_cmd;
pub mod fleet_edit;
pub mod hand_off;
pub mod import_pds_cmd;
pub mod preview_cmd;
pub mod render_cmd;
pub mod status_cmd;
pub mod upgrade_cmd;
mod write_flow;

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Plan, check and write NixOS hosts that run AT Protocol services.
#[derive(Debug, Parser)]
#[command(name = "atproto-wizard", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new host: the interactive wizard (the default with no command).
    ///
    /// Full screen where the terminal allows it; line prompts with --plain, or by
    /// themselves when TERM=dumb or stdout is not a terminal. Without a terminal at all
    /// it says to use `apply --answers` and exits with 3. Nothing is written before the
    /// Write step; until then the answers are kept in a draft in the user's state
    /// directory, which the next `new` or `edit` on DIR offers to resume. Exit status: 0
    /// written (or nothing to change), 2 unreadable, 3 no terminal, 4 quit without
    /// writing, 5 writing refused.
    New {
        /// The host's configuration directory (created when written).
        #[arg(long, value_name = "DIR", default_value = "./atproto-host")]
        dir: PathBuf,
        /// Start from this profile (community-pds, relay-node, feed-generator, labeler,
        /// microcosm-indexers, dev-host, custom) instead of choosing one.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// Line prompts instead of the full screen (screen readers, serial consoles).
        #[arg(long)]
        plain: bool,
        /// Only ASCII: no box drawing, no symbols.
        #[arg(long)]
        ascii: bool,
    },
    /// Change an existing host: the wizard over DIR/atproto.toml, every step filled in;
    /// the review shows what will change before anything is written.
    Edit {
        /// The host's configuration directory (with its atproto.toml).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// Line prompts instead of the full screen.
        #[arg(long)]
        plain: bool,
        /// Only ASCII: no box drawing, no symbols.
        #[arg(long)]
        ascii: bool,
    },
    /// List the services this wizard knows: kind, status, ports and needs.
    Catalog {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Several hosts planned together (fleet.toml: each host's answers file and how
    /// to reach it); their services may name each other as "@<host>/<service>".
    Fleet {
        #[command(subcommand)]
        command: FleetCommand,
    },
    /// Validate an answers file.
    ///
    /// Exit status: 0 when the plan is valid (warnings allowed), 1 when it has errors,
    /// 2 when the file cannot be read (missing, not TOML, unsupported schema).
    ///
    /// With --fix, first rewrite the file for this wizard: an older schema migrated,
    /// settings renamed upstream written under their new names, removed settings taken
    /// out (each with what to do instead). Comments and layout stay. The diff is shown
    /// and the file written once confirmed (or --yes), backed up and replaced
    /// atomically; then it is checked. Exit status as above, or 4 when not confirmed,
    /// 5 when refused (the file changed meanwhile).
    Check {
        /// The answers file (atproto.toml or a profile).
        #[arg(long, value_name = "FILE")]
        answers: PathBuf,
        /// Print JSON instead of text.
        #[arg(long, conflicts_with = "fix")]
        json: bool,
        /// Rewrite old setting names and an older schema in the file.
        #[arg(long)]
        fix: bool,
        /// With --fix: write without asking.
        #[arg(long, short = 'y', requires = "fix")]
        yes: bool,
    },
    /// Print a host file generated from an answers file.
    ///
    /// The answers are checked first, as `check` does: with errors nothing is printed
    /// on stdout, the diagnostics go to stderr and the exit status is 1; an unreadable
    /// file exits with 2. Warnings go to stderr and the file is still printed (exit 0).
    /// Rendering is deterministic: the same answers give the same bytes.
    Render {
        /// The answers file (atproto.toml or a profile).
        #[arg(long, value_name = "FILE")]
        answers: PathBuf,
        /// Which host file to print: atproto.nix (the wizard-managed module), flake.nix
        /// (flake mode; for a classic host nothing is printed and the exit status is 2),
        /// or configuration.nix (the one written when the directory has none, shown as
        /// for a directory that has a hardware-configuration.nix). atproto.nix and
        /// flake.nix are printed exactly as `apply` writes them.
        #[arg(long, value_enum, default_value = "atproto.nix")]
        file: render_cmd::HostFile,
    },
    /// Write the host's files into a directory: atproto.toml, atproto.nix,
    /// configuration.nix and (flake mode) flake.nix.
    ///
    /// The answers are checked first, as `check` does; with errors nothing is written.
    /// Then a diff of every file that would change is shown, and the files are written
    /// once confirmed (a question on the terminal, or --yes). Every replaced file is
    /// first copied to <name>.<UTC time>.bak beside it, and each file is replaced
    /// atomically. atproto.nix (and a flake.nix the wizard wrote) carry a checksum line:
    /// when the file was edited by hand since, apply refuses to overwrite it unless
    /// --force is given. An existing configuration.nix only gains `./atproto.nix` in its
    /// imports; an existing flake.nix of your own gains the atproto-nix input and
    /// modules. A file that cannot be edited safely is refused with the lines to add by
    /// hand. Any refusal means nothing at all is written.
    ///
    /// Exit status: 0 when the files were written, nothing needed to change, or a
    /// --dry-run found nothing to refuse; 1 when the answers have errors; 2 when a file
    /// cannot be read (answers missing, not TOML, unsupported schema; a host file not
    /// UTF-8) or written; 5 when apply refuses (a managed file edited by hand without
    /// --force, a file it cannot edit safely, or a file that changed while asking);
    /// 4 when the writing was not confirmed (answered no, or no terminal and no --yes).
    Apply {
        /// The answers file (atproto.toml or a profile).
        #[arg(long, value_name = "FILE")]
        answers: PathBuf,
        /// The host's configuration directory, like /etc/nixos. Created when missing.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Write without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Only show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Overwrite a managed file (atproto.nix, the wizard's flake.nix) that was edited
        /// by hand. It is backed up first.
        #[arg(long)]
        force: bool,
    },
    /// Take over a hand-written NixOS host: what the wizard knows in it (the PDS and
    /// the project's services, their settings, the nginx virtual host and ACME account
    /// in front of the PDS) moves into atproto.toml and atproto.nix; the host runs the
    /// same.
    ///
    /// Reads DIR's configuration.nix or flake.nix and every local module they import
    /// (never outside DIR, never through a link). Each value written into atproto.toml
    /// carries a comment naming the file and line it came from. The adopted bindings
    /// are taken out of the operator's files through their syntax tree (every other
    /// byte kept), ./atproto.nix is imported and the flake wired, as `apply` does.
    /// What the wizard does not model stays where it is and is listed; secrets the host
    /// feeds itself (services.bluesky-pds.environmentFiles) keep feeding it, and the
    /// secrets backend makes none for that service. A diff of every file is shown, then
    /// one confirmation (or --yes); every replaced file is backed up; nothing is written
    /// on any refusal.
    ///
    /// Exit status: 0 written (or --dry-run found nothing in the way); 1 nothing to
    /// adopt, or the host as it is fails the wizard's checks; 2 DIR cannot be read (no
    /// host there, several flake hosts and no --host); 4 not confirmed; 5 refused (a
    /// file the wizard cannot edit safely, or one that changed while asking).
    Adopt {
        /// The host's configuration directory, like /etc/nixos.
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// The flake's nixosConfigurations entry to adopt, when it has several.
        #[arg(long, value_name = "NAME")]
        host: Option<String>,
        /// The administrator's address, when the host names none (ACME account email
        /// or the PDS's contact address).
        #[arg(long, value_name = "ADDRESS")]
        admin_email: Option<String>,
        /// Write without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Only show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Move a PDS installed by Bluesky's installer.sh (Docker, its data in /pds) onto
    /// the host in DIR, losing no account, key or setting.
    ///
    /// Reads FROM/pds.env and the Caddyfile, and makes the host's answers from them:
    /// each PDS_* variable goes to the catalog setting that reads it, the secrets (JWT
    /// secret, admin password, PLC rotation key, SMTP URL) go where the secrets backend
    /// reads them and never into a file of the host's configuration, and every variable
    /// left out is named with why. The answers are checked as `check` checks them; then
    /// the diff of every host file, the secrets' files and the data are shown, and all
    /// is written once confirmed (--yes), as `apply` writes: the secrets first (never
    /// over a different secret), then the data, then the host's files. The data is
    /// copied only with --copy-data (never moved; each copy compared with its source by
    /// size and SHA-256, and only while nothing answers on the PDS's port); otherwise
    /// the commands are printed.
    ///
    /// Exit status: 0 done (or nothing to do, or a --dry-run with nothing refused); 1
    /// the answers made have errors; 2 pds.env cannot be read or used (a bad line, a
    /// missing or malformed secret), or an I/O error; 4 not confirmed; 5 refused (a
    /// different secret already in place, data in the way, a PDS still running, a host
    /// file edited by hand, another secrets backend on the host).
    ImportPds {
        /// The Docker PDS's data directory, with pds.env in it.
        #[arg(long, value_name = "DIR", default_value = "/pds")]
        from: PathBuf,
        /// The host's configuration directory, like /etc/nixos (its atproto.toml, when
        /// there is one, is kept and the PDS added to it).
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Put every path written on this machine under R (a disk mounted for
        /// installing, like /mnt); --dir is then the path as the host sees it.
        #[arg(long, value_name = "R")]
        root: Option<PathBuf>,
        /// Where the secrets go: generate (the files the host's generator keeps, the
        /// default for a new host), sops or agenix (plaintext in /run to encrypt, with
        /// the commands). Default: the backend the host already uses.
        #[arg(long, value_enum, value_name = "BACKEND")]
        secrets: Option<SecretsBackend>,
        /// Copy the data now (verified; needs the PDS stopped), instead of printing the
        /// commands.
        #[arg(long)]
        copy_data: bool,
        /// Only show what would be done; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Where to look for a running PDS before copying (default 127.0.0.1 on the
        /// port pds.env gives it).
        #[arg(long, value_name = "ADDR", hide = true)]
        probe: Option<SocketAddr>,
    },
    /// Preview what switching to the host would do, and check it with Nix, before
    /// anything is switched.
    ///
    /// By default runs `nixos-rebuild dry-build` (what would be built and fetched) and
    /// `nixos-rebuild dry-activate` (which units would start, stop, restart or reload;
    /// needs root) on DIR; --build also builds the system and compares it with the
    /// running one (`nix store diff-closures /run/current-system ./result`). Every line
    /// the tools print is shown with the step's name in front, then a summary. Where
    /// nixos-rebuild is not available (not NixOS) it prints the commands that would run
    /// on the host instead. --deep first evaluates the host with Nix (`nix eval` for a
    /// flake, `nix-instantiate` for a classic host) and reports failed assertions and
    /// warnings at their place in atproto.toml; --full also evaluates the whole system
    /// (toplevel.drvPath). --probes runs the preflight probes (DNS, ports 80/443, disk,
    /// memory, NixOS, root, flakes); they are advisory and never change the exit status.
    /// Ctrl-C stops the running tool and everything it started.
    ///
    /// Exit status: 0 when everything that ran found nothing wrong (warnings allowed);
    /// 1 when the host fails (failed assertions, or Nix or nixos-rebuild stopped at an
    /// error in the host's files); 2 when DIR is not a host (no atproto.toml, flake.nix
    /// or configuration.nix, or its atproto.toml is unreadable); 3 when a step could not
    /// run here (nixos-rebuild or Nix missing, not NixOS, no network for the flake's
    /// inputs, a path only the host has), saying what to run instead; 130 when
    /// interrupted.
    Preview {
        /// The host's configuration directory (where `apply` wrote it).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// The host's name in flake.nix (default: host.hostname in DIR/atproto.toml,
        /// or the flake's only nixosConfigurations entry).
        #[arg(long, value_name = "NAME")]
        host: Option<String>,
        /// Also build the system and show the packages added, removed and upgraded
        /// against the running system.
        #[arg(long)]
        build: bool,
        /// Evaluate the host with Nix first: failed assertions and warnings.
        #[arg(long)]
        deep: bool,
        /// With the deep check, also evaluate the whole system (implies --deep).
        #[arg(long)]
        full: bool,
        /// Run the preflight probes first (advisory).
        #[arg(long)]
        probes: bool,
        /// Leave out nixos-rebuild (for --deep or --probes alone, as in CI).
        #[arg(long)]
        no_rebuild: bool,
        /// An extra argument for the deep check's nix eval / nix-instantiate, like
        /// `--nix-arg=--show-trace`; repeat for more.
        #[arg(long = "nix-arg", value_name = "ARG", allow_hyphen_values = true)]
        nix_args: Vec<String>,
        /// With --build, the system to compare the new one with.
        #[arg(long, value_name = "PATH", default_value = "/run/current-system")]
        against: PathBuf,
    },
    /// How the host in DIR is doing after the switch: each enabled service's unit,
    /// health endpoint, recent journal errors and disk; the secrets (the units that
    /// prepare them, each file root's alone, never read); the proxy's certificates; the
    /// last backup; whether the running system is DIR's. Every problem says what to do.
    ///
    /// Runs on the host, or from elsewhere with --host (every probe through `ssh
    /// user@machine -- <command>`, nothing installed there; certificates are checked
    /// from here, as the public sees them).
    ///
    /// Exit status: 0 all healthy; 1 something needs attention; 2 DIR has no readable
    /// atproto.toml (or --host is not user@machine); 3 cannot run here (no systemctl, not Linux, ssh missing or the
    /// host unreachable); 130 when --watch is ended with Ctrl-C.
    Status {
        /// The host's configuration directory (with its atproto.toml).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// Probe this machine through ssh instead of this one.
        #[arg(long, value_name = "USER@MACHINE")]
        host: Option<String>,
        /// Print one JSON document (for scripts and monitoring).
        #[arg(long)]
        json: bool,
        /// Redraw every SECONDS (default 5) until Ctrl-C.
        #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "5")]
        watch: Option<u64>,
        /// Print the text report even on a terminal (where the status screen is shown
        /// otherwise: the report full screen, checked again every --watch SECONDS or 5).
        #[arg(long, conflicts_with = "json")]
        text: bool,
        /// Only ASCII characters on the status screen.
        #[arg(long)]
        ascii: bool,
    },
    /// Update the host's flake inputs in a temporary copy and show what that changes
    /// before anything does: the inputs that move, each service whose package changes
    /// version, every breaking change crossed with the migration it needs, and the
    /// switch previewed on the copy (`preview --build`: what would be built, the units,
    /// the closure diff against the running system). DIR is not touched until the new
    /// flake.lock is confirmed (or --yes); then a backup and one atomic write, and how
    /// to switch and roll back.
    ///
    /// Exit status: 0 written, nothing to update, or a dry run; 1 the updated host would
    /// not build or switch; 2 DIR is not a flake host the wizard wrote; 3 no Nix, or it
    /// cannot update here (offline); 4 not confirmed; 5 refused; 130 interrupted.
    Upgrade {
        /// The host's configuration directory (flake.nix, flake.lock, atproto.toml).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// Only show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the new flake.lock without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Leave out the preview of the switch (no build).
        #[arg(long)]
        no_build: bool,
    },
}

/// `--secrets` of `import-pds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SecretsBackend {
    Generate,
    Sops,
    Agenix,
}

impl From<SecretsBackend> for crate::import_pds::secrets::Backend {
    fn from(b: SecretsBackend) -> Self {
        use crate::import_pds::secrets::Backend;
        match b {
            SecretsBackend::Generate => Backend::Generate,
            SecretsBackend::Sops => Backend::Sops,
            SecretsBackend::Agenix => Backend::Agenix,
        }
    }
}

/// What `fleet` does.
#[derive(Debug, Subcommand)]
pub enum FleetCommand {
    /// Check every host of a fleet together: each host as `check` checks it, with every
    /// "@<host>/<service>" reference resolved to that service's public URL (a missing
    /// host or service, a service of the wrong kind or one not served publicly is an
    /// error at the setting), host names and public domains unique across the fleet.
    ///
    /// Exit status: 0 when the fleet is valid (warnings allowed), 1 when it has errors,
    /// 2 when fleet.toml or a host's answers file cannot be read.
    Check {
        /// The fleet file (fleet.toml); each host's answers are relative to it.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the fleet into DIR as one flake for its deployment engine: each host's
    /// files in hosts/<host>/ (atproto.nix with the references resolved, atproto.toml
    /// keeping them, configuration.nix), flake.nix with nixosConfigurations.<host> and
    /// the engine's output (colmena's colmenaHive, or deploy-rs's deploy.nodes and
    /// checks), and fleet.toml.
    ///
    /// The fleet is checked first, as `fleet check` does: with errors nothing is
    /// written. Then the diff of every file, one confirmation for the whole fleet (or
    /// --yes), backups, atomic writes; any refusal means nothing is written.
    ///
    /// Exit status: 0 written (or nothing to change, or a --dry-run with nothing
    /// refused); 1 the fleet has errors; 2 unreadable input or an I/O error; 4 not
    /// confirmed; 5 refused.
    Apply {
        /// The fleet file (fleet.toml).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The fleet's directory (created when missing).
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// Write without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Only show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Preview every host of a fleet written by `fleet apply` in DIR, as `preview
    /// DIR --host <host>` does for each, then how each ended.
    ///
    /// Exit status: the worst of the hosts': 1 a host fails, 2 one cannot be read, 3 a
    /// step could not run here, 0 all good; 130 when interrupted.
    Preview {
        /// The fleet's directory (with its fleet.toml and flake.nix).
        #[arg(value_name = "DIR", default_value = ".")]
        dir: PathBuf,
        /// Evaluate each host with Nix first: failed assertions and warnings.
        #[arg(long)]
        deep: bool,
        /// With the deep check, also evaluate each whole system (implies --deep).
        #[arg(long)]
        full: bool,
        /// Run the preflight probes (advisory).
        #[arg(long)]
        probes: bool,
        /// Leave out nixos-rebuild.
        #[arg(long)]
        no_rebuild: bool,
    },
    /// The fleet view: every host with its services and its state (done, warnings,
    /// errors), full screen (or line by line with --line, or without a full-screen
    /// terminal). A host opens in the usual steps, checked with its fleet; a setting
    /// that points at another service is chosen from the fleet's services of the kinds
    /// it takes. Saving a host writes its answers file only (with a backup); "apply the
    /// fleet" then writes every host's files into the fleet file's directory as `fleet
    /// apply FILE --dir <that directory>` does, with its diff and one question.
    ///
    /// Exit status: 0 when left normally or the fleet was written; 2 when fleet.toml or
    /// a host's answers cannot be read; 3 without a terminal; the `fleet apply` statuses
    /// after applying.
    /// Add a host to the fleet: its answers at hosts/NAME/atproto.toml from a profile
    /// (host.hostname NAME, and the nixpkgs, flake and system of the fleet's first host,
    /// since the fleet is one flake) and its [[hosts]] entry in the fleet file (comments
    /// kept). Both are shown as a diff and written after one question (or --yes).
    ///
    /// Exit status: 0 written (or a dry run); 1 the name or target is wrong (or taken);
    /// 2 the fleet cannot be read or no such profile; 4 not confirmed; 5 refused (the
    /// host's answers file is already there).
    AddHost {
        /// The fleet file (fleet.toml).
        #[arg(value_name = "FILE", default_value = "fleet.toml")]
        file: PathBuf,
        /// The host's name: its nixosConfigurations entry and host.hostname.
        #[arg(long, value_name = "NAME")]
        name: String,
        /// How the deployment engine reaches it over SSH: user@address.
        #[arg(long, value_name = "USER@ADDRESS")]
        target: String,
        /// The profile its answers start from (`atproto-wizard new` lists them).
        #[arg(long, value_name = "PROFILE", default_value = "custom")]
        profile: String,
        /// Write without asking.
        #[arg(long, short = 'y')]
        yes: bool,
        /// Only show what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    Edit {
        /// The fleet file (fleet.toml); each host's answers must be an atproto.toml in
        /// a directory of its own, as `fleet apply` lays them out.
        #[arg(value_name = "FILE", default_value = "fleet.toml")]
        file: PathBuf,
        /// Ask line by line even where the full screen could be shown.
        #[arg(long)]
        line: bool,
        /// Only ASCII characters on the terminal.
        #[arg(long)]
        ascii: bool,
    },
}
