//! How long rendering `atproto.nix` takes on the largest plan: every catalog service
//! enabled, every value resolved (built as `benches/validate.rs` builds it). The wizard
//! re-renders to show the diff as the operator edits; the goal is under 5 ms.
use std::hint::black_box;

use atproto_wizard::catalog::{Catalog, FieldType};
use atproto_wizard::plan::{Answers, edit};
use atproto_wizard::render::render_atproto_nix;
use atproto_wizard::validate::validate;
use atproto_wizard::value::Value;
use criterion::{Criterion, criterion_group, criterion_main};
use toml_edit::DocumentMut;

use atproto_wizard::plan::samples::largest_plan_text as largest_plan;

/// The largest plan with every service setting changed from its default, so that
/// every one of them is written: the most output `render` can give.
fn largest_written_plan(catalog: &Catalog) -> String {
    let text = largest_plan(catalog);
    let mut doc: DocumentMut = text.parse().unwrap();
    for service in catalog.services.values() {
        for field in &service.settings {
            let value = match field.ty {
                FieldType::Bool => Value::Bool(field.default != Some(toml::Value::Boolean(true))),
                FieldType::Int | FieldType::Port => Value::Int(field.min.unwrap_or(1) + 1),
                FieldType::List => Value::List(vec![
                    Value::Str("https://one.example.com".into()),
                    Value::Str("https://two.example.com".into()),
                ]),
                FieldType::Enum => Value::Str(field.choices.last().cloned().unwrap_or_default()),
                _ => Value::Str(format!("changed-{}.example.com", field.key)),
            };
            let path = format!("services.{}.settings.{}", service.id, field.key);
            edit::set(&mut doc, &path, &value);
        }
    }
    doc.to_string()
}

fn benches(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let text = largest_plan(catalog);
    let answers = Answers::parse("big.toml", &text).unwrap();
    c.bench_function("render atproto.nix for the largest plan", |b| {
        b.iter(|| render_atproto_nix(black_box(&answers.tree), catalog))
    });
    let written = Answers::parse("big.toml", &largest_written_plan(catalog)).unwrap();
    c.bench_function(
        "render atproto.nix, largest plan, every setting written",
        |b| b.iter(|| render_atproto_nix(black_box(&written.tree), catalog)),
    );
    c.bench_function("parse + validate + render largest plan (render)", |b| {
        b.iter(|| {
            let a = Answers::parse("big.toml", black_box(&text)).unwrap();
            let diagnostics = validate(catalog, &a.tree);
            (diagnostics, render_atproto_nix(&a.tree, catalog))
        })
    });
}

criterion_group!(rendering, benches);
criterion_main!(rendering);
