//! `import-pds`: a PDS installed by Bluesky's installer.sh (Docker, its data in `/pds`)
//! moved onto a host the wizard writes, losing no account, key or setting.
//!
//! - [`env_file`] reads `pds.env`, [`caddyfile`] the little the Caddyfile says;
//! - [`carry`] matches every variable against the catalog (pure), and [`plan`] turns
//!   the result into the host's answers, the secrets set apart;
//! - [`secrets`] says where the chosen backend reads each secret (pure), and
//!   [`secret_files`] writes them there, as the host's generator would;
//! - [`data`] says what data to copy and how, and [`data_copy`] copies it, verified.
//!
//! The host's own files go through the one write path, `crate::write_host`, as for
//! `apply`; `crate::cli::import_pds_cmd` puts it all together.
pub mod caddyfile;
pub mod carry;
pub mod data;
pub mod data_copy;
pub mod env_file;
pub mod plan;
pub mod secret_files;
pub mod secrets;
