//! Running the command the Start step handed over to, as the command line runs it: its
//! report on `out`, its one question through `confirm`.
use std::io::Write;
use std::path::Path;

use super::apply_cmd::Confirm;
use super::{adopt_cmd, import_pds_cmd};
use crate::catalog::Catalog;
use crate::exit_status::ExitStatus;
use crate::report::Style;
use crate::wizard::hand_off::{DOCKER_PDS_ENV, HandOff};

/// Runs `adopt DIR` or `import-pds --dir DIR`, asking before writing.
pub fn run(
    offer: HandOff,
    catalog: &Catalog,
    dir: &Path,
    style: Style,
    confirm: Confirm,
    out: &mut dyn Write,
) -> ExitStatus {
    match offer {
        HandOff::Adopt => adopt_cmd::run(
            catalog,
            &adopt_cmd::Options {
                dir: dir.to_path_buf(),
                host: None,
                admin_email: None,
                yes: false,
                dry_run: false,
            },
            style,
            confirm,
            out,
        ),
        HandOff::ImportPds => import_pds_cmd::run(
            catalog,
            &import_pds_cmd::Options {
                from: Path::new(DOCKER_PDS_ENV)
                    .parent()
                    .expect("a path in a directory")
                    .to_path_buf(),
                dir: dir.to_path_buf(),
                root: None,
                secrets: None,
                copy_data: false,
                dry_run: false,
                yes: false,
                probe: None,
            },
            style,
            confirm,
            out,
        ),
    }
}

/// Asks a yes/no question on the terminal: `None` without one.
pub fn ask_on_terminal(question: &str) -> Option<bool> {
    use std::io::IsTerminal;
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
