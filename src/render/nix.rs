//! A tiny Nix syntax tree for what the wizard generates, printed exactly as nixfmt
//! (the RFC 166 formatter in nixpkgs) prints it, so a host's files never change when
//! the operator runs `nixfmt` on them.
//!
//! The layout rules, checked against nixfmt (through the `nixfmt_rs` crate, a byte for
//! byte port, in the tests):
//! - two spaces per level;
//! - a non-empty attribute set (and the body of a function) is written one binding per
//!   line; nixfmt keeps such a set expanded;
//! - a list of two or more items is written one item per line; a list of one plain item
//!   stays on its line (`[ "x" ]`) when that line fits in 100 columns, indentation not
//!   counted (nixfmt's rule), and is expanded otherwise; empty ones are `[ ]` and `{ }`;
//! - a negative number inside a list is parenthesised (`[ (-1) ]`): Nix reads `[ -1 ]`
//!   as a syntax error;
//! - `name = value;` stays on one line, except that a plain value (not a set, list,
//!   string or path) that would overflow moves to the next line, indented; after a
//!   long or quoted attribute path (more than four parts, or one needing quotes) so
//!   does a string or path, and a set or list whose opening bracket would overflow;
//! - comments are `# text` lines above a binding; one empty line may separate bindings;
//! - a function (`{ lib, ... }:`) is only written as the whole file, its body on the
//!   next line.
use std::fmt::Write as _;

/// The column limit nixfmt uses, not counting indentation.
pub const WIDTH: usize = 100;

/// A Nix expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A double-quoted string; any text, escaped when printed.
    Str(String),
    /// A path literal, like `./secrets/secrets.yaml` (see [`Expr::path`]).
    Path(String),
    List(Vec<Expr>),
    Attrs(Vec<Binding>),
    /// `{ a, b, ... }: body`.
    Lambda(Box<Lambda>),
}

/// `path = value;`, with comment lines above it and maybe an empty line before those.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub blank_before: bool,
    pub comments: Vec<String>,
    /// The attribute path: `["services", "bluesky-pds", "enable"]`.
    pub path: Vec<String>,
    pub value: Expr,
}

/// A function with an attribute set pattern: `{ lib, ... }:` and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    pub formals: Vec<String>,
    pub ellipsis: bool,
    pub body: Expr,
}

/// A whole file: comment lines at the top, then one expression.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub header: Vec<String>,
    pub body: Expr,
}

impl Expr {
    pub fn str(s: impl Into<String>) -> Expr {
        Expr::Str(s.into())
    }

    /// A path literal when `text` is one Nix can read (`./a/b`, `/etc/x`, `../y`), after
    /// dropping trailing and doubled slashes, which do not change the path; `None` for
    /// anything else (spaces, `$`, non-ASCII, `~`...), which must stay a string.
    pub fn path(text: &str) -> Option<Expr> {
        let (prefix, rest) = if let Some(rest) = text.strip_prefix("./") {
            ("./", rest)
        } else if let Some(rest) = text.strip_prefix("../") {
            ("../", rest)
        } else if let Some(rest) = text.strip_prefix('/') {
            ("/", rest)
        } else {
            return None;
        };
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        let valid_char = |c: char| c.is_ascii_alphanumeric() || "._-+".contains(c);
        if !parts.iter().all(|p| p.chars().all(valid_char)) {
            return None;
        }
        Some(Expr::Path(match (prefix, parts.is_empty()) {
            ("/", true) => return None,
            ("./", true) => "./.".to_string(),
            ("../", true) => "../.".to_string(),
            _ => format!("{prefix}{}", parts.join("/")),
        }))
    }

    /// An attribute set of these bindings.
    pub fn attrs(bindings: impl IntoIterator<Item = Binding>) -> Expr {
        Expr::Attrs(bindings.into_iter().collect())
    }

    /// `{ formals..., ... }: body`.
    pub fn lambda(formals: &[&str], body: Expr) -> Expr {
        Expr::Lambda(Box::new(Lambda {
            formals: formals.iter().map(|s| s.to_string()).collect(),
            ellipsis: true,
            body,
        }))
    }

    /// Writes nested attribute sets that hold a single uncommented binding as attribute
    /// paths (`proxy.kind = "caddy";` rather than `proxy = { kind = "caddy"; };`), at
    /// every depth. The one rule the generated files follow everywhere.
    pub fn shorthand(self) -> Expr {
        match self {
            Expr::Attrs(bindings) => Expr::Attrs(bindings.into_iter().map(collapse).collect()),
            Expr::List(items) => Expr::List(items.into_iter().map(Expr::shorthand).collect()),
            Expr::Lambda(l) => Expr::Lambda(Box::new(Lambda {
                body: l.body.shorthand(),
                ..*l
            })),
            other => other,
        }
    }
}

