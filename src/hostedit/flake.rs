//! `flake.nix`: add an input and its NixOS module to one host's `nixosSystem` call.
use std::collections::BTreeSet;

use rnix::SyntaxKind;
use rnix::ast::{self, HasEntry};

use super::Edit;
use super::literal_list::appendable_list;
use super::syntax::{
    Container, Element, Insertion, attr_name, bindings_named, content_range, end, first_line,
    first_on_line, indent_unit, is_identifier, line_end_anchor, line_indent, mentions, newline,
    next_significant, nix_string, parse, path_names, prev_significant, splice, squash, start, syn,
    text_of,
};

/// What a host's flake needs for the wizard's modules.
#[derive(Debug, Clone, Copy)]
pub struct FlakeWiring<'a> {
    /// The `nixosConfigurations` attribute (the host name).
    pub host: &'a str,
    /// `(name, url)` of each input to add when missing, e.g. `("atproto-nix",
    /// "path:/etc/nixos/atproto-nix")`; each new one follows the flake's `nixpkgs`.
    pub inputs: &'a [(&'a str, &'a str)],
    /// Module expressions for the host's `modules` list, e.g.
    /// `"atproto-nix.nixosModules.default"`.
    pub modules: &'a [&'a str],
}

/// Adds the missing inputs and modules to `source`, a `flake.nix`, when the host's entry
/// is a recognisable `<x>.lib.nixosSystem { … modules = [ … ]; … }` call.
///
/// What it recognises: a top-level attribute set with `inputs` (a set, `inputs.x.url`
/// bindings, or none) and `outputs = <function>: …` whose result (through `let … in`,
/// parentheses and `//`) is an attribute set holding `nixosConfigurations.<host> = …` or
/// `nixosConfigurations = { <host> = …; }`.
///
/// Inputs are added in the style of the existing ones: `name.url = "…";` and
/// `name.inputs.nixpkgs.follows = "nixpkgs";` (the follows only when the flake has a
/// `nixpkgs` input), or a nested `name = { url = …; … };` when that is how the others are
/// written. How a module reaches its input inside `outputs`: when the input is already an
/// argument, the expression is used as given; when the arguments end in `...` and are
/// bound with `@inputs` (or the function takes `inputs:` whole), it is written
/// `inputs.<expr>` and the arguments are left alone; otherwise the input's name is added
/// to the arguments (required anyway when there is no `...`).
///
/// Refused, with the lines to add by hand: a file that does not parse, `outputs` not a
/// function, a result built by a call (flake-parts' `mkFlake`, flake-utils' `eachSystem`
/// without a `//` beside it), the host missing (the hosts found are listed), the host not
/// a `nixosSystem` call, or `modules` built by an expression with no plain list in it
/// (a `modules` such as `common ++ [ … ]`, `(f system) ++ [ … ]` or `let … in [ … ]` gets
/// the module in that list; see `literal_list`). Parentheses around the `nixosSystem`
/// call are fine.
pub fn wire_flake(source: &str, wiring: &FlakeWiring) -> Edit {
    let by_hand = by_hand(wiring);
    for (name, _) in wiring.inputs {
        if !is_identifier(name) {
            return Edit::refused(
                format!("The input name `{name}` is not a Nix identifier."),
                by_hand,
            );
        }
    }
    let refuse = |why: String| Edit::refused(why, by_hand.clone());
    let root = match parse(source) {
        Ok(root) => root,
        Err(e) => {
            return refuse(format!(
                "The file does not parse ({e}), so it cannot be edited safely."
            ));
        }
    };
    let Some(ast::Expr::AttrSet(top)) = root.expr() else {
        return refuse("The flake is not an attribute set.".to_string());
    };

    // ------------------------------------------------------------ inputs
    let inputs = match Inputs::read(source, &top) {
        Ok(i) => i,
        Err(why) => return refuse(why),
    };

    let Located { args, call } = match locate_host(source, &top, wiring.host) {
        Ok(found) => found,
        Err(why) => return refuse(why),
    };
    let modules = bindings_named(&call, "modules");
    let list = match modules.as_slice() {
        [(apv, names)] if names.len() == 1 => match apv.value() {
            Some(ast::Expr::List(list)) => list,
            Some(expr) => {
                // Built by an expression: fine when it already holds every module and
                // every input is declared; else the element goes into the list literal
                // whose items all reach the result (`common ++ [ … ]`, `let … in [ … ]`).
                let all_there = wiring.modules.iter().all(|m| {
                    let forms = args.forms(m.trim());
                    mentions(source, &expr, &forms)
                });
                let inputs_there = wiring.inputs.iter().all(|(n, _)| inputs.names.contains(*n));
                if all_there && inputs_there {
                    return Edit::AlreadyDone;
                }
                let mut uses: Vec<&str> = wiring.inputs.iter().map(|(n, _)| *n).collect();
                uses.extend(args.bind.as_deref());
                match appendable_list(&expr, &uses) {
                    Some(list) => list,
                    None => {
                        return refuse(format!(
                            "The `modules` of `nixosConfigurations.{}` are built by an \
                             expression (`{}`) with no plain list to add to.",
                            wiring.host,
                            first_line(text_of(source, &expr))
                        ));
                    }
                }
            }
            None => return refuse("The `modules` binding has no value.".to_string()),
        },
        [] => {
            return refuse(format!(
                "The `nixosSystem` call of `nixosConfigurations.{}` has no `modules` list.",
                wiring.host
            ));
        }
        _ => {
            return refuse(format!(
                "`modules` is bound more than once in `nixosConfigurations.{}`.",
                wiring.host
            ));
        }
    };

    // ------------------------------------------------------------ what to add
    let mut insertions: Vec<Insertion> = Vec::new();
    let missing: Vec<(&str, &str)> = wiring
        .inputs
        .iter()
        .copied()
        .filter(|(name, _)| !inputs.names.contains(*name))
        .collect();
    if !missing.is_empty() {
        match inputs.insertion(source, &top, &missing) {
            Some(ins) => insertions.push(ins),
            None => return refuse("The `inputs` attribute set is incomplete.".to_string()),
        }
    }
    let wired_names: BTreeSet<&str> = wiring.inputs.iter().map(|(n, _)| *n).collect();
    let mut formals: Vec<String> = Vec::new();
    let mut need_formal = |name: &str| {
        if !args.formals.contains(name) && !formals.iter().any(|f| f == name) {
            formals.push(name.to_string());
        }
    };
    // Without `...`, every input must be an argument or the flake fails to evaluate.
    if args.pattern.is_some() && !args.ellipsis {
        for (name, _) in &missing {
            need_formal(name);
        }
    }
    let modules_value = modules[0].0.value();
    let mut new_modules: Vec<Element> = Vec::new();
    for module in wiring.modules {
        let module = module.trim();
        let forms = args.forms(module);
        if modules_value
            .as_ref()
            .is_some_and(|v| mentions(source, v, &forms))
        {
            continue;
        }
        let head = module.split('.').next().unwrap_or(module);
        let written = if !wired_names.contains(head) || args.formals.contains(head) {
            module.to_string()
        } else if let Some(whole) = args.whole() {
            format!("{whole}.{module}")
        } else {
            need_formal(head);
            module.to_string()
        };
        if !new_modules
            .iter()
            .any(|e| squash(&e.one_line) == squash(&written))
        {
            new_modules.push(Element::simple(written));
        }
    }
    if !new_modules.is_empty() {
        let Some(container) = Container::list(&list) else {
            return refuse("The `modules` list is incomplete.".to_string());
        };
        insertions.push(container.append(source, &new_modules, None));
    }
    if !formals.is_empty() {
        match args.add_formals(source, &formals) {
            Some(ins) => insertions.push(ins),
            None => {
                return refuse(
                    "The arguments of `outputs` have a shape the wizard cannot extend.".to_string(),
                );
            }
        }
    }
    splice(source, insertions, &by_hand)
}

