//! How long `plan_apply` takes for the largest plan: every catalog service enabled,
//! into an empty directory (every host file rendered, formatted, checksummed and
//! diffed) and into an existing host (configuration.nix edited through its syntax
//! tree). Pure: no I/O. The goal is under 5 ms.
use std::hint::black_box;

use atproto_wizard::apply::{DirState, plan_apply};
use atproto_wizard::catalog::Catalog;
use criterion::{Criterion, criterion_group, criterion_main};

use atproto_wizard::plan::samples::largest_plan;

const CONFIGURATION: &str = "# Edit this configuration file to define what should be installed on\n\
# your system.\n\n{ config, pkgs, ... }:\n\n{\n  imports =\n    [ # Include the results of the hardware scan.\n      ./hardware-configuration.nix\n    ];\n\n  boot.loader.grub.enable = true;\n  services.openssh.enable = true;\n  system.stateVersion = \"25.11\"; # Did you read the comment?\n}\n";

fn benches(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let answers = largest_plan(catalog);
    let empty = DirState::default();
    let plan = plan_apply(&answers, catalog, &empty, false);
    assert_eq!(plan.changes.len(), 4);
    c.bench_function("plan_apply, largest plan, empty directory", |b| {
        b.iter(|| plan_apply(black_box(&answers), catalog, black_box(&empty), false))
    });
    c.bench_function("plan_apply + diffs, largest plan, empty directory", |b| {
        b.iter(|| {
            let plan = plan_apply(black_box(&answers), catalog, black_box(&empty), false);
            plan.changes.iter().map(|c| c.diff().len()).sum::<usize>()
        })
    });
    let existing = DirState {
        configuration_nix: Some(CONFIGURATION.into()),
        has_hardware_configuration: true,
        ..DirState::default()
    };
    c.bench_function("plan_apply, largest plan, existing host", |b| {
        b.iter(|| plan_apply(black_box(&answers), catalog, black_box(&existing), false))
    });
    // The second apply: everything already written, nothing to change.
    let mut written = DirState {
        has_hardware_configuration: true,
        ..DirState::default()
    };
    for change in plan_apply(&answers, catalog, &written.clone(), false).changes {
        match change.path.as_str() {
            "flake.nix" => written.flake_nix = Some(change.new),
            "configuration.nix" => written.configuration_nix = Some(change.new),
            "atproto.nix" => written.atproto_nix = Some(change.new),
            "atproto.toml" => written.atproto_toml = Some(change.new),
            _ => {}
        }
    }
    assert!(
        plan_apply(&answers, catalog, &written, false)
            .changes
            .is_empty()
    );
    c.bench_function("plan_apply, largest plan, up to date", |b| {
        b.iter(|| plan_apply(black_box(&answers), catalog, black_box(&written), false))
    });
}

criterion_group!(apply, benches);
criterion_main!(apply);
