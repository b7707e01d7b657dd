//! Reading a hand-written NixOS module as the bindings it makes: every leaf
//! `services.bluesky-pds.settings.PDS_HOSTNAME = "pds.example.com";`, whether written
//! with dotted paths or nested sets, with its value as a literal when the text alone
//! says what it is.
//!
//! Literal means: a string (its `${…}` parts literal too), an integer, a boolean, `null`,
//! a path, or a list of those; a name bound by an enclosing `let` with such a value;
//! `toString` of one; and `config.<path>` when `resolve` knows the value of that option
//! (the caller gives the other bindings of the host). Anything else (a function call, a
//! condition, `lib.mkIf`, an option read the caller does not know) is `None`: the
//! binding cannot be read from the text and stays where it is.
use rnix::ast::{self, HasEntry};

use super::imports::module_body;
use super::syntax::{attr_name, cast, line_column, parse, path_names, syn, text_of};

/// One binding of a module, at the end of its attribute path.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// The whole attribute path, e.g. `["services", "nginx", "virtualHosts",
    /// "pds.example.com", "forceSSL"]`.
    pub path: Vec<String>,
    /// The value's source text.
    pub text: String,
    /// The value when the text says what it is (see the module docs).
    pub value: Option<Lit>,
    /// 1-based line of the binding.
    pub line: usize,
    /// Byte range of the innermost `name = value;` entry holding it.
    pub entry: (usize, usize),
}

/// A literal Nix value.
#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    /// A path literal as written (`./secrets/pds.env`, `/var/lib/pds/pds.env`).
    Path(String),
    List(Vec<Lit>),
}

impl Lit {
    /// The value as the text NixOS would pass on (`toString`): strings and paths as
    /// written, numbers in decimal, booleans as `1`/`""` as Nix does.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Lit::Str(s) | Lit::Path(s) => Some(s.clone()),
            Lit::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }
}

/// Why a module cannot be read as bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Every leaf binding of the module in `src`. `resolve` answers `config.<path>` reads
/// (the path without `config.`), or `None`.
pub fn module_leaves(
    src: &str,
    resolve: &dyn Fn(&[String]) -> Option<Lit>,
) -> Result<Vec<Leaf>, Unreadable> {
    let root = parse(src).map_err(Unreadable)?;
    let set = module_body(src, root.expr()).map_err(|what| {
        Unreadable(format!(
            "the module is {what}, not an attribute set of bindings"
        ))
    })?;
    let mut out = Vec::new();
    collect(src, &set, &mut Vec::new(), resolve, &mut out);
    Ok(out)
}

fn collect(
    src: &str,
    set: &ast::AttrSet,
    prefix: &mut Vec<String>,
    resolve: &dyn Fn(&[String]) -> Option<Lit>,
    out: &mut Vec<Leaf>,
) {
    for apv in set.attrpath_values() {
        // A `${…}` name that is not literal: unknown, so nothing under it is read.
        let Some(names) = apv.attrpath().and_then(|p| {
            p.attrs()
                .map(|a| name_of(src, &a, resolve))
                .collect::<Option<Vec<String>>>()
        }) else {
            continue;
        };
        // A module written `{ options = …; config = { … }; }`: its `config` holds the
        // same bindings the short form has at the top.
        let names = if prefix.is_empty() && names == ["config"] {
            Vec::new()
        } else {
            names
        };
        let depth = prefix.len();
        prefix.extend(names);
        match apv.value().map(without_with) {
            Some(ast::Expr::AttrSet(inner)) if inner.rec_token().is_none() => {
                collect(src, &inner, prefix, resolve, out);
            }
            Some(value) => {
                let r = syn(&apv).text_range();
                out.push(Leaf {
                    path: prefix.clone(),
                    text: text_of(src, &value).to_string(),
                    value: literal(src, &value, resolve, 8),
                    line: line_column(src, usize::from(r.start())).0,
                    entry: (usize::from(r.start()), usize::from(r.end())),
                });
            }
            None => {}
        }
        prefix.truncate(depth);
    }
}

/// `with x; { … }` or `let … in { … }` as its set (`settings = with config; { … };`):
/// a name inside still means what its `let` says, since `with` never hides a lexical
/// binding; a name only `with` could give is not a literal here.
fn without_with(expr: ast::Expr) -> ast::Expr {
    let body = match &expr {
        ast::Expr::With(w) => w.body(),
        // `config = let cfg = …; in { … };`: the names the `let` binds are followed
        // where they are used.
        ast::Expr::LetIn(l) => l.body(),
        _ => None,
    };
    match body.map(without_with) {
        Some(set @ ast::Expr::AttrSet(_)) => set,
        _ => expr,
    }
}

