//! Removing bindings from an operator's module, for `adopt`: the bindings the wizard
//! takes over leave the file, every other byte stays.
//!
//! A removed binding takes its own line with it when it has one (its indentation, a
//! comment after it on the same line, the line break); on a line shared with other
//! bindings only its own text and the spaces after it go. A set left with nothing in it
//! goes too, with the binding that held it (`settings = { PDS_PORT = 3000; };` whose
//! only binding is removed), up to the module's own set, which always stays. Comments
//! on the lines above a removed binding stay: they may say more than the binding did.
use std::collections::BTreeSet;

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, SyntaxNode};

use super::Edit;
use super::syntax::{cast, first_on_line, line_end_anchor, parse, syn};

/// Removes the `name = value;` entries at the byte ranges `entries` (as
/// [`super::Leaf::entry`] gives them) from `src`. Refused when a range is not an entry
/// of the file, or when the result would not parse.
pub fn remove_entries(src: &str, entries: &[(usize, usize)]) -> Edit {
    let by_hand = "Remove these bindings by hand.";
    let root = match parse(src) {
        Ok(r) => r,
        Err(e) => return Edit::refused(format!("The file does not parse ({e})."), by_hand),
    };
    let all: Vec<SyntaxNode> = syn(&root)
        .descendants()
        .filter(|n| n.kind() == SyntaxKind::NODE_ATTRPATH_VALUE)
        .collect();
    let mut doomed: BTreeSet<(usize, usize)> = BTreeSet::new();
    for range in entries {
        if !all.iter().any(|n| span(n) == *range) {
            return Edit::refused(
                format!("No binding at bytes {}..{} of the file.", range.0, range.1),
                by_hand,
            );
        }
        doomed.insert(*range);
    }
    if doomed.is_empty() {
        return Edit::AlreadyDone;
    }
    // A set whose every binding goes, goes with the binding holding it.
    loop {
        let mut grew = false;
        for node in &all {
            let Some(apv) = cast::<ast::AttrpathValue>(node.clone()) else {
                continue;
            };
            if doomed.contains(&span(node)) {
                continue;
            }
            // `name = { … };`, or `name = with x; { … };`.
            let set = match apv.value() {
                Some(ast::Expr::AttrSet(set)) => set,
                Some(ast::Expr::With(w)) => match w.body() {
                    Some(ast::Expr::AttrSet(set)) => set,
                    _ => continue,
                },
                // A `let` stays with what remains of its set: its names may be used
                // elsewhere in it, and a set emptied under a `let` is left, harmless.
                _ => continue,
            };
            let members: Vec<(usize, usize)> =
                set.attrpath_values().map(|e| span(syn(&e))).collect();
            let emptied = !members.is_empty()
                && set.inherits().next().is_none()
                && members.iter().all(|m| doomed.contains(m));
            if emptied {
                doomed.insert(span(node));
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    // Only the outermost doomed entries are cut; what they hold goes with them.
    let outer: Vec<(usize, usize)> = doomed
        .iter()
        .filter(|r| !doomed.iter().any(|o| o != *r && o.0 <= r.0 && r.1 <= o.1))
        .copied()
        .collect();
    let mut out = String::with_capacity(src.len());
    let mut from = 0;
    // Where whole lines were cut, in `out`: the blank lines around them are tidied.
    let mut seams = Vec::new();
    for (s, e) in outer {
        let (cut_from, cut_to) = cut(src, s, e);
        out.push_str(&src[from..cut_from]);
        // Adjacent cuts make one seam.
        if (cut_from == 0 || src.as_bytes()[cut_from - 1] == b'\n')
            && seams.last() != Some(&out.len())
        {
            seams.push(out.len());
        }
        from = cut_to;
    }
    out.push_str(&src[from..]);
    for seam in seams.into_iter().rev() {
        tidy_seam(&mut out, seam);
    }
    match parse(&out) {
        Ok(_) => Edit::Changed(out),
        Err(e) => Edit::refused(
            format!("Removing the bindings would leave a file that does not parse ({e})."),
            by_hand,
        ),
    }
}

fn span(n: &SyntaxNode) -> (usize, usize) {
    let r = n.text_range();
    (usize::from(r.start()), usize::from(r.end()))
}

/// The bytes to cut for the entry at `s..e`: its whole line when it has the line to
/// itself, else the entry and the blanks after it.
fn cut(src: &str, s: usize, e: usize) -> (usize, usize) {
    let (anchor, line_break) = line_end_anchor(src, e);
    if first_on_line(src, s) && line_break {
        let line_start = src[..s].rfind('\n').map_or(0, |i| i + 1);
        let rest = &src[anchor..];
        let to = if let Some(r) = rest.strip_prefix("\r\n") {
            src.len() - r.len()
        } else if let Some(r) = rest.strip_prefix('\n') {
            src.len() - r.len()
        } else {
            // The end of the file, after spaces.
            anchor + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
        };
        return (line_start, to);
    }
    let after = &src[e..];
    let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
    (s, e + blanks)
}

/// Where lines were cut (`seam` is a line start in `text`), no blank line is left
/// doubled, at the start of a set or list, or at its end.
fn tidy_seam(text: &mut String, seam: usize) {
    let before_start = text[..seam.saturating_sub(1)]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let before = if seam == 0 {
        None
    } else {
        Some(&text[before_start..seam])
    };
    let after = next_line(&text[seam..]).or(Some(&text[seam..]).filter(|r| !r.is_empty()));
    let blank = |l: &str| l.trim().is_empty();
    match (before, after) {
        (Some(b), a)
            if blank(b) && a.is_none_or(|a| blank(a) || a.trim_start().starts_with(['}', ']'])) =>
        {
            text.replace_range(before_start..seam, "");
        }
        (Some(b), Some(a)) if b.trim_end().ends_with(['{', '[']) && blank(a) => {
            let len = a.len();
            text.replace_range(seam..seam + len, "");
        }
        _ => {}
    }
}

/// The next line of `rest` with its line break, when it ends with one.
fn next_line(rest: &str) -> Option<&str> {
    rest.find('\n').map(|n| &rest[..=n])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostedit::module_leaves;

    fn remove(src: &str, paths: &[&str]) -> String {
        let leaves = module_leaves(src, &|_| None).unwrap();
        let ranges: Vec<(usize, usize)> = leaves
            .iter()
            .filter(|l| paths.contains(&l.path.join(".").as_str()))
            .map(|l| l.entry)
            .collect();
        assert_eq!(ranges.len(), paths.len(), "{leaves:#?}");
        match remove_entries(src, &ranges) {
            Edit::Changed(s) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_binding_goes_with_its_line_and_an_emptied_set_with_its_holder() {
        let src = "{ pkgs, ... }:\n{\n  # The PDS.\n  services.bluesky-pds = {\n    enable = true; # on\n    settings = {\n      PDS_PORT = 3000;\n    };\n    environmentFiles = [ \"/var/lib/pds/pds.env\" ];\n  };\n  networking.hostName = \"pds1\";\n}\n";
        let got = remove(
            src,
            &[
                "services.bluesky-pds.enable",
                "services.bluesky-pds.settings.PDS_PORT",
            ],
        );
        assert_eq!(
            got,
            "{ pkgs, ... }:\n{\n  # The PDS.\n  services.bluesky-pds = {\n    environmentFiles = [ \"/var/lib/pds/pds.env\" ];\n  };\n  networking.hostName = \"pds1\";\n}\n"
        );
        // Everything under a set: the set goes, the comment above stays.
        let got = remove(
            src,
            &[
                "services.bluesky-pds.enable",
                "services.bluesky-pds.settings.PDS_PORT",
                "services.bluesky-pds.environmentFiles",
            ],
        );
        assert_eq!(
            got,
            "{ pkgs, ... }:\n{\n  # The PDS.\n  networking.hostName = \"pds1\";\n}\n"
        );
    }

    #[test]
    fn bindings_sharing_a_line_leave_the_others() {
        let src = "{\n  locations.\"/\" = { proxyPass = \"http://127.0.0.1:3000\"; proxyWebsockets = true; };\n}\n";
        let got = remove(src, &["locations./.proxyWebsockets"]);
        assert_eq!(
            got,
            "{\n  locations.\"/\" = { proxyPass = \"http://127.0.0.1:3000\"; };\n}\n"
        );
    }

    #[test]
    fn no_run_of_blank_lines_is_left_behind() {
        let src = "{ ... }:\n{\n  a = 1;\n\n  b = {\n    c = 2;\n  };\n\n  d = 3;\n\n  e = 4;\n}\n";
        assert_eq!(
            remove(src, &["a", "b.c", "d"]),
            "{ ... }:\n{\n  e = 4;\n}\n"
        );
        assert_eq!(
            remove(src, &["d"]),
            "{ ... }:\n{\n  a = 1;\n\n  b = {\n    c = 2;\n  };\n\n  e = 4;\n}\n"
        );
    }

    #[test]
    fn a_set_under_with_emptied_goes_too() {
        let src =
            "{ config, ... }:\n{\n  settings = with config; {\n    a = 1;\n  };\n  b = 2;\n}\n";
        assert_eq!(
            remove(src, &["settings.a"]),
            "{ config, ... }:\n{\n  b = 2;\n}\n"
        );
    }

    #[test]
    fn crlf_lines_go_whole() {
        let src = "{\r\n  a = 1;\r\n  b = 2;\r\n}\r\n";
        assert_eq!(remove(src, &["a"]), "{\r\n  b = 2;\r\n}\r\n");
    }
}
