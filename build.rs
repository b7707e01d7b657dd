//! Reads nixlib/catalog when the wizard is built: the files are parsed with the wizard's
//! own model and pass its self-check, or the build fails with the same messages the
//! tests give; then they are written out as Rust that builds the same values, so the
//! wizard parses no TOML when it starts. The Nix modules read the very same files.
use std::{env, fs, path::Path};

// The catalog's model, reading and self-check, shared with the wizard itself.
#[allow(dead_code)]
#[path = "src/value.rs"]
mod value;
#[allow(dead_code)]
#[path = "src/catalog"]
mod catalog {
    pub mod condition;
    pub mod from_toml;
    pub mod lint;
    pub mod model;
    mod pattern;
    mod whole;

    pub use condition::Condition;
    pub use model::*;
    pub use whole::Catalog;
}
#[path = "build/catalog_code.rs"]
mod catalog_code;

use catalog_code::Code;

/// The wizard's sources that build.rs compiles in: a change to one reruns it.
const SHARED: &[&str] = &[
    "src/value.rs",
    "src/catalog/condition.rs",
    "src/catalog/from_toml.rs",
    "src/catalog/lint.rs",
    "src/catalog/model.rs",
    "src/catalog/pattern.rs",
    "src/catalog/whole.rs",
    "build/catalog_code.rs",
];

fn main() {
    // The flake's source, recorded in the binary by src/disk/own_flake.rs.
    println!("cargo:rerun-if-env-changed=ATPROTO_FLAKE_SOURCE");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in SHARED {
        println!("cargo:rerun-if-changed={}", root.join(file).display());
    }
    let dir = root.join("nixlib/catalog");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("nixlib/catalog exists")
        .map(|e| {
            e.expect("readable catalog entry")
                .file_name()
                .into_string()
                .expect("UTF-8 name")
        })
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let out_dir = env::var("OUT_DIR").unwrap();
    let out = Path::new(&out_dir);

    // The TOML text too, for the tests that read edited copies of the catalog.
    let mut files_rs = String::from(
        "/// (file name, contents) of every file in nixlib/catalog, sorted by name.\n",
    );
    files_rs.push_str("pub static CATALOG_FILES: &[(&str, &str)] = &[\n");
    let mut texts = Vec::new();
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        files_rs.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
        texts.push(fs::read_to_string(&path).expect("readable catalog file"));
    }
    files_rs.push_str("];\n");
    fs::write(out.join("catalog_files.rs"), files_rs).unwrap();

    let files: Vec<(&str, &str)> = names
        .iter()
        .zip(&texts)
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    match catalog::from_toml::checked(&files) {
        Ok(catalog) => {
            let mut code = data(&catalog);
            code.push_str(&dfas(&catalog, out));
            fs::write(out.join("catalog_data.rs"), code).unwrap();
        }
        Err(problems) => {
            for line in problems.lines() {
                println!("cargo::error={line}");
            }
        }
    }
}

/// Every pattern compiled to a DFA in a file of its own, and `compiled(name)`, which
/// hands over its bytes.
fn dfas(catalog: &catalog::Catalog, out: &Path) -> String {
    let little_endian = env::var("CARGO_CFG_TARGET_ENDIAN").unwrap() == "little";
    let dir = out.join("dfa");
    fs::create_dir_all(&dir).unwrap();
    let mut statics = String::new();
    let mut arms = String::new();
    for (i, (name, pattern)) in catalog.patterns().into_iter().enumerate() {
        let bytes = pattern.to_bytes(little_endian).expect("checked above");
        let file = dir.join(format!("{name}.dfa"));
        fs::write(&file, bytes).unwrap();
        statics.push_str(&format!(
            "static DFA_{i}: &Aligned<[u8]> = &Aligned {{ _align: [], bytes: *include_bytes!({:?}) }};\n",
            file.display().to_string()
        ));
        arms.push_str(&format!("{name:?} => DFA_{i},\n"));
    }
    format!(
        "\n{statics}\npub(super) fn compiled(name: &str) -> Option<&'static [u8]> {{\nlet dfa = match name {{\n{arms}_ => return None,\n}};\nSome(&dfa.bytes)\n}}\n"
    )
}

/// `plan()` and `services()`, one function per service so that no function is huge.
fn data(catalog: &catalog::Catalog) -> String {
    let mut out = String::from("// Written by build.rs from nixlib/catalog.\n\n");
    out.push_str(&format!(
        "pub(super) fn plan() -> PlanSchema {{\n{}\n}}\n\n",
        catalog.plan.code()
    ));
    let mut entries = String::new();
    for (i, (id, service)) in catalog.services.iter().enumerate() {
        out.push_str(&format!(
            "fn service_{i}() -> Service {{\n{}\n}}\n\n",
            service.code()
        ));
        entries.push_str(&format!("({}, service_{i}()),\n", id.code()));
    }
    out.push_str(&format!(
        "pub(super) fn services() -> BTreeMap<String, Service> {{\nBTreeMap::from([\n{entries}])\n}}\n"
    ));
    out
}
