//! `fleet.toml`: the hosts of a fleet, each with its answers file and how the deployment
//! engine reaches it. Versioned like the answers file (`schema`).
//!
//! ```toml
//! schema = 1
//! name = "example"
//! engine = "colmena"            # or "deploy-rs"
//!
//! [[hosts]]
//! name = "pds1"                 # its nixosConfigurations entry, and host.hostname
//! answers = "hosts/pds1/atproto.toml"
//! target = "root@203.0.113.10"  # user@address for SSH
//! port = 22                     # optional
//! build = "local"               # "local" (default) or "target"
//! ```
use serde::Deserialize;

/// The one `schema` this version reads.
pub const FLEET_SCHEMA: i64 = 1;

/// The deployment engine the fleet's flake is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    Colmena,
    DeployRs,
}

/// Where a host's system is built before it is copied to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Build {
    #[default]
    Local,
    Target,
}

/// One host of the fleet.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetHost {
    pub name: String,
    /// Its answers file, relative to the fleet file.
    pub answers: String,
    /// `user@address` (or `address`) the engine connects to over SSH.
    pub target: String,
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub build: Build,
}

/// A whole `fleet.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetFile {
    pub schema: i64,
    pub name: String,
    pub engine: Engine,
    #[serde(default)]
    pub hosts: Vec<FleetHost>,
}

impl FleetFile {
    /// Reads `text` (a fleet file named `name` in messages).
    pub fn parse(name: &str, text: &str) -> Result<FleetFile, String> {
        let fleet: FleetFile =
            toml::from_str(text).map_err(|e| format!("{name}: {}", e.message().trim_end()))?;
        if fleet.schema != FLEET_SCHEMA {
            return Err(format!(
                "{name}: schema {} is not one this version reads (it reads {FLEET_SCHEMA})",
                fleet.schema
            ));
        }
        Ok(fleet)
    }

    pub fn host(&self, name: &str) -> Option<&FleetHost> {
        self.hosts.iter().find(|h| h.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fleet_file_reads_with_its_defaults_and_refuses_what_it_does_not_know() {
        let f = FleetFile::parse(
            "fleet.toml",
            "schema = 1\nname = \"f\"\nengine = \"deploy-rs\"\n[[hosts]]\nname = \"pds1\"\nanswers = \"hosts/pds1/atproto.toml\"\ntarget = \"root@203.0.113.10\"\n",
        )
        .unwrap();
        assert_eq!(f.engine, Engine::DeployRs);
        assert_eq!(f.hosts[0].build, Build::Local);
        assert_eq!(f.hosts[0].port, None);
        let e = FleetFile::parse(
            "fleet.toml",
            "schema = 2\nname = \"f\"\nengine = \"colmena\"\n",
        )
        .unwrap_err();
        assert!(e.contains("schema 2 is not one this version reads"), "{e}");
        let e = FleetFile::parse(
            "fleet.toml",
            "schema = 1\nname = \"f\"\nengine = \"nixops\"\n",
        )
        .unwrap_err();
        assert!(e.contains("nixops"), "{e}");
        let e = FleetFile::parse(
            "fleet.toml",
            "schema = 1\nname = \"f\"\nengine = \"colmena\"\n[[hosts]]\nname = \"a\"\nanswers = \"a.toml\"\ntarget = \"a\"\nuser = \"root\"\n",
        )
        .unwrap_err();
        assert!(e.contains("user"), "{e}");
    }
}
