//! The catalog's `placeholder_hashes` (what the validator warns about) are exactly the
//! `lib.fakeHash` placeholders in nixlib/pkgs: read from the package files themselves,
//! so computing a hash (or adding a placeholder) without updating the catalog fails here.
use crate::support;

use std::collections::BTreeSet;
use std::path::Path;

use atproto_wizard::catalog::Catalog;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Code,
    Str,
    IndentedStr,
}

/// One open bracket: the binding whose value it opened (`uiDeps = f ( … )`), and for an
/// interpolation `${ … }` the string kind to go back to when it closes.
struct Frame {
    binding: Option<String>,
    resume: Option<Mode>,
}

/// Whether an identifier names a placeholder hash (`lib.fakeHash`, or `fakeSha256` and
/// friends after an `inherit (lib)`).
fn is_placeholder(ident: &str) -> bool {
    let last = ident.rsplit('.').next().unwrap_or(ident);
    matches!(last, "fakeHash" | "fakeSha256" | "fakeSha512")
}

/// The attribute each placeholder in a Nix file is assigned to, dotted through the named
/// bindings around it: `vendorHash`, `uiDeps.hash`. Comments and strings are skipped; an
/// anonymous attribute set (a function's argument) adds no name.
fn placeholders(src: &str) -> Vec<String> {
    let chars: Vec<char> = src.chars().collect();
    let at = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    };
    let mut found = Vec::new();
    let mut mode = Mode::Code;
    let mut frames: Vec<Frame> = Vec::new();
    // The binding being defined at each depth (from `name =` to its `;`).
    let mut current: Vec<Option<String>> = vec![None];
    let mut last_ident: Option<String> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match mode {
            Mode::Str | Mode::IndentedStr if at(i, "${") => {
                frames.push(Frame {
                    binding: None,
                    resume: Some(mode),
                });
                current.push(None);
                mode = Mode::Code;
                i += 2;
                continue;
            }
            Mode::Str => match c {
                '\\' => i += 1,
                '"' => mode = Mode::Code,
                _ => {}
            },
            Mode::IndentedStr => {
                if at(i, "''$") || at(i, "'''") {
                    i += 2;
                } else if at(i, "''\\") {
                    i += 3;
                } else if at(i, "''") {
                    mode = Mode::Code;
                    i += 1;
                }
            }
            Mode::Code => {
                if c == '#' {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                } else if at(i, "/*") {
                    while i < chars.len() && !at(i, "*/") {
                        i += 1;
                    }
                    i += 1;
                } else if c == '"' {
                    mode = Mode::Str;
                } else if at(i, "''") {
                    mode = Mode::IndentedStr;
                    i += 1;
                } else if "{([".contains(c) {
                    frames.push(Frame {
                        binding: current.last().cloned().flatten(),
                        resume: None,
                    });
                    current.push(None);
                } else if "})]".contains(c) {
                    current.pop();
                    if let Some(resume) = frames.pop().and_then(|f| f.resume) {
                        mode = resume;
                    }
                } else if c == ';' {
                    *current.last_mut().unwrap() = None;
                } else if c == '=' && !at(i, "==") && !"=!<>".contains(chars[i - 1]) {
                    if let Some(name) = last_ident.take() {
                        *current.last_mut().unwrap() = Some(name);
                    }
                } else if c.is_ascii_alphabetic() || c == '_' {
                    let start = i;
                    while i < chars.len()
                        && (chars[i].is_ascii_alphanumeric() || "_'-.".contains(chars[i]))
                    {
                        i += 1;
                    }
                    let ident: String = chars[start..i].iter().collect();
                    if ident == "in" {
                        *current.last_mut().unwrap() = None;
                    } else if is_placeholder(&ident) {
                        let mut path: Vec<String> =
                            frames.iter().filter_map(|f| f.binding.clone()).collect();
                        path.extend(current.last().cloned().flatten());
                        found.push(path.join("."));
                    }
                    last_ident = Some(ident);
                    continue;
                } else if !c.is_whitespace() {
                    last_ident = None;
                }
            }
        }
        i += 1;
    }
    found
}

fn nix_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            nix_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "nix") {
            out.push(path);
        }
    }
}

/// The catalog services a package file serves (`services = [ "…" ]` in its metadata).
fn served(src: &str) -> BTreeSet<String> {
    let re = regex::Regex::new(r"services = \[([^\]]*)\]").unwrap();
    re.captures_iter(src)
        .flat_map(|c| {
            c[1].split_whitespace()
                .map(|s| s.trim_matches('"').to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_scanner_finds_the_binding_and_skips_comments_and_strings() {
    let src = r#"
{ lib, fetch }:
# lib.fakeHash in a comment is not one
let
  note = "lib.fakeHash ${lib.concat "x" "y"} in a string";
  uiDeps = fetch ({ inherit src; hash = lib.fakeHash; } // { });
  script = ''
    echo ''${lib.fakeHash} "${if a then "b" else "c"}"
  '';
in
mk { meta = { a = 1; }; } (build {
  /* lib.fakeHash */
  vendorHash = lib.fakeHash;
  inner.deps = fetch { cargoHash = if a == b then lib.fakeSha256 else "x"; };
})
"#;
    assert_eq!(
        placeholders(src),
        ["uiDeps.hash", "vendorHash", "inner.deps.cargoHash"]
    );
}

#[test]
fn the_catalog_lists_exactly_the_placeholder_hashes_of_the_package_files() {
    let repo = support::repo();
    let mut files = Vec::new();
    nix_files(&repo.join("nixlib/pkgs"), &mut files);
    files.sort();
    let catalog = Catalog::embedded();
    let mut in_files = BTreeSet::new();
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let file = path
            .strip_prefix(&repo)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let found: BTreeSet<(String, String)> = placeholders(&src)
            .into_iter()
            .map(|attr| (file.clone(), attr))
            .collect();
        // Every service the file's packages serve warns about every placeholder in it.
        if !found.is_empty() {
            for id in served(&src) {
                let service = catalog
                    .service(&id)
                    .unwrap_or_else(|| panic!("{file}: {id}"));
                let listed: BTreeSet<(String, String)> = service
                    .placeholder_hashes
                    .iter()
                    .map(|h| (h.file.clone(), h.attr.clone()))
                    .collect();
                assert!(
                    found.is_subset(&listed),
                    "nixlib/catalog/{id}.toml must list {found:?} under [[placeholder_hashes]]; it lists {listed:?}"
                );
            }
        }
        in_files.extend(found);
    }
    let in_catalog: BTreeSet<(String, String)> = catalog
        .services
        .values()
        .flat_map(|s| &s.placeholder_hashes)
        .map(|h| (h.file.clone(), h.attr.clone()))
        .collect();
    assert_eq!(
        in_catalog, in_files,
        "the catalog's [[placeholder_hashes]] (left) and the lib.fakeHash in nixlib/pkgs (right) differ"
    );
    // Today: jetstream, feed-generator, ozone (two) and bluesky-appview.
    assert_eq!(in_files.len(), 5, "{in_files:#?}");
}
