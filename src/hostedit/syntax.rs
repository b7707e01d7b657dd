//! What both edits share: parsing with readable errors, reading names and paths from the
//! tree, the layout of the text around a node, and splicing insertions into the source.
use rnix::ast::{self, AstNode, HasEntry};
use rnix::{ParseError, SyntaxKind, SyntaxNode, SyntaxToken};

use super::Edit;

/// The untyped node behind a typed one (rnix's `AstNode` re-exports rowan's trait only as
/// a bound, so its methods are reached through a generic function).
pub(crate) fn syn<N: AstNode>(n: &N) -> &SyntaxNode {
    n.syntax()
}

pub(crate) fn cast<N: AstNode>(n: SyntaxNode) -> Option<N> {
    N::cast(n)
}

/// The source text of a node.
pub(crate) fn text_of<'s, N: AstNode>(src: &'s str, n: &N) -> &'s str {
    let r = syn(n).text_range();
    &src[usize::from(r.start())..usize::from(r.end())]
}

/// Parses `src`; on failure, a message naming the first error by line and column.
pub(crate) fn parse(src: &str) -> Result<ast::Root, String> {
    let parse = rnix::Root::parse(src);
    match parse.errors().first() {
        None => Ok(parse.tree()),
        Some(err) => Err(describe_error(src, err)),
    }
}

fn describe_error(src: &str, err: &ParseError) -> String {
    let snippet = |r: rnix::TextRange| {
        let s = &src[usize::from(r.start())..usize::from(r.end())];
        let s: String = s.chars().take(30).collect();
        s.escape_debug().to_string()
    };
    let (at, what) = match err {
        ParseError::Unexpected(r) => (Some(r.start()), format!("unexpected `{}`", snippet(*r))),
        ParseError::UnexpectedExtra(r) => (
            Some(r.start()),
            format!(
                "unexpected `{}` after the end of the expression",
                snippet(*r)
            ),
        ),
        ParseError::UnexpectedWanted(_, r, wanted) => (
            Some(r.start()),
            format!(
                "unexpected `{}`, expected {}",
                snippet(*r),
                wanted_list(wanted)
            ),
        ),
        ParseError::UnexpectedDoubleBind(r) => {
            (Some(r.start()), "the pattern is bound twice".to_string())
        }
        ParseError::DuplicatedArgs(r, name) => (
            Some(r.start()),
            format!("argument `{name}` is listed twice"),
        ),
        ParseError::UnexpectedEOF => (None, "unexpected end of file".to_string()),
        ParseError::UnexpectedEOFWanted(wanted) => (
            None,
            format!("unexpected end of file, expected {}", wanted_list(wanted)),
        ),
        ParseError::RecursionLimitExceeded => (None, "the file nests too deeply".to_string()),
        other => (None, other.to_string()),
    };
    let offset = at.map_or(src.len(), usize::from);
    let (line, column) = line_column(src, offset);
    format!("line {line}, column {column}: {what}")
}

fn wanted_list(kinds: &[SyntaxKind]) -> String {
    let names: Vec<String> = kinds.iter().map(|k| token_name(*k)).collect();
    match names.len() {
        0 => "more".to_string(),
        1 => names[0].clone(),
        _ => format!("one of {}", names.join(", ")),
    }
}

