//! How long `check` takes on hostile answers files: many keys nothing declares, each
//! one a diagnostic that names its line and column. The time must grow linearly with
//! the file (a 10 MB file is checked in well under a second).
use std::hint::black_box;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::cli::check_cmd::check;
use atproto_wizard::plan::Answers;
use atproto_wizard::report::Style;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// A valid host table followed by `n` unknown keys in it, one per line.
fn unknown_keys(n: usize) -> String {
    let mut text = String::from("schema = 1\n[host]\nhostname = \"x\"\n");
    for i in 0..n {
        text.push_str(&format!("unknown_key_{i} = {i}\n"));
    }
    text
}

fn benches(c: &mut Criterion) {
    let catalog = Catalog::embedded();
    let mut group = c.benchmark_group("check unknown keys");
    group.sample_size(10);
    // 400,000 keys are a 10 MB file.
    for n in [1_000, 10_000, 40_000, 400_000] {
        let text = unknown_keys(n);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &text, |b, text| {
            b.iter(|| {
                let answers = Answers::parse("big.toml", black_box(text)).unwrap();
                check(catalog, &answers, false, Style::plain())
            })
        });
    }
    group.finish();
}

criterion_group!(checking, benches);
criterion_main!(checking);