/// Whether `nixosConfigurations.<host>`'s own `modules` name the module `module` (a path
/// such as `./configuration.nix`, compared as Nix resolves paths), following names bound
/// by an enclosing `let`. `None` when the host's `nixosSystem` call cannot be found. A
/// module reached some other way (through a function's result, or imported by another
/// module) is not seen, so `Some(false)` means "not named here", which is what decides
/// where the wizard adds its own module: never by a search of the whole file, which
/// would find another host's modules.
pub fn host_names_module(source: &str, host: &str, module: &str) -> Option<bool> {
    let root = parse(source).ok()?;
    let ast::Expr::AttrSet(top) = root.expr()? else {
        return None;
    };
    let Located { call, .. } = locate_host(source, &top, host).ok()?;
    let modules = bindings_named(&call, "modules");
    let [(apv, _)] = modules.as_slice() else {
        return Some(false);
    };
    Some(
        apv.value()
            .is_some_and(|v| mentions(source, &v, &[module.to_string()])),
    )
}

/// The host's `outputs` arguments and its `nixosSystem` argument set.
struct Located {
    args: Args,
    call: ast::AttrSet,
}

/// Finds `nixosConfigurations.<host>`'s `nixosSystem { … }` call in the flake's outputs;
/// `Err` says why it cannot be found.
fn locate_host(source: &str, top: &ast::AttrSet, host: &str) -> Result<Located, String> {
    // ------------------------------------------------------------ outputs
    let outputs = bindings_named(top, "outputs");
    let [(outputs, names)] = outputs.as_slice() else {
        return Err(if outputs.is_empty() {
            "The flake has no `outputs`.".to_string()
        } else {
            "`outputs` is bound more than once.".to_string()
        });
    };
    if names.len() != 1 {
        return Err("`outputs` is set through a longer attribute path.".to_string());
    }
    let Some(ast::Expr::Lambda(lambda)) = outputs.value() else {
        return Err("`outputs` is not written as a function (`inputs: { … }`).".to_string());
    };
    let args = match Args::read(&lambda) {
        Some(a) => a,
        None => return Err("The arguments of `outputs` cannot be read.".to_string()),
    };
    let mut sets = Vec::new();
    if let Err(call) = result_sets(lambda.body(), &mut sets) {
        let call = text_of(source, &call);
        let style = if call.contains("mkFlake") {
            "flake-parts' `mkFlake`"
        } else if call.contains("eachSystem") || call.contains("eachDefaultSystem") {
            "flake-utils"
        } else {
            "a function call"
        };
        return Err(format!(
            "`outputs` returns the result of {style} (`{}`), not an attribute set the wizard \
             can edit safely.",
            call.lines().next().unwrap_or("").trim()
        ));
    }

    // ------------------------------------------------------------ the host
    let mut hosts: Vec<(String, Option<ast::Expr>)> = Vec::new();
    let mut computed = false;
    for set in &sets {
        for (apv, names) in bindings_named(set, "nixosConfigurations") {
            match names.as_slice() {
                [_, Some(host)] => hosts.push((host.clone(), apv.value())),
                [_] => match apv.value() {
                    Some(ast::Expr::AttrSet(inner)) => {
                        for apv in inner.attrpath_values() {
                            if let [Some(host)] = path_names(&apv).as_slice() {
                                hosts.push((host.clone(), apv.value()));
                            }
                        }
                    }
                    _ => computed = true,
                },
                _ => {}
            }
        }
    }
    let Some((_, host_value)) = hosts.iter().find(|(h, _)| h == host) else {
        let mut why = format!(
            "The flake has no `nixosConfigurations.{}` the wizard can find",
            host
        );
        if hosts.is_empty() {
            why.push_str(" (no hosts found");
        } else {
            let names: Vec<&str> = hosts.iter().map(|(h, _)| h.as_str()).collect();
            why.push_str(&format!(" (hosts found: {}", names.join(", ")));
        }
        if computed {
            why.push_str("; `nixosConfigurations` is built by an expression");
        }
        why.push_str(").");
        return Err(why);
    };
    let Some(call) = nixos_system_arg(host_value.clone()) else {
        return Err(format!(
            "`nixosConfigurations.{}` is not a recognisable `<nixpkgs>.lib.nixosSystem {{ … }}` \
             call.",
            host
        ));
    };
    Ok(Located { args, call })
}

