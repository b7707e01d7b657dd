//! What the catalog costs at start-up: build.rs parsed and checked `nixlib/catalog`
//! and compiled it in as Rust values with each pattern's DFA, so a start only builds
//! those values; reading the TOML and compiling the patterns, what every start used to
//! do, is measured beside it.
use atproto_wizard::catalog::{CATALOG_FILES, Catalog};
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("catalog");
    group.bench_function("build the embedded catalog (each start)", |b| {
        b.iter(Catalog::embedded_copy)
    });
    group.bench_function("read the TOML and compile every pattern (before)", |b| {
        b.iter(|| Catalog::from_files(CATALOG_FILES).unwrap())
    });
    group.bench_function("embedded catalog, then one match of each pattern", |b| {
        b.iter(|| {
            let catalog = Catalog::embedded_copy();
            for (_, pattern) in catalog.patterns() {
                pattern.is_match("pds.example.com");
            }
            catalog
        })
    });
    group.finish();
}

criterion_group!(catalog, benches);
criterion_main!(catalog);
