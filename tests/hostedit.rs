//! Editing an operator's existing `configuration.nix` and `flake.nix` (editing
//! an existing host): a corpus of real-world shapes in `tests/corpus/`, each edited or
//! refused as expected. Every edit must only insert (the original comes back byte for
//! byte when the insertion is removed), parse with rnix and `nix-instantiate --parse`,
//! and give `AlreadyDone` when run again. Edited flakes are evaluated with stub inputs to
//! show the host's modules list really holds the new module.
use crate::support;

use std::path::Path;
use std::process::Command;

use atproto_wizard::hostedit::{
    Edit, FlakeWiring, Refusal, add_import, host_names_module, wire_flake,
};
use proptest::prelude::*;
use similar::{ChangeTag, TextDiff};

const IMPORT: &str = "./atproto.nix";
const ATPROTO: (&str, &str) = ("atproto-nix", "path:/etc/nixos/atproto-nix");
const MODULE: &str = "atproto-nix.nixosModules.default";

// ------------------------------------------------------------------ helpers

fn corpus(kind: &str, name: &str) -> String {
    let path = support::repo().join(format!("tests/corpus/{kind}/{name}.nix"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The checks every `Changed` result must pass.
fn check_edit(before: &str, after: &str, again: impl Fn(&str) -> Edit) {
    // Only insertions: dropping what was inserted gives back the original exactly.
    let diff = TextDiff::from_chars(before, after);
    let mut kept = String::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => kept.push_str(change.value()),
            ChangeTag::Insert => {}
            ChangeTag::Delete => panic!(
                "the edit removed {:?}\n--- after ---\n{after}",
                change.value()
            ),
        }
    }
    assert_eq!(kept, before, "the original is not kept byte for byte");
    assert!(after.len() > before.len());
    // It parses.
    let parsed = rnix::Root::parse(after);
    assert!(
        parsed.errors().is_empty(),
        "rnix errors {:?} in\n{after}",
        parsed.errors()
    );
    nix_parses(after);
    // Running it again changes nothing.
    assert_eq!(again(after), Edit::AlreadyDone, "not idempotent:\n{after}");
    // Line endings: CRLF files stay CRLF, LF files get no CR.
    if before.contains("\r\n") {
        assert_eq!(
            after.matches('\n').count(),
            after.matches("\r\n").count(),
            "a bare LF was inserted into a CRLF file"
        );
    } else {
        assert!(!after.contains('\r'));
    }
}

/// [`check_edit`] without Nix, for the property test's many cases.
fn check_edit_quick(before: &str, after: &str, again: impl Fn(&str) -> Edit) {
    let diff = TextDiff::from_chars(before, after);
    let kept: String = diff
        .iter_all_changes()
        .inspect(|c| assert_ne!(c.tag(), ChangeTag::Delete, "removed {:?}", c.value()))
        .filter(|c| c.tag() == ChangeTag::Equal)
        .map(|c| c.value())
        .collect();
    assert_eq!(kept, before);
    let parsed = rnix::Root::parse(after);
    assert!(
        parsed.errors().is_empty(),
        "{:?} in\n{after}",
        parsed.errors()
    );
    assert_eq!(again(after), Edit::AlreadyDone, "not idempotent:\n{after}");
}

/// `nix-instantiate --parse` accepts the text (skipped without Nix).
fn nix_parses(text: &str) {
    let Some(nix) = support::nix_instantiate() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("edited.nix");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(nix)
        .arg("--parse")
        .arg(&file)
        .output()
        .expect("run nix-instantiate");
    assert!(
        out.status.success(),
        "nix-instantiate --parse rejects:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A unified diff of the edit, for the snapshots: the insertion with its context.
fn unified(before: &str, after: &str) -> String {
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header("before", "after")
        .to_string()
}

fn changed(edit: Edit) -> String {
    match edit {
        Edit::Changed(s) => s,
        other => panic!("expected Changed, got {other:?}"),
    }
}

fn refused(edit: Edit) -> Refusal {
    match edit {
        Edit::Refused(r) => r,
        other => panic!("expected Refused, got {other:?}"),
    }
}

fn assert_mentions(text: &str, hints: &[&str]) {
    for hint in hints {
        assert!(text.contains(hint), "{hint:?} not in:\n{text}");
    }
}

// ------------------------------------------------------------------ configuration.nix

fn import_changed(name: &str) -> String {
    let before = corpus("configuration", name);
    let after = changed(add_import(&before, IMPORT));
    check_edit(&before, &after, |s| add_import(s, IMPORT));
    support::assert_snapshot!(format!("config-{name}"), unified(&before, &after));
    after
}

fn import_refused(name: &str, why: &[&str], by_hand: &[&str]) -> Refusal {
    let before = corpus("configuration", name);
    let r = refused(add_import(&before, IMPORT));
    assert_mentions(&r.why, why);
    assert_mentions(&r.by_hand, by_hand);
    r
}

#[test]
fn config_generated() {
    let after = import_changed("generated");
    assert!(after.contains(
        "    [ # Include the results of the hardware scan.\n      \
         ./hardware-configuration.nix\n      ./atproto.nix\n    ];"
    ));
}

#[test]
fn config_generated_2505() {
    let after = import_changed("generated-2505");
    assert!(after.contains(
        "  imports = [\n    # Include the results of the hardware scan.\n    \
         ./hardware-configuration.nix\n    ./atproto.nix\n  ];"
    ));
}

#[test]
fn config_heavy_comments() {
    // The new element goes after the last one's same-line comments, at its indentation.
    let after = import_changed("heavy-comments");
    assert!(
        after
            .contains("./backup.nix /* restic */   # offsite copy\n        ./atproto.nix\n    ] ;")
    );
}

#[test]
fn config_let_in() {
    let after = import_changed("let-in");
    assert!(after.contains("    ./monitoring.nix\n    ./atproto.nix\n  ];"));
}

#[test]
fn config_single_line() {
    let after = import_changed("single-line");
    assert!(
        after.contains("imports = [ ./hardware-configuration.nix ./users.nix ./atproto.nix ];")
    );
}

#[test]
fn config_empty_list() {
    let after = import_changed("empty-list");
    assert!(after.contains("  imports = [ ./atproto.nix ];\n"));
}

#[test]
fn config_empty_tight() {
    let after = import_changed("empty-tight");
    assert_eq!(
        after,
        "{ ... }: { imports = [ ./atproto.nix ]; boot.isContainer = true; }\n"
    );
}

#[test]
fn config_empty_multiline() {
    let after = import_changed("empty-multiline");
    assert!(after.contains("  imports = [\n    # modules go here\n    ./atproto.nix\n  ];"));
}

#[test]
fn config_no_imports() {
    let after = import_changed("no-imports");
    assert!(after.contains(
        "{\n  imports = [ ./atproto.nix ];\n\n  # Use the systemd-boot EFI boot loader.\n"
    ));
}

#[test]
fn config_no_imports_blank_first() {
    // A blank line is already there: no second one.
    let after = import_changed("no-imports-blank-first");
    assert!(after.contains("{\n  imports = [ ./atproto.nix ];\n\n  services.postgresql.enable"));
}

#[test]
fn config_one_line_set() {
    let after = import_changed("one-line-set");
    assert_eq!(
        after,
        "{ pkgs, ... }: { imports = [ ./atproto.nix ]; environment.systemPackages = [ pkgs.vim ]; }\n"
    );
}

#[test]
fn config_tabs() {
    let after = import_changed("tabs");
    assert!(after.contains("{\n\timports = [ ./atproto.nix ];\n\n\tnetworking.hostName"));
}

#[test]
fn config_with_lib() {
    let after = import_changed("with-lib");
    assert!(
        after
            .contains("./hardware-configuration.nix # hardware\n    ./atproto.nix\n  ]; # modules")
    );
}

#[test]
fn config_plain_set() {
    let after = import_changed("plain-set");
    assert!(after.contains("imports = [ ./hardware-configuration.nix ./atproto.nix ];"));
}

#[test]
fn config_trailing_comment() {
    let before = corpus("configuration", "trailing-comment");
    assert!(
        !before.ends_with('\n'),
        "the corpus file has no final line break"
    );
    let after = import_changed("trailing-comment");
    assert!(after.ends_with("  ];\n}\n# vim: set ts=2 sw=2 et:"));
}

#[test]
fn config_crlf_is_preserved() {
    // Written from the LF corpus file so that no checkout setting can change it.
    let before = corpus("configuration", "generated").replace('\n', "\r\n");
    let after = changed(add_import(&before, IMPORT));
    check_edit(&before, &after, |s| add_import(s, IMPORT));
    assert!(after.contains("./hardware-configuration.nix\r\n      ./atproto.nix\r\n    ];"));
    let before = corpus("configuration", "no-imports").replace('\n', "\r\n");
    let after = changed(add_import(&before, IMPORT));
    check_edit(&before, &after, |s| add_import(s, IMPORT));
    assert!(after.contains("{\r\n  imports = [ ./atproto.nix ];\r\n\r\n  # Use"));
}

#[test]
fn config_already_imported() {
    for name in ["already", "already-unnormalised"] {
        let before = corpus("configuration", name);
        assert_eq!(add_import(&before, IMPORT), Edit::AlreadyDone, "{name}");
    }
    // Inside an expression the wizard would not edit, it is found all the same.
    for source in [
        "{ lib, ... }: { imports = [ ./hardware-configuration.nix ] ++ [ ./atproto.nix ]; }",
        "{ lib, ... }: { imports = lib.optional true ./atproto.nix; }",
    ] {
        assert_eq!(add_import(source, IMPORT), Edit::AlreadyDone, "{source}");
    }
    // Also when the import is asked for in another spelling.
    let before = corpus("configuration", "already");
    assert_eq!(add_import(&before, "././atproto.nix"), Edit::AlreadyDone);
}

#[test]
fn config_mkmerge_refused() {
    import_refused(
        "mkmerge",
        &["lib.mkMerge", "not an attribute set"],
        &[
            "imports = [ ./atproto.nix ];",
            "config = <the existing body>",
        ],
    );
}

#[test]
fn config_mkif_body_refused() {
    import_refused(
        "mkif-body",
        &["a function call", "lib.mkIf"],
        &["imports = [ ./atproto.nix ];"],
    );
}

#[test]
fn config_imports_concat() {
    // `[ … ] ++ other`: the element goes into the list literal; the rest is kept.
    let after = import_changed("imports-concat");
    assert!(after.contains(
        "imports = [ ./hardware-configuration.nix ./atproto.nix ] ++ lib.optional \
         (builtins.pathExists ./local.nix) ./local.nix;"
    ));
}

#[test]
fn config_imports_with() {
    let after = import_changed("imports-with");
    assert!(
        after.contains("    ./users.nix\n    ./atproto.nix\n  ];"),
        "{after}"
    );
}

#[test]
fn config_imports_let() {
    let after = import_changed("imports-let");
    assert!(
        after.contains("      (here + \"/services.nix\")\n      ./atproto.nix\n    ];"),
        "{after}"
    );
}

#[test]
fn config_imports_optionals_refused() {
    import_refused(
        "imports-optionals",
        &["built by an expression", "lib.optionals (!isVm) [ …"],
        &["imports = [ ./atproto.nix ] ++", "line 6"],
    );
}

#[test]
fn config_imports_map_refused() {
    let r = import_refused("imports-map", &["built by an expression", "map"], &[]);
    assert!(r.by_hand.contains(
        "imports = [ ./atproto.nix ] ++ map (name: ./modules + \"/${name}.nix\") [ \"base\" \"users\" \"web\" ];"
    ));
}

#[test]
fn config_imports_twice_refused() {
    import_refused(
        "imports-twice",
        &["more than once", "lines 3 and 5"],
        &["./atproto.nix"],
    );
}

#[test]
fn config_imports_attrpath_refused() {
    import_refused(
        "imports-attrpath",
        &["imports.hardware", "line 3"],
        &["imports = [ ./atproto.nix ];"],
    );
}

#[test]
fn config_broken_refused() {
    import_refused(
        "broken",
        &["does not parse", "line 5, column 27", "expected `;`"],
        &["Fix the syntax error", "imports = [ ./atproto.nix ];"],
    );
}

#[test]
fn config_other_refusals() {
    let cases: &[(&str, &str)] = &[
        ("", "does not parse"),
        ("[ ./a.nix ]", "not an attribute set"),
        ("{ inherit (import ./x.nix) imports; }", "inherited"),
        ("{ ${\"imp\" + \"orts\"} = [ ]; }", "computed name"),
        (
            "{ imports = [ ./a.nix ]; \"imports\" = [ ]; }",
            "more than once",
        ),
    ];
    for (source, hint) in cases {
        let r = refused(add_import(source, IMPORT));
        assert!(r.why.contains(hint), "{source}: {r}");
    }
}

/// Shapes beyond the corpus: every result keeps the original and parses.
#[test]
fn config_small_shapes() {
    let cases: &[(&str, &str)] = &[
        ("{}", "{ imports = [ ./atproto.nix ]; }"),
        ("{ }", "{ imports = [ ./atproto.nix ]; }"),
        ("{\n}\n", "{\n  imports = [ ./atproto.nix ];\n}\n"),
        ("{a=1;}", "{ imports = [ ./atproto.nix ]; a=1;}"),
        (
            "{ imports = [./a.nix]; }",
            "{ imports = [./a.nix ./atproto.nix]; }",
        ),
        (
            "{ imports = [ ./a.nix /* x */ ]; }",
            "{ imports = [ ./a.nix /* x */ ./atproto.nix ]; }",
        ),
        (
            "{\n  imports = [ ./a.nix\n  ];\n}\n",
            "{\n  imports = [ ./a.nix\n    ./atproto.nix\n  ];\n}\n",
        ),
        (
            "{\n  imports = [\n    ./a.nix\n    ./b.nix ];\n}\n",
            "{\n  imports = [\n    ./a.nix\n    ./b.nix\n    ./atproto.nix ];\n}\n",
        ),
        (
            "{\n  imports = [\n  ];\n}\n",
            "{\n  imports = [\n    ./atproto.nix\n  ];\n}\n",
        ),
        (
            "{ # my host\n  a = 1;\n}\n",
            "{ # my host\n  imports = [ ./atproto.nix ];\n\n  a = 1;\n}\n",
        ),
        (
            "args: assert true; (rec { a = 1; })",
            "args: assert true; (rec { imports = [ ./atproto.nix ]; a = 1; })",
        ),
        (
            "{\n  imports = [ (import ./x.nix { }) ];\n}",
            "{\n  imports = [ (import ./x.nix { }) ./atproto.nix ];\n}",
        ),
    ];
    for (before, expected) in cases {
        let after = changed(add_import(before, IMPORT));
        assert_eq!(&after, expected, "from {before:?}");
        check_edit(before, &after, |s| add_import(s, IMPORT));
    }
}

/// Whitespace and comments as an operator might scatter them.
fn trivia() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(" "),
            Just("  "),
            Just("\t"),
            Just("\n"),
            Just("\n\n    "),
            Just(" # note\n"),
            Just("/* block */"),
            Just("/* two\n lines */"),
        ],
        0..4,
    )
    .prop_map(|v| v.concat())
}

