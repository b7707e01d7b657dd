//! The list literal inside a list-valued expression that an element can be appended to
//! without changing what the rest of the expression means.
//!
//! `imports` and `modules` are sets in effect: the module system merges every module it
//! is given whatever their order, and ignores a path module given twice. So appending an
//! element to any list literal whose items all end up in the final list is the same as
//! adding it to the final list. That holds for a list reached through parentheses,
//! `with x;` (it never hides a name bound by `let` or a function argument, and a path
//! literal is not a name), `let … in` (when the `let` binds none of the names the new
//! element uses) and either side of `++`. It does not hold inside a function call
//! (`lib.optionals c [ … ]`, `map f [ … ]`, `lib.mkMerge`), `if`, or anything else: those
//! are refused by the callers.
use rnix::ast::{self, HasEntry};

use super::syntax::attr_name;

/// The list to append to in `expr`, or `None` when the expression has no plain list
/// whose items all reach the result. `uses` are the identifiers the new element starts
/// with (for `inputs.atproto-nix.nixosModules.default`, `inputs`): a `let` that binds one
/// of them would change what the element means, so it is not looked through. When both
/// sides of `++` hold a list, the last one is chosen, so the element goes at the end.
pub(crate) fn appendable_list(expr: &ast::Expr, uses: &[&str]) -> Option<ast::List> {
    match expr {
        ast::Expr::List(list) => Some(list.clone()),
        ast::Expr::Paren(p) => appendable_list(&p.expr()?, uses),
        ast::Expr::With(w) => appendable_list(&w.body()?, uses),
        ast::Expr::LetIn(l) => {
            if binds_any(l, uses) {
                return None;
            }
            appendable_list(&l.body()?, uses)
        }
        ast::Expr::BinOp(b) if b.operator() == Some(ast::BinOpKind::Concat) => {
            let right = b.rhs().and_then(|r| appendable_list(&r, uses));
            right.or_else(|| b.lhs().and_then(|l| appendable_list(&l, uses)))
        }
        _ => None,
    }
}

/// Whether the `let` binds one of `names` (as `name = …`, `name.x = …` or `inherit`).
fn binds_any(l: &ast::LetIn, names: &[&str]) -> bool {
    let bound = |n: &str| names.contains(&n);
    l.attrpath_values().any(|apv| {
        apv.attrpath()
            .and_then(|p| p.attrs().next())
            .and_then(|a| attr_name(&a))
            .is_some_and(|n| bound(&n))
    }) || l
        .inherits()
        .any(|i| i.attrs().any(|a| attr_name(&a).is_some_and(|n| bound(&n))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hostedit::syntax::{parse, text_of};

    fn found(src: &str, uses: &[&str]) -> Option<String> {
        let root = parse(src).unwrap();
        let expr = root.expr().unwrap();
        appendable_list(&expr, uses).map(|l| text_of(src, &l).to_string())
    }

    #[test]
    fn plain_shapes_reach_their_list() {
        assert_eq!(found("[ ./a.nix ]", &[]).as_deref(), Some("[ ./a.nix ]"));
        assert_eq!(
            found("[ ./a.nix ] ++ other", &[]).as_deref(),
            Some("[ ./a.nix ]")
        );
        assert_eq!(
            found("(f system) ++ [ ./b.nix ]", &[]).as_deref(),
            Some("[ ./b.nix ]")
        );
        assert_eq!(
            found("[ ./a.nix ] ++ [ ./b.nix ]", &[]).as_deref(),
            Some("[ ./b.nix ]")
        );
        assert_eq!(
            found("with x; [ ./a.nix ]", &[]).as_deref(),
            Some("[ ./a.nix ]")
        );
        assert_eq!(
            found("let common = [ ]; in common ++ [ ./a.nix ]", &["inputs"]).as_deref(),
            Some("[ ./a.nix ]")
        );
        assert_eq!(found("([ ./a.nix ])", &[]).as_deref(), Some("[ ./a.nix ]"));
    }

    #[test]
    fn calls_conditions_and_shadowing_lets_are_not_looked_through() {
        assert_eq!(found("lib.optionals c [ ./a.nix ]", &[]), None);
        assert_eq!(found("map f [ ./a.nix ]", &[]), None);
        assert_eq!(found("if c then [ ./a.nix ] else [ ]", &[]), None);
        assert_eq!(found("other", &[]), None);
        assert_eq!(found("let inputs = { }; in [ ./a.nix ]", &["inputs"]), None);
        assert_eq!(
            found("let inherit (x) inputs; in [ ./a.nix ]", &["inputs"]),
            None
        );
        assert_eq!(found("let inputs.a = 1; in [ ./a.nix ]", &["inputs"]), None);
    }
}