/// The instructions for doing it all by hand.
fn by_hand(w: &FlakeWiring) -> String {
    let mut out = String::new();
    if !w.inputs.is_empty() {
        out.push_str("In `inputs`, add:\n");
        for (name, url) in w.inputs {
            out.push_str(&format!("  {name}.url = {};\n", nix_string(url)));
            if *name != "nixpkgs" {
                out.push_str(&format!("  {name}.inputs.nixpkgs.follows = \"nixpkgs\";\n"));
            }
        }
        let names: Vec<&str> = w.inputs.iter().map(|(n, _)| *n).collect();
        out.push_str(&format!(
            "Take {} as argument(s) of `outputs`, e.g. `outputs = {{ self, nixpkgs, {}, ... }}@inputs:`.\n",
            names.join(", "),
            names.join(", ")
        ));
    }
    out.push_str(&format!(
        "In the `modules = [ … ];` list of `nixosConfigurations.{}`, add:\n",
        w.host
    ));
    for m in w.modules {
        out.push_str(&format!("  {m}\n"));
    }
    out.trim_end().to_string()
}

/// The attribute sets `outputs` returns: through `let … in`, `with`, parentheses and both
/// sides of `//`. `Err` with the call when the result comes from a function call.
fn result_sets(expr: Option<ast::Expr>, out: &mut Vec<ast::AttrSet>) -> Result<(), ast::Expr> {
    match expr {
        Some(ast::Expr::AttrSet(set)) => {
            out.push(set);
            Ok(())
        }
        Some(ast::Expr::LetIn(l)) => result_sets(l.body(), out),
        Some(ast::Expr::With(w)) => result_sets(w.body(), out),
        Some(ast::Expr::Paren(p)) => result_sets(p.expr(), out),
        Some(ast::Expr::BinOp(b)) if b.operator() == Some(ast::BinOpKind::Update) => {
            // A call on one side of `//` (flake-utils' per-system outputs) is fine as long
            // as a set on the other side holds the hosts.
            let left = result_sets(b.lhs(), out);
            let right = result_sets(b.rhs(), out);
            if out.is_empty() {
                left.and(right)
            } else {
                Ok(())
            }
        }
        Some(e @ ast::Expr::Apply(_)) => Err(e),
        _ => Ok(()),
    }
}

