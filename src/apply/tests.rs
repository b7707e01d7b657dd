use super::*;
use crate::catalog::Catalog;

const FLAKE_HOST: &str = "schema = 1\n\n# The machine.\n[host]\nhostname = \"pds1\"\ndomain = \"pds.example.com\"\nadmin_email = \"admin@example.com\"\n\n[integrations.tls]\naccept_terms = true\n\n[integrations.secrets]\nbackend = \"generate\"\n\n[services.constellation]\nenable = true\n";

fn answers(text: &str) -> Answers {
    Answers::parse("atproto.toml", text).unwrap()
}

fn classic() -> Answers {
    answers(&FLAKE_HOST.replace("[host]\n", "[host]\nmode = \"classic\"\n"))
}

fn plan(a: &Answers, dir: &DirState, force: bool) -> ApplyPlan {
    plan_apply(a, Catalog::embedded(), dir, force)
}

/// The directory after writing a plan.
fn after(before: &DirState, plan: &ApplyPlan) -> DirState {
    assert!(plan.refusals.is_empty(), "{:?}", plan.refusals);
    let mut dir = before.clone();
    for c in &plan.changes {
        let slot = match c.path.as_str() {
            FLAKE_NIX => &mut dir.flake_nix,
            CONFIGURATION_NIX => &mut dir.configuration_nix,
            ATPROTO_NIX => &mut dir.atproto_nix,
            ATPROTO_TOML => &mut dir.atproto_toml,
            other => panic!("unexpected file {other}"),
        };
        *slot = Some(c.new.clone());
    }
    dir
}

fn paths(plan: &ApplyPlan) -> Vec<&str> {
    plan.changes.iter().map(|c| c.path.as_str()).collect()
}

fn change<'a>(plan: &'a ApplyPlan, path: &str) -> &'a FileChange {
    plan.changes
        .iter()
        .find(|c| c.path == path)
        .unwrap_or_else(|| panic!("no change to {path}: {plan:#?}"))
}

/// What `nixos-generate-config` writes (trimmed), with the operator's own lines.
pub(crate) const GENERATED_CONFIGURATION: &str = r#"# Edit this configuration file to define what should be installed on
# your system. Help is available in the configuration.nix(5) man page, on
# https://search.nixos.org/options and in the NixOS manual (`nixos-help`).

{ config, lib, pkgs, ... }:

{
  imports =
    [ # Include the results of the hardware scan.
      ./hardware-configuration.nix
    ];

  # Use the systemd-boot EFI boot loader.
  boot.loader.systemd-boot.enable = true;
  boot.loader.efi.canTouchEfiVariables = true;

  services.openssh.enable = true; # my own line

  system.stateVersion = "25.11"; # Did you read the comment?
}
"#;

const FOREIGN_FLAKE: &str = r#"{
  description = "my servers";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  outputs = { self, nixpkgs }: {
    nixosConfigurations.pds1 = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ./configuration.nix ];
    };
  };
}
"#;

#[test]
fn an_empty_directory_gets_every_file_in_write_order() {
    let a = answers(FLAKE_HOST);
    let p = plan(&a, &DirState::default(), false);
    assert_eq!(
        paths(&p),
        [ATPROTO_NIX, CONFIGURATION_NIX, FLAKE_NIX, ATPROTO_TOML]
    );
    assert!(p.changes.iter().all(|c| c.old.is_none()));
    assert!(p.refusals.is_empty() && p.writes_anything());
    // The managed files carry an intact checksum; configuration.nix is the operator's.
    assert_eq!(
        checksum::verify(&change(&p, ATPROTO_NIX).new),
        Stamp::Intact
    );
    assert_eq!(checksum::verify(&change(&p, FLAKE_NIX).new), Stamp::Intact);
    assert_eq!(
        checksum::verify(&change(&p, CONFIGURATION_NIX).new),
        Stamp::Missing
    );
    assert!(change(&p, CONFIGURATION_NIX).new.contains("./atproto.nix"));
    // atproto.toml: the answers resolved, the operator's comment kept.
    let toml = &change(&p, ATPROTO_TOML).new;
    assert!(toml.contains("# The machine.\n[host]"), "{toml}");
    assert!(toml.contains("flake_url = "), "{toml}");
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("hardware-configuration.nix")),
        "{:?}",
        p.notes
    );
    assert!(p.git_add.is_empty(), "not a git repository");
}

