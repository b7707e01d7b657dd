//! What must be on the machine before the first `nixos-rebuild switch`: when
//! `host.flake_url` is a `path:` that holds no copy of this project's flake, the switch
//! stops with "getting status of '<path>'". Decided here from the flake reference and
//! what the edge found on this machine ([`Machine`], filled in by
//! `crate::disk::own_flake`); shown in the Review step and in the next steps of the
//! wizard and of `apply`.
//!
//! The default `host.flake_url` stays `path:/etc/nixos/atproto-nix` even when this
//! wizard knows where its own flake is: that checkout may be on another machine, in a
//! user's home, in a Nix store that is collected, or in a build directory full of
//! `target/`, while /etc/nixos/atproto-nix is a stable, root-owned place beside the host.
//! Writing a machine-specific default would also make the same answers write different
//! hosts on different machines. So the operator is told what to copy where instead.
use std::path::{Path, PathBuf};

use crate::render::classic::{Fetch, Source};
use crate::shell::shell_word;

/// How this wizard's own flake is kept, which decides how to copy it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// A git checkout: copy what is committed, never `target/` or `.git`.
    Git,
    /// A Nix store path (the flake's source when Nix built the wizard): read-only files.
    Store,
    /// Any other directory (an unpacked release, say).
    Plain,
}

/// This project's flake as found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnFlake {
    pub dir: PathBuf,
    pub kept: Kept,
}

/// What the edge knows about this machine: where this wizard's own flake is (when it
/// still exists), and a way to ask whether a directory holds a copy of the flake.
#[derive(Debug, Clone)]
pub struct Machine {
    pub own: Option<OwnFlake>,
    /// Whether a directory holds this project's flake (`flake.nix` and `nixlib/`).
    pub holds_flake: fn(&Path) -> bool,
}

