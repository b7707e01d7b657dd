//! Reads the shell a unit runs (preStart, script, Exec lines, borg's passCommand) for
//! what it does to files: the secrets generator and its arguments, directories it makes,
//! links, redirections, files it reads (`cat`, `. file`) and secret files named as
//! arguments. A small word splitter with the shell's quoting, not a shell: anything it
//! does not know (a command substitution, a variable) is left alone.

/// One file operation, in the order the text runs them.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `install -d [-m MODE]` or `mkdir [-p] [-m MODE]`.
    MkDir { path: String, mode: Option<u32> },
    /// `ln -s TARGET LINK`.
    Symlink { target: String, link: String },
    /// A redirection, or the destination of mv, cp, install, touch, tee.
    Write { path: String, what: String },
    /// `cat FILE`, `. FILE`, `< FILE`, or a secret file named as an argument.
    Read { path: String, what: String },
    /// nixlib/secrets/atproto-secrets.sh with its arguments.
    Generator { args: Vec<String> },
}

#[derive(Debug, Clone)]
struct Word {
    text: String,
    /// Has an unquoted (or double-quoted) `$` or backquote: its value is not known here.
    dynamic: bool,
}

#[derive(Debug)]
enum Tok {
    Word(Word),
    Redir(String),
    Sep,
}