/// An attribute's name: static, or `${…}` / `"${…}"` whose value is a literal string.
fn name_of(
    src: &str,
    attr: &ast::Attr,
    resolve: &dyn Fn(&[String]) -> Option<Lit>,
) -> Option<String> {
    if let Some(name) = attr_name(attr) {
        return Some(name);
    }
    let value = match attr {
        ast::Attr::Dynamic(d) => literal(src, &d.expr()?, resolve, 8)?,
        ast::Attr::Str(s) => literal(src, &ast::Expr::Str(s.clone()), resolve, 8)?,
        ast::Attr::Ident(_) => return None,
    };
    match value {
        Lit::Str(s) => Some(s),
        _ => None,
    }
}

/// The literal value of `expr`, following `let` names and known `config.` reads.
fn literal(
    src: &str,
    expr: &ast::Expr,
    resolve: &dyn Fn(&[String]) -> Option<Lit>,
    depth: usize,
) -> Option<Lit> {
    if depth == 0 {
        return None;
    }
    let again = |e: &ast::Expr| literal(src, e, resolve, depth - 1);
    match expr {
        ast::Expr::Paren(p) => again(&p.expr()?),
        ast::Expr::Literal(l) => {
            let text = text_of(src, l);
            if let Ok(i) = text.parse::<i64>() {
                Some(Lit::Int(i))
            } else {
                None
            }
        }
        ast::Expr::Str(s) => {
            let mut out = String::new();
            for part in s.normalized_parts() {
                match part {
                    ast::InterpolPart::Literal(l) => out.push_str(&l),
                    ast::InterpolPart::Interpolation(i) => {
                        out.push_str(&again(&i.expr()?)?.as_text()?);
                    }
                }
            }
            Some(Lit::Str(out))
        }
        ast::Expr::PathRel(_) | ast::Expr::PathAbs(_) => {
            let text = text_of(src, expr);
            (!text.contains("${")).then(|| Lit::Path(text.to_string()))
        }
        ast::Expr::List(list) => list
            .items()
            .map(|i| again(&i))
            .collect::<Option<Vec<_>>>()
            .map(Lit::List),
        ast::Expr::Ident(i) => {
            let name = i.ident_token()?.text().to_string();
            match name.as_str() {
                "true" => Some(Lit::Bool(true)),
                "false" => Some(Lit::Bool(false)),
                "null" => Some(Lit::Null),
                _ => again(&let_bound(expr, &name)?),
            }
        }
        ast::Expr::Select(sel) => {
            let ast::Expr::Ident(base) = sel.expr()? else {
                return None;
            };
            if base.ident_token()?.text() != "config" || sel.default_expr().is_some() {
                return None;
            }
            let path = sel
                .attrpath()?
                .attrs()
                .map(|a| attr_name(&a))
                .collect::<Option<Vec<_>>>()?;
            resolve(&path)
        }
        ast::Expr::Apply(a) => {
            let f = text_of(src, &a.lambda()?).trim().to_string();
            // `toString x` (also `builtins.toString x`).
            if f == "toString" || f == "builtins.toString" {
                return Some(Lit::Str(again(&a.argument()?)?.as_text()?));
            }
            // `lib.concatStringsSep "," [ … ]`, as hosts write the PDS's crawlers.
            let ast::Expr::Apply(inner) = a.lambda()? else {
                return None;
            };
            let g = text_of(src, &inner.lambda()?).trim().to_string();
            if !matches!(
                g.as_str(),
                "lib.concatStringsSep" | "builtins.concatStringsSep" | "concatStringsSep"
            ) {
                return None;
            }
            let Lit::Str(sep) = again(&inner.argument()?)? else {
                return None;
            };
            let Lit::List(items) = again(&a.argument()?)? else {
                return None;
            };
            let parts = items.iter().map(Lit::as_text).collect::<Option<Vec<_>>>()?;
            Some(Lit::Str(parts.join(&sep)))
        }
        _ => None,
    }
}

