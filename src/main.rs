use std::process::ExitCode;

use clap::Parser;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::cli::{Cli, Command, catalog_cmd, check_cmd, render_cmd, style::Style};

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
        None => {
            eprintln!(
                "The interactive wizard is not written yet. Today atproto-wizard can:\n  \
                 atproto-wizard catalog                 list the services it knows\n  \
                 atproto-wizard check --answers FILE    validate a host plan (see profiles/)\n  \
                 atproto-wizard render --answers FILE   print the atproto.nix it generates\n\
                 Run atproto-wizard --help for details."
            );
            ExitCode::from(2)
        }
    }
}
