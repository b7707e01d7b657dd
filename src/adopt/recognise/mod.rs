//! What the catalog knows in a hand-written host: its bindings (read by
//! `hostedit::module_leaves`) turned into answers, each with the file and line it came
//! from, and the bindings the wizard takes over (they leave the operator's files).
//! Everything else stays where it is; the ones worth knowing about are listed with why.
//!
//! The rule throughout: the host must run the same after adoption. A binding is taken
//! over only when the wizard's modules then produce the same value for it; a value the
//! wizard would give differently when left unset is written into the answers as the
//! host has it.
mod host;
mod integrations;
mod proxy;
mod services;

use host::host_section;
use integrations::{others_kept, project_integrations, quiet_integrations};
use proxy::proxy_and_tls;
use services::{nixpkgs_service, own_service};

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::hostedit::{Leaf, Lit};
use crate::value::Value;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file, relative to the host directory.
    pub file: String,
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A leaf binding of one of the host's files.
#[derive(Debug, Clone)]
pub struct HostLeaf {
    pub file: String,
    pub leaf: Leaf,
}

impl HostLeaf {
    fn origin(&self) -> Origin {
        Origin {
            file: self.file.clone(),
            line: self.leaf.line,
        }
    }
    fn path(&self) -> String {
        self.leaf.path.join(".")
    }
}

/// One answer found, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The dotted answers path, e.g. `services.bluesky-pds.settings.hostname`.
    pub key: String,
    pub value: Value,
    /// `None` for a value the host has by leaving it unset (written so the wizard's
    /// default does not change it).
    pub from: Option<Origin>,
    /// Why, for a value the host has by leaving it unset.
    pub note: Option<String>,
}

/// A binding left where it is, worth telling the operator about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The NixOS option path, e.g. `services.bluesky-pds.environmentFiles`.
    pub path: String,
    pub from: Origin,
    pub why: String,
}

/// What adoption found in the host.
#[derive(Debug, Clone, Default)]
pub struct Recognised {
    pub found: Vec<Found>,
    /// The bindings taken over: (file, byte range of the entry).
    pub adopted: Vec<(String, (usize, usize))>,
    pub kept: Vec<Kept>,
    /// Problems that stop adoption (one sentence each, with what to do).
    pub problems: Vec<String>,
    /// Things the operator should know.
    pub notes: Vec<String>,
    /// Options whose text is not a literal but whose value the answers need: what an
    /// evaluation of the host would give (option paths).
    pub to_evaluate: Vec<String>,
}

/// What the caller knows beyond the files.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The flake's `nixosConfigurations` entry being adopted, when the host is a flake.
    pub flake_host: Option<String>,
    /// `--admin-email`, when given.
    pub admin_email: Option<String>,
    /// Whether the host directory has a flake.nix.
    pub flake: bool,
    /// Values Nix gave for options whose text is not a literal, by option path
    /// (`evaluate`); `None` when the host was not evaluated.
    pub evaluated: Option<BTreeMap<String, Lit>>,
}

/// Reads what the catalog knows from the host's leaves.
pub fn recognise(catalog: &Catalog, leaves: &[HostLeaf], ctx: &Context) -> Recognised {
    let mut r = Recognised::default();
    let by_path: BTreeMap<String, &HostLeaf> = leaves.iter().map(|l| (l.path(), l)).collect();
    let mut taken = |r: &mut Recognised, l: &HostLeaf| {
        r.adopted.push((l.file.clone(), l.leaf.entry));
    };

    // ------------------------------------------------------------ services
    let mut domain: Option<(String, Option<Origin>)> = None;
    let mut pds_port: Option<i64> = None;
    for service in catalog.services.values() {
        let prefix = format!("services.{}.", service.id);
        let Some(enable) = by_path.get(&format!("{prefix}enable")) else {
            continue;
        };
        if enable.leaf.value != Some(Lit::Bool(true)) {
            r.kept.push(Kept {
                path: enable.path(),
                from: enable.origin(),
                why: "not a plain `true`, so the service is left as it is".into(),
            });
            continue;
        }
        r.found.push(Found {
            key: format!("services.{}.enable", service.id),
            value: Value::Bool(true),
            from: Some(enable.origin()),
            note: None,
        });
        taken(&mut r, enable);
        let mine: Vec<&HostLeaf> = leaves
            .iter()
            .filter(|l| l.path().starts_with(&prefix) && l.path() != format!("{prefix}enable"))
            .collect();
        if service.nixpkgs_module {
            let port = nixpkgs_service(service, &mine, ctx, &mut r, &mut taken);
            if service.id == "bluesky-pds" {
                pds_port = Some(port);
                let hostname = format!("services.{}.settings.hostname", service.id);
                if let Some(f) = r.found.iter().find(|f| f.key == hostname)
                    && let Value::Str(d) = &f.value
                {
                    domain = Some((d.clone(), f.from.clone()));
                }
            }
        } else {
            own_service(service, &mine, &mut r, &mut taken);
        }
    }
    if !r.found.iter().any(|f| f.key.ends_with(".enable")) {
        r.problems.push(
            "No service the wizard knows is enabled here (for example `services.bluesky-pds.enable = true;`): there is nothing to adopt. Start a new host with `atproto-wizard new` instead."
                .into(),
        );
        return r;
    }

    // ------------------------------------------------------------ host
    host_section(&by_path, ctx, domain.as_ref(), &mut r, &mut taken);

    // ------------------------------------------------------------ integrations
    // A host that already uses the project's modules by hand: its own choices first.
    project_integrations(catalog, leaves, &mut r, &mut taken);
    if !r.found.iter().any(|f| f.key == "integrations.proxy.kind") {
        let proxied = domain
            .as_ref()
            .zip(pds_port)
            .map(|((d, _), p)| (d.clone(), p));
        proxy_and_tls(&by_path, leaves, proxied, &mut r, &mut taken);
    }
    quiet_integrations(&by_path, &mut r);
    others_kept(leaves, &mut r);
    r
}

/// The value Nix gave for `l`'s option; without an evaluation yet, the option is
/// noted as one to evaluate.
pub(super) fn evaluated(ctx: &Context, r: &mut Recognised, l: &HostLeaf) -> Option<Lit> {
    match &ctx.evaluated {
        Some(values) => values.get(&l.path()).cloned(),
        None => {
            r.to_evaluate.push(l.path());
            None
        }
    }
}

/// An answer read by evaluating the host: recorded, and its binding kept (an expression
/// the wizard cannot write back; both give the same value).
pub(super) fn found_by_evaluation(r: &mut Recognised, l: &HostLeaf, key: String, value: Value) {
    r.found.push(Found {
        key,
        value,
        from: None,
        note: Some(format!(
            "evaluated with Nix; {} keeps its expression",
            l.origin()
        )),
    });
    r.kept.push(Kept {
        path: l.path(),
        from: l.origin(),
        why: "an expression: its value, evaluated with Nix, is recorded in atproto.toml, and the binding stays".into(),
    });
}

pub(super) fn keep(r: &mut Recognised, l: &HostLeaf, why: &str) {
    r.kept.push(Kept {
        path: l.path(),
        from: l.origin(),
        why: why.into(),
    });
}
