//! Each `profiles/<name>.toml` has its rendered `atproto.nix` committed beside it as
//! `profiles/<name>.nix`, so a reader sees what a profile gives without running
//! anything. This fails when one is missing or stale.
use crate::support;

use atproto_wizard::apply::generated_atproto_nix;
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::Answers;

const REGENERATE: &str = "regenerate them with scripts/render-profiles.sh and review the diff";

#[test]
fn committed_profile_renders_are_current() {
    let catalog = Catalog::embedded();
    let dir = support::repo().join("profiles");
    let mut problems = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in &names {
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => {
                let answers = Answers::read(path).unwrap();
                let expected = generated_atproto_nix(&answers, catalog);
                let nix = path.with_extension("nix");
                match std::fs::read_to_string(&nix) {
                    Ok(committed) if committed == expected => {}
                    Ok(_) => problems.push(format!("{} is stale", nix.display())),
                    Err(_) => problems.push(format!("{} is missing", nix.display())),
                }
            }
            Some("nix") if !path.with_extension("toml").exists() => problems.push(format!(
                "{} has no {} to be rendered from",
                path.display(),
                path.with_extension("toml").display()
            )),
            _ => {}
        }
    }
    assert!(
        problems.is_empty(),
        "profiles/*.nix must be what `atproto-wizard render` gives for profiles/*.toml:\n  {}\n{REGENERATE}",
        problems.join("\n  ")
    );
}
