//! How long validation takes on the largest plan: every catalog service enabled, every
//! value resolved. The wizard re-validates on each keystroke; the goal is under 1 ms.
use std::hint::black_box;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::Answers;
use atproto_wizard::validate::validate;
use criterion::{Criterion, criterion_group, criterion_main};

use atproto_wizard::plan::samples::largest_plan_text as largest_plan;

fn benches(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let text = largest_plan(catalog);
    let answers = Answers::parse("big.toml", &text).unwrap();
    c.bench_function("validate largest plan", |b| {
        b.iter(|| validate(catalog, black_box(&answers.tree)))
    });
    c.bench_function("parse + validate largest plan (check)", |b| {
        b.iter(|| {
            let a = Answers::parse("big.toml", black_box(&text)).unwrap();
            validate(catalog, &a.tree)
        })
    });
}

criterion_group!(validation, benches);
criterion_main!(validation);