/// Modules of many shapes: with or without arguments and `let`, with or without an
/// `imports` list, elements and bindings separated by arbitrary trivia.
fn module() -> impl Strategy<Value = (String, bool)> {
    let header = prop_oneof![
        Just(""),
        Just("{ config, pkgs, ... }:"),
        Just("args:"),
        Just("{ lib, ... }: let x = 1; in"),
        Just("{ lib, ... }: with lib;"),
    ];
    let element = prop_oneof![
        Just("./hardware-configuration.nix"),
        Just("./a/b.nix"),
        Just("(import ./c.nix { })"),
        Just("./atproto.nix"),
        Just("././atproto.nix"),
    ];
    // Each binding gets its own name (`x0`, `x1`, …) so no attribute is defined twice.
    let binding = prop_oneof![
        Just(".b = 1;"),
        Just(" = [ 1 2 ];"),
        Just(" = { e = \"f\"; };"),
    ];
    let imports = prop::option::of(prop::collection::vec((trivia(), element), 0..4));
    (
        header,
        trivia(),
        prop::collection::vec((trivia(), binding), 0..4),
        imports,
        0usize..4,
        trivia(),
        trivia(),
    )
        .prop_map(|(header, t0, bindings, imports, at, t1, t2)| {
            let mut entries: Vec<String> = bindings
                .iter()
                .enumerate()
                .map(|(i, (t, b))| format!("{t} x{i}{b}"))
                .collect();
            let mut present = false;
            if let Some(elements) = &imports {
                let mut list = String::from("imports = [");
                for (t, e) in elements {
                    present |= e.contains("atproto");
                    list.push_str(&format!(" {t} {e}"));
                }
                list.push_str(&format!(" {t1}];"));
                entries.insert(at.min(entries.len()), list);
            }
            (
                format!("{header}{t0}{{{}{t2}}}\n", entries.concat()),
                present,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Every shape is edited (never refused), only by insertion, to a file that parses
    /// and needs no second edit; a file already importing it is left alone.
    #[test]
    fn config_any_shape((source, present) in module()) {
        prop_assume!(rnix::Root::parse(&source).errors().is_empty());
        match add_import(&source, IMPORT) {
            Edit::AlreadyDone => prop_assert!(present, "AlreadyDone for\n{}", source),
            Edit::Changed(after) => {
                prop_assert!(!present, "changed although present:\n{}", source);
                check_edit_quick(&source, &after, |s| add_import(s, IMPORT));
            }
            Edit::Refused(r) => prop_assert!(false, "refused {}:\n{}", r, source),
        }
    }
}

// ------------------------------------------------------------------ flake.nix

fn atproto(host: &str) -> FlakeWiring<'_> {
    FlakeWiring {
        host,
        inputs: &[ATPROTO],
        modules: &[MODULE],
    }
}

fn flake_changed(name: &str, wiring: &FlakeWiring) -> String {
    let before = corpus("flake", name);
    let after = changed(wire_flake(&before, wiring));
    check_edit(&before, &after, |s| wire_flake(s, wiring));
    support::assert_snapshot!(format!("flake-{name}"), unified(&before, &after));
    after
}

fn flake_refused(name: &str, wiring: &FlakeWiring, why: &[&str]) -> Refusal {
    let before = corpus("flake", name);
    let r = refused(wire_flake(&before, wiring));
    assert_mentions(&r.why, why);
    // The manual steps are always the exact lines.
    assert_mentions(
        &r.by_hand,
        &[
            "atproto-nix.url = \"path:/etc/nixos/atproto-nix\";",
            "atproto-nix.inputs.nixpkgs.follows = \"nixpkgs\";",
            "atproto-nix.nixosModules.default",
            &format!("nixosConfigurations.{}", wiring.host),
        ],
    );
    r
}

/// Evaluates the edited flake's `outputs` with stub inputs (every input's
/// `nixosModules.<x>` is the string `module:<input>`, `lib.nixosSystem` returns its
/// argument) and returns the host's modules, paths and functions shown as `other`.
fn eval_modules(flake: &str, host: &str) -> Option<Vec<String>> {
    let nix = support::nix_instantiate()?;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("flake.nix"), flake).unwrap();
    let expr = format!(
        r#"
        let
          flake = import {dir}/flake.nix;
          stub = name: {{
            lib = {{
              nixosSystem = a: a;
              eachDefaultSystem = f: {{ }};
            }};
            nixosModules = {{
              default = "module:${{name}}";
              sops = "module:${{name}}";
              home-manager = "module:${{name}}";
            }};
          }};
          inputs = builtins.mapAttrs (name: _: stub name) (flake.inputs or {{ }})
            // {{ self = stub "self"; nixpkgs = stub "nixpkgs"; }};
          host = (flake.outputs inputs).nixosConfigurations.{host};
        in
        map (m: if builtins.isString m then m else "other") host.modules
        "#,
        dir = dir.path().display(),
        host = if host.contains('.') {
            format!("\"{host}\"")
        } else {
            host.to_string()
        },
    );
    let json = support::eval_json(&nix, &expr);
    Some(
        json.as_array()
            .expect("a list")
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
    )
}

fn assert_evaluates_with_module(flake: &str, host: &str, expected: &[&str]) {
    if let Some(modules) = eval_modules(flake, host) {
        for m in expected {
            assert!(
                modules.iter().any(|x| x == m),
                "{m} not in {modules:?}:\n{flake}"
            );
        }
    }
}

#[test]
fn flake_standard() {
    let after = flake_changed("standard", &atproto("pds"));
    assert!(after.contains(
        "    nixpkgs.url = \"github:NixOS/nixpkgs/nixos-25.11\";\n    \
         atproto-nix.url = \"path:/etc/nixos/atproto-nix\";\n    \
         atproto-nix.inputs.nixpkgs.follows = \"nixpkgs\";\n  };"
    ));
    // `@inputs` with `...`: the arguments stay, the module is reached through `inputs`.
    assert!(after.contains("outputs = { self, nixpkgs, ... }@inputs: {"));
    assert!(
        after
            .contains("modules = [ ./configuration.nix inputs.atproto-nix.nixosModules.default ];")
    );
    assert_evaluates_with_module(&after, "pds", &["module:atproto-nix"]);
    // The evaluation does tell: the original has no such module.
    if let Some(modules) = eval_modules(&corpus("flake", "standard"), "pds") {
        assert_eq!(modules, ["other"]);
    }
}

#[test]
fn flake_without_at_inputs() {
    let after = flake_changed("no-at-inputs", &atproto("relay"));
    // No `...`: the new input must become an argument.
    assert!(after.contains("outputs = { self, nixpkgs, sops-nix, atproto-nix }: {"));
    assert!(after.contains(
        "inputs.sops-nix.inputs.nixpkgs.follows = \"nixpkgs\";\n  \
         inputs.atproto-nix.url = \"path:/etc/nixos/atproto-nix\";\n  \
         inputs.atproto-nix.inputs.nixpkgs.follows = \"nixpkgs\";\n"
    ));
    assert!(after.contains(
        "        sops-nix.nixosModules.sops\n        atproto-nix.nixosModules.default\n      ];"
    ));
    assert_evaluates_with_module(&after, "relay", &["module:atproto-nix", "module:sops-nix"]);
}

#[test]
fn flake_nixfmt_style() {
    let after = flake_changed("nixfmt-style", &atproto("atlas"));
    assert!(after.contains("      home-manager,\n      atproto-nix,\n      ...\n    }:"));
    assert_evaluates_with_module(
        &after,
        "atlas",
        &["module:atproto-nix", "module:home-manager"],
    );
}

#[test]
fn flake_nested_inputs() {
    let after = flake_changed("nested-inputs", &atproto("labeler"));
    assert!(after.contains(
        "    atproto-nix = {\n      url = \"path:/etc/nixos/atproto-nix\";\n      \
         inputs.nixpkgs.follows = \"nixpkgs\";\n    };\n  };"
    ));
    assert!(after.contains("outputs = { nixpkgs, agenix, atproto-nix, ... }: {"));
    assert_evaluates_with_module(&after, "labeler", &["module:atproto-nix"]);
}

#[test]
fn flake_several_hosts() {
    let after = flake_changed("several-hosts", &atproto("bsky"));
    assert!(after.contains(
        "            ./common.nix\n            inputs.atproto-nix.nixosModules.default\n          ];"
    ));
    // The other host is left alone.
    assert!(after.contains("modules = common ++ [ ./hosts/web.nix ];"));
    assert_evaluates_with_module(&after, "bsky", &["module:atproto-nix"]);
}

#[test]
fn flake_host_missing_lists_hosts() {
    let r = flake_refused(
        "several-hosts",
        &atproto("mail"),
        &["nixosConfigurations.mail", "hosts found: web, bsky"],
    );
    assert!(r.to_string().contains("To do it by hand"));
}

#[test]
fn flake_modules_around_a_list() {
    // `common ++ [ … ]`: the module goes into the list literal; the other host stays.
    let before = corpus("flake", "several-hosts");
    let after = changed(wire_flake(&before, &atproto("web")));
    check_edit(&before, &after, |s| wire_flake(s, &atproto("web")));
    assert!(after.contains(
        "modules = common ++ [ ./hosts/web.nix inputs.atproto-nix.nixosModules.default ];"
    ));
    assert!(after.contains("            ./common.nix\n          ];"));
    assert_evaluates_with_module(&after, "web", &["module:atproto-nix"]);
    // A `let`-bound list in front, followed when checking what is already there.
    let after = flake_changed("modules-expr", &atproto("pds"));
    assert!(
        after.contains("modules = baseModules ++ [ ./pds.nix atproto-nix.nixosModules.default ];")
    );
    assert_evaluates_with_module(&after, "pds", &["module:atproto-nix"]);
    // `(f system) ++ [ … ]`.
    let after = flake_changed("modules-call-concat", &atproto("pds"));
    assert!(after.contains(
        "          ./configuration.nix\n          inputs.atproto-nix.nixosModules.default\n        ];"
    ));
    assert_evaluates_with_module(&after, "pds", &["module:atproto-nix"]);
    // `let … in [ … ]`.
    let after = flake_changed("modules-let", &atproto("relay"));
    assert!(after.contains(
        "          ./configuration.nix\n          inputs.atproto-nix.nixosModules.default\n        ];"
    ));
    assert_evaluates_with_module(&after, "relay", &["module:atproto-nix"]);
}

#[test]
fn flake_modules_built_otherwise_refused() {
    // A `let` that rebinds `inputs` would change what the new module means.
    flake_refused(
        "modules-let-shadow",
        &atproto("relay"),
        &["built by an expression", "no plain list"],
    );
    // A call with no list beside it.
    let source = "{ outputs = { nixpkgs, ... }: { nixosConfigurations.pds = \
                  nixpkgs.lib.nixosSystem { modules = mkModules \"pds\"; }; }; }";
    let r = refused(wire_flake(source, &atproto("pds")));
    assert!(r.why.contains("mkModules"), "{r}");
    // Such an expression that already holds the module (and the input declared) is done.
    let wired = corpus("flake", "modules-expr")
        .replace(
            "inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-25.11\";",
            "inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-25.11\";\n  \
             inputs.atproto-nix.url = \"path:/etc/nixos/atproto-nix\";",
        )
        .replace(
            "baseModules = [ ./configuration.nix ];",
            "baseModules = [ ./configuration.nix inputs.atproto-nix.nixosModules.default ];",
        )
        .replace("{ self, nixpkgs, ... }:", "{ self, nixpkgs, ... }@inputs:");
    assert_eq!(wire_flake(&wired, &atproto("pds")), Edit::AlreadyDone);
}

#[test]
fn flake_call_in_parentheses_and_capital_host() {
    let after = flake_changed("paren-call", &atproto("AtomicBird"));
    assert!(after.contains(
        "        ./hosts/atomicbird/configuration.nix\n        \
         inputs.atproto-nix.nixosModules.default\n      ];\n    });"
    ));
    assert_evaluates_with_module(&after, "AtomicBird", &["module:atproto-nix"]);
}

#[test]
fn flake_which_host_names_a_module() {
    let flake = corpus("flake", "other-host-configuration");
    assert_eq!(
        host_names_module(&flake, "desktop", "./configuration.nix"),
        Some(true)
    );
    assert_eq!(
        host_names_module(&flake, "pds1", "./configuration.nix"),
        Some(false)
    );
    assert_eq!(
        host_names_module(&flake, "nope", "./configuration.nix"),
        None
    );
    // Followed through a `let` binding; compared as Nix resolves paths.
    let modules_expr = corpus("flake", "modules-expr");
    assert_eq!(
        host_names_module(&modules_expr, "pds", "././configuration.nix"),
        Some(true)
    );
    // Wiring pds1 leaves the desktop's list alone.
    let after = flake_changed("other-host-configuration", &atproto("pds1"));
    assert!(after.contains("modules = [ ./configuration.nix ];"));
    assert_evaluates_with_module(&after, "pds1", &["module:atproto-nix"]);
}

#[test]
fn flake_ident_param() {
    let after = flake_changed("ident-param", &atproto("feed.example.org"));
    assert!(after.contains("        inputs.atproto-nix.nixosModules.default\n      ];"));
    assert_evaluates_with_module(&after, "feed.example.org", &["module:atproto-nix"]);
}

#[test]
fn flake_utils_update() {
    let after = flake_changed("flake-utils", &atproto("ozone"));
    assert!(
        after
            .contains("modules = [ ./configuration.nix inputs.atproto-nix.nixosModules.default ];")
    );
    assert_evaluates_with_module(&after, "ozone", &["module:atproto-nix"]);
}

#[test]
fn flake_input_present_module_missing() {
    let after = flake_changed("input-only", &atproto("pds"));
    // The input is left as it was (no follows added); the module is added.
    assert!(!after.contains("follows"));
    assert!(after.contains("modules = [ ./configuration.nix atproto-nix.nixosModules.default ];"));
    assert_evaluates_with_module(&after, "pds", &["module:atproto-nix"]);
}

#[test]
fn flake_without_inputs() {
    let after = flake_changed("no-inputs", &atproto("pds"));
    // No `nixpkgs` input to follow; the input goes first.
    assert!(after.contains(
        "{\n  inputs.atproto-nix.url = \"path:/etc/nixos/atproto-nix\";\n\n  description"
    ));
    assert!(!after.contains("follows"));
    assert!(after.contains("outputs = { self, nixpkgs, atproto-nix }: {"));
    assert_evaluates_with_module(&after, "pds", &["module:atproto-nix"]);
}

#[test]
fn flake_already_wired() {
    let before = corpus("flake", "already-wired");
    assert_eq!(wire_flake(&before, &atproto("pds")), Edit::AlreadyDone);
}

#[test]
fn flake_two_inputs_two_modules() {
    let two = |host| FlakeWiring {
        host,
        inputs: &[ATPROTO, ("sops-nix", "github:Mic92/sops-nix")],
        modules: &[MODULE, "sops-nix.nixosModules.sops"],
    };
    let wiring = two("pds");
    let before = corpus("flake", "standard");
    let after = changed(wire_flake(&before, &wiring));
    check_edit(&before, &after, |s| wire_flake(s, &wiring));
    assert!(after.contains(
        "modules = [ ./configuration.nix inputs.atproto-nix.nixosModules.default \
         inputs.sops-nix.nixosModules.sops ];"
    ));
    assert_evaluates_with_module(&after, "pds", &["module:atproto-nix", "module:sops-nix"]);
    // From the half-wired flake, only what is missing is added.
    let before = corpus("flake", "no-at-inputs");
    let after = changed(wire_flake(&before, &two("relay")));
    check_edit(&before, &after, |s| wire_flake(s, &two("relay")));
    assert_eq!(after.matches("sops-nix.url").count(), 1);
    assert_eq!(after.matches("sops-nix.nixosModules.sops").count(), 1);
}

#[test]
fn flake_parts_refused() {
    flake_refused("flake-parts", &atproto("pds"), &["flake-parts", "mkFlake"]);
}

#[test]
fn flake_computed_configurations_refused() {
    flake_refused(
        "mapattrs",
        &atproto("a"),
        &["no hosts found", "built by an expression"],
    );
}

#[test]
fn flake_broken_refused() {
    flake_refused(
        "broken",
        &atproto("pds"),
        &["does not parse", "line 8, column 3"],
    );
}

#[test]
fn flake_other_refusals() {
    let cases: &[(&str, &str)] = &[
        (
            "{ outputs = import ./outputs.nix; }",
            "not written as a function",
        ),
        ("{ inputs = { }; }", "no `outputs`"),
        ("import ./flake-template.nix", "not an attribute set"),
        (
            "{ outputs = { nixpkgs, ... }: { nixosConfigurations.pds = mkHost \"pds\"; }; }",
            "not a recognisable",
        ),
    ];
    for (source, hint) in cases {
        let r = refused(wire_flake(source, &atproto("pds")));
        assert!(r.why.contains(hint), "{source}: {r}");
    }
}

#[test]
fn flake_crlf_is_preserved() {
    for name in ["standard", "nixfmt-style", "no-at-inputs"] {
        let host = match name {
            "standard" => "pds",
            "nixfmt-style" => "atlas",
            _ => "relay",
        };
        let before = corpus("flake", name).replace('\n', "\r\n");
        let after = changed(wire_flake(&before, &atproto(host)));
        check_edit(&before, &after, |s| wire_flake(s, &atproto(host)));
    }
}

#[test]
fn corpus_files_are_all_covered() {
    // Every corpus file has a test above; a new file without one fails here.
    let covered: &[(&str, &[&str])] = &[
        (
            "configuration",
            &[
                "generated",
                "generated-2505",
                "heavy-comments",
                "let-in",
                "single-line",
                "empty-list",
                "empty-tight",
                "empty-multiline",
                "no-imports",
                "no-imports-blank-first",
                "one-line-set",
                "tabs",
                "with-lib",
                "plain-set",
                "trailing-comment",
                "already",
                "already-unnormalised",
                "mkmerge",
                "mkif-body",
                "imports-concat",
                "imports-with",
                "imports-let",
                "imports-optionals",
                "imports-map",
                "imports-twice",
                "imports-attrpath",
                "broken",
            ],
        ),
        (
            "flake",
            &[
                "standard",
                "no-at-inputs",
                "nixfmt-style",
                "nested-inputs",
                "several-hosts",
                "ident-param",
                "flake-utils",
                "input-only",
                "no-inputs",
                "already-wired",
                "flake-parts",
                "modules-expr",
                "modules-call-concat",
                "modules-let",
                "modules-let-shadow",
                "paren-call",
                "other-host-configuration",
                "mapattrs",
                "broken",
            ],
        ),
    ];
    for (kind, names) in covered {
        let dir = support::repo().join("tests/corpus").join(kind);
        let mut found: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                Path::new(&e.unwrap().file_name())
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        found.sort();
        let mut names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        names.sort();
        assert_eq!(found, names, "tests/corpus/{kind}");
    }
}

// ------------------------------------------------------------------ removing bindings

/// Every binding of every readable file of the corpus and the adopt fixtures, removed
/// alone and then all together: the result parses, the removed bindings are gone, every
/// other binding is still there with its text, and only deletions were made.
#[test]
fn removing_any_binding_keeps_every_other_one() {
    use atproto_wizard::hostedit::{module_leaves, remove_entries};
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for dir in [
        "tests/corpus/configuration",
        "tests/data/adopt/manual-pds",
        "tests/data/adopt/plain-nginx/hosts",
        "tests/data/adopt/own-modules",
    ] {
        for e in std::fs::read_dir(support::repo().join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    let mut checked = 0;
    for file in files {
        let src = std::fs::read_to_string(&file).unwrap();
        let Ok(leaves) = module_leaves(&src, &|_| None) else {
            continue;
        };
        let key = |l: &atproto_wizard::hostedit::Leaf| (l.path.join("."), l.text.clone());
        let mut subsets: Vec<Vec<usize>> = (0..leaves.len()).map(|i| vec![i]).collect();
        subsets.push((0..leaves.len()).collect());
        for subset in subsets {
            let ranges: Vec<(usize, usize)> = subset.iter().map(|&i| leaves[i].entry).collect();
            let after = match remove_entries(&src, &ranges) {
                Edit::Changed(s) => s,
                Edit::AlreadyDone => continue,
                Edit::Refused(r) => panic!("{}: {r}", file.display()),
            };
            assert!(
                rnix::Root::parse(&after).errors().is_empty(),
                "{}:\n{after}",
                file.display()
            );
            let left: Vec<_> = module_leaves(&after, &|_| None)
                .unwrap()
                .iter()
                .map(key)
                .collect();
            for (i, l) in leaves.iter().enumerate() {
                let there = left.contains(&key(l));
                assert_eq!(
                    there,
                    !subset.contains(&i),
                    "{} {}:\n{after}",
                    file.display(),
                    l.path.join(".")
                );
            }
            // Only deletions: what is left is the original with parts taken out.
            let mut rest = src.chars();
            assert!(
                after.chars().all(|c| rest.any(|o| o == c)),
                "{}: not a deletion:\n{after}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} removals checked");
}