fn tokenize(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut cur: Option<Word> = None;
    let mut i = 0;
    let flush = |cur: &mut Option<Word>, toks: &mut Vec<Tok>| {
        if let Some(w) = cur.take() {
            toks.push(Tok::Word(w));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                flush(&mut cur, &mut toks);
                i += 1;
            }
            '\n' | ';' | '&' | '|' | '(' | ')' => {
                // `&>` is a redirection; everything else here ends a command.
                if c == '&' && chars.get(i + 1) == Some(&'>') {
                    flush(&mut cur, &mut toks);
                    toks.push(Tok::Redir("&>".into()));
                    i += 2;
                    continue;
                }
                flush(&mut cur, &mut toks);
                toks.push(Tok::Sep);
                i += 1;
            }
            '#' if cur.is_none() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\\' => {
                if chars.get(i + 1) == Some(&'\n') {
                    i += 2;
                    continue;
                }
                let w = cur.get_or_insert(Word {
                    text: String::new(),
                    dynamic: false,
                });
                if let Some(&n) = chars.get(i + 1) {
                    w.text.push(n);
                }
                i += 2;
            }
            '\'' => {
                let w = cur.get_or_insert(Word {
                    text: String::new(),
                    dynamic: false,
                });
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    w.text.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                let w = cur.get_or_insert(Word {
                    text: String::new(),
                    dynamic: false,
                });
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    match chars[i] {
                        '\\' if matches!(chars.get(i + 1), Some('$' | '`' | '"' | '\\' | '\n')) => {
                            if chars[i + 1] != '\n' {
                                w.text.push(chars[i + 1]);
                            }
                            i += 2;
                        }
                        '$' if chars.get(i + 1) == Some(&'$') => {
                            // systemd's escape for a literal `$` in Exec lines.
                            w.text.push('$');
                            i += 2;
                        }
                        '$' | '`' => {
                            w.dynamic = true;
                            w.text.push(chars[i]);
                            i += 1;
                        }
                        ch => {
                            w.text.push(ch);
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            '$' | '`' => {
                let w = cur.get_or_insert(Word {
                    text: String::new(),
                    dynamic: false,
                });
                w.dynamic = true;
                // Keep `$(…)`, `${…}` and `` `…` `` whole, nested parentheses included.
                let (open, close) = match (c, chars.get(i + 1)) {
                    ('$', Some('(')) => ('(', ')'),
                    ('$', Some('{')) => ('{', '}'),
                    ('`', _) => ('`', '`'),
                    _ => (' ', ' '),
                };
                w.text.push(c);
                i += 1;
                if open != ' ' {
                    if c == '$' {
                        w.text.push(open);
                        i += 1;
                    }
                    let mut depth = 1;
                    while i < chars.len() && depth > 0 {
                        let ch = chars[i];
                        if ch == close {
                            depth -= 1;
                        } else if ch == open && open != '`' {
                            depth += 1;
                        }
                        w.text.push(ch);
                        i += 1;
                    }
                }
            }
            '>' | '<' => {
                // A word of digits right before is the file descriptor (2>…).
                let fd = cur.as_ref().is_some_and(|w| {
                    !w.dynamic && !w.text.is_empty() && w.text.chars().all(|d| d.is_ascii_digit())
                });
                let mut op = String::new();
                if fd {
                    op.push_str(&cur.take().unwrap().text);
                } else {
                    flush(&mut cur, &mut toks);
                }
                op.push(c);
                i += 1;
                while let Some(&n) = chars.get(i) {
                    if n == '>' || n == '&' || n == '|' {
                        op.push(n);
                        i += 1;
                    } else {
                        break;
                    }
                }
                // `2>&1`: the descriptor is part of the operator.
                if op.ends_with('&') {
                    while let Some(&n) = chars.get(i) {
                        if n.is_ascii_digit() || n == '-' {
                            op.push(n);
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
                toks.push(Tok::Redir(op));
            }
            _ => {
                let w = cur.get_or_insert(Word {
                    text: String::new(),
                    dynamic: false,
                });
                w.text.push(c);
                i += 1;
            }
        }
    }
    flush(&mut cur, &mut toks);
    toks
}

struct Simple {
    words: Vec<Word>,
    redirs: Vec<(String, Option<Word>)>,
}

fn commands(toks: Vec<Tok>) -> Vec<Simple> {
    let mut out = Vec::new();
    let mut cur = Simple {
        words: Vec::new(),
        redirs: Vec::new(),
    };
    let mut it = toks.into_iter().peekable();
    while let Some(t) = it.next() {
        match t {
            Tok::Sep => {
                if !cur.words.is_empty() || !cur.redirs.is_empty() {
                    out.push(std::mem::replace(
                        &mut cur,
                        Simple {
                            words: Vec::new(),
                            redirs: Vec::new(),
                        },
                    ));
                }
            }
            Tok::Word(w) => cur.words.push(w),
            Tok::Redir(op) => {
                let target = if op.ends_with(|c: char| c.is_ascii_digit() || c == '-')
                    && op.contains('&')
                    && !op.starts_with('&')
                {
                    None
                } else if let Some(Tok::Word(_)) = it.peek() {
                    match it.next() {
                        Some(Tok::Word(w)) => Some(w),
                        _ => None,
                    }
                } else {
                    None
                };
                cur.redirs.push((op, target));
            }
        }
    }
    if !cur.words.is_empty() || !cur.redirs.is_empty() {
        out.push(cur);
    }
    out
}

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "exec",
    "time", "in",
];

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn is_assignment(w: &Word) -> bool {
    let t = &w.text;
    match t.find('=') {
        Some(eq) if eq > 0 => {
            t[..eq]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !t.starts_with(|c: char| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// Whether `s` names a secret: one of `paths`, or under one of them that ends in `/`;
/// `%d/…` and `$CREDENTIALS_DIRECTORY/…` name the unit's credentials.
pub fn is_secret(s: &str, paths: &[String]) -> bool {
    credential_name(s).is_some()
        || (s.starts_with('/')
            && paths.iter().any(|p| {
                if p.ends_with('/') {
                    s.starts_with(p.as_str())
                } else {
                    s == p
                }
            }))
}

/// The credential a `%d/<name>` (or `$CREDENTIALS_DIRECTORY/<name>`) argument names.
pub fn credential_name(s: &str) -> Option<&str> {
    [
        "%d/",
        "${CREDENTIALS_DIRECTORY}/",
        "$CREDENTIALS_DIRECTORY/",
    ]
    .iter()
    .find_map(|p| s.strip_prefix(p))
    .filter(|n| !n.is_empty() && !n.contains('/'))
}

fn mode_arg(s: &str) -> Option<u32> {
    u32::from_str_radix(s, 8).ok()
}

/// The operations `src` performs, in order. `secret_paths`: see [`is_secret`].
pub fn ops(src: &str, secret_paths: &[String]) -> Vec<Op> {
    let mut out = Vec::new();
    for cmd in commands(tokenize(src)) {
        for (op, target) in &cmd.redirs {
            let Some(t) = target else { continue };
            if t.dynamic || !t.text.starts_with('/') || t.text.starts_with("/dev/") {
                continue;
            }
            if op.contains('>') {
                out.push(Op::Write {
                    path: t.text.clone(),
                    what: format!("`{op} {}`", t.text),
                });
            } else {
                out.push(Op::Read {
                    path: t.text.clone(),
                    what: format!("`< {}`", t.text),
                });
            }
        }
        let mut words: &[Word] = &cmd.words;
        while let Some(w) = words.first() {
            if (!w.dynamic && KEYWORDS.contains(&w.text.as_str())) || is_assignment(w) {
                words = &words[1..];
            } else {
                break;
            }
        }
        let Some(first) = words.first() else { continue };
        if first.dynamic {
            continue;
        }
        let name = basename(&first.text);
        let args: Vec<&Word> = words[1..].iter().collect();
        let plain = |w: &&Word| !w.dynamic;
        let operands = || {
            args.iter()
                .copied()
                .filter(plain)
                .filter(|w| !w.text.starts_with('-'))
                .map(|w| w.text.clone())
                .collect::<Vec<_>>()
        };
        match name {
            _ if name.ends_with("atproto-secrets.sh") => {
                out.push(Op::Generator {
                    args: args.iter().map(|w| w.text.clone()).collect(),
                });
            }
            "bash" | "sh" if args.iter().any(|w| w.text.ends_with("atproto-secrets.sh")) => {
                let at = args
                    .iter()
                    .position(|w| w.text.ends_with("atproto-secrets.sh"))
                    .unwrap();
                out.push(Op::Generator {
                    args: args[at + 1..].iter().map(|w| w.text.clone()).collect(),
                });
            }
            "install" | "mkdir" => {
                let mut dir = name == "mkdir";
                let mut mode = None;
                let mut paths = Vec::new();
                let mut i = 0;
                while i < args.len() {
                    let a = &args[i].text;
                    if let Some(m) = a.strip_prefix("--mode=") {
                        mode = mode_arg(m);
                    } else if a == "--directory" {
                        dir = true;
                    } else if a.starts_with("--") {
                        // --parents and the rest: nothing the check needs.
                    } else if let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) {
                        let fl: Vec<char> = flags.chars().collect();
                        let mut j = 0;
                        while j < fl.len() {
                            match fl[j] {
                                'd' => dir = true,
                                'm' | 'o' | 'g' => {
                                    let rest: String = fl[j + 1..].iter().collect();
                                    let value = if rest.is_empty() {
                                        i += 1;
                                        args.get(i).map(|w| w.text.clone()).unwrap_or_default()
                                    } else {
                                        rest
                                    };
                                    if fl[j] == 'm' {
                                        mode = mode_arg(&value);
                                    }
                                    break;
                                }
                                _ => {}
                            }
                            j += 1;
                        }
                    } else if !args[i].dynamic {
                        paths.push(a.clone());
                    }
                    i += 1;
                }
                if dir {
                    out.extend(paths.into_iter().map(|path| Op::MkDir { path, mode }));
                } else if let Some(dst) = paths.last() {
                    out.push(Op::Write {
                        path: dst.clone(),
                        what: "install".into(),
                    });
                }
            }
            "ln" => {
                let symbolic = args.iter().any(|w| {
                    w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('s')
                        || w.text == "--symbolic"
                });
                let ops_ = operands();
                if ops_.len() >= 2 {
                    let link = ops_.last().unwrap().clone();
                    if symbolic {
                        out.push(Op::Symlink {
                            target: ops_[0].clone(),
                            link,
                        });
                    } else {
                        out.push(Op::Read {
                            path: ops_[0].clone(),
                            what: "ln".into(),
                        });
                        out.push(Op::Write {
                            path: link,
                            what: "ln".into(),
                        });
                    }
                }
            }
            "mv" | "cp" => {
                let ops_ = operands();
                if let Some(dst) = ops_.last() {
                    if name == "cp" {
                        for src in &ops_[..ops_.len() - 1] {
                            out.push(Op::Read {
                                path: src.clone(),
                                what: "cp".into(),
                            });
                        }
                    }
                    out.push(Op::Write {
                        path: dst.clone(),
                        what: name.into(),
                    });
                }
            }
            "touch" | "tee" => {
                for p in operands() {
                    out.push(Op::Write {
                        path: p,
                        what: name.into(),
                    });
                }
            }
            "cat" | "." | "source" | "head" | "tail" => {
                for p in operands() {
                    if p.starts_with('/') {
                        out.push(Op::Read {
                            path: p,
                            what: format!("`{name}`"),
                        });
                    }
                }
            }
            "set" | "test" | "[" | "[[" | "echo" | "printf" | "true" | "false" | "chmod"
            | "chown" | "chgrp" | "rm" | "runuser" | "sudo" | "systemctl" => {}
            _ => {
                for w in args.iter().copied().filter(plain) {
                    let value = match w.text.split_once('=') {
                        Some((k, v)) if k.starts_with('-') => v,
                        _ => w.text.as_str(),
                    };
                    if is_secret(value, secret_paths) {
                        out.push(Op::Read {
                            path: value.to_string(),
                            what: format!("an argument of {name}"),
                        });
                    }
                }
                for w in args.iter().filter(|w| w.dynamic) {
                    if credential_name(&w.text).is_some() {
                        out.push(Op::Read {
                            path: w.text.clone(),
                            what: format!("an argument of {name}"),
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_secrets() -> Vec<String> {
        vec![]
    }

    #[test]
    fn the_secrets_oneshot_script() {
        let src = "install -d -m 0700 /var/lib/atproto-secrets /var/lib/atproto-secrets/x /run/atproto-secrets\n\
                   ln -sfn '/run/agenix/atproto-x-k' '/var/lib/atproto-secrets/x/k'\n\
                   /nix/store/a-bash/bin/bash /nix/store/b-atproto-secrets.sh --dir /var/lib/atproto-secrets/x \\\n  \
                   --env-file /run/atproto-secrets/x.env \\\n  'k:external=K' 'j:hex:32=J'\n";
        assert_eq!(
            ops(src, &no_secrets()),
            vec![
                Op::MkDir {
                    path: "/var/lib/atproto-secrets".into(),
                    mode: Some(0o700)
                },
                Op::MkDir {
                    path: "/var/lib/atproto-secrets/x".into(),
                    mode: Some(0o700)
                },
                Op::MkDir {
                    path: "/run/atproto-secrets".into(),
                    mode: Some(0o700)
                },
                Op::Symlink {
                    target: "/run/agenix/atproto-x-k".into(),
                    link: "/var/lib/atproto-secrets/x/k".into()
                },
                Op::Generator {
                    args: vec![
                        "--dir".into(),
                        "/var/lib/atproto-secrets/x".into(),
                        "--env-file".into(),
                        "/run/atproto-secrets/x.env".into(),
                        "k:external=K".into(),
                        "j:hex:32=J".into(),
                    ]
                },
            ]
        );
    }

    #[test]
    fn redirections_sources_and_quoted_paths() {
        let src = "set -a\n. '/y $(id)'\nset +a\n\
                   /nix/store/u/bin/runuser -u postgres -- /nix/store/p/bin/pg_dumpall > /var/backup/d/all.sql.tmp\n\
                   mv /var/backup/d/all.sql.tmp /var/backup/d/all.sql 2>&1\n\
                   cat '/x; touch /pwned'";
        assert_eq!(
            ops(src, &no_secrets()),
            vec![
                Op::Read {
                    path: "/y $(id)".into(),
                    what: "`.`".into()
                },
                Op::Write {
                    path: "/var/backup/d/all.sql.tmp".into(),
                    what: "`> /var/backup/d/all.sql.tmp`".into()
                },
                Op::Write {
                    path: "/var/backup/d/all.sql".into(),
                    what: "mv".into()
                },
                Op::Read {
                    path: "/x; touch /pwned".into(),
                    what: "`cat`".into()
                },
            ]
        );
    }

    #[test]
    fn secret_arguments_of_a_program() {
        let secrets = vec!["/run/agenix/".to_string(), "/etc/pw".to_string()];
        let src = r#""/nix/store/x/bin/who-am-i" "--oauth-private-key" "%d/oauth" "--pw=/etc/pw" "--data" "/var/lib/w" "/run/agenix/k""#;
        assert_eq!(
            ops(src, &secrets),
            vec![
                Op::Read {
                    path: "%d/oauth".into(),
                    what: "an argument of who-am-i".into()
                },
                Op::Read {
                    path: "/etc/pw".into(),
                    what: "an argument of who-am-i".into()
                },
                Op::Read {
                    path: "/run/agenix/k".into(),
                    what: "an argument of who-am-i".into()
                },
            ]
        );
    }
}