fn collapse(mut binding: Binding) -> Binding {
    loop {
        match binding.value {
            Expr::Attrs(mut inner) if inner.len() == 1 && inner[0].comments.is_empty() => {
                let child = inner.pop().expect("one binding");
                binding.path.extend(child.path);
                binding.value = child.value;
            }
            value => {
                binding.value = value.shorthand();
                return binding;
            }
        }
    }
}

impl Binding {
    pub fn new<S: AsRef<str>>(path: &[S], value: Expr) -> Binding {
        Binding {
            blank_before: false,
            comments: Vec::new(),
            path: path.iter().map(|s| s.as_ref().to_string()).collect(),
            value,
        }
    }

    /// Adds comment lines above the binding (a multi-line text gives several lines).
    pub fn comment(mut self, text: &str) -> Binding {
        self.comments.extend(text.lines().map(str::to_string));
        self
    }

    /// Separates the binding from the one before it by an empty line.
    pub fn blank(mut self) -> Binding {
        self.blank_before = true;
        self
    }
}

/// Nix keywords (and `__curPos`, which the lexer treats as one): never bare names.
const KEYWORDS: [&str; 11] = [
    "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or", "__curPos",
];

/// Whether `name` can be written bare as an attribute name: a Nix identifier
/// (`[a-zA-Z_][a-zA-Z0-9_'-]*`) that is not a keyword.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || "_'-".contains(c))
        && !KEYWORDS.contains(&name)
}

/// An attribute name as written: bare when it can be, quoted otherwise.
pub fn attr_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        string_literal(name)
    }
}

/// A double-quoted Nix string that evaluates to exactly `s`: `"` `\` and `${` are
/// escaped, and so are newline, carriage return and tab (`\n`, `\r`, `\t`), so the
/// literal stays on one line. Everything else, UTF-8 included, is written as is.
/// (A NUL cannot be in a Nix string at all.)
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float as Nix reads it back: Nix needs a `.` before any exponent (`1.0e20`). Nix has
/// no literal for infinities or NaN; those (never valid in an answers file) are written
/// as strings.
fn float_literal(f: f64) -> String {
    if !f.is_finite() {
        return string_literal(&f.to_string());
    }
    let text = format!("{:?}", f.abs());
    let text = match text.split_once('e') {
        Some((mantissa, exp)) if !mantissa.contains('.') => format!("{mantissa}.0e{exp}"),
        _ => text,
    };
    if f.is_sign_negative() && f != 0.0 {
        format!("-{text}")
    } else {
        text
    }
}

fn int_literal(i: i64) -> String {
    if i == i64::MIN {
        // 9223372036854775808 does not fit in a Nix integer, so it cannot be negated.
        "(-9223372036854775807 - 1)".to_string()
    } else {
        i.to_string()
    }
}

/// Prints a file as nixfmt formats it, ending with a newline.
pub fn print_file(file: &File) -> String {
    let mut out = String::new();
    for line in &file.header {
        push_comment(&mut out, line);
        out.push('\n');
    }
    write_expr(&mut out, &file.body, 0, 0, 0);
    out.push('\n');
    out
}

/// Prints one expression at the top level (no trailing newline).
pub fn print_expr(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr, 0, 0, 0);
    out
}

