//! What `adopt` found in a hand-written host, in plain text: the files read, each value
//! taken over with the file and line it came from, and the bindings left where they
//! are with why. Values come from the operator's files, so they are shown escaped.
use super::Style;
use crate::adopt::{Adoption, HostSources};
use crate::safe_text::escape;
use crate::value::Value;

/// The files read and those not read; `flake_host` is the flake's entry adopted.
pub fn sources(sources: &HostSources, flake_host: Option<&str>, style: Style) -> String {
    let mut out = format!("{}\n", style.bold("Read:"));
    if let Some(host) = flake_host {
        out.push_str(&format!(
            "  flake.nix {}\n",
            style.dim(&format!("(nixosConfigurations.{})", escape(host)))
        ));
    }
    for (file, _) in &sources.modules {
        out.push_str(&format!("  {}\n", escape(file)));
    }
    for (file, why) in &sources.unread {
        out.push_str(&format!(
            "  {} {}\n",
            escape(file),
            style.dim(&format!("(not read: {})", escape(why)))
        ));
    }
    out
}

/// The values taken over and the bindings kept.
pub fn findings(adoption: &Adoption, style: Style) -> String {
    let r = &adoption.recognised;
    let mut out = String::new();
    let read: Vec<_> = r.found.iter().filter(|f| f.from.is_some()).collect();
    if !read.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            style.bold("Taken over by atproto.toml (and atproto.nix):")
        ));
        for f in read {
            out.push_str(&format!(
                "  {} = {}  {}\n",
                f.key,
                escape(&value_text(&f.value)),
                style.dim(&format!("from {}", f.from.as_ref().expect("filtered")))
            ));
        }
    }
    let implied: Vec<_> = r
        .found
        .iter()
        .filter(|f| f.from.is_none() && f.note.is_some())
        .collect();
    if !implied.is_empty() {
        out.push_str(&format!(
            "\n{}\n",
            style.bold("Written so nothing changes:")
        ));
        for f in implied {
            out.push_str(&format!(
                "  {} = {}  {}\n",
                f.key,
                escape(&value_text(&f.value)),
                style.dim(f.note.as_deref().unwrap_or_default())
            ));
        }
    }
    if !r.kept.is_empty() {
        out.push_str(&format!("\n{}\n", style.bold("Left where they are:")));
        for k in &r.kept {
            out.push_str(&format!(
                "  {} ({}): {}\n",
                escape(&k.path),
                escape(&k.from.to_string()),
                escape(&k.why)
            ));
        }
    }
    for note in &r.notes {
        out.push_str(&format!("\n{} {}\n", style.dim("note:"), escape(note)));
    }
    for problem in &r.problems {
        out.push_str(&format!(
            "\n{}: {}\n",
            style.error("error"),
            escape(problem)
        ));
    }
    out
}

/// Whether `dir` holds a NixOS host the wizard does not manage yet: its own
/// configuration.nix or flake.nix, and no atproto.toml.
pub fn unmanaged_host(state: &crate::apply::DirState) -> bool {
    state.atproto_toml.is_none() && (state.configuration_nix.is_some() || state.flake_nix.is_some())
}

/// `edit` on a directory without atproto.toml: adopt first when a host is there, else
/// start a new one.
pub fn nothing_to_edit(dir: &std::path::Path, unmanaged: bool) -> String {
    let d = crate::shell::shell_word(&dir.display().to_string());
    if unmanaged {
        format!(
            "{} holds a NixOS host the wizard does not manage yet (no atproto.toml): adopt it first with `atproto-wizard adopt {d}`; it moves what the wizard knows into atproto.toml, and the host runs the same. Then `atproto-wizard edit {d}`.",
            dir.display()
        )
    } else {
        format!(
            "{} has no atproto.toml to edit; start a host with `atproto-wizard new --dir {d}`",
            dir.display()
        )
    }
}

fn value_text(v: &Value) -> String {
    v.to_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adopt::{Found, Kept, Origin, Recognised};

    #[test]
    fn values_say_where_they_came_from_and_control_bytes_are_escaped() {
        let adoption = Adoption {
            recognised: Recognised {
                found: vec![Found {
                    key: "host.hostname".into(),
                    value: Value::Str("pds1".into()),
                    from: Some(Origin {
                        file: "configuration.nix".into(),
                        line: 9,
                    }),
                    note: None,
                }],
                kept: vec![Kept {
                    path: "services.bluesky-pds.settings.PDS_X\u{1b}[2J".into(),
                    from: Origin {
                        file: "pds.nix".into(),
                        line: 3,
                    },
                    why: "not modelled".into(),
                }],
                ..Recognised::default()
            },
            ..Adoption::default()
        };
        let text = findings(&adoption, Style::plain());
        assert!(
            text.contains("  host.hostname = \"pds1\"  from configuration.nix:9\n"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("(pds.nix:3): not modelled"), "{text}");
    }
}