/// The step to take before the first switch, as a next step is written (an instruction,
/// then each command on a line of its own after a newline), or `None` when there is
/// nothing to do: the reference is fetched by Nix (github:, git+https:, …) or the path
/// already holds the flake.
pub fn first_switch(flake_url: &str, host_dir: &Path, machine: &Machine) -> Option<String> {
    let fetch = Fetch::parse(flake_url);
    let Source::Local { path } = fetch.source else {
        return None;
    };
    // `path:./x` is relative to the host's directory, as in its flake.nix or atproto.nix.
    let mut to = if Path::new(&path).is_absolute() {
        PathBuf::from(&path)
    } else {
        host_dir.join(path.trim_start_matches("./"))
    };
    if let Some(dir) = &fetch.dir {
        to.push(dir);
    }
    if (machine.holds_flake)(&to) {
        return None;
    }
    let shown = to.display().to_string();
    let head = format!(
        "Before the first switch: host.flake_url is {flake_url}, but {shown} does not hold \
         this project's flake on this machine, so nixos-rebuild would stop there."
    );
    let dest = shell_word(&shown);
    let Some(own) = machine.own.as_ref().filter(|own| own.dir != to) else {
        return Some(format!(
            "{head} Put a copy of the atproto-nix flake (the repository this wizard comes \
             from) there, on the machine that switches, or set host.flake_url to where one \
             is (like github:your-org/atproto-nix) and write the host again."
        ));
    };
    let from = shell_word(&own.dir.display().to_string());
    let (how, commands) = match own.kept {
        Kept::Git => (
            "the checkout this wizard was built from (its committed files)",
            vec![
                format!("sudo mkdir -p {dest}"),
                format!("git -C {from} archive HEAD | sudo tar -x -C {dest}"),
            ],
        ),
        Kept::Store => (
            "the flake this wizard was built from, out of the Nix store,",
            vec![format!("sudo cp -rT --no-preserve=mode {from} {dest}")],
        ),
        Kept::Plain => (
            "the flake this wizard was built from (without its target/ build directory)",
            vec![
                format!("sudo mkdir -p {dest}"),
                format!("tar -C {from} --exclude=./target -c . | sudo tar -x -C {dest}"),
            ],
        ),
    };
    let mut out = format!(
        "{head} Copy {how} to it; if another machine switches, copy it to the same place \
         there:"
    );
    for c in commands {
        out.push_str("\n  ");
        out.push_str(&c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(own: Option<(&str, Kept)>, holds: fn(&Path) -> bool) -> Machine {
        Machine {
            own: own.map(|(dir, kept)| OwnFlake {
                dir: PathBuf::from(dir),
                kept,
            }),
            holds_flake: holds,
        }
    }

    const HOST: &str = "/etc/nixos";

    fn step(url: &str, m: &Machine) -> Option<String> {
        first_switch(url, Path::new(HOST), m)
    }

    #[test]
    fn a_missing_path_gets_the_copy_of_the_checkout_the_wizard_came_from() {
        let m = machine(Some(("/home/ann/atproto-nix", Kept::Git)), |_| false);
        let text = step("path:/etc/nixos/atproto-nix", &m).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Before the first switch: host.flake_url is path:/etc/nixos/atproto-nix, but \
             /etc/nixos/atproto-nix does not hold this project's flake on this machine, so \
             nixos-rebuild would stop there. Copy the checkout this wizard was built from (its \
             committed files) to it; if another machine switches, copy it to the same place \
             there:"
        );
        assert_eq!(
            &lines[1..],
            [
                "  sudo mkdir -p /etc/nixos/atproto-nix",
                "  git -C /home/ann/atproto-nix archive HEAD | sudo tar -x -C /etc/nixos/atproto-nix"
            ]
        );
    }

    #[test]
    fn a_store_copy_is_copied_writable_and_a_plain_one_without_target() {
        let store = machine(Some(("/nix/store/abc-source", Kept::Store)), |_| false);
        let text = step("path:/srv/atproto nix", &store).unwrap();
        assert!(
            text.ends_with(
                "\n  sudo cp -rT --no-preserve=mode /nix/store/abc-source '/srv/atproto nix'"
            ),
            "{text}"
        );
        let plain = machine(Some(("/opt/atproto-nix-0.1", Kept::Plain)), |_| false);
        let text = step("path:/etc/nixos/atproto-nix", &plain).unwrap();
        assert!(
            text.ends_with(
                "\n  tar -C /opt/atproto-nix-0.1 --exclude=./target -c . | sudo tar -x -C /etc/nixos/atproto-nix"
            ),
            "{text}"
        );
    }

    #[test]
    fn nothing_to_do_when_the_path_holds_the_flake_or_nix_fetches_it() {
        let m = machine(Some(("/home/ann/atproto-nix", Kept::Git)), |p| {
            p == Path::new("/etc/nixos/atproto-nix")
        });
        assert_eq!(step("path:/etc/nixos/atproto-nix", &m), None);
        for url in [
            "github:me/atproto-nix",
            "git+https://example.com/atproto-nix",
            "https://example.com/atproto-nix.tar.gz",
        ] {
            assert_eq!(step(url, &m), None, "{url}");
        }
    }

    #[test]
    fn relative_paths_and_dir_are_read_as_nix_reads_them() {
        // Only /etc/nixos/vendor/atproto holds it: path:./vendor?dir=atproto is that.
        let m = machine(None, |p| p == Path::new("/etc/nixos/vendor/atproto"));
        assert_eq!(step("path:./vendor?dir=atproto", &m), None);
        let text = step("path:./vendor", &m).unwrap();
        assert!(
            text.contains("but /etc/nixos/vendor does not hold"),
            "{text}"
        );
    }

    #[test]
    fn without_a_known_copy_it_says_what_to_put_there_or_what_to_change() {
        let m = machine(None, |_| false);
        let text = step("path:/etc/nixos/atproto-nix", &m).unwrap();
        assert!(!text.contains('\n'), "no command to give: {text}");
        assert!(
            text.ends_with(
                "Put a copy of the atproto-nix flake (the repository this wizard comes from) \
                 there, on the machine that switches, or set host.flake_url to where one is \
                 (like github:your-org/atproto-nix) and write the host again."
            ),
            "{text}"
        );
        // The wizard's own copy is that very path, yet it is not a flake any more.
        let gone = machine(Some(("/etc/nixos/atproto-nix", Kept::Git)), |_| false);
        assert_eq!(step("path:/etc/nixos/atproto-nix", &gone), Some(text));
    }
}
