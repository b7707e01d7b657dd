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
//! - a function (`{ lib, ... }:`, `{ self, nixpkgs, ... }@inputs:`) has its body on the
//!   next line, at the same indentation; as a binding's value it moves, with its body,
//!   to the line after `=`. Its formals stay on one line up to two names (`...` not
//!   counted) and when that line fits, and are written one per line otherwise;
//! - `let` puts each binding on its own line between `let` and `in`, the body after `in`
//!   at the same indentation;
//! - a function call with a set (`nixpkgs.lib.nixosSystem { ... }`) opens the set on the
//!   `=` line when `name = f {` fits in 100 columns; otherwise the function goes to the
//!   next line and the set to the line after it, one level deeper. A call with a string
//!   (`throw "..."`) is placed as a string is; in a list it is parenthesised. (Calls
//!   with other arguments are written valid, but not checked against nixfmt);
//! - a set holding only `inherit` (`{ inherit inputs; }`) stays on one line when it fits.
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
    /// A variable or an attribute of one: `nixpkgs.lib.nixosSystem`. The first part is
    /// the variable, written as given; the others are attribute names, quoted when they
    /// are not identifiers (see [`Expr::select`]).
    Select(Vec<String>),
    /// A function applied to one argument: `nixpkgs.lib.nixosSystem { ... }`,
    /// `throw "..."`. Curried calls nest: `Apply(Apply(f, a), b)` is `f a b`.
    Apply(Box<Expr>, Box<Expr>),
    /// `let bindings in body`.
    Let(Vec<Binding>, Box<Expr>),
    /// A double-quoted string with interpolations: `"${atproto-nix}/nixlib/modules"`.
    /// Interpolated expressions should be one-line ones (variables, selections).
    Interpolated(Vec<Part>),
    /// `inherit a b;`: only meaningful as the value of a binding without a path, which
    /// [`Binding::inherit`] makes.
    Inherit(Vec<String>),
}

/// A piece of an [`Expr::Interpolated`] string.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text, escaped when printed.
    Text(String),
    /// `${expr}`.
    Expr(Expr),
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

/// A function with an attribute set pattern: `{ lib, ... }:` (or, with `at`,
/// `{ self, ... }@inputs:`) and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Lambda {
    pub formals: Vec<String>,
    pub ellipsis: bool,
    /// The name the whole argument is bound to: `@inputs`.
    pub at: Option<String>,
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
            at: None,
            body,
        }))
    }

    /// `{ formals..., ... }@name: body`.
    pub fn lambda_at(formals: &[&str], name: &str, body: Expr) -> Expr {
        Expr::Lambda(Box::new(Lambda {
            formals: formals.iter().map(|s| s.to_string()).collect(),
            ellipsis: true,
            at: Some(name.to_string()),
            body,
        }))
    }

    /// A variable or a selection from one, from its dotted text:
    /// `Expr::select("inputs.sops-nix.nixosModules.sops")`. For attribute names that
    /// hold a dot themselves, build [`Expr::Select`] from the parts.
    pub fn select(dotted: &str) -> Expr {
        Expr::Select(dotted.split('.').map(str::to_string).collect())
    }

    /// `function argument`.
    pub fn apply(function: Expr, argument: Expr) -> Expr {
        Expr::Apply(Box::new(function), Box::new(argument))
    }

    /// `let bindings in body`.
    pub fn let_in(bindings: impl IntoIterator<Item = Binding>, body: Expr) -> Expr {
        Expr::Let(bindings.into_iter().collect(), Box::new(body))
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
            Expr::Apply(f, arg) => Expr::apply(f.shorthand(), arg.shorthand()),
            Expr::Let(bindings, body) => {
                Expr::let_in(bindings.into_iter().map(collapse), body.shorthand())
            }
            other => other,
        }
    }
}