/// The argument set of `<x>.lib.nixosSystem { … }` (or `nixosSystem { … }`), parentheses
/// around the call or its argument allowed.
fn nixos_system_arg(expr: Option<ast::Expr>) -> Option<ast::AttrSet> {
    let mut expr = expr?;
    while let ast::Expr::Paren(p) = &expr {
        expr = p.expr()?;
    }
    let ast::Expr::Apply(apply) = expr else {
        return None;
    };
    let is_nixos_system = match apply.lambda()? {
        ast::Expr::Select(s) => s
            .attrpath()
            .and_then(|p| p.attrs().last())
            .and_then(|a| attr_name(&a))
            .is_some_and(|n| n == "nixosSystem"),
        ast::Expr::Ident(i) => i.ident_token().is_some_and(|t| t.text() == "nixosSystem"),
        _ => false,
    };
    if !is_nixos_system {
        return None;
    }
    let mut arg = apply.argument()?;
    while let ast::Expr::Paren(p) = &arg {
        arg = p.expr()?;
    }
    match arg {
        ast::Expr::AttrSet(set) => Some(set),
        _ => None,
    }
}

/// How the flake declares its inputs.
struct Inputs {
    /// Every input name declared.
    names: BTreeSet<String>,
    /// `inputs = { … };`, when written so.
    set: Option<ast::AttrSet>,
    /// Top-level `inputs.<name>… = …;` bindings.
    dotted: Vec<ast::AttrpathValue>,
    /// Whether the set writes its inputs as `name = { url = …; };`.
    nested: bool,
}

