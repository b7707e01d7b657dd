//! How long validation takes on the largest plan: every catalog service enabled, every
//! value resolved. The wizard re-validates on each keystroke; the goal is under 1 ms.
use std::hint::black_box;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::plan::{Answers, edit};
use atproto_wizard::validate::validate;
use criterion::{Criterion, criterion_group, criterion_main};
use toml_edit::DocumentMut;

fn largest_plan(catalog: &Catalog) -> String {
    let mut text = String::from(
        "schema = 1\n[host]\nhostname = \"big\"\ndomain = \"big.example.com\"\nadmin_email = \"a@example.com\"\n\
         [integrations.secrets]\nbackend = \"generate\"\n[integrations.tls]\naccept_terms = true\n\
         [integrations.monitoring]\nprometheus = true\ngrafana = true\nnode_exporter = true\n",
    );
    for id in catalog.services.keys() {
        text.push_str(&format!("[services.{id}]\nenable = true\n"));
    }
    let answers = Answers::parse("big.toml", &text).unwrap();
    let mut doc: DocumentMut = text.parse().unwrap();
    edit::resolve(catalog, &mut doc, &answers.tree);
    doc.to_string()
}

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