fn collapse(mut binding: Binding) -> Binding {
    loop {
        match binding.value {
            Expr::Attrs(mut inner)
                if inner.len() == 1 && inner[0].comments.is_empty() && !inner[0].is_inherit() =>
            {
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

    /// `inherit a b;`.
    pub fn inherit(names: &[&str]) -> Binding {
        Binding::new::<&str>(
            &[],
            Expr::Inherit(names.iter().map(|s| s.to_string()).collect()),
        )
    }

    /// Whether this is an `inherit` rather than `path = value;`.
    pub fn is_inherit(&self) -> bool {
        self.path.is_empty() && matches!(self.value, Expr::Inherit(_))
    }

    /// Separates the binding from the one before it by an empty line.
    pub fn blank(mut self) -> Binding {
        self.blank_before = true;
        self
    }
}

/// Fills prose into comment lines of at most `width` characters (a word longer than that
/// gets a line of its own); line breaks in `text` are spaces. For comments that quote
/// what the operator typed, whose length is unknown.
pub fn fill(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
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
    escape_into(&mut out, s, false);
    out.push('"');
    out
}

/// A double-quoted Nix string with interpolations: literal text is escaped as in
/// [`string_literal`] (a `$` just before an interpolation too), expressions are written
/// as `${expr}`.
pub fn interpolated_literal(parts: &[Part]) -> String {
    let mut out = String::from('"');
    for (i, part) in parts.iter().enumerate() {
        match part {
            Part::Text(text) => {
                let before_interpolation = matches!(parts.get(i + 1), Some(Part::Expr(_)));
                escape_into(&mut out, text, before_interpolation);
            }
            Part::Expr(expr) => {
                out.push_str("${");
                out.push_str(&inline(expr).unwrap_or_else(|| print_expr(expr)));
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

/// Escapes `s` for the inside of a double-quoted string; `brace_follows` says the text
/// is followed by `${`, so a final `$` must be escaped too.
fn escape_into(out: &mut String, s: &str, brace_follows: bool) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            '$' if brace_follows && chars.peek().is_none() => out.push_str("\\$"),
            c => out.push(c),
        }
    }
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

/// The one-line text of an expression nixfmt always keeps on one line: scalars, empty
/// lists and sets, variables and selections, strings with interpolations, and calls
/// whose parts are all of those.
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
        Expr::Select(parts) => select_text(parts),
        Expr::Interpolated(parts) => interpolated_literal(parts),
        Expr::Apply(function, argument) => {
            format!("{} {}", function_text(function)?, inline_item(argument)?)
        }
        _ => return None,
    })
}

fn select_text(parts: &[String]) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            out.push_str(part);
        } else {
            out.push('.');
            out.push_str(&attr_name(part));
        }
    }
    out
}

/// The function of a call, when it is one-line: a variable, a selection or a call.
fn function_text(function: &Expr) -> Option<String> {
    match function {
        Expr::Select(_) | Expr::Apply(..) => inline(function),
        _ => None,
    }
}

/// A list item or a function's argument: negative numbers and calls need parentheses
/// there.
fn inline_item(expr: &Expr) -> Option<String> {
    let text = inline(expr)?;
    let parenthesised = match expr {
        Expr::Int(i) => *i < 0 && *i != i64::MIN,
        Expr::Float(f) => f.is_finite() && *f < 0.0,
        Expr::Apply(..) => true,
        _ => false,
    };
    Some(if parenthesised {
        format!("({text})")
    } else {
        text
    })
}

/// `{ inherit a b; }` for a set holding only uncommented `inherit`s.
fn inherit_only(bindings: &[Binding]) -> Option<String> {
    if bindings.is_empty() {
        return None;
    }
    let mut out = String::from("{");
    for binding in bindings {
        let Expr::Inherit(names) = &binding.value else {
            return None;
        };
        if !binding.is_inherit() || !binding.comments.is_empty() {
            return None;
        }
        let _ = write!(out, " inherit {};", names.join(" "));
    }
    out.push_str(" }");
    Some(out)
}

/// A function's pattern on one line (`{ self, nixpkgs, ... }@inputs:`), when nixfmt
/// keeps it there: at most two names and a line that fits.
fn compact_formals(l: &Lambda, before: usize) -> Option<String> {
    let mut names: Vec<&str> = l.formals.iter().map(String::as_str).collect();
    if names.len() > 2 {
        return None;
    }
    if l.ellipsis {
        names.push("...");
    }
    let mut text = if names.is_empty() {
        "{ }".to_string()
    } else {
        format!("{{ {} }}", names.join(", "))
    };
    if let Some(at) = &l.at {
        let _ = write!(text, "@{at}");
    }
    text.push(':');
    (before + text.chars().count() <= WIDTH).then_some(text)
}

/// `{ ... }@name: body` on one line, when the formals and the body can be.
fn one_line_lambda(l: &Lambda, before: usize) -> Option<String> {
    let formals = compact_formals(l, before)?;
    let body = inline(&l.body)?;
    Some(format!("{formals} {body}"))
}