/// The value a `let` around `at` binds to `name`.
fn let_bound(at: &ast::Expr, name: &str) -> Option<ast::Expr> {
    syn(at)
        .ancestors()
        .filter_map(cast::<ast::LetIn>)
        .find_map(|l| {
            l.attrpath_values().find_map(|apv| {
                let names = path_names(&apv);
                (names.len() == 1 && names[0].as_deref() == Some(name))
                    .then(|| apv.value())
                    .flatten()
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(src: &str) -> Vec<(String, Option<Lit>)> {
        let resolve = |p: &[String]| {
            (p.join(".") == "services.bluesky-pds.settings.PDS_PORT").then_some(Lit::Int(3000))
        };
        module_leaves(src, &resolve)
            .unwrap()
            .into_iter()
            .map(|l| (l.path.join("."), l.value))
            .collect()
    }

    #[test]
    fn nested_and_dotted_bindings_are_flattened_with_their_values() {
        let src = r#"{ config, pkgs, ... }:
let
  domain = "pds.example.com";
  port = 3000;
in
{
  services.bluesky-pds = {
    enable = true;
    settings = {
      PDS_HOSTNAME = domain;
      PDS_PORT = port;
    };
  };
  services.nginx.virtualHosts.${"x"}.forceSSL = true;
  services.nginx.virtualHosts."${domain}".locations."/".proxyPass =
    "http://127.0.0.1:${toString config.services.bluesky-pds.settings.PDS_PORT}";
  environment.systemPackages = with pkgs; [ git ];
}
"#;
        let got = leaves(src);
        assert_eq!(
            got,
            vec![
                ("services.bluesky-pds.enable".into(), Some(Lit::Bool(true))),
                (
                    "services.bluesky-pds.settings.PDS_HOSTNAME".into(),
                    Some(Lit::Str("pds.example.com".into()))
                ),
                (
                    "services.bluesky-pds.settings.PDS_PORT".into(),
                    Some(Lit::Int(3000))
                ),
                (
                    "services.nginx.virtualHosts.x.forceSSL".into(),
                    Some(Lit::Bool(true))
                ),
                (
                    "services.nginx.virtualHosts.pds.example.com.locations./.proxyPass".into(),
                    Some(Lit::Str("http://127.0.0.1:3000".into()))
                ),
                ("environment.systemPackages".into(), None),
            ]
        );
    }

    #[test]
    fn joined_lists_and_the_config_form_are_read() {
        let src = r#"{ lib, ... }:
{
  options = { };
  config = {
    services.bluesky-pds.settings.PDS_CRAWLERS = lib.concatStringsSep "," [
      "https://bsky.network"
      "https://relay.example.net"
    ];
  };
}
"#;
        assert_eq!(
            leaves(src),
            vec![(
                "services.bluesky-pds.settings.PDS_CRAWLERS".into(),
                Some(Lit::Str(
                    "https://bsky.network,https://relay.example.net".into()
                ))
            )]
        );
    }

    #[test]
    fn a_set_under_with_is_read_through() {
        let src = "{ config, ... }:\nlet port = 3000; in\n{\n  services.bluesky-pds.settings = with config; {\n    PDS_PORT = port;\n    PDS_HOSTNAME = lore.fqdn;\n  };\n}\n";
        assert_eq!(
            leaves(src),
            vec![
                (
                    "services.bluesky-pds.settings.PDS_PORT".into(),
                    Some(Lit::Int(3000))
                ),
                ("services.bluesky-pds.settings.PDS_HOSTNAME".into(), None),
            ]
        );
    }

    #[test]
    fn the_config_form_behind_a_let_is_read() {
        let src = "{ config, ... }:\n{\n  options = { };\n  config = let port = 2583; in {\n    services.bluesky-pds.settings.PDS_PORT = port;\n  };\n}\n";
        assert_eq!(
            leaves(src),
            vec![(
                "services.bluesky-pds.settings.PDS_PORT".into(),
                Some(Lit::Int(2583))
            )]
        );
    }

    #[test]
    fn lines_and_ranges_point_at_the_entry() {
        let src = "{\n  a.b = 1;\n  c = {\n    d = \"x\";\n  };\n}\n";
        let l = module_leaves(src, &|_| None).unwrap();
        assert_eq!(l[0].line, 2);
        assert_eq!(&src[l[0].entry.0..l[0].entry.1], "a.b = 1;");
        assert_eq!(l[1].line, 4);
        assert_eq!(&src[l[1].entry.0..l[1].entry.1], "d = \"x\";");
    }
}
