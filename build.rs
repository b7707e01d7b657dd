//! Embeds every catalog file at compile time, so the wizard and the Nix modules read
//! the very same bytes (one source of truth) and the binary needs no data files.
use std::{env, fs, path::Path};

fn main() {
    // The flake's source, recorded in the binary by src/disk/own_flake.rs.
    println!("cargo:rerun-if-env-changed=ATPROTO_FLAKE_SOURCE");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("nixlib/catalog");
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
    let mut out = String::from(
        "/// (file name, contents) of every file in nixlib/catalog, sorted by name.\n",
    );
    out.push_str("pub static CATALOG_FILES: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("catalog_files.rs"),
        out,
    )
    .unwrap();
}
