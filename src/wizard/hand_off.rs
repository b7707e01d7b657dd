//! The Start step's other ways in: a host already in the directory, or a Docker PDS on
//! this machine, is better taken over than written anew. Choosing one leaves the wizard
//! for the command that does it (`adopt`, `import-pds`), with that command's own report
//! and question; what they are and when they are offered is decided here.
use crate::apply::DirState;

/// Where `installer.sh` keeps a Docker PDS's settings.
pub const DOCKER_PDS_ENV: &str = "/pds/pds.env";

/// A command the Start step can hand over to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandOff {
    /// `atproto-wizard adopt DIR`: a hand-written host is in the directory.
    Adopt,
    /// `atproto-wizard import-pds --dir DIR`: a Docker PDS is on this machine.
    ImportPds,
}

impl HandOff {
    /// The Start step's line for it.
    pub fn title(self) -> &'static str {
        match self {
            HandOff::Adopt => "Take over the NixOS host already here (adopt: it runs the same)",
            HandOff::ImportPds => {
                "Move the Docker PDS in /pds here (import-pds: accounts, keys, data)"
            }
        }
    }

    /// What it does, for the help pane and the line mode's help.
    pub fn description(self) -> &'static str {
        match self {
            HandOff::Adopt => {
                "The directory holds a NixOS host written by hand. adopt moves what the wizard knows (the PDS and its settings, the nginx front, the ACME account) into atproto.toml and atproto.nix, leaves everything else where it is, and shows the diff of every file before asking once. The host runs the same afterwards."
            }
            HandOff::ImportPds => {
                "Bluesky's installer.sh put a PDS in /pds on this machine. import-pds makes this host's answers from its pds.env, puts its secrets where the host reads them (never shown), plans the copy of its data, and shows everything before asking once. Run as root."
            }
        }
    }
}

/// The ways in a new host in a directory like `state` is offered; `docker_pds` says
/// whether [`DOCKER_PDS_ENV`] is on this machine.
pub fn offers(state: &DirState, docker_pds: bool) -> Vec<HandOff> {
    let mut out = Vec::new();
    if state.atproto_toml.is_some() {
        return out;
    }
    if crate::report::adopt::unmanaged_host(state) {
        out.push(HandOff::Adopt);
    }
    if docker_pds {
        out.push(HandOff::ImportPds);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_where_there_is_something_to_take_over() {
        assert!(offers(&DirState::default(), false).is_empty());
        let hand = DirState {
            configuration_nix: Some("{ }".into()),
            ..DirState::default()
        };
        assert_eq!(offers(&hand, false), [HandOff::Adopt]);
        assert_eq!(offers(&hand, true), [HandOff::Adopt, HandOff::ImportPds]);
        assert_eq!(offers(&DirState::default(), true), [HandOff::ImportPds]);
        let managed = DirState {
            atproto_toml: Some("schema = 1\n".into()),
            ..hand
        };
        assert!(offers(&managed, true).is_empty());
    }
}
