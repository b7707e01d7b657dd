//! `configuration.nix`: make sure the module imports a file (`./atproto.nix`).
use rnix::ast::{self, HasEntry};

use super::Edit;
use super::literal_list::appendable_list;
use super::syntax::{
    Container, Element, attr_name, bindings_named, element_is, first_line, has_dynamic_name,
    line_column, mentions, parse, splice, syn, text_of,
};

/// Makes sure `import` (a path literal such as `./atproto.nix`) is in the `imports` list
/// of the NixOS module in `source`.
///
/// The module may be an attribute set, a function returning one (`{ config, pkgs, ... }:
/// { … }`), with `let … in`, `with …;` or `assert …;` in front of it. An existing
/// `imports = [ … ];` gets the new element in the list's own layout; without one,
/// `imports = [ ./atproto.nix ];` becomes the first binding of the set. A path already in
/// the list (compared as Nix resolves path literals, so `././atproto.nix` counts) gives
/// [`Edit::AlreadyDone`]. `imports` built by an expression around a plain list
/// (`[ … ] ++ other`, `with x; [ … ]`, `let … in [ … ]`) gets the element in that list,
/// which means the same as adding it to the result. Everything else is refused with the
/// line to add by hand: `imports` built by a call (`lib.optionals`, `map`) or a
/// condition, bound twice, written as `imports.x` or inherited; a module that is not an
/// attribute set (`lib.mkMerge`); a file that does not parse.
pub fn add_import(source: &str, import: &str) -> Edit {
    let line = format!("imports = [ {import} ];");
    let generic_hand = format!(
        "Add {import} to the imports list of the module, or, when it has none, put this line \
         in its top-level attribute set:\n  {line}"
    );
    let root = match parse(source) {
        Ok(root) => root,
        Err(e) => {
            return Edit::refused(
                format!("The file does not parse ({e}), so it cannot be edited safely."),
                format!(
                    "Fix the syntax error first, then add {import} to the imports list of the \
                     module, or, when it has none, put this line in its top-level attribute \
                     set:\n  {line}"
                ),
            );
        }
    };
    let set = match module_body(source, root.expr()) {
        Ok(set) => set,
        Err(what) => {
            return Edit::refused(
                format!(
                    "The module is {what}, not an attribute set, so there is no top-level \
                     `imports` to extend."
                ),
                format!(
                    "Make the module an attribute set that holds the imports beside the \
                     existing body, for example:\n  {{\n    {line}\n    config = <the existing \
                     body>;\n  }}\n(`imports` cannot go inside `lib.mkMerge` or `lib.mkIf`.)"
                ),
            );
        }
    };
    if let Some(inherit) = set.inherits().find(|i| {
        i.attrs()
            .any(|a| attr_name(&a).as_deref() == Some("imports"))
    }) {
        return Edit::refused(
            format!(
                "`imports` is inherited (`{}`, line {}), so the list is defined elsewhere.",
                text_of(source, &inherit).trim(),
                line_of(source, &inherit)
            ),
            format!("Add {import} to the list that `imports` comes from."),
        );
    }
    let bindings = bindings_named(&set, "imports");
    match bindings.as_slice() {
        [] => {
            if has_dynamic_name(&set) {
                return Edit::refused(
                    "The module has an attribute with a computed name (`${…} = …`), which could \
                     be `imports`; adding another `imports` might clash with it.",
                    generic_hand,
                );
            }
            let Some(container) = Container::set(&set) else {
                return Edit::refused("The module's attribute set is incomplete.", generic_hand);
            };
            let ins = container.prepend(source, &[Element::simple(line.clone())]);
            splice(source, vec![ins], &generic_hand)
        }
        [(binding, names)] if names.len() == 1 => {
            let value = binding.value();
            match value {
                Some(ast::Expr::List(list)) => {
                    if list.items().any(|item| element_is(source, &item, import)) {
                        return Edit::AlreadyDone;
                    }
                    let Some(container) = Container::list(&list) else {
                        return Edit::refused("The imports list is incomplete.", generic_hand);
                    };
                    let ins = container.append(source, &[Element::simple(import)], None);
                    splice(source, vec![ins], &generic_hand)
                }
                Some(expr) if mentions(source, &expr, &[import.to_string()]) => Edit::AlreadyDone,
                Some(expr) => {
                    if let Some(list) = appendable_list(&expr, &[]) {
                        let Some(container) = Container::list(&list) else {
                            return Edit::refused("The imports list is incomplete.", generic_hand);
                        };
                        let ins = container.append(source, &[Element::simple(import)], None);
                        return splice(source, vec![ins], &generic_hand);
                    }
                    let existing = text_of(source, &expr).trim();
                    let by_hand = if existing.contains('\n') {
                        format!(
                            "Put `[ {import} ] ++ ` in front of the expression that builds \
                             imports (line {}), so that it reads:\n  imports = [ {import} ] ++ \
                             (…the existing expression…);",
                            line_of(source, binding)
                        )
                    } else {
                        format!(
                            "Change line {} to:\n  imports = [ {import} ] ++ {};",
                            line_of(source, binding),
                            operand(&expr, existing)
                        )
                    };
                    Edit::refused(
                        format!(
                            "`imports` is built by an expression (`{}`), not written as a list; \
                             editing it automatically could change what it means.",
                            first_line(existing)
                        ),
                        by_hand,
                    )
                }
                None => Edit::refused("The imports binding has no value.", generic_hand),
            }
        }
        [(binding, _)] => Edit::refused(
            format!(
                "`imports` is set through a longer attribute path (`{}`, line {}), which is \
                 not a list of modules.",
                first_line(text_of(source, binding)),
                line_of(source, binding)
            ),
            generic_hand,
        ),
        [(first, _), (second, _), ..] => Edit::refused(
            format!(
                "`imports` is bound more than once (lines {} and {}); it is not clear which \
                 list to extend.",
                line_of(source, first),
                line_of(source, second)
            ),
            format!("Add {import} to one of the imports lists."),
        ),
    }
}

