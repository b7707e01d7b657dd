//! What the import needs from the Caddyfile installer.sh writes: the ACME account email
//! (the global `email` option, which is the admin email the installer asked for) and
//! whether Caddy got certificates on demand (the site's `tls { on_demand }`, asking the
//! PDS's /tls-check). Tolerant on purpose: a Caddyfile an operator edited still gives
//! what can be found, and anything else in it is ignored. Pure.

/// What was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caddy {
    /// The ACME email: the global `email`, else a site's `tls <email>`.
    pub email: Option<String>,
    /// `on_demand` appears in a site's `tls` block.
    pub on_demand: bool,
}

/// Reads a Caddyfile's text.
pub fn parse(text: &str) -> Caddy {
    let mut found = Caddy::default();
    let mut tls_email = None;
    // Depth of braces, and whether the block at depth 1 is the global options block
    // (a `{` with no site address before it, at the top).
    let mut depth = 0usize;
    let mut in_global = false;
    let mut seen_site = false;
    for line in text.lines() {
        let words = words(line);
        if words.is_empty() {
            continue;
        }
        let opens = words.iter().filter(|w| **w == "{").count();
        let closes = words.iter().filter(|w| **w == "}").count();
        let first = words[0];
        if depth == 0 && first == "{" && !seen_site {
            in_global = true;
        } else if depth == 0 && first != "}" {
            seen_site = true;
        }
        if depth == 1 && in_global && first == "email" && words.len() >= 2 {
            found.email.get_or_insert_with(|| words[1].to_string());
        }
        if first == "tls" && words.len() >= 2 && words[1].contains('@') {
            tls_email.get_or_insert_with(|| words[1].to_string());
        }
        // `on_demand_tls` only says whom to ask; `on_demand` in a site's tls turns it on.
        found.on_demand |= words.contains(&"on_demand");
        depth = (depth + opens).saturating_sub(closes);
        if depth == 0 {
            in_global = false;
        }
    }
    if found.email.is_none() {
        found.email = tls_email;
    }
    found
}

/// The words of a line, a `#` comment left out (a `#` starts one at a word's start).
fn words(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in line.split_whitespace() {
        if w.starts_with('#') {
            break;
        }
        out.push(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout installer.sh writes (tabs and all).
    const INSTALLER: &str = "{\n\temail admin@example.com\n\ton_demand_tls {\n\t\task http://localhost:3000/tls-check\n\t}\n}\n\n*.pds.example.com, pds.example.com {\n\ttls {\n\t\ton_demand\n\t}\n\treverse_proxy http://localhost:3000\n}\n";

    #[test]
    fn the_installers_caddyfile_gives_its_email_and_on_demand_tls() {
        assert_eq!(
            parse(INSTALLER),
            Caddy {
                email: Some("admin@example.com".into()),
                on_demand: true
            }
        );
    }

    #[test]
    fn without_on_demand_or_email_nothing_is_made_up() {
        let text = "pds.example.com {\n  reverse_proxy localhost:3000\n}\n";
        assert_eq!(parse(text), Caddy::default());
        assert_eq!(parse(""), Caddy::default());
    }

    #[test]
    fn a_sites_email_or_a_commented_option_are_read_as_caddy_reads_them() {
        let text = "# {\n#   email old@example.com\n# }\npds.example.com {\n  tls ops@example.com\n  email not-an-option@example.com\n}\n";
        assert_eq!(
            parse(text),
            Caddy {
                email: Some("ops@example.com".into()),
                on_demand: false
            }
        );
        // The global email wins over a site's.
        let both = format!("{{\n  email admin@example.com # the admin\n}}\n{text}");
        assert_eq!(parse(&both).email.as_deref(), Some("admin@example.com"));
    }
}
