//! Embeds every catalog file at compile time, so the wizard and the Nix modules read
//! the very same bytes (one source of truth) and the binary needs no data files. The
//! TOML is parsed here, once: the binary gets each file as JSON too, which it reads in
//! a fraction of the time TOML takes (start-up is most of what `check` costs). A file
//! that is not TOML fails the build, naming it.
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
    out.push_str(
        "/// (file name, the same file as JSON) for every file in nixlib/catalog, sorted by name.\n",
    );
    out.push_str("pub static CATALOG_JSON: &[(&str, &str)] = &[\n");
    for name in &names {
        let path = dir.join(name);
        let text = fs::read_to_string(&path).expect("readable catalog file");
        let value: toml::Value = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("nixlib/catalog/{name} is not valid TOML: {e}"));
        let json = serde_json::to_string(&value).expect("TOML values have a JSON form");
        out.push_str(&format!("    ({name:?}, {json:?}),\n"));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("catalog_files.rs"),
        out,
    )
    .unwrap();
}
