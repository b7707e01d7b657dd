//! Values the text of a host cannot give (`PDS_HOSTNAME = lore.apps.pds.fqdn;`), asked of
//! Nix: one evaluation of the host that returns each wanted option. Pure: the command
//! to run and how to read what it prints; `cli::adopt_cmd` runs it. A value read this
//! way goes into the answers, and its binding stays where it is (an expression the
//! wizard cannot write back), with the same value on both sides.
use std::collections::BTreeMap;
use std::path::Path;

use crate::hostedit::Lit;
use crate::preview::deep::{CONNECT_TIMEOUT, NIX_FEATURES};
use crate::preview::process::CommandSpec;
use crate::render::nix::string_literal;

/// `c."a"."b" or null` for each wanted option path, as one attribute set keyed by the
/// dotted path.
fn apply(paths: &[String]) -> String {
    let fields: Vec<String> = paths
        .iter()
        .map(|p| {
            let select: Vec<String> = p.split('.').map(string_literal).collect();
            format!("{} = c.{} or null;", string_literal(p), select.join("."))
        })
        .collect();
    format!("c: {{ {} }}", fields.join(" "))
}

/// The evaluation of `paths` (option paths like `services.bluesky-pds.settings.PDS_PORT`)
/// for the host in `dir`: the flake's `nixosConfigurations.<host>`, or the classic
/// host's configuration.nix over the machine's `<nixpkgs/nixos>`.
pub fn command(dir: &Path, flake_host: Option<&str>, paths: &[String]) -> CommandSpec {
    let apply = apply(paths);
    match flake_host {
        Some(host) => {
            let mut args: Vec<String> = NIX_FEATURES.iter().map(|s| s.to_string()).collect();
            args.extend(["eval", "--json", "--no-write-lock-file"].map(String::from));
            args.extend(CONNECT_TIMEOUT.map(String::from));
            args.push(format!(
                "{}#nixosConfigurations.{}.config",
                dir.display(),
                string_literal(host)
            ));
            args.extend(["--apply".to_string(), apply]);
            CommandSpec::new("nix", args)
        }
        None => {
            let config = format!("nixos-config={}", dir.join("configuration.nix").display());
            CommandSpec::new(
                "nix-instantiate",
                [
                    "--eval".to_string(),
                    "--strict".to_string(),
                    "--json".to_string(),
                    "-I".to_string(),
                    config,
                    "-E".to_string(),
                    format!("let c = (import <nixpkgs/nixos> {{ }}).config; in ({apply}) c"),
                ],
            )
        }
    }
}

/// The values Nix printed (one JSON object keyed by option path); `null` means the
/// host leaves the option unset and is left out.
pub fn read(stdout: &str) -> Result<BTreeMap<String, Lit>, String> {
    let json: serde_json::Value =
        serde_json::from_str(stdout.trim()).map_err(|e| format!("not JSON ({e})"))?;
    let object = json.as_object().ok_or("not a JSON object")?;
    Ok(object
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), lit(v)?)))
        .collect())
}

fn lit(v: &serde_json::Value) -> Option<Lit> {
    match v {
        serde_json::Value::String(s) => Some(Lit::Str(s.clone())),
        serde_json::Value::Number(n) => n.as_i64().map(Lit::Int),
        serde_json::Value::Bool(b) => Some(Lit::Bool(*b)),
        serde_json::Value::Array(items) => {
            items.iter().map(lit).collect::<Option<_>>().map(Lit::List)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_evaluation_asks_for_every_path_and_its_answer_is_read() {
        let paths = vec![
            "services.bluesky-pds.settings.PDS_HOSTNAME".to_string(),
            "networking.hostName".to_string(),
        ];
        let spec = command(Path::new("/etc/nixos"), Some("pds"), &paths);
        let shown = spec.display();
        assert!(
            shown.contains("/etc/nixos#nixosConfigurations.\"pds\".config"),
            "{shown}"
        );
        assert!(
            shown.contains(
                "\"services.bluesky-pds.settings.PDS_HOSTNAME\" = c.\"services\".\"bluesky-pds\".\"settings\".\"PDS_HOSTNAME\" or null;"
            ),
            "{shown}"
        );
        let classic = command(Path::new("/etc/nixos"), None, &paths).display();
        assert!(classic.starts_with("nix-instantiate --eval --strict --json -I nixos-config=/etc/nixos/configuration.nix"), "{classic}");
        let got = read(
            r#"{"services.bluesky-pds.settings.PDS_HOSTNAME":"pds.example.org","networking.hostName":null}"#,
        )
        .unwrap();
        assert_eq!(
            got,
            BTreeMap::from([(
                "services.bluesky-pds.settings.PDS_HOSTNAME".to_string(),
                Lit::Str("pds.example.org".into())
            )])
        );
        assert!(read("error: flake not found").is_err());
    }
}
