use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use atproto_wizard::catalog::Catalog;
use atproto_wizard::cli::hand_off::ask_on_terminal;
use atproto_wizard::cli::{
    Cli, Command, FleetCommand, adopt_cmd, apply_cmd, catalog_cmd, check_cmd, fix_cmd, fleet_cmd,
    import_pds_cmd, preview_cmd, render_cmd, status_cmd,
};
use atproto_wizard::exit_status::ExitStatus;
use atproto_wizard::report::Style;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let catalog = Catalog::embedded();
    match cli.command {
        Some(Command::Catalog { json }) => {
            print!("{}", catalog_cmd::run(catalog, json));
            ExitCode::SUCCESS
        }
        Some(Command::Fleet {
            command: FleetCommand::Check { file, json },
        }) => {
            let outcome = fleet_cmd::check(catalog, &file, json, Style::for_stdout());
            print!("{}", outcome.output);
            ExitCode::from(outcome.status)
        }
        Some(Command::Fleet {
            command:
                FleetCommand::Apply {
                    file,
                    dir,
                    yes,
                    dry_run,
                },
        }) => {
            let opts = fleet_cmd::ApplyOptions {
                file,
                dir,
                yes,
                dry_run,
            };
            let mut ask = ask_on_terminal;
            let status = fleet_cmd::apply(
                catalog,
                &opts,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
            );
            ExitCode::from(status)
        }
        Some(Command::Fleet {
            command:
                FleetCommand::Preview {
                    dir,
                    deep,
                    full,
                    probes,
                    no_rebuild,
                },
        }) => {
            let interrupt = cancel_on_signals();
            let opts = fleet_cmd::PreviewOptions {
                dir,
                deep,
                full,
                probes,
                no_rebuild,
            };
            let status = fleet_cmd::preview(
                catalog,
                &opts,
                Style::for_stdout(),
                &mut std::io::stdout(),
                &interrupt,
            );
            ExitCode::from(status)
        }
        Some(Command::Fleet {
            command:
                FleetCommand::AddHost {
                    file,
                    name,
                    target,
                    profile,
                    yes,
                    dry_run,
                },
        }) => {
            let opts = atproto_wizard::cli::fleet_edit::AddOptions {
                file,
                name,
                target,
                profile,
                yes,
                dry_run,
            };
            let mut ask = ask_on_terminal;
            ExitCode::from(atproto_wizard::cli::fleet_edit::add_host(
                catalog,
                &opts,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
            ))
        }
        Some(Command::Fleet {
            command: FleetCommand::Edit { file, line, ascii },
        }) => {
            let opts = atproto_wizard::cli::fleet_edit::EditOptions { file, line, ascii };
            ExitCode::from(atproto_wizard::cli::fleet_edit::run(&opts))
        }
        Some(Command::Check {
            answers,
            fix: true,
            yes,
            ..
        }) => {
            let mut ask = ask_on_terminal;
            let status = fix_cmd::run(
                catalog,
                &answers,
                yes,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
            );
            ExitCode::from(status)
        }
        Some(Command::Check { answers, json, .. }) => {
            let outcome = check_cmd::run(catalog, &answers, json, Style::for_stdout());
            print!("{}", outcome.output);
            ExitCode::from(outcome.status)
        }
        Some(Command::Render { answers, file }) => {
            let outcome = render_cmd::run(catalog, &answers, file, Style::for_stderr());
            eprint!("{}", outcome.stderr);
            print!("{}", outcome.stdout);
            ExitCode::from(outcome.status)
        }
        Some(Command::Adopt {
            dir,
            host,
            admin_email,
            yes,
            dry_run,
        }) => {
            let opts = adopt_cmd::Options {
                dir,
                host,
                admin_email,
                yes,
                dry_run,
            };
            let mut ask = ask_on_terminal;
            let status = adopt_cmd::run(
                catalog,
                &opts,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
            );
            ExitCode::from(status)
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
            ExitCode::from(status)
        }
        Some(Command::ImportPds {
            from,
            dir,
            root,
            secrets,
            copy_data,
            dry_run,
            yes,
            probe,
        }) => {
            let opts = import_pds_cmd::Options {
                from,
                dir,
                root,
                secrets: secrets.map(Into::into),
                copy_data,
                dry_run,
                yes,
                probe,
            };
            let mut ask = ask_on_terminal;
            let status = import_pds_cmd::run(
                catalog,
                &opts,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
            );
            ExitCode::from(status)
        }
        Some(Command::Preview {
            dir,
            host,
            build,
            deep,
            full,
            probes,
            no_rebuild,
            nix_args,
            against,
        }) => preview(preview_cmd::Options {
            dir,
            host,
            build,
            deep,
            full,
            probes,
            no_rebuild,
            nix_args,
            against: Some(against),
        }),
        Some(Command::Status {
            dir,
            host,
            json,
            watch,
            text,
            ascii,
        }) => {
            let opts = status_cmd::Options {
                dir,
                host,
                json,
                watch,
                terminal: std::io::IsTerminal::is_terminal(&std::io::stdout()),
            };
            if !json && !text && atproto_wizard::tui::full_screen_possible() {
                status_screen(opts, ascii)
            } else {
                status(opts)
            }
        }
        Some(Command::Upgrade {
            dir,
            dry_run,
            yes,
            no_build,
        }) => {
            let interrupt = cancel_on_signals();
            let opts = atproto_wizard::cli::upgrade_cmd::Options {
                dir,
                yes,
                dry_run,
                no_build,
            };
            let mut ask = ask_on_terminal;
            ExitCode::from(atproto_wizard::cli::upgrade_cmd::run(
                catalog,
                &opts,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
                &interrupt,
            ))
        }
        None => wizard(PathBuf::from("./atproto-host"), None, false, false, false),
        Some(Command::New {
            dir,
            profile,
            plain,
            ascii,
        }) => wizard(dir, profile, false, plain, ascii),
        Some(Command::Edit { dir, plain, ascii }) => wizard(dir, None, true, plain, ascii),
    }
}

