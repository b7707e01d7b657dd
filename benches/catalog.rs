//! What reading the catalog costs at start-up: the binary reads the JSON build.rs made
//! of `nixlib/catalog` (its TOML is parsed when the wizard is built, which is what
//! reading it at every start used to cost), and compiles each type's pattern only when
//! a value of that type is checked (all of them: the most a `check` can need).
use atproto_wizard::catalog::{CATALOG_FILES, Catalog};
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("catalog");
    group.bench_function("read the embedded JSON (each start)", |b| {
        b.iter(|| Catalog::from_embedded_json().unwrap())
    });
    group.bench_function("read the TOML and compile every pattern (before)", |b| {
        b.iter(|| Catalog::from_files(CATALOG_FILES).unwrap())
    });
    group.bench_function("compile every pattern (the most a check needs)", |b| {
        b.iter(|| {
            let catalog = Catalog::from_embedded_json().unwrap();
            catalog.compile_all().unwrap();
            catalog
        })
    });
    group.finish();
}

criterion_group!(catalog, benches);
criterion_main!(catalog);
