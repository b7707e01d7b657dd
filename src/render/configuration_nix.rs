//! A new `configuration.nix`, for a directory that has none. It is the operator's file
//! from then on: the wizard never rewrites it, and only ever adds `./atproto.nix` to the
//! imports of one that exists (src/hostedit). Both modes get the same file, except that
//! flake mode turns flakes on; a classic host's `atproto.nix` fetches the modules itself.
use std::collections::BTreeMap;

use super::nix::{Binding, Expr, File, print_file};
use super::{HostMode, host_text};
use crate::catalog::Catalog;
use crate::plan::PlanView;
use crate::value::Value;

/// What the wizard found in the host's directory that shapes a new `configuration.nix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HostContext {
    /// `hardware-configuration.nix` is there, so it is imported.
    pub has_hardware_configuration: bool,
}

/// The header of every new `configuration.nix`.
pub const HEADER: &[&str] = &[
    "Created by atproto-wizard, once, because this directory had no configuration.nix.",
    "This file is yours to edit: the wizard never rewrites it and only ever adds",
    "./atproto.nix to its imports. The AT Protocol services are in atproto.nix, which is",
    "generated from atproto.toml.",
    "",
    "Before the first build, set the boot loader your machine needs (the configuration.nix",
    "that nixos-generate-config writes has it) and give yourself an SSH key",
    "(users.users.<name>.openssh.authorizedKeys.keys).",
];

/// Renders a new `configuration.nix` for a plan.
pub fn render_configuration_nix(
    answers: &BTreeMap<String, Value>,
    catalog: &Catalog,
    ctx: &HostContext,
) -> String {
    print_file(&configuration_nix(answers, catalog, ctx))
}

/// The syntax tree of a new `configuration.nix`.
pub fn configuration_nix(
    answers: &BTreeMap<String, Value>,
    catalog: &Catalog,
    ctx: &HostContext,
) -> File {
    let view = PlanView::new(catalog, answers);
    let mode = HostMode::of(answers, catalog);
    let state_version = host_text(&view, "state_version", "25.11");

    let mut header: Vec<String> = HEADER.iter().map(|s| s.to_string()).collect();
    if mode == HostMode::Classic {
        let branch = host_text(&view, "nixpkgs", "nixos-25.11");
        header.extend([
            String::new(),
            "This host is built without flakes (host.mode = \"classic\" in atproto.toml), from"
                .to_string(),
            format!("the channel named nixos; to follow {branch}, run once as root:"),
            format!("  nix-channel --add https://nixos.org/channels/{branch} nixos"),
        ]);
    }

    let mut imports = Vec::new();
    if ctx.has_hardware_configuration {
        imports.push(Expr::Path("./hardware-configuration.nix".into()));
    }
    imports.push(Expr::Path("./atproto.nix".into()));
    let mut imports = Binding::new(&["imports"], Expr::List(imports));
    if !ctx.has_hardware_configuration {
        imports = imports.comment(
            "No hardware-configuration.nix was found beside this file. On the machine, run\n  \
             nixos-generate-config --show-hardware-config > hardware-configuration.nix\n\
             here and add ./hardware-configuration.nix to this list.",
        );
    }

    let mut body = vec![imports];
    if mode == HostMode::Flake {
        body.push(
            Binding::new(
                &["nix", "settings", "experimental-features"],
                Expr::List(vec![Expr::str("nix-command"), Expr::str("flakes")]),
            )
            .comment("This host is built from flake.nix (`nixos-rebuild switch --flake .`).")
            .blank(),
        );
    }
    body.push(
        Binding::new(&["services", "openssh", "enable"], Expr::Bool(true))
            .comment(
                "SSH stays on: this is a server, and SSH is how you reach it after every switch\n\
                 (NixOS opens its port; atproto.nix opens only what the services need).",
            )
            .blank(),
    );
    body.push(
        Binding::new(&["system", "stateVersion"], Expr::str(&state_version))
            .comment(
                "The NixOS release this host was first installed with: host.state_version in\n\
                 atproto.toml. Keep it: changing it upgrades nothing and can move state.",
            )
            .blank(),
    );
    File {
        header,
        body: Expr::lambda(&[], Expr::attrs(body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Answers;

    const HOST: &str = "schema = 1\n[host]\nhostname = \"h1\"\ndomain = \"h.example.com\"\nadmin_email = \"a@example.com\"\nstate_version = \"24.05\"\n";

    fn render(extra: &str, hardware: bool) -> String {
        let answers = Answers::parse("t.toml", &format!("{HOST}{extra}")).unwrap();
        render_configuration_nix(
            &answers.tree,
            Catalog::embedded(),
            &HostContext {
                has_hardware_configuration: hardware,
            },
        )
    }

    #[test]
    fn flake_mode_imports_the_hardware_and_the_wizard_module_and_turns_flakes_on() {
        let text = render("", true);
        let body = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            body.starts_with(
                "{ ... }:\n{\n  imports = [\n    ./hardware-configuration.nix\n    ./atproto.nix\n  ];\n"
            ),
            "{body}"
        );
        assert!(
            body.contains(
                "nix.settings.experimental-features = [\n    \"nix-command\"\n    \"flakes\"\n  ];"
            ),
            "{body}"
        );
        assert!(body.contains("services.openssh.enable = true;"), "{body}");
        assert!(body.contains("system.stateVersion = \"24.05\";"), "{body}");
        assert!(
            text.starts_with("# Created by atproto-wizard, once"),
            "{text}"
        );
        assert!(text.contains("only ever adds\n# ./atproto.nix"), "{text}");
    }

    #[test]
    fn without_hardware_configuration_it_says_how_to_make_one() {
        let text = render("", false);
        assert!(!text.contains("    ./hardware-configuration.nix"), "{text}");
        assert!(
            text.contains("nixos-generate-config --show-hardware-config"),
            "{text}"
        );
        assert!(text.contains("  imports = [ ./atproto.nix ];"), "{text}");
    }

    #[test]
    fn classic_mode_leaves_flakes_off_and_names_the_channel() {
        let text = render("mode = \"classic\"\nnixpkgs = \"nixos-unstable\"\n", true);
        assert!(!text.contains("experimental-features"), "{text}");
        assert!(
            text.contains("nix-channel --add https://nixos.org/channels/nixos-unstable nixos"),
            "{text}"
        );
        let flake = render("", true);
        assert!(!flake.contains("nix-channel"), "{flake}");
    }
}
