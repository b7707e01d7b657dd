//! `fleet edit` in the line mode: the fleet's hosts, each with its services and state,
//! as a list to choose from; a host goes through the usual journey (checked with its
//! fleet, references chosen from the fleet's services, saving its answers only), then
//! the list again; "Apply the fleet" runs `fleet apply` with its one question.
use std::io::IsTerminal;
use std::path::Path;

use super::flow::{self, Look, Start};
use super::prompter::{Prompter, Reply, SelectAsk, TextAsk};
use crate::catalog::Catalog;
use crate::cli::fleet_edit;
use crate::exit_status::ExitStatus;
use crate::report::Style;
use crate::safe_text::escape;
use crate::wizard::fleet_view::FleetView;

/// Runs the fleet view in the line mode on the terminal.
pub fn run(file: &Path, ascii: bool) -> ExitStatus {
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "atproto-wizard fleet edit needs a terminal for questions; check the fleet with `atproto-wizard fleet check FILE` and write it with `atproto-wizard fleet apply FILE --dir DIR`"
        );
        return ExitStatus::CannotRunHere;
    }
    let look = Look {
        ascii,
        colour: Style::for_stderr().is_coloured(),
    };
    let mut terminal = super::terminal::Terminal::new(look.ascii, look.colour);
    let width = super::terminal::Terminal::width();
    run_with(&mut terminal, Catalog::embedded(), file, look, width)
}

/// Runs the fleet view with any prompter (a script in tests).
pub fn run_with(
    p: &mut dyn Prompter,
    catalog: &'static Catalog,
    file: &Path,
    look: Look,
    width: usize,
) -> ExitStatus {
    let style = look.style();
    let mut last: Option<String> = None;
    loop {
        // Read again each time round: a host just saved changes its peers' state.
        let loaded = match fleet_edit::read(file, style) {
            Ok(l) => l,
            Err((report, status)) => {
                p.say(&report);
                return status;
            }
        };
        let view = fleet_edit::view(catalog, &loaded);
        p.say(&format!(
            "\n{}\n",
            style.bold(&format!(
                "Fleet {} ({}, {} host{})",
                escape(&view.name),
                view.engine,
                view.rows.len(),
                flow::plural(view.rows.len())
            ))
        ));
        for problem in &view.problems {
            p.say(&format!(
                "  {}: {}\n",
                style.error("error"),
                escape(problem)
            ));
        }
        if let Some(said) = last.take() {
            p.say(&format!("{said}\n"));
        }
        let mut options: Vec<String> = view
            .rows
            .iter()
            .map(|r| escape(&FleetView::row_text(r)).into_owned())
            .collect();
        options.push("Apply the fleet: write every host's files (fleet apply)".into());
        options.push("Add a host (from a profile)".into());
        options.push("Quit".into());
        let chosen = match p.select(&SelectAsk {
            message: "Which host? (or apply the fleet)".into(),
            options,
            start: 0,
            hint: "up/down, Enter opens a host in the usual steps".into(),
        }) {
            Ok(Reply::Answer(i)) => i,
            Ok(Reply::Cancel) => return ExitStatus::Success,
            Err(e) => {
                p.say(&format!("{}: {e}\n", style.error("error")));
                return ExitStatus::CannotRunHere;
            }
        };
        let n = view.rows.len();
        if chosen == n + 2 {
            return ExitStatus::Success;
        }
        if chosen == n {
            return apply(p, catalog, file, look);
        }
        if chosen == n + 1 {
            last = add_host(p, catalog, file, look);
            continue;
        }
        let host = match fleet_edit::open_host(&loaded, chosen) {
            Ok(h) => h,
            Err(why) => {
                p.say(&format!("{}: {}\n", style.error("error"), escape(&why)));
                return ExitStatus::Unusable;
            }
        };
        let name = view.rows[chosen].name.clone();
        let status = flow::run(
            p,
            catalog,
            &host.dir,
            Start::InFleet {
                text: host.text,
                seat: host.seat,
            },
            look,
            width,
            None,
        );
        last = Some(match status {
            ExitStatus::Success => format!("{name}: done; back at the fleet."),
            _ => format!("{name}: nothing saved; back at the fleet."),
        });
    }
}

/// Asks the new host's name, target and profile, then adds it as `fleet add-host`
/// does (its diff and one question); what came of it, for the view.
fn add_host(
    p: &mut dyn Prompter,
    catalog: &'static Catalog,
    file: &Path,
    look: Look,
) -> Option<String> {
    let text = |p: &mut dyn Prompter, message: &str, hint: &str| match p.text(&TextAsk {
        message: message.into(),
        default: None,
        hint: hint.into(),
    }) {
        Ok(Reply::Answer(a)) if !a.trim().is_empty() => Some(a.trim().to_string()),
        _ => None,
    };
    let name = text(
        p,
        "The new host's name",
        "its nixosConfigurations entry, like relay2",
    )?;
    let target = text(
        p,
        "How to reach it over SSH",
        "user@address, like root@203.0.113.13",
    )?;
    let profiles = crate::wizard::profiles::all();
    let options = profiles
        .iter()
        .map(|pr| format!("{}: {}", pr.name, pr.title))
        .collect();
    let Ok(Reply::Answer(i)) = p.select(&SelectAsk {
        message: "What it runs, to start from".into(),
        options,
        start: 0,
        hint: "up/down, Enter chooses; every answer can be changed after".into(),
    }) else {
        return Some("No host added.".into());
    };
    let opts = fleet_edit::AddOptions {
        file: file.to_path_buf(),
        name: name.clone(),
        target,
        profile: profiles[i].name.to_string(),
        yes: false,
        dry_run: false,
    };
    let status = said_here(
        p,
        "y adds the host; n or Enter writes nothing",
        |confirm, out| fleet_edit::add_host(catalog, &opts, look.style(), confirm, out),
    );
    Some(if status == ExitStatus::Success {
        format!("{name}: added; open it to fill it in.")
    } else {
        "No host added.".into()
    })
}

/// `fleet apply` into the fleet's directory, its report said here and its one
/// question asked here.
fn apply(p: &mut dyn Prompter, catalog: &Catalog, file: &Path, look: Look) -> ExitStatus {
    said_here(
        p,
        "y writes every host's files; n or Enter writes nothing",
        |confirm, out| fleet_edit::apply(catalog, file, look.style(), confirm, out),
    )
}

/// Runs a command that reports to a writer and asks one yes/no question: what it
/// printed is said through the prompter before the question and at the end, and the
/// question is the prompter's (`hint` under it).
fn said_here(
    p: &mut dyn Prompter,
    hint: &str,
    run: impl FnOnce(crate::cli::apply_cmd::Confirm, &mut dyn std::io::Write) -> ExitStatus,
) -> ExitStatus {
    let said = std::cell::RefCell::new(Vec::<u8>::new());
    let mut out = flow::SaidBuffer(&said);
    let mut confirm = |question: &str| {
        let text = String::from_utf8_lossy(&said.borrow_mut().split_off(0)).into_owned();
        p.say(&text);
        let ask = super::prompter::ConfirmAsk {
            message: question.trim_end_matches(" [y/N] ").to_string(),
            default: false,
            hint: hint.to_string(),
        };
        Some(matches!(p.confirm(&ask), Ok(Reply::Answer(true))))
    };
    let status = run(&mut confirm, &mut out);
    let rest = String::from_utf8_lossy(&said.borrow()).into_owned();
    p.say(&rest);
    status
}