impl Inputs {
    fn read(src: &str, top: &ast::AttrSet) -> Result<Inputs, String> {
        let mut names = BTreeSet::new();
        let mut set = None;
        let mut dotted = Vec::new();
        let mut nested = false;
        for (apv, path) in bindings_named(top, "inputs") {
            match path.as_slice() {
                [_] => match apv.value() {
                    Some(ast::Expr::AttrSet(s)) => {
                        let mut nested_count = 0;
                        let mut dotted_count = 0;
                        for inner in s.attrpath_values() {
                            let inner_path = path_names(&inner);
                            let Some(Some(name)) = inner_path.first() else {
                                return Err("An input has a computed name.".to_string());
                            };
                            names.insert(name.clone());
                            if inner_path.len() == 1 {
                                if matches!(inner.value(), Some(ast::Expr::AttrSet(_))) {
                                    nested_count += 1;
                                }
                            } else {
                                dotted_count += 1;
                            }
                        }
                        for inherit in s.inherits() {
                            for a in inherit.attrs() {
                                names.extend(attr_name(&a));
                            }
                        }
                        nested = nested_count > 0 && dotted_count == 0;
                        if set.is_some() {
                            return Err("`inputs` is bound to a set more than once.".to_string());
                        }
                        set = Some(s);
                    }
                    _ => {
                        return Err(format!(
                            "`inputs` is not written as an attribute set (`{}`).",
                            text_of(src, &apv).lines().next().unwrap_or("").trim()
                        ));
                    }
                },
                [_, Some(name), ..] => {
                    names.insert(name.clone());
                    dotted.push(apv);
                }
                _ => return Err("An input has a computed name.".to_string()),
            }
        }
        Ok(Inputs {
            names,
            set,
            dotted,
            nested,
        })
    }

    /// The text declaring `missing`, placed in the style of the existing inputs.
    fn insertion(
        &self,
        src: &str,
        top: &ast::AttrSet,
        missing: &[(&str, &str)],
    ) -> Option<Insertion> {
        let follows = self.names.contains("nixpkgs");
        let unit = indent_unit(src);
        let mut elements = Vec::new();
        let prefix = if self.set.is_some() { "" } else { "inputs." };
        for (name, url) in missing {
            let url_line = format!("{prefix}{name}.url = {};", nix_string(url));
            let follows_line = (follows && *name != "nixpkgs")
                .then(|| format!("{prefix}{name}.inputs.nixpkgs.follows = \"nixpkgs\";"));
            if self.nested && self.set.is_some() {
                let mut inner = vec![format!("url = {};", nix_string(url))];
                if follows && *name != "nixpkgs" {
                    inner.push("inputs.nixpkgs.follows = \"nixpkgs\";".to_string());
                }
                let mut lines = vec![format!("{name} = {{")];
                lines.extend(inner.iter().map(|l| format!("{unit}{l}")));
                lines.push("};".to_string());
                elements.push(Element {
                    one_line: format!("{name} = {{ {} }};", inner.join(" ")),
                    lines,
                });
            } else {
                elements.push(Element::simple(url_line));
                elements.extend(follows_line.map(Element::simple));
            }
        }
        if let Some(set) = &self.set {
            return Some(Container::set(set)?.append(src, &elements, None));
        }
        let container = Container::set(top)?;
        match self.dotted.last() {
            Some(last) => Some(container.append(src, &elements, Some(syn(last)))),
            None => Some(container.prepend(src, &elements)),
        }
    }
}

/// The arguments of `outputs`.
struct Args {
    /// `{ self, nixpkgs, ... }`, when the function takes a set pattern.
    pattern: Option<ast::Pattern>,
    formals: BTreeSet<String>,
    ellipsis: bool,
    /// `@inputs` / `inputs@`, or the name of a plain `inputs:` argument.
    bind: Option<String>,
}

