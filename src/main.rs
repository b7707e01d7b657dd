use std::process::ExitCode;

use clap::Parser;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::cli::{
    Cli, Command, apply_cmd, catalog_cmd, check_cmd, render_cmd, style::Style,
};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let catalog = Catalog::embedded();
    match cli.command {
        Some(Command::Catalog { json }) => {
            print!("{}", catalog_cmd::run(catalog, json));
            ExitCode::SUCCESS
        }
        Some(Command::Check { answers, json }) => {
            let outcome = check_cmd::run(catalog, &answers, json, Style::for_stdout());
            print!("{}", outcome.output);
            ExitCode::from(outcome.status as u8)
        }
        Some(Command::Render { answers, file }) => {
            let outcome = render_cmd::run(catalog, &answers, file, Style::for_stderr());
            eprint!("{}", outcome.stderr);
            print!("{}", outcome.stdout);
            ExitCode::from(outcome.status as u8)
        }
        Some(Command::Apply {
            answers,
            dir,
            yes,
            dry_run,
            force,
        }) => {
            let opts = apply_cmd::Options {
                answers,
                dir,
                yes,
                dry_run,
                force,
            };
            let mut ask = ask_on_terminal;
            let status = apply_cmd::run(
                catalog,
                &opts,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
            );
            ExitCode::from(status as u8)
        }
        None => {
            eprintln!(
                "The interactive wizard is not written yet. Today atproto-wizard can:\n  \
                 atproto-wizard catalog                 list the services it knows\n  \
                 atproto-wizard check --answers FILE    validate a host plan (see profiles/)\n  \
                 atproto-wizard render --answers FILE   print the atproto.nix it generates\n  \
                 atproto-wizard apply --answers FILE --dir DIR   write the host's files\n\
                 Run atproto-wizard --help for details."
            );
            ExitCode::from(2)
        }
    }
}

/// Asks a yes/no question on the terminal; `None` when stdin is not one.
fn ask_on_terminal(question: &str) -> Option<bool> {
    use std::io::{IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return None;
    }
    print!("{question}");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(0) | Err(_) => {
            println!();
            Some(false)
        }
        Ok(_) => Some(matches!(line.trim().to_lowercase().as_str(), "y" | "yes")),
    }
}