/// The interactive wizard: full screen, or line prompts with --plain or where a full
/// screen cannot be used; without a terminal, a pointer to `apply --answers`.
fn wizard(dir: PathBuf, profile: Option<String>, edit: bool, plain: bool, ascii: bool) -> ExitCode {
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        eprintln!("{}", atproto_wizard::lineui::NO_TERMINAL);
        return ExitStatus::CannotRunHere.into();
    }
    let full = !plain && atproto_wizard::tui::full_screen_possible();
    // The answers typed are kept here until written, in case the session ends.
    let drafts = atproto_wizard::draft_store::DraftStore::from_env();
    let result = if full {
        atproto_wizard::tui::run(&atproto_wizard::tui::Options {
            dir,
            edit,
            profile,
            ascii,
            drafts,
        })
    } else {
        if !plain {
            eprintln!(
                "This terminal cannot show the full-screen wizard (TERM=dumb, or output is not a terminal): asking line by line instead."
            );
        }
        atproto_wizard::lineui::run(&atproto_wizard::lineui::LineOptions {
            dir,
            profile,
            edit,
            ascii,
            drafts,
        })
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitStatus::Unusable.into()
        }
    }
}

/// `preview`: Ctrl-C (and SIGTERM) cancel the running tool instead of leaving it
/// behind in its own process group.
fn preview(opts: preview_cmd::Options) -> ExitCode {
    let interrupt = cancel_on_signals();
    let status = preview_cmd::run(
        Catalog::embedded(),
        &opts,
        Style::for_stdout(),
        &mut std::io::stdout(),
        &interrupt,
    );
    ExitCode::from(status)
}

/// `status`: Ctrl-C ends a `--watch` (and stops a probe still running).
fn status(opts: status_cmd::Options) -> ExitCode {
    let interrupt = cancel_on_signals();
    let status = status_cmd::run(
        Catalog::embedded(),
        &opts,
        Style::for_stdout(),
        &mut std::io::stdout(),
        &interrupt,
    );
    ExitCode::from(status)
}

/// `status` on a terminal: the report full screen, checked again every few seconds.
fn status_screen(opts: status_cmd::Options, ascii: bool) -> ExitCode {
    let cancel = atproto_wizard::preview::CancelToken::new();
    let style = Style::for_stderr();
    let session = match status_cmd::Session::open(Catalog::embedded(), &opts, style, &cancel) {
        Ok(s) => s,
        Err((message, status)) => {
            eprint!("{message}");
            return ExitCode::from(status);
        }
    };
    let every = std::time::Duration::from_secs(opts.watch.unwrap_or(5).max(1));
    match atproto_wizard::tui::status::run(session, every, ascii) {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(ExitStatus::Unusable)
        }
    }
}

/// A token Ctrl-C and SIGTERM cancel, for the commands that run other programs
/// (`preview`, `fleet preview`, `status`): the running tool is stopped, not left behind.
fn cancel_on_signals() -> atproto_wizard::preview::CancelToken {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
    }
    atproto_wizard::preview::CancelToken::from_flag(flag)
}