impl Args {
    fn read(lambda: &ast::Lambda) -> Option<Args> {
        match lambda.param()? {
            ast::Param::IdentParam(p) => Some(Args {
                pattern: None,
                formals: BTreeSet::new(),
                ellipsis: true,
                bind: Some(p.ident()?.ident_token()?.text().to_string()),
            }),
            ast::Param::Pattern(p) => Some(Args {
                formals: p
                    .pat_entries()
                    .filter_map(|e| Some(e.ident()?.ident_token()?.text().to_string()))
                    .collect(),
                ellipsis: p.ellipsis_token().is_some(),
                bind: p
                    .pat_bind()
                    .and_then(|b| Some(b.ident()?.ident_token()?.text().to_string())),
                pattern: Some(p),
            }),
        }
    }

    /// The name holding every input, usable when the arguments accept any input.
    fn whole(&self) -> Option<&str> {
        if self.ellipsis {
            self.bind.as_deref()
        } else {
            None
        }
    }

    /// The ways `module` may already be written in the list.
    fn forms(&self, module: &str) -> Vec<String> {
        let mut forms = vec![module.to_string()];
        if let Some(bind) = &self.bind {
            forms.push(format!("{bind}.{module}"));
            if let Some(rest) = module.strip_prefix(&format!("{bind}.")) {
                forms.push(rest.to_string());
            }
        }
        forms
    }

    /// Adds `names` to the pattern's formals, in its layout.
    fn add_formals(&self, src: &str, names: &[String]) -> Option<Insertion> {
        let pattern = self.pattern.as_ref()?;
        let node = syn(pattern);
        let open = node
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == SyntaxKind::TOKEN_L_BRACE)?;
        let close = node
            .children_with_tokens()
            .filter_map(|e| e.into_token())
            .find(|t| t.kind() == SyntaxKind::TOKEN_R_BRACE)?;
        let multi = src[end(&open)..start(&close)].contains('\n');
        let nl = newline(src);
        let entries: Vec<ast::PatEntry> = pattern.pat_entries().collect();
        let Some(last) = entries.last() else {
            // `{ ... }` or `{ }`: the names go first.
            let at = end(&open);
            let text: String = names.iter().map(|n| format!(" {n},")).collect();
            let text = if pattern.ellipsis_token().is_some() {
                text
            } else {
                format!("{} ", text.trim_end_matches(','))
            };
            return Some(Insertion { at, text });
        };
        let (first_at, end_at) = content_range(syn(last));
        let last_token = syn(last).last_token()?;
        let next = next_significant(&last_token)?;
        let prev = prev_significant(&syn(last).first_token()?);
        let indent = if first_on_line(src, first_at) {
            line_indent(src, first_at).to_string()
        } else {
            format!("{}{}", line_indent(src, start(&close)), indent_unit(src))
        };
        if !multi {
            let text: String = names.iter().map(|n| format!(", {n}")).collect();
            return Some(Insertion { at: end_at, text });
        }
        if next.kind() == SyntaxKind::TOKEN_COMMA {
            // `nixpkgs,` then a line break: one name per line, each with its comma.
            let (anchor, line_break) = line_end_anchor(src, end(&next));
            if !line_break {
                let text: String = names.iter().map(|n| format!(" {n},")).collect();
                return Some(Insertion {
                    at: end(&next),
                    text,
                });
            }
            let text: String = names.iter().map(|n| format!("{nl}{indent}{n},")).collect();
            return Some(Insertion { at: anchor, text });
        }
        let (anchor, _) = line_end_anchor(src, end_at);
        match prev {
            // Leading commas: `, nixpkgs` on its own line.
            Some(comma)
                if comma.kind() == SyntaxKind::TOKEN_COMMA && first_on_line(src, start(&comma)) =>
            {
                let indent = line_indent(src, start(&comma)).to_string();
                let text: String = names.iter().map(|n| format!("{nl}{indent}, {n}")).collect();
                Some(Insertion { at: anchor, text })
            }
            _ => {
                let text: String = names.iter().map(|n| format!(",{nl}{indent}{n}")).collect();
                Some(Insertion { at: end_at, text })
            }
        }
    }
}
