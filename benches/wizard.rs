//! The full-screen wizard's speed on the largest plan (every catalog service enabled,
//! every value resolved): drawing its busiest screens on ratatui's TestBackend, and a
//! keystroke that re-validates the whole plan and draws the next frame. The goal for
//! keystroke-to-frame is under 1 ms.
use std::hint::black_box;
use std::path::PathBuf;

use atproto_wizard::apply::DirState;
use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::samples::largest_plan_text;
use atproto_wizard::tui::draw::draw;
use atproto_wizard::wizard::action::Action;
use atproto_wizard::wizard::state::WizardState;
use atproto_wizard::wizard::update::{go_to, update};
use atproto_wizard::wizard::{Draft, StepKind};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn largest() -> WizardState {
    let catalog = Catalog::embedded();
    let draft = Draft::parse(catalog, &largest_plan_text(catalog)).unwrap();
    let mut s = WizardState::edit_host(PathBuf::from("/etc/nixos"), DirState::default(), draft);
    update(&mut s, Action::Resize(120, 40));
    s
}

fn benches(c: &mut Criterion) {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    for (name, step) in [
        ("draw services (largest plan)", StepKind::Services),
        ("draw review (largest plan)", StepKind::Review),
        (
            "draw settings of bluesky-pds (largest plan)",
            StepKind::Settings("bluesky-pds".into()),
        ),
    ] {
        let mut s = largest();
        go_to(&mut s, step);
        c.bench_function(name, |b| {
            b.iter(|| {
                terminal.draw(|f| draw(f, black_box(&s))).unwrap();
            })
        });
    }

    // The review of a valid plan shows every file's diff too.
    let catalog = Catalog::embedded();
    let profile = atproto_wizard::wizard::profiles::find("microcosm-indexers").unwrap();
    let mut s = WizardState::new_host(
        catalog,
        PathBuf::from("/etc/nixos"),
        DirState::default(),
        Some(profile),
    );
    update(&mut s, Action::Resize(120, 40));
    go_to(&mut s, StepKind::Review);
    assert!(s.apply_plan.is_some());
    c.bench_function(
        "draw review with the diff of 4 new files (microcosm-indexers)",
        |b| {
            b.iter(|| {
                terminal.draw(|f| draw(f, black_box(&s))).unwrap();
            })
        },
    );

    // One typed character in the host's domain: the value goes into the plan, the whole
    // plan is validated again, and the next frame is drawn.
    let mut s = largest();
    go_to(&mut s, StepKind::Host);
    update(&mut s, Action::Down);
    update(&mut s, Action::Enter);
    c.bench_function("keystroke to frame (largest plan, host.domain)", |b| {
        b.iter_batched_ref(
            || s.clone(),
            |s| {
                update(s, Action::Type('x'));
                terminal.draw(|f| draw(f, s)).unwrap();
            },
            criterion::BatchSize::SmallInput,
        )
    });
    // A paste into the host's domain: one Paste action, however long, is validated and
    // drawn once (as keys, each character was a validation and a frame of its own).
    for (name, n) in [
        ("paste of 10,000 characters to frame (largest plan)", 10_000),
        ("paste of 1 MiB to frame (largest plan)", 1 << 20),
    ] {
        let mut s = largest();
        go_to(&mut s, StepKind::Host);
        update(&mut s, Action::Down);
        update(&mut s, Action::Enter);
        let text = "x".repeat(n);
        c.bench_function(name, |b| {
            b.iter_batched_ref(
                || s.clone(),
                |s| {
                    update(s, Action::Paste(text.clone()));
                    terminal.draw(|f| draw(f, s)).unwrap();
                },
                criterion::BatchSize::SmallInput,
            )
        });
    }
    let mut s = largest();
    go_to(&mut s, StepKind::Settings("bluesky-pds".into()));
    update(&mut s, Action::Down);
    update(&mut s, Action::Enter);
    c.bench_function("keystroke to frame (largest plan, a port)", |b| {
        b.iter_batched_ref(
            || s.clone(),
            |s| {
                update(s, Action::Type('1'));
                terminal.draw(|f| draw(f, s)).unwrap();
            },
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group!(wizard, benches);
criterion_main!(wizard);