fn token_name(kind: SyntaxKind) -> String {
    use SyntaxKind::*;
    let s = match kind {
        TOKEN_SEMICOLON => "`;`",
        TOKEN_ASSIGN => "`=`",
        TOKEN_R_BRACE => "`}`",
        TOKEN_L_BRACE => "`{`",
        TOKEN_R_BRACK => "`]`",
        TOKEN_R_PAREN => "`)`",
        TOKEN_COLON => "`:`",
        TOKEN_COMMA => "`,`",
        TOKEN_IN => "`in`",
        TOKEN_THEN => "`then`",
        TOKEN_ELSE => "`else`",
        TOKEN_IDENT => "a name",
        TOKEN_STRING_END => "the end of the string",
        _ => {
            return format!("{kind:?}")
                .trim_start_matches("TOKEN_")
                .to_lowercase();
        }
    };
    s.to_string()
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// The static name of an attribute (`imports`, `"imports"`); `None` for `${…}` names.
pub(crate) fn attr_name(attr: &ast::Attr) -> Option<String> {
    match attr {
        ast::Attr::Ident(id) => id.ident_token().map(|t| t.text().to_string()),
        ast::Attr::Str(s) => static_string(s),
        ast::Attr::Dynamic(d) => match d.expr() {
            Some(ast::Expr::Str(s)) => static_string(&s),
            _ => None,
        },
    }
}

pub(crate) fn static_string(s: &ast::Str) -> Option<String> {
    let mut out = String::new();
    for part in s.normalized_parts() {
        match part {
            ast::InterpolPart::Literal(l) => out.push_str(&l),
            ast::InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(out)
}

/// The names along an attribute path (`None` for a `${…}` part).
pub(crate) fn path_names(apv: &ast::AttrpathValue) -> Vec<Option<String>> {
    apv.attrpath()
        .map(|p| p.attrs().map(|a| attr_name(&a)).collect())
        .unwrap_or_default()
}

/// The bindings of `set` whose path starts with `name`, with their full paths.
pub(crate) fn bindings_named(
    set: &ast::AttrSet,
    name: &str,
) -> Vec<(ast::AttrpathValue, Vec<Option<String>>)> {
    set.attrpath_values()
        .filter_map(|apv| {
            let names = path_names(&apv);
            (names.first().and_then(|n| n.as_deref()) == Some(name)).then_some((apv, names))
        })
        .collect()
}

/// Whether `set` has a `${…}` attribute name whose value cannot be read (it could be any
/// name, so adding a binding might clash with it).
pub(crate) fn has_dynamic_name(set: &ast::AttrSet) -> bool {
    set.attrpath_values()
        .any(|apv| path_names(&apv).first().is_some_and(|n| n.is_none()))
}

/// Whether `name` can be written as a bare Nix identifier.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    const KEYWORDS: &[&str] = &[
        "if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or",
    ];
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'))
        && !KEYWORDS.contains(&name)
}

/// A Nix string literal holding `s` (the renderer's escaping).
pub(crate) use crate::render::nix::string_literal as nix_string;

/// A path written in the source, made comparable the way Nix resolves path literals:
/// `.` parts dropped and `..` applied lexically (`././a.nix` and `./b/../a.nix` are
/// `./a.nix`). Anything that is not a plain relative or absolute path is kept as written.
pub(crate) fn normalise_path(p: &str) -> String {
    let (absolute, rest) = match p.strip_prefix('/') {
        Some(rest) => (true, rest),
        None if p.starts_with("./") || p.starts_with("../") => (false, p),
        None => return p.to_string(),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            part => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.starts_with("..") {
        joined
    } else {
        format!("./{joined}")
    }
}

/// Text with every whitespace character removed, to compare expressions loosely.
pub(crate) fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether a list element is `wanted`: a path literal equal after [`normalise_path`]
/// (parentheses ignored), or any expression equal once whitespace is removed.
pub(crate) fn element_is(src: &str, item: &ast::Expr, wanted: &str) -> bool {
    let mut item = item.clone();
    while let ast::Expr::Paren(p) = &item {
        match p.expr() {
            Some(inner) => item = inner,
            None => break,
        }
    }
    let text = text_of(src, &item);
    match &item {
        ast::Expr::PathRel(_) | ast::Expr::PathAbs(_) if !text.contains("${") => {
            normalise_path(text) == normalise_path(wanted.trim())
        }
        _ => squash(text) == squash(wanted),
    }
}

/// Whether any part of `expr` is one of `forms` (see [`element_is`]). A name bound by an
/// enclosing `let` (`common ++ [ … ]` with `common = [ ./configuration.nix ];`) is
/// followed to its value, a few levels deep; anything else (a function's result, an
/// argument) is not known here and does not count.
pub(crate) fn mentions(src: &str, expr: &ast::Expr, forms: &[String]) -> bool {
    mentions_within(src, expr, forms, 4)
}

fn mentions_within(src: &str, expr: &ast::Expr, forms: &[String], depth: usize) -> bool {
    syn(expr)
        .descendants()
        .filter_map(cast::<ast::Expr>)
        .any(|e| {
            forms.iter().any(|f| element_is(src, &e, f))
                || (depth > 0
                    && matches!(e, ast::Expr::Ident(_))
                    && let_value(&e).is_some_and(|v| mentions_within(src, &v, forms, depth - 1)))
        })
}

/// The relative path literals in `expr` (`./configuration.nix`, without `${…}`), as
/// written, following names bound by an enclosing `let` a few levels deep.
pub(crate) fn path_literals(src: &str, expr: &ast::Expr) -> Vec<String> {
    let mut out = Vec::new();
    path_literals_within(src, expr, 4, &mut out);
    out
}

fn path_literals_within(src: &str, expr: &ast::Expr, depth: usize, out: &mut Vec<String>) {
    for e in syn(expr).descendants().filter_map(cast::<ast::Expr>) {
        match &e {
            ast::Expr::PathRel(_) => {
                let text = text_of(src, &e);
                if !text.contains("${") && !out.iter().any(|p| p == text) {
                    out.push(text.to_string());
                }
            }
            ast::Expr::Ident(_) if depth > 0 => {
                if let Some(v) = let_value(&e) {
                    path_literals_within(src, &v, depth - 1, out);
                }
            }
            _ => {}
        }
    }
}

/// The value an enclosing `let` binds to the identifier `ident`, if one does.
fn let_value(ident: &ast::Expr) -> Option<ast::Expr> {
    let ast::Expr::Ident(i) = ident else {
        return None;
    };
    let name = i.ident_token()?.text().to_string();
    syn(ident)
        .ancestors()
        .filter_map(cast::<ast::LetIn>)
        .find_map(|l| {
            l.attrpath_values().find_map(|apv| {
                let names = path_names(&apv);
                (names.len() == 1 && names[0].as_deref() == Some(name.as_str()))
                    .then(|| apv.value())
                    .flatten()
            })
        })
}

/// The first line of `s`, with ` …` when there is more.
pub(crate) fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim_end();
    if line.len() < s.trim_end().len() {
        format!("{line} …")
    } else {
        line.to_string()
    }
}

// ---------------------------------------------------------------- layout of the text

/// The line ending the file uses: CRLF when its first line ends so, else LF.
pub(crate) fn newline(src: &str) -> &'static str {
    match src.find('\n') {
        Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The unit of indentation the file uses: a tab when lines are indented with tabs, else
/// the smallest indentation found (2 spaces when there is none).
pub(crate) fn indent_unit(src: &str) -> String {
    let mut smallest: Option<usize> = None;
    for line in src.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with('\t') {
            return "\t".to_string();
        }
        let n = line.len() - line.trim_start_matches(' ').len();
        if n > 0 {
            smallest = Some(smallest.map_or(n, |s| s.min(n)));
        }
    }
    " ".repeat(smallest.unwrap_or(2).clamp(1, 8))
}

fn line_start(src: &str, pos: usize) -> usize {
    src[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The whitespace that starts the line holding `pos`.
pub(crate) fn line_indent(src: &str, pos: usize) -> &str {
    let start = line_start(src, pos);
    let line = &src[start..];
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n.min(pos - start)]
}

/// Whether only whitespace comes before `pos` on its line.
pub(crate) fn first_on_line(src: &str, pos: usize) -> bool {
    src[line_start(src, pos)..pos]
        .chars()
        .all(|c| c == ' ' || c == '\t')
}

/// From `pos`, skip spaces and comments that stay on the same line. Returns where the
/// line's content ends (after the last comment, before the spaces and the line break)
/// and whether a line break follows; when something else comes first, the position
/// after the last comment passed and `false`.
pub(crate) fn line_end_anchor(src: &str, pos: usize) -> (usize, bool) {
    let bytes = src.as_bytes();
    let mut i = pos;
    let mut anchor = pos;
    loop {
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
        let rest = &src[i..];
        if rest.starts_with('#') {
            let end = rest.find('\n').map_or(src.len(), |n| i + n);
            let end = if end > i && bytes[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            return (end, true);
        } else if let Some(body) = rest.strip_prefix("/*") {
            match body.find("*/") {
                Some(n) => {
                    i += n + 4;
                    anchor = i;
                }
                None => return (anchor, false),
            }
        } else if rest.starts_with('\n') || rest.starts_with("\r\n") || rest.is_empty() {
            return (anchor, true);
        } else {
            return (anchor, false);
        }
    }
}

fn is_trivia(kind: SyntaxKind) -> bool {
    matches!(
        kind,
        SyntaxKind::TOKEN_WHITESPACE | SyntaxKind::TOKEN_COMMENT
    )
}

/// Where a node's own text starts and ends, without any comments or whitespace the
/// parser may have kept inside it.
pub(crate) fn content_range(node: &SyntaxNode) -> (usize, usize) {
    let mut first = node.first_token();
    while let Some(t) = first.clone().filter(|t| is_trivia(t.kind())) {
        first = t.next_token();
    }
    let mut last = node.last_token();
    while let Some(t) = last.clone().filter(|t| is_trivia(t.kind())) {
        last = t.prev_token();
    }
    let r = node.text_range();
    (
        first.map_or(usize::from(r.start()), |t| {
            usize::from(t.text_range().start())
        }),
        last.map_or(usize::from(r.end()), |t| usize::from(t.text_range().end())),
    )
}

/// The next token after `t` that is not whitespace or a comment.
pub(crate) fn next_significant(t: &SyntaxToken) -> Option<SyntaxToken> {
    let mut next = t.next_token();
    while let Some(n) = next.clone().filter(|n| is_trivia(n.kind())) {
        next = n.next_token();
    }
    next
}

/// The previous token before `t` that is not whitespace or a comment.
pub(crate) fn prev_significant(t: &SyntaxToken) -> Option<SyntaxToken> {
    let mut prev = t.prev_token();
    while let Some(p) = prev.clone().filter(|p| is_trivia(p.kind())) {
        prev = p.prev_token();
    }
    prev
}

pub(crate) fn start(t: &SyntaxToken) -> usize {
    usize::from(t.text_range().start())
}

pub(crate) fn end(t: &SyntaxToken) -> usize {
    usize::from(t.text_range().end())
}

// ---------------------------------------------------------------- insertions

/// Text to put in at a byte offset of the original.
#[derive(Debug, Clone)]
pub(crate) struct Insertion {
    pub at: usize,
    pub text: String,
}

/// One new element of a list or attribute set, in the two layouts it may take: on one
/// line, or as lines (the first at the neighbours' indentation, the others written with
/// their extra indentation relative to it).
#[derive(Debug, Clone)]
pub(crate) struct Element {
    pub one_line: String,
    pub lines: Vec<String>,
}

impl Element {
    pub fn simple(text: impl Into<String>) -> Element {
        let text = text.into();
        Element {
            lines: vec![text.clone()],
            one_line: text,
        }
    }

    fn at_indent(&self, nl: &str, indent: &str) -> String {
        self.lines
            .iter()
            .map(|l| format!("{nl}{indent}{l}"))
            .collect()
    }
}

/// A bracketed container: a list (`[ … ]`) or an attribute set (`{ … }`).
pub(crate) struct Container {
    pub open: SyntaxToken,
    pub close: SyntaxToken,
    /// The existing elements, in order.
    pub elements: Vec<SyntaxNode>,
}

impl Container {
    pub fn list(list: &ast::List) -> Option<Container> {
        Some(Container {
            open: list.l_brack_token()?,
            close: list.r_brack_token()?,
            elements: list.items().map(|i| syn(&i).clone()).collect(),
        })
    }

    pub fn set(set: &ast::AttrSet) -> Option<Container> {
        Some(Container {
            open: set.l_curly_token()?,
            close: set.r_curly_token()?,
            elements: set.entries().map(|e| syn(&e).clone()).collect(),
        })
    }

    fn multi_line(&self, src: &str) -> bool {
        src[end(&self.open)..start(&self.close)].contains('\n')
    }

    /// Adds `new` after the last element (or `after`, when given), in the container's
    /// layout: one per line at the indentation of the last element when the container
    /// spans lines, space-separated when it is on one line.
    pub fn append(&self, src: &str, new: &[Element], after: Option<&SyntaxNode>) -> Insertion {
        let nl = newline(src);
        let multi = self.multi_line(src);
        let close_at = start(&self.close);
        let last = after.or(self.elements.last());
        match last {
            Some(last) => {
                let (first_at, end_at) = content_range(last);
                let (anchor, _) = line_end_anchor(src, end_at);
                if multi {
                    let indent = if first_on_line(src, first_at) {
                        line_indent(src, first_at).to_string()
                    } else {
                        format!("{}{}", line_indent(src, close_at), indent_unit(src))
                    };
                    Insertion {
                        at: anchor,
                        text: new.iter().map(|e| e.at_indent(nl, &indent)).collect(),
                    }
                } else {
                    Insertion {
                        at: anchor,
                        text: new.iter().map(|e| format!(" {}", e.one_line)).collect(),
                    }
                }
            }
            None => self.fill_empty(src, new),
        }
    }

    /// Adds `new` before the first element (after `{` and any comment on its line).
    pub fn prepend(&self, src: &str, new: &[Element]) -> Insertion {
        let Some(first) = self.elements.first() else {
            return self.fill_empty(src, new);
        };
        let nl = newline(src);
        let open_end = end(&self.open);
        let (first_at, _) = content_range(first);
        let (anchor, line_break) = line_end_anchor(src, open_end);
        if !self.multi_line(src) || !line_break || anchor > first_at {
            // The first element shares the opening line: put the new ones before it.
            let text: String = new.iter().map(|e| format!(" {}", e.one_line)).collect();
            let gap = if src[open_end..].starts_with([' ', '\t', '\r', '\n']) {
                ""
            } else {
                " "
            };
            return Insertion {
                at: open_end,
                text: format!("{text}{gap}"),
            };
        }
        let indent = if first_on_line(src, first_at) {
            line_indent(src, first_at).to_string()
        } else {
            format!("{}{}", line_indent(src, open_end), indent_unit(src))
        };
        let mut text: String = new.iter().map(|e| e.at_indent(nl, &indent)).collect();
        // A blank line between the new bindings and what was there, unless there is one.
        let after = &src[anchor..];
        let after = after
            .strip_prefix("\r\n")
            .or_else(|| after.strip_prefix('\n'))
            .unwrap_or(after);
        let next_line_blank = after
            .split('\n')
            .next()
            .is_some_and(|l| l.trim().is_empty())
            && after.contains('\n');
        if !next_line_blank {
            text.push_str(nl);
        }
        Insertion { at: anchor, text }
    }

    /// Adds `new` to a container with no elements (it may hold comments).
    fn fill_empty(&self, src: &str, new: &[Element]) -> Insertion {
        let nl = newline(src);
        let open_end = end(&self.open);
        let close_at = start(&self.close);
        if !self.multi_line(src) {
            let text: String = new.iter().map(|e| format!(" {}", e.one_line)).collect();
            let gap = if src[open_end..].starts_with([' ', '\t']) {
                ""
            } else {
                " "
            };
            return Insertion {
                at: open_end,
                text: format!("{text}{gap}"),
            };
        }
        // After the last comment inside, or after the opening bracket.
        let mut last_comment: Option<SyntaxToken> = None;
        let mut t = self.open.next_token();
        while let Some(tok) = t.filter(|tok| start(tok) < close_at) {
            if tok.kind() == SyntaxKind::TOKEN_COMMENT {
                last_comment = Some(tok.clone());
            }
            t = tok.next_token();
        }
        let (anchor, indent) = match &last_comment {
            Some(c) if first_on_line(src, start(c)) => (
                line_end_anchor(src, start(c)).0,
                line_indent(src, start(c)).to_string(),
            ),
            Some(c) => (
                line_end_anchor(src, start(c)).0,
                format!("{}{}", line_indent(src, close_at), indent_unit(src)),
            ),
            None => (
                line_end_anchor(src, open_end).0,
                format!("{}{}", line_indent(src, close_at), indent_unit(src)),
            ),
        };
        Insertion {
            at: anchor,
            text: new.iter().map(|e| e.at_indent(nl, &indent)).collect(),
        }
    }
}

/// Applies the insertions to `src` and checks that the result still parses.
pub(crate) fn splice(src: &str, mut insertions: Vec<Insertion>, by_hand: &str) -> Edit {
    if insertions.is_empty() {
        return Edit::AlreadyDone;
    }
    insertions.sort_by_key(|i| i.at);
    let mut out =
        String::with_capacity(src.len() + insertions.iter().map(|i| i.text.len()).sum::<usize>());
    let mut from = 0;
    for ins in &insertions {
        out.push_str(&src[from..ins.at]);
        out.push_str(&ins.text);
        from = ins.at;
    }
    out.push_str(&src[from..]);
    match parse(&out) {
        Ok(_) => Edit::Changed(out),
        Err(e) => Edit::refused(
            format!(
                "the edit would not parse ({e}); this is a bug in the wizard, nothing was written"
            ),
            by_hand,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_like_nix() {
        assert_eq!(normalise_path("./atproto.nix"), "./atproto.nix");
        assert_eq!(normalise_path("././atproto.nix"), "./atproto.nix");
        assert_eq!(normalise_path("./modules/../atproto.nix"), "./atproto.nix");
        assert_eq!(normalise_path("../etc/./x.nix"), "../etc/x.nix");
        assert_eq!(
            normalise_path("/etc/nixos/../nixos/a.nix"),
            "/etc/nixos/a.nix"
        );
        assert_eq!(normalise_path("/../a"), "/a");
        assert_eq!(normalise_path("<nixpkgs>"), "<nixpkgs>");
        assert_ne!(
            normalise_path("./a/atproto.nix"),
            normalise_path("./atproto.nix")
        );
    }

    #[test]
    fn line_end_skips_same_line_comments_only() {
        let src = "x # c\r\n  y";
        assert_eq!(line_end_anchor(src, 1), (5, true));
        let src = "x /* a */ /* b */\n";
        assert_eq!(line_end_anchor(src, 1), (17, true));
        let src = "x /* a */ ]";
        assert_eq!(line_end_anchor(src, 1), (9, false));
        assert_eq!(line_end_anchor("x", 1), (1, true));
    }

    #[test]
    fn layout_is_read_from_the_file() {
        assert_eq!(newline("a\r\nb\n"), "\r\n");
        assert_eq!(newline("a\nb\r\n"), "\n");
        assert_eq!(
            indent_unit("{\n    a = {\n        b = 1;\n    };\n}"),
            "    "
        );
        assert_eq!(indent_unit("{\n\ta = 1;\n}"), "\t");
        assert_eq!(indent_unit("{ }"), "  ");
        assert_eq!(line_indent("{\n  \ta = 1;", 5), "  \t");
        assert!(first_on_line("{\n  a", 4));
        assert!(!first_on_line("{ a", 2));
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(nix_string("path:/etc/nixos"), "\"path:/etc/nixos\"");
        assert_eq!(nix_string("a\"b\\c${d}$e\n"), "\"a\\\"b\\\\c\\${d}$e\\n\"");
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("atproto-nix"));
        assert!(is_identifier("sops_nix'"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("in"));
        assert!(!is_identifier("a.b"));
    }

    #[test]
    fn parse_errors_name_line_and_column() {
        let err = parse("{\n  a = 1\n  b = 2;\n}").unwrap_err();
        assert!(err.starts_with("line 3, column 5:"), "{err}");
        let err = parse("{ a = [ 1 2").unwrap_err();
        assert!(err.contains("end of file"), "{err}");
        assert!(err.starts_with("line 1, column 12:"), "{err}");
    }
}