fn write_formals(out: &mut String, l: &Lambda, level: usize, before: usize) {
    if let Some(text) = compact_formals(l, before) {
        out.push_str(&text);
        return;
    }
    out.push_str("{\n");
    for name in &l.formals {
        indent(out, level + 1);
        out.push_str(name);
        out.push_str(",\n");
    }
    if l.ellipsis {
        indent(out, level + 1);
        out.push_str("...\n");
    }
    indent(out, level);
    out.push('}');
    if let Some(at) = &l.at {
        let _ = write!(out, "@{at}");
    }
    out.push(':');
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
            if let Some(text) = inherit_only(bindings)
                && before + text.chars().count() + after <= WIDTH
            {
                out.push_str(&text);
                return;
            }
            out.push_str("{\n");
            for (i, binding) in bindings.iter().enumerate() {
                write_binding(out, binding, level + 1, i == 0);
            }
            indent(out, level);
            out.push('}');
        }
        Expr::Lambda(l) => {
            // nixfmt keeps `{ ... }@name: { }` on one line when it fits, but always puts
            // the body of a plain `{ ... }:` on the next line.
            if l.at.is_some()
                && let Some(text) = one_line_lambda(l, before)
                && before + text.chars().count() + after <= WIDTH
            {
                out.push_str(&text);
                return;
            }
            write_formals(out, l, level, before);
            out.push('\n');
            indent(out, level);
            write_expr(out, &l.body, level, 0, after);
        }
        Expr::Apply(function, argument) => match function_text(function) {
            Some(text) => {
                out.push_str(&text);
                out.push(' ');
                let before = before + text.chars().count() + 1;
                write_expr(out, argument, level, before, after);
            }
            // Not something the generated files hold: written valid, not nixfmt-exact.
            None => {
                out.push('(');
                write_expr(out, function, level, before + 1, 0);
                out.push_str(") ");
                write_expr(out, argument, level, 0, after);
            }
        },
        Expr::Let(bindings, body) => {
            out.push_str("let\n");
            for (i, binding) in bindings.iter().enumerate() {
                write_binding(out, binding, level + 1, i == 0);
            }
            indent(out, level);
            out.push_str("in\n");
            indent(out, level);
            write_expr(out, body, level, 0, after);
        }
        // Only meaningful inside a set (`Binding::inherit`); written as it would be there.
        Expr::Inherit(names) => {
            let _ = write!(out, "{{ inherit {}; }}", names.join(" "));
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
            // A call with a set: `(f {`, the set's lines, `})`.
            None if matches!(item, Expr::Apply(..) | Expr::Lambda(_)) => {
                out.push('(');
                write_expr(out, item, level + 1, 1, 1);
                out.push(')');
            }
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
    if let (true, Expr::Inherit(names)) = (binding.path.is_empty(), &binding.value) {
        let line = format!("inherit {};", names.join(" "));
        if line.chars().count() <= WIDTH {
            out.push_str(&line);
            out.push('\n');
        } else {
            // One name per line, the `;` on its own.
            out.push_str("inherit\n");
            for name in names {
                indent(out, level + 1);
                out.push_str(name);
                out.push('\n');
            }
            indent(out, level + 1);
            out.push_str(";\n");
        }
        return;
    }
    let path: Vec<String> = binding.path.iter().map(|p| attr_name(p)).collect();
    let lhs = path.join(".");
    out.push_str(&lhs);
    // nixfmt only considers a break after `=` for a long or quoted path (more than four
    // parts, or one that is not a bare name) and for plain values that overflow.
    let simple = binding.path.len() <= 4 && binding.path.iter().all(|p| is_identifier(p));
    let head = lhs.chars().count() + 2; // `lhs =`
    let value = &binding.value;
    let same_line = match inline(value) {
        None => match value {
            // A function moves to the next line with its body, unless all of it is one
            // short line (`f = { ... }: { };`).
            Expr::Lambda(l) => {
                if let Some(text) = one_line_lambda(l, head + 1)
                    && head + text.chars().count() + 2 <= WIDTH
                {
                    let _ = writeln!(out, " = {text};");
                    return;
                }
                false
            }
            // `let` always starts on a line of its own.
            Expr::Let(..) => false,
            // `name = f {` when that fits. Else `f` on the next line and its argument on
            // the line after, one level deeper; but after a long or quoted path that
            // itself overflows, `f {` on the next line.
            Expr::Apply(function, argument) => match function_text(function) {
                Some(_) if !simple && head > WIDTH => false,
                Some(text) if head + text.chars().count() + 3 > WIDTH => {
                    out.push_str(" =\n");
                    indent(out, level + 1);
                    out.push_str(&text);
                    out.push('\n');
                    indent(out, level + 2);
                    write_expr(out, argument, level + 2, 0, 1);
                    out.push_str(";\n");
                    return;
                }
                _ => true,
            },
            // A non-empty set or list opens on the `=` line when its bracket fits there.
            _ => simple || head + 2 <= WIDTH,
        },
        Some(text) => {
            let fits = head + text.chars().count() + 2 <= WIDTH; // `lhs = text;`
            match value {
                // nixfmt never moves a string or a path to a line of its own after a
                // plain name: it would gain nothing. Nor a call.
                Expr::Str(_) | Expr::Path(_) | Expr::Interpolated(_) | Expr::Apply(..) => {
                    simple || fits
                }
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

    /// nixfmt leaves `text` exactly as it is.
    fn assert_nixfmt_fixed_point(text: &str) {
        let formatted = nixfmt_rs::format(text)
            .unwrap_or_else(|e| panic!("nixfmt cannot parse:\n{text}\n{e:?}"));
        assert_eq!(formatted, text, "nixfmt would change this");
    }

    /// The shape of a host's flake.nix, written as nixfmt writes it.
    #[test]
    fn a_flake_with_a_named_function_a_call_and_selections_is_nixfmt_exact() {
        let system = Expr::apply(
            Expr::select("nixpkgs.lib.nixosSystem"),
            Expr::attrs([
                b(&["system"], Expr::str("x86_64-linux")),
                b(
                    &["specialArgs"],
                    Expr::attrs([Binding::inherit(&["inputs"])]),
                ),
                b(
                    &["modules"],
                    Expr::List(vec![
                        Expr::Path("./configuration.nix".into()),
                        Expr::select("inputs.atproto-nix.nixosModules.default"),
                    ]),
                ),
            ]),
        );
        let flake = Expr::attrs([
            b(&["description"], Expr::str("d")),
            b(
                &["outputs"],
                Expr::lambda_at(
                    &["self", "nixpkgs"],
                    "inputs",
                    Expr::attrs([b(&["nixosConfigurations", "my.host"], system)]),
                ),
            )
            .blank(),
        ])
        .shorthand();
        let text = print_file(&File {
            header: vec![],
            body: flake,
        });
        assert_eq!(
            text,
            r#"{
  description = "d";

  outputs =
    { self, nixpkgs, ... }@inputs:
    {
      nixosConfigurations."my.host" = nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        specialArgs = { inherit inputs; };
        modules = [
          ./configuration.nix
          inputs.atproto-nix.nixosModules.default
        ];
      };
    };
}
"#
        );
        assert_nixfmt_fixed_point(&text);
    }

    #[test]
    fn a_module_with_let_interpolation_and_calls_is_nixfmt_exact() {
        let fetch = Expr::apply(
            Expr::select("builtins.fetchTarball"),
            Expr::attrs([b(&["url"], Expr::str("https://example.com/a.tar.gz"))]),
        );
        let body = Expr::let_in(
            [
                b(&["src"], fetch).comment("where"),
                b(
                    &["other"],
                    Expr::apply(Expr::select("throw"), Expr::str("no")),
                ),
            ],
            Expr::attrs([
                b(
                    &["imports"],
                    Expr::List(vec![Expr::Interpolated(vec![
                        Part::Expr(Expr::select("src")),
                        Part::Text("/nixlib/modules".into()),
                    ])]),
                ),
                b(
                    &["x"],
                    Expr::List(vec![
                        Expr::apply(Expr::select("throw"), Expr::str("a")),
                        Expr::apply(Expr::select("f"), Expr::attrs([b(&["a"], Expr::Int(1))])),
                    ]),
                ),
                b(
                    &["y"],
                    Expr::let_in([b(&["z"], Expr::Int(1))], Expr::select("z")),
                ),
                b(
                    &["f"],
                    Expr::lambda_at(&["self"], "inputs", Expr::attrs([])),
                ),
            ]),
        );
        let text = print_file(&File {
            header: vec!["h".into()],
            body: Expr::lambda(&[], body).shorthand(),
        });
        assert_eq!(
            text,
            r#"# h
{ ... }:
let
  # where
  src = builtins.fetchTarball {
    url = "https://example.com/a.tar.gz";
  };
  other = throw "no";
in
{
  imports = [ "${src}/nixlib/modules" ];
  x = [
    (throw "a")
    (f {
      a = 1;
    })
  ];
  y =
    let
      z = 1;
    in
    z;
  f = { self, ... }@inputs: { };
}
"#
        );
        assert_nixfmt_fixed_point(&text);
    }

    #[test]
    fn interpolated_strings_escape_their_text() {
        let s = Expr::Interpolated(vec![
            Part::Text("a\"$".into()),
            Part::Expr(Expr::select("x")),
            Part::Text("${b}\\$".into()),
        ]);
        assert_eq!(print_expr(&s), r#""a\"\$${x}\${b}\\$""#);
        assert_eq!(
            print_expr(&Expr::Interpolated(vec![Part::Expr(Expr::select(
                "a.b-c.\"d\""
            ))])),
            r#""${a.b-c."\"d\""}""#
        );
    }

    #[test]
    fn selections_quote_attribute_names_that_need_it() {
        let e = Expr::Select(vec!["inputs".into(), "my.host".into(), "default".into()]);
        assert_eq!(print_expr(&e), r#"inputs."my.host".default"#);
        assert_eq!(
            print_expr(&Expr::select("inputs.sops-nix.nixosModules.sops")),
            "inputs.sops-nix.nixosModules.sops"
        );
    }

    #[test]
    fn formals_stay_on_one_line_up_to_two_names() {
        for (formals, at, expected) in [
            (&[][..], None, "{ ... }:\n{ }"),
            (&["a", "b"][..], None, "{ a, b, ... }:\n{ }"),
            (&["a", "b"][..], Some("x"), "{ a, b, ... }@x: { }"),
            (
                &["a", "b", "c"][..],
                None,
                "{\n  a,\n  b,\n  c,\n  ...\n}:\n{ }",
            ),
        ] {
            let mut l = Expr::lambda(formals, Expr::attrs([]));
            if let (Some(at), Expr::Lambda(l)) = (at, &mut l) {
                l.at = Some(at.to_string());
            }
            let text = print_expr(&l);
            assert_eq!(text, expected);
            assert_nixfmt_fixed_point(&format!("{text}\n"));
        }
    }

    /// Every new form, at every width around nixfmt's 100 columns, after short, long and
    /// quoted attribute paths.
    #[test]
    fn nixfmt_leaves_calls_selections_functions_and_inherits_alone_at_every_width() {
        let set = Expr::attrs([b(&["system"], Expr::str("x"))]);
        for n in 30..110 {
            let long = "k".repeat(n);
            let quoted = format!("1{}", "q".repeat(n));
            let name = "n".repeat(n);
            let values = [
                Expr::apply(Expr::select("nixpkgs.lib.nixosSystem"), set.clone()),
                Expr::apply(Expr::select("throw"), Expr::str(&name)),
                Expr::select(&format!("a.{name}.c")),
                Expr::Interpolated(vec![
                    Part::Expr(Expr::select("src")),
                    Part::Text(format!("/{name}")),
                ]),
                Expr::attrs([Binding::inherit(&["inputs", &name])]),
                Expr::List(vec![Expr::apply(Expr::select("throw"), Expr::str(&name))]),
                Expr::List(vec![Expr::Interpolated(vec![
                    Part::Expr(Expr::select("src")),
                    Part::Text(format!("/{name}")),
                ])]),
                Expr::List(vec![Expr::select(&format!("inputs.{name}.default"))]),
                Expr::List(vec![Expr::apply(Expr::select("f"), set.clone())]),
                Expr::lambda_at(&["self", &name], "inputs", set.clone()),
                Expr::lambda_at(&["self", &name], "inputs", Expr::attrs([])),
                Expr::lambda(&[&name], Expr::attrs([])),
                Expr::let_in([b(&["x"], Expr::str(&name))], Expr::select("x")),
            ];
            for path in [
                vec!["a", long.as_str()],
                vec!["nixosConfigurations", long.as_str()],
                vec!["a", "b", "c", "d", long.as_str()],
                vec!["a", quoted.as_str()],
            ] {
                for value in &values {
                    let function = Expr::lambda_at(
                        &["self", "nixpkgs"],
                        "inputs",
                        Expr::attrs([b(&path, value.clone())]),
                    );
                    // At the top, and nested as a flake's outputs are.
                    let nested = Expr::attrs([
                        b(&["description"], Expr::str("d")),
                        b(&["outputs"], function.clone()),
                    ]);
                    for body in [function, nested] {
                        assert_nixfmt_fixed_point(&print_file(&File {
                            header: vec![],
                            body,
                        }));
                    }
                }
            }
        }
    }
}