#[test]
fn a_second_apply_changes_nothing() {
    for a in [answers(FLAKE_HOST), classic()] {
        let first = plan(&a, &DirState::default(), false);
        let dir = after(&DirState::default(), &first);
        let second = plan(&a, &dir, false);
        assert!(second.changes.is_empty(), "{:#?}", second.changes);
        assert!(!second.writes_anything());
        // And from the written atproto.toml, as the operator runs it next time.
        let written = answers(dir.atproto_toml.as_deref().unwrap());
        let third = plan(&written, &dir, false);
        assert!(third.changes.is_empty(), "{:#?}", third.changes);
    }
}

#[test]
fn a_typical_existing_host_gains_one_import() {
    let a = answers(FLAKE_HOST);
    let dir = DirState {
        configuration_nix: Some(GENERATED_CONFIGURATION.into()),
        has_hardware_configuration: true,
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert_eq!(
        paths(&p),
        [ATPROTO_NIX, CONFIGURATION_NIX, FLAKE_NIX, ATPROTO_TOML]
    );
    let c = change(&p, CONFIGURATION_NIX);
    assert_eq!(c.old.as_deref(), Some(GENERATED_CONFIGURATION));
    assert!(c.new.contains("./atproto.nix"), "{}", c.new);
    assert!(
        c.new
            .contains("services.openssh.enable = true; # my own line")
    );
    assert!(c.why.contains("imports"), "{}", c.why);
    assert!(
        !p.notes
            .iter()
            .any(|n| n.contains("hardware-configuration.nix")),
        "{:?}",
        p.notes
    );
    let again = plan(&a, &after(&dir, &p), false);
    assert!(again.changes.is_empty(), "{:#?}", again.changes);
}

#[test]
fn a_hand_edited_atproto_nix_is_refused_and_the_edit_shown() {
    let a = answers(FLAKE_HOST);
    let dir = after(&DirState::default(), &plan(&a, &DirState::default(), false));
    let generated = dir.atproto_nix.clone().unwrap();
    let edited = generated.replace(
        "services.constellation.enable = true;",
        "services.constellation.enable = true;\n  services.nginx.enable = false; # mine",
    );
    assert_ne!(edited, generated);
    let dir = DirState {
        atproto_nix: Some(edited.clone()),
        ..dir
    };
    // With new answers, so that there is something to write.
    let changed = answers(&FLAKE_HOST.replace("pds1", "pds2"));
    let p = plan(&changed, &dir, false);
    assert!(!p.writes_anything());
    assert_eq!(p.refusals.len(), 1, "{:#?}", p.refusals);
    let r = &p.refusals[0];
    assert_eq!(
        (r.path.as_str(), r.kind),
        (ATPROTO_NIX, RefusalKind::HandEdited)
    );
    assert!(r.why.contains("edited by hand"), "{}", r.why);
    assert!(r.by_hand.contains("--force"), "{}", r.by_hand);
    // What would be lost: the current file to the new one.
    let lost = r.change.as_ref().unwrap().diff();
    assert!(
        lost.contains("-  services.nginx.enable = false; # mine"),
        "{lost}"
    );
    // The edit by hand itself, recovered from the directory's atproto.toml.
    let edits = r.hand_edits.as_deref().unwrap();
    assert_eq!(diff::stat(edits), (1, 0), "{edits}");
    assert!(edits.contains("+  services.nginx.enable = false; # mine"));

    // Even with unchanged answers, the edited file is not silently kept or replaced.
    let same = plan(&a, &dir, false);
    assert_eq!(same.refusals.len(), 1);

    let forced = plan(&changed, &dir, true);
    assert!(forced.refusals.is_empty());
    let c = change(&forced, ATPROTO_NIX);
    assert_eq!(c.old.as_deref(), Some(edited.as_str()));
    assert!(c.why.contains("--force"), "{}", c.why);
    assert_eq!(checksum::verify(&c.new), Stamp::Intact);
}

#[test]
fn an_atproto_nix_without_checksum_counts_as_hand_written() {
    let a = answers(FLAKE_HOST);
    let dir = DirState {
        atproto_nix: Some("{ ... }:\n{\n  services.nginx.enable = true;\n}\n".into()),
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    let r = &p.refusals[0];
    assert_eq!(r.path, ATPROTO_NIX);
    assert!(r.why.contains("no atproto-wizard checksum"), "{}", r.why);
    assert!(r.hand_edits.is_none());
    assert!(plan(&a, &dir, true).refusals.is_empty());
}

#[test]
fn a_foreign_flake_is_wired_not_replaced() {
    let a = answers(FLAKE_HOST);
    let dir = DirState {
        flake_nix: Some(FOREIGN_FLAKE.into()),
        configuration_nix: Some(GENERATED_CONFIGURATION.into()),
        has_hardware_configuration: true,
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert!(p.refusals.is_empty(), "{:#?}", p.refusals);
    let c = change(&p, FLAKE_NIX);
    assert_eq!(c.old.as_deref(), Some(FOREIGN_FLAKE));
    assert!(
        c.new.contains("atproto-nix.nixosModules.default"),
        "{}",
        c.new
    );
    assert!(c.new.contains("description = \"my servers\";"));
    // Never stamped: it stays the operator's file.
    assert_eq!(checksum::verify(&c.new), Stamp::Missing);
    // atproto.nix comes in through configuration.nix, which the flake uses.
    assert!(!c.new.contains("./atproto.nix"), "{}", c.new);
    assert!(change(&p, CONFIGURATION_NIX).new.contains("./atproto.nix"));
    let again = plan(&a, &after(&dir, &p), false);
    assert!(again.changes.is_empty(), "{:#?}", again.changes);
    assert!(again.unchanged.iter().any(|f| f == FLAKE_NIX));
}

#[test]
fn a_foreign_flake_it_cannot_edit_stops_the_whole_apply() {
    let a = answers(FLAKE_HOST);
    let dir = DirState {
        flake_nix: Some("{\n  outputs = inputs: import ./outputs.nix inputs;\n}\n".into()),
        ..DirState::default()
    };
    for force in [false, true] {
        let p = plan(&a, &dir, force);
        assert_eq!(p.refusals.len(), 1, "{:#?}", p.refusals);
        let r = &p.refusals[0];
        assert_eq!(
            (r.path.as_str(), r.kind),
            (FLAKE_NIX, RefusalKind::CannotEdit)
        );
        assert!(!r.by_hand.is_empty());
        assert!(!p.writes_anything(), "nothing at all is written");
    }
    // No configuration.nix is made beside a flake that is the operator's own.
    let p = plan(&a, &dir, false);
    assert!(!paths(&p).contains(&CONFIGURATION_NIX));
}

#[test]
fn our_own_flake_is_regenerated_but_not_over_hand_edits() {
    let a = answers(FLAKE_HOST);
    let dir = after(&DirState::default(), &plan(&a, &DirState::default(), false));
    let changed = answers(&FLAKE_HOST.replace("pds1", "pds2"));
    let p = plan(&changed, &dir, false);
    assert!(paths(&p).contains(&FLAKE_NIX), "{:?}", paths(&p));
    assert!(change(&p, FLAKE_NIX).why.contains("regenerated"));

    let edited = dir.flake_nix.clone().unwrap() + "# mine\n";
    let dir = DirState {
        flake_nix: Some(edited),
        ..dir
    };
    let p = plan(&changed, &dir, false);
    assert_eq!(p.refusals.len(), 1);
    assert_eq!(p.refusals[0].path, FLAKE_NIX);
    assert_eq!(p.refusals[0].kind, RefusalKind::HandEdited);
    let edits = p.refusals[0].hand_edits.as_deref().unwrap();
    assert!(edits.contains("+# mine"), "{edits}");
}

#[test]
fn classic_mode_leaves_flake_nix_alone() {
    let a = classic();
    let p = plan(&a, &DirState::default(), false);
    assert_eq!(paths(&p), [ATPROTO_NIX, CONFIGURATION_NIX, ATPROTO_TOML]);
    let dir = DirState {
        flake_nix: Some(FOREIGN_FLAKE.into()),
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert!(!paths(&p).contains(&FLAKE_NIX));
    assert!(
        p.notes.iter().any(|n| n.contains("classic")),
        "{:?}",
        p.notes
    );
}

#[test]
fn a_configuration_it_cannot_edit_is_refused_even_with_force() {
    let a = answers(FLAKE_HOST);
    let dir = DirState {
        configuration_nix: Some("{ config, ... }:\n{\n  imports = [ (\n".into()),
        ..DirState::default()
    };
    for force in [false, true] {
        let p = plan(&a, &dir, force);
        assert_eq!(p.refusals.len(), 1, "{:#?}", p.refusals);
        assert_eq!(p.refusals[0].path, CONFIGURATION_NIX);
        assert_eq!(p.refusals[0].kind, RefusalKind::CannotEdit);
        assert!(p.refusals[0].by_hand.contains("./atproto.nix"));
    }
}

#[test]
fn in_git_the_untracked_files_are_named() {
    let a = answers(FLAKE_HOST);
    let dir = DirState {
        configuration_nix: Some(GENERATED_CONFIGURATION.into()),
        has_hardware_configuration: true,
        git: Some(GitState {
            tracked: [CONFIGURATION_NIX.to_string()].into(),
        }),
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert_eq!(
        p.git_add,
        [
            FLAKE_NIX,
            HARDWARE_CONFIGURATION_NIX,
            ATPROTO_NIX,
            ATPROTO_TOML
        ]
    );
    // Classic hosts are not flakes: git does not matter to them.
    assert!(plan(&classic(), &dir, false).git_add.is_empty());
}

#[test]
fn render_and_apply_agree_on_atproto_nix() {
    let a = answers(FLAKE_HOST);
    let p = plan(&a, &DirState::default(), false);
    assert_eq!(
        change(&p, ATPROTO_NIX).new,
        generated_atproto_nix(&a, Catalog::embedded())
    );
}

#[test]
fn a_foreign_flake_without_configuration_nix_imports_atproto_nix_itself() {
    let a = answers(FLAKE_HOST);
    let flake = FOREIGN_FLAKE.replace("./configuration.nix", "./hosts/pds1.nix");
    let dir = DirState {
        flake_nix: Some(flake),
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert_eq!(paths(&p), [ATPROTO_NIX, FLAKE_NIX, ATPROTO_TOML]);
    let c = change(&p, FLAKE_NIX);
    assert!(c.new.contains("./atproto.nix"), "{}", c.new);
    assert!(
        c.new.contains("atproto-nix.nixosModules.default"),
        "{}",
        c.new
    );
    assert!(
        p.notes.iter().any(|n| n.contains("flake's modules")),
        "{:?}",
        p.notes
    );
}

/// A flake where another host uses the sibling configuration.nix: the chosen host must
/// get ./atproto.nix in its own modules, and the other host's configuration.nix must
/// stay as it was (a text search of the flake would find `./configuration.nix` and
/// change the wrong host).
#[test]
fn a_configuration_nix_another_host_uses_is_left_alone() {
    let a = answers(FLAKE_HOST);
    let flake = r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  outputs = { self, nixpkgs, ... }@inputs: {
    nixosConfigurations.desktop = nixpkgs.lib.nixosSystem {
      modules = [ ./configuration.nix ];
    };
    nixosConfigurations.pds1 = nixpkgs.lib.nixosSystem {
      modules = [ ./hosts/pds1.nix ];
    };
  };
}
"#;
    let dir = DirState {
        flake_nix: Some(flake.into()),
        configuration_nix: Some(GENERATED_CONFIGURATION.into()),
        has_hardware_configuration: true,
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert!(p.refusals.is_empty(), "{:#?}", p.refusals);
    assert_eq!(paths(&p), [ATPROTO_NIX, FLAKE_NIX, ATPROTO_TOML]);
    let new = &change(&p, FLAKE_NIX).new;
    assert!(
        new.contains(
            "modules = [ ./hosts/pds1.nix inputs.atproto-nix.nixosModules.default ./atproto.nix ];"
        ),
        "{new}"
    );
    // The desktop's modules are untouched.
    assert!(new.contains("modules = [ ./configuration.nix ];"), "{new}");
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("configuration.nix is left alone")),
        "{:?}",
        p.notes
    );
    let again = plan(&a, &after(&dir, &p), false);
    assert!(again.changes.is_empty(), "{:#?}", again.changes);

    // The same flake with the chosen host using configuration.nix through a `let`
    // binding: configuration.nix gains the import, the flake only the input's module.
    let through_let = flake
        .replace(
            "outputs = { self, nixpkgs, ... }@inputs: {",
            "outputs = { self, nixpkgs, ... }@inputs: let base = [ ./configuration.nix ]; in {",
        )
        .replace("[ ./hosts/pds1.nix ]", "base ++ [ ./hosts/pds1.nix ]")
        // The desktop on a file of its own: a configuration.nix two hosts use is left
        // alone (its own test).
        .replace(
            "modules = [ ./configuration.nix ];",
            "modules = [ ./desktop.nix ];",
        );
    let dir = DirState {
        flake_nix: Some(through_let),
        ..dir
    };
    let p = plan(&a, &dir, false);
    assert!(p.refusals.is_empty(), "{:#?}", p.refusals);
    assert!(change(&p, CONFIGURATION_NIX).new.contains("./atproto.nix"));
    let new = &change(&p, FLAKE_NIX).new;
    assert!(
        new.contains("base ++ [ ./hosts/pds1.nix inputs.atproto-nix.nixosModules.default ]"),
        "{new}"
    );
}

/// NixOS accepts capitals in networking.hostName, and real flakes name hosts so.
#[test]
fn a_host_named_with_capitals_is_wired() {
    let a = answers(&FLAKE_HOST.replace("hostname = \"pds1\"", "hostname = \"AtomicBird\""));
    let flake = FOREIGN_FLAKE.replace("pds1 =", "AtomicBird = (").replace(
        "modules = [ ./configuration.nix ];\n    };",
        "modules = [ ./configuration.nix ];\n    });",
    );
    let dir = DirState {
        flake_nix: Some(flake),
        configuration_nix: Some(GENERATED_CONFIGURATION.into()),
        has_hardware_configuration: true,
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert!(p.refusals.is_empty(), "{:#?}", p.refusals);
    assert!(
        change(&p, FLAKE_NIX)
            .new
            .contains("atproto-nix.nixosModules.default")
    );
    assert!(change(&p, CONFIGURATION_NIX).new.contains("./atproto.nix"));
}

/// A configuration.nix two hosts of the flake name: an import there would give the
/// other host this one's services, so the flake gets ./atproto.nix for this host only.
#[test]
fn a_configuration_nix_shared_by_two_hosts_is_left_alone() {
    let a = answers(FLAKE_HOST);
    let flake = FOREIGN_FLAKE.replace(
        "  };\n}\n",
        "    nixosConfigurations.spare = nixpkgs.lib.nixosSystem {\n      modules = [ ./configuration.nix ];\n    };\n  };\n}\n",
    );
    let dir = DirState {
        flake_nix: Some(flake),
        configuration_nix: Some(GENERATED_CONFIGURATION.into()),
        has_hardware_configuration: true,
        ..DirState::default()
    };
    let p = plan(&a, &dir, false);
    assert!(p.refusals.is_empty(), "{:#?}", p.refusals);
    assert_eq!(paths(&p), [ATPROTO_NIX, FLAKE_NIX, ATPROTO_TOML]);
    let new = &change(&p, FLAKE_NIX).new;
    assert!(
        new.contains(
            "modules = [ ./configuration.nix atproto-nix.nixosModules.default ./atproto.nix ];"
        ),
        "{new}"
    );
    assert_eq!(new.matches("./atproto.nix").count(), 1, "{new}");
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("nixosConfigurations.spare uses it too")),
        "{:?}",
        p.notes
    );
}