/// The attribute set that is the module: through `args:`, `let … in`, `with …;`,
/// `assert …;` and parentheses. Otherwise a short description of what the body is.
fn module_body(src: &str, expr: Option<ast::Expr>) -> Result<ast::AttrSet, String> {
    let mut expr = expr;
    loop {
        expr = match expr {
            Some(ast::Expr::AttrSet(set)) => return Ok(set),
            Some(ast::Expr::Lambda(l)) => l.body(),
            Some(ast::Expr::LetIn(l)) => l.body(),
            Some(ast::Expr::With(w)) => w.body(),
            Some(ast::Expr::Assert(a)) => a.body(),
            Some(ast::Expr::Paren(p)) => p.expr(),
            Some(ast::Expr::Apply(a)) => {
                let text = text_of(src, &a);
                return Err(if text.contains("mkMerge") {
                    format!("a `lib.mkMerge [ … ]` call (line {})", line_of(src, &a))
                } else {
                    format!("a function call (`{}`)", first_line(text))
                });
            }
            Some(other) => return Err(format!("`{}`", first_line(text_of(src, &other)))),
            None => return Err("empty".to_string()),
        };
    }
}

/// `expr` as the right operand of `++`: as written when that binds correctly, else in
/// parentheses.
fn operand(expr: &ast::Expr, text: &str) -> String {
    match expr {
        ast::Expr::Apply(_)
        | ast::Expr::Select(_)
        | ast::Expr::Ident(_)
        | ast::Expr::List(_)
        | ast::Expr::Paren(_) => text.to_string(),
        ast::Expr::BinOp(b) if b.operator() == Some(ast::BinOpKind::Concat) => text.to_string(),
        _ => format!("({text})"),
    }
}

fn line_of<N: rnix::ast::AstNode>(src: &str, n: &N) -> usize {
    line_column(src, usize::from(syn(n).text_range().start())).0
}