fn push_comment(out: &mut String, text: &str) {
    let text = text.trim_end();
    if text.is_empty() {
        out.push('#');
    } else {
        out.push_str("# ");
        out.push_str(text);
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// The one-line text of a scalar (anything but a non-empty list or set, or a function).
fn inline(expr: &Expr) -> Option<String> {
    Some(match expr {
        Expr::Null => "null".to_string(),
        Expr::Bool(b) => b.to_string(),
        Expr::Int(i) => int_literal(*i),
        Expr::Float(f) => float_literal(*f),
        Expr::Str(s) => string_literal(s),
        Expr::Path(p) => p.clone(),
        Expr::List(items) if items.is_empty() => "[ ]".to_string(),
        Expr::Attrs(bindings) if bindings.is_empty() => "{ }".to_string(),
        _ => return None,
    })
}

/// A list item: negative numbers need parentheses there.
fn inline_item(expr: &Expr) -> Option<String> {
    let text = inline(expr)?;
    let negative = match expr {
        Expr::Int(i) => *i < 0 && *i != i64::MIN,
        Expr::Float(f) => f.is_finite() && *f < 0.0,
        _ => false,
    };
    Some(if negative { format!("({text})") } else { text })
}

/// Writes `expr` where the current line already holds `before` characters (not counting
/// indentation) and `after` more will follow it on the line (`;` after a binding).
fn write_expr(out: &mut String, expr: &Expr, level: usize, before: usize, after: usize) {
    if let Some(text) = inline(expr) {
        out.push_str(&text);
        return;
    }
    match expr {
        Expr::List(items) => write_list(out, items, level, before, after),
        Expr::Attrs(bindings) => {
            out.push_str("{\n");
            for (i, binding) in bindings.iter().enumerate() {
                write_binding(out, binding, level + 1, i == 0);
            }
            indent(out, level);
            out.push('}');
        }
        Expr::Lambda(l) => {
            out.push('{');
            let mut formals: Vec<&str> = l.formals.iter().map(String::as_str).collect();
            if l.ellipsis {
                formals.push("...");
            }
            if formals.is_empty() {
                out.push_str(" }:");
            } else {
                let _ = write!(out, " {} }}:", formals.join(", "));
            }
            out.push('\n');
            indent(out, level);
            write_expr(out, &l.body, level, 0, 0);
        }
        _ => unreachable!("scalars are written inline"),
    }
}

fn write_list(out: &mut String, items: &[Expr], level: usize, before: usize, after: usize) {
    if let [only] = items
        && let Some(text) = inline_item(only)
    {
        // `[ ` + item + ` ]`
        let width = before + text.chars().count() + 4 + after;
        if width <= WIDTH {
            let _ = write!(out, "[ {text} ]");
            return;
        }
    }
    out.push_str("[\n");
    for item in items {
        indent(out, level + 1);
        match inline_item(item) {
            Some(text) => out.push_str(&text),
            None => write_expr(out, item, level + 1, 0, 0),
        }
        out.push('\n');
    }
    indent(out, level);
    out.push(']');
}

fn write_binding(out: &mut String, binding: &Binding, level: usize, first: bool) {
    if binding.blank_before && !first {
        out.push('\n');
    }
    for line in &binding.comments {
        indent(out, level);
        push_comment(out, line);
        out.push('\n');
    }
    indent(out, level);
    let path: Vec<String> = binding.path.iter().map(|p| attr_name(p)).collect();
    let lhs = path.join(".");
    out.push_str(&lhs);
    // nixfmt only considers a break after `=` for a long or quoted path (more than four
    // parts, or one that is not a bare name) and for plain values that overflow.
    let simple = binding.path.len() <= 4 && binding.path.iter().all(|p| is_identifier(p));
    let head = lhs.chars().count() + 2; // `lhs =`
    let value = &binding.value;
    let same_line = match inline(value) {
        // A non-empty set or list opens on the `=` line when its bracket fits there.
        None => simple || head + 2 <= WIDTH,
        Some(text) => {
            let fits = head + text.chars().count() + 2 <= WIDTH; // `lhs = text;`
            match value {
                // nixfmt never moves a string or a path to a line of its own after a
                // plain name: it would gain nothing.
                Expr::Str(_) | Expr::Path(_) => simple || fits,
                // Parenthesised, it opens on the `=` line like a set, and expands.
                Expr::Int(i64::MIN) if !fits && (simple || head + 2 <= WIDTH) => {
                    out.push_str(" = (\n");
                    indent(out, level + 1);
                    out.push_str("-9223372036854775807 - 1\n");
                    indent(out, level);
                    out.push_str(");\n");
                    return;
                }
                _ => fits,
            }
        }
    };
    if same_line {
        out.push_str(" = ");
        write_expr(out, value, level, head + 1, 1);
    } else {
        out.push_str(" =\n");
        indent(out, level + 1);
        write_expr(out, value, level + 1, 0, 1);
    }
    out.push_str(";\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(path: &[&str], value: Expr) -> Binding {
        Binding::new(path, value)
    }

    #[test]
    fn strings_escape_quotes_backslashes_interpolation_and_line_breaks() {
        assert_eq!(string_literal("plain"), r#""plain""#);
        assert_eq!(string_literal(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string_literal("${x} $y $${z}"), r#""\${x} $y $\${z}""#);
        assert_eq!(string_literal("a\nb\rc\td"), r#""a\nb\rc\td""#);
        assert_eq!(string_literal("''${"), r#""''\${""#);
        assert_eq!(string_literal("ünïcødé 😀"), "\"ünïcødé 😀\"");
        assert_eq!(string_literal("ends with $"), r#""ends with $""#);
    }

    #[test]
    fn identifiers_are_bare_and_everything_else_is_quoted() {
        for name in [
            "bluesky-pds",
            "enable",
            "PDS_PORT",
            "_x",
            "x'",
            "a-b-c",
            "true",
        ] {
            assert_eq!(attr_name(name), name, "{name}");
        }
        for (name, quoted) in [
            ("1password", r#""1password""#),
            ("-x", r#""-x""#),
            ("a.b", r#""a.b""#),
            ("a b", r#""a b""#),
            ("", r#""""#),
            ("é", r#""é""#),
            ("if", r#""if""#),
            ("in", r#""in""#),
            ("let", r#""let""#),
            ("rec", r#""rec""#),
            ("with", r#""with""#),
            ("inherit", r#""inherit""#),
            ("assert", r#""assert""#),
            ("or", r#""or""#),
            ("${x}", r#""\${x}""#),
        ] {
            assert_eq!(attr_name(name), quoted, "{name}");
        }
    }

    #[test]
    fn sets_expand_one_binding_per_line_and_empty_ones_stay_short() {
        let e = Expr::attrs([
            b(&["a"], Expr::Int(1)),
            b(&["b", "c"], Expr::attrs([])),
            b(&["d"], Expr::List(vec![])),
            b(&["e"], Expr::attrs([b(&["f"], Expr::Bool(true))])),
        ]);
        assert_eq!(
            print_expr(&e),
            "{\n  a = 1;\n  b.c = { };\n  d = [ ];\n  e = {\n    f = true;\n  };\n}"
        );
    }

    #[test]
    fn lists_of_one_short_item_stay_on_the_line_and_others_expand() {
        let one = Expr::attrs([b(&["a"], Expr::List(vec![Expr::str("x")]))]);
        assert_eq!(print_expr(&one), "{\n  a = [ \"x\" ];\n}");
        let two = Expr::attrs([b(&["a"], Expr::List(vec![Expr::Int(1), Expr::Int(-2)]))]);
        assert_eq!(print_expr(&two), "{\n  a = [\n    1\n    (-2)\n  ];\n}");
        // `a = [ "` + 87 + `" ];` is exactly 100 columns; one more and it expands.
        for (n, expanded) in [(87, false), (88, true)] {
            let e = Expr::attrs([b(&["aaa"], Expr::List(vec![Expr::str("x".repeat(n))]))]);
            assert_eq!(print_expr(&e).contains("[\n"), expanded, "{n}");
        }
    }

    #[test]
    fn single_binding_sets_become_attribute_paths_unless_commented() {
        let e = Expr::attrs([
            b(
                &["services"],
                Expr::attrs([b(&["x"], Expr::attrs([b(&["enable"], Expr::Bool(true))]))]),
            ),
            b(
                &["y"],
                Expr::attrs([b(&["z"], Expr::Int(1)).comment("why")]),
            ),
        ])
        .shorthand();
        assert_eq!(
            print_expr(&e),
            "{\n  services.x.enable = true;\n  y = {\n    # why\n    z = 1;\n  };\n}"
        );
    }

    #[test]
    fn files_have_a_header_a_function_and_a_final_newline() {
        let f = File {
            header: vec!["Generated.".into(), String::new()],
            body: Expr::lambda(&[], Expr::attrs([b(&["a"], Expr::Null).comment("c")])),
        };
        assert_eq!(
            print_file(&f),
            "# Generated.\n#\n{ ... }:\n{\n  # c\n  a = null;\n}\n"
        );
        let f = File {
            header: vec![],
            body: Expr::lambda(&["lib"], Expr::attrs([])),
        };
        assert_eq!(print_file(&f), "{ lib, ... }:\n{ }\n");
    }

    #[test]
    fn numbers_are_written_as_nix_reads_them() {
        assert_eq!(print_expr(&Expr::Int(-3)), "-3");
        assert_eq!(
            print_expr(&Expr::Int(i64::MIN)),
            "(-9223372036854775807 - 1)"
        );
        assert_eq!(print_expr(&Expr::Float(1.5)), "1.5");
        assert_eq!(print_expr(&Expr::Float(1e20)), "1.0e20");
        assert_eq!(print_expr(&Expr::Float(-2.5e-7)), "-2.5e-7");
        assert_eq!(print_expr(&Expr::Float(100.0)), "100.0");
    }

    #[test]
    fn paths_are_literals_only_when_nix_can_read_them() {
        assert_eq!(
            Expr::path("./secrets/secrets.yaml"),
            Some(Expr::Path("./secrets/secrets.yaml".into()))
        );
        assert_eq!(
            Expr::path("./secrets//x/"),
            Some(Expr::Path("./secrets/x".into()))
        );
        assert_eq!(Expr::path("./"), Some(Expr::Path("./.".into())));
        assert_eq!(
            Expr::path("/etc/nixos"),
            Some(Expr::Path("/etc/nixos".into()))
        );
        assert_eq!(Expr::path("/"), None);
        assert_eq!(Expr::path("secrets"), None);
        assert_eq!(Expr::path("./a b"), None);
        assert_eq!(Expr::path("./${x}"), None);
    }
}
