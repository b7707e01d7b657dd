//! Preflight probes: advisory checks of the machine before writing or
//! switching. None of them blocks anything; each result says what to do when it is
//! not fine, and a probe that cannot find out says "could not check" (offline, no
//! permission, tool missing) instead of guessing. All are quick: name lookups and
//! commands have short time limits, the rest reads /proc and the file system.
//!
//! - the host's names (and, for a PDS, a random name under its domain: the wildcard
//!   record handles need) resolve, and to this machine when that can be told from its
//!   own interface addresses (no online service is asked for the public address);
//! - ports 80 and 443 are free or held by the proxy the host uses (the process holding
//!   them is named, from /proc/net/tcp{,6} and /proc/<pid>/fd);
//! - free disk under /var/lib and memory against the chosen services' catalog needs;
//! - NixOS, root, and flakes enabled in Nix's configuration.
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::net::{IpAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::job::{Job, Reporter};
use super::process::{self, CancelToken, CommandSpec, RunError};
use crate::catalog::{Catalog, Kind};
use crate::plan::PlanView;
use crate::value::Value;

/// How a probe came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeStatus {
    Ok,
    /// Something to look at; the result says what to do.
    Warning,
    /// Something that will go wrong as it is; the result says what to do.
    Failed,
    /// Could not find out (offline, no permission, tool missing).
    Unknown,
}

impl ProbeStatus {
    /// The word shown before a result (never colour alone).
    pub fn word(self) -> &'static str {
        match self {
            ProbeStatus::Ok => "ok",
            ProbeStatus::Warning => "warning",
            ProbeStatus::Failed => "problem",
            ProbeStatus::Unknown => "could not check",
        }
    }
}

/// One probe's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeResult {
    /// A short id: `dns:<name>`, `wildcard`, `port:80`, `disk`, `memory`, `nixos`,
    /// `root`, `flakes`.
    pub id: String,
    /// What was checked, in words.
    pub title: String,
    pub status: ProbeStatus,
    /// What was found.
    pub detail: String,
    /// What to do about it, when it is not fine.
    pub fix: Option<String>,
}

impl ProbeResult {
    fn new(id: &str, title: &str, status: ProbeStatus, detail: String) -> ProbeResult {
        ProbeResult {
            id: id.to_string(),
            title: title.to_string(),
            status,
            detail,
            fix: None,
        }
    }
    fn fix(mut self, fix: impl Into<String>) -> ProbeResult {
        self.fix = Some(fix.into());
        self
    }
}

/// What to probe, from the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeInputs {
    /// Names that should resolve to this machine (the host's domain and every public
    /// service's domain).
    pub names: Vec<String>,
    /// A PDS's domain: a random name under it must resolve too (handles).
    pub wildcard_of: Option<String>,
    /// The reverse proxy the host runs (`nginx`, `caddy`), if any.
    pub proxy: Option<String>,
    /// Ports the proxy needs free (80 and 443 with a proxy).
    pub ports: Vec<u16>,
    /// Where the services keep their state.
    pub state_root: PathBuf,
    /// The catalog's disk and memory estimates, per enabled service.
    pub disk_gb: BTreeMap<String, u32>,
    pub memory_mb: BTreeMap<String, u32>,
    /// Flake host: check that flakes are enabled.
    pub flake: bool,
    /// Limit for each name lookup and command.
    pub timeout: Duration,
    /// A name that must resolve when DNS works, asked when a host name does not: if it
    /// fails too, this machine is offline and the answer is "could not check".
    pub control_name: Option<String>,
}

impl Default for ProbeInputs {
    fn default() -> Self {
        ProbeInputs {
            names: Vec::new(),
            wildcard_of: None,
            proxy: None,
            ports: Vec::new(),
            state_root: PathBuf::from("/var/lib"),
            disk_gb: BTreeMap::new(),
            memory_mb: BTreeMap::new(),
            flake: false,
            timeout: Duration::from_secs(3),
            control_name: Some("cache.nixos.org".to_string()),
        }
    }
}

impl ProbeInputs {
    /// The probes a plan calls for (pure).
    pub fn from_answers(catalog: &Catalog, tree: &BTreeMap<String, Value>) -> ProbeInputs {
        let view = PlanView::new(catalog, tree);
        let text = |path: &str| match view.get(path) {
            Some(Value::Str(s)) if !s.is_empty() => Some(s),
            _ => None,
        };
        let mut inputs = ProbeInputs::default();
        let proxy = text("integrations.proxy.kind").filter(|k| k != "none");
        let mut names = BTreeSet::new();
        if let Some(d) = text("host.domain") {
            names.insert(d);
        }
        for service in view.enabled_services() {
            inputs
                .disk_gb
                .insert(service.id.clone(), service.resources.disk_gb);
            inputs
                .memory_mb
                .insert(service.id.clone(), service.resources.memory_mb);
            let public = service.ports.iter().any(|p| p.public);
            let domain = text(&format!("services.{}.domain", service.id));
            if public && let Some(d) = &domain {
                names.insert(d.clone());
            }
            if service.kind == Kind::Pds && inputs.wildcard_of.is_none() {
                inputs.wildcard_of = domain;
            }
        }
        inputs.names = names
            .into_iter()
            .filter(|n| n != "localhost" && !n.ends_with(".localhost"))
            .collect();
        if proxy.is_some() {
            inputs.ports = vec![80, 443];
        }
        inputs.proxy = proxy;
        inputs.flake = text("host.mode").is_none_or(|m| m != "classic");
        inputs
    }
}

/// A result in words, the same for the CLI, the full-screen wizard and the line mode:
/// `(title: detail, what to do: fix)`. The status word goes in front of the first
/// (with a symbol where the front end has one); the detail does not repeat it.
pub fn result_text(r: &ProbeResult) -> (String, Option<String>) {
    // "could not check: could not check: …" reads badly: say the word once.
    let prefix = format!("{}: ", r.status.word());
    let detail = r.detail.strip_prefix(&prefix).unwrap_or(&r.detail);
    let head = format!("{}: {detail}", r.title);
    (head, r.fix.as_ref().map(|f| format!("what to do: {f}")))
}

/// How many results came out each way: `3 ok, 1 warning, 1 could not check`.
pub fn counts(results: &[ProbeResult]) -> String {
    let mut parts = Vec::new();
    for status in [
        ProbeStatus::Ok,
        ProbeStatus::Warning,
        ProbeStatus::Failed,
        ProbeStatus::Unknown,
    ] {
        let n = results.iter().filter(|r| r.status == status).count();
        if n > 0 {
            parts.push(format!("{n} {}", status.word()));
        }
    }
    parts.join(", ")
}

/// Every probe's result.
#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    pub results: Vec<ProbeResult>,
    pub cancelled: bool,
}

/// Runs every probe on the current thread, one step each.
pub fn run(
    inputs: &ProbeInputs,
    reporter: &Reporter<ProbeReport>,
    cancel: &CancelToken,
) -> ProbeReport {
    type Probe<'a> = Box<dyn Fn() -> ProbeResult + 'a>;
    let local = local_addresses();
    let mut probes: Vec<(String, String, Probe)> = Vec::new();
    for name in &inputs.names {
        let local = local.clone();
        probes.push((
            format!("dns:{name}"),
            format!("{name} resolves to this machine"),
            Box::new(move || dns_probe(name, inputs, &local)),
        ));
    }
    if let Some(base) = &inputs.wildcard_of {
        let local = local.clone();
        probes.push((
            "wildcard".to_string(),
            format!("names under {base} resolve (users' handles)"),
            Box::new(move || wildcard_probe(base, inputs, &local)),
        ));
    }
    for &port in &inputs.ports {
        probes.push((
            format!("port:{port}"),
            format!("port {port} is free for the proxy"),
            Box::new(move || port_probe(port, inputs.proxy.as_deref())),
        ));
    }
    probes.push((
        "disk".to_string(),
        format!("free disk under {}", inputs.state_root.display()),
        Box::new(|| disk_probe(&inputs.state_root, &inputs.disk_gb)),
    ));
    probes.push((
        "memory".to_string(),
        "memory for the chosen services".to_string(),
        Box::new(|| memory_probe(&inputs.memory_mb)),
    ));
    probes.push((
        "nixos".to_string(),
        "this machine runs NixOS".to_string(),
        Box::new(|| nixos_probe(Path::new("/etc/NIXOS"))),
    ));
    probes.push((
        "root".to_string(),
        "running as root".to_string(),
        Box::new(root_probe),
    ));
    if inputs.flake {
        probes.push((
            "flakes".to_string(),
            "flakes are enabled in Nix's configuration".to_string(),
            Box::new(|| flakes_probe(inputs.timeout, cancel)),
        ));
    }
    let total = probes.len();
    let mut report = ProbeReport::default();
    for (index, (id, title, probe)) in probes.iter().enumerate() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        reporter.started(index, total, id, title, "");
        let result = probe();
        let note = format!("{}: {}", result.status.word(), result.detail);
        reporter.finished(index, id, result.status == ProbeStatus::Ok, &note);
        report.results.push(result);
    }
    report
}

/// Starts the probes in the background (see [`Job`]).
pub fn spawn(inputs: ProbeInputs) -> Job<ProbeReport> {
    Job::spawn(move |reporter, cancel| run(&inputs, reporter, cancel))
}

/// The answer of one name lookup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Vec<IpAddr>),
    /// The resolver said the name does not exist (or has no address).
    NotFound(String),
    /// No answer within the time limit.
    TimedOut,
}

/// Looks `name` up with the system resolver, giving up after `timeout` (the lookup
/// thread is left to finish on its own).
pub fn resolve(name: &str, timeout: Duration) -> Lookup {
    let (tx, rx) = mpsc::channel();
    let owned = name.to_string();
    thread::spawn(move || {
        let result = (owned.as_str(), 0u16)
            .to_socket_addrs()
            .map(|addrs| addrs.map(|a| a.ip()).collect::<Vec<_>>());
        let _ = tx.send(result);
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(mut addrs)) => {
            addrs.sort();
            addrs.dedup();
            if addrs.is_empty() {
                Lookup::NotFound("no addresses".to_string())
            } else {
                Lookup::Found(addrs)
            }
        }
        Ok(Err(e)) => Lookup::NotFound(
            e.to_string()
                .trim_start_matches("failed to lookup address information: ")
                .to_string(),
        ),
        Err(_) => Lookup::TimedOut,
    }
}

/// This machine's interface addresses (getifaddrs), loopback included.
pub fn local_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we only read and then free with
    // freeifaddrs; each sockaddr is read according to its family.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return out;
        }
        let mut cur = head;
        while !cur.is_null() {
            let addr = (*cur).ifa_addr;
            if !addr.is_null() {
                match i32::from((*addr).sa_family) {
                    libc::AF_INET => {
                        let sin = &*(addr as *const libc::sockaddr_in);
                        out.push(IpAddr::from(
                            u32::from_be(sin.sin_addr.s_addr).to_be_bytes(),
                        ));
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*(addr as *const libc::sockaddr_in6);
                        out.push(IpAddr::from(sin6.sin6_addr.s6_addr));
                    }
                    _ => {}
                }
            }
            cur = (*cur).ifa_next;
        }
        libc::freeifaddrs(head);
    }
    out.sort();
    out.dedup();
    out
}

/// Whether an address can be reached from the internet (not private, loopback,
/// link-local, CGNAT or unique-local).
pub fn is_public(addr: &IpAddr) -> bool {
    match addr {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

fn list(addrs: &[IpAddr]) -> String {
    addrs
        .iter()
        .map(IpAddr::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `name` resolves, and to this machine when that can be told.
pub fn dns_probe(name: &str, inputs: &ProbeInputs, local: &[IpAddr]) -> ProbeResult {
    let id = format!("dns:{name}");
    let title = format!("{name} resolves to this machine");
    let record = "an A record (and AAAA for IPv6) pointing at this machine's public address";
    let found = match lookup_or_offline(name, inputs) {
        Err(result) => {
            return ProbeResult {
                id,
                title,
                ..result
            }
            .fix(format!(
                "Create {record} for {name} at your DNS provider; certificates and federation \
                 need it."
            ));
        }
        Ok(addrs) => addrs,
    };
    matches_this_machine(id, title, name, &found, local, record)
}

/// A random name under `base` resolves: the wildcard record a PDS's handles need.
pub fn wildcard_probe(base: &str, inputs: &ProbeInputs, local: &[IpAddr]) -> ProbeResult {
    let name = format!("atproto-wizard-{}.{base}", random_label());
    let title = format!("names under {base} resolve (users' handles)");
    let record = format!("a wildcard record *.{base}");
    match lookup_or_offline(&name, inputs) {
        Err(result) => ProbeResult {
            id: "wildcard".to_string(),
            title,
            ..result
        }
        .fix(format!(
            "Create {record} pointing at this machine: users' handles are names under it \
             (alice.{base}), and each must resolve here for its certificate and for \
             handle checks."
        )),
        Ok(addrs) => matches_this_machine(
            "wildcard".to_string(),
            title,
            &name,
            &addrs,
            local,
            &format!("{record} pointing at this machine"),
        ),
    }
}

fn lookup_or_offline(name: &str, inputs: &ProbeInputs) -> Result<Vec<IpAddr>, ProbeResult> {
    let unknown = |detail: String| ProbeResult::new("", "", ProbeStatus::Unknown, detail);
    match resolve(name, inputs.timeout) {
        Lookup::Found(addrs) => Ok(addrs),
        Lookup::TimedOut => Err(unknown(format!(
            "could not check: no DNS answer for {name} within {} s",
            inputs.timeout.as_secs_f32()
        ))),
        Lookup::NotFound(why) => {
            let offline = inputs
                .control_name
                .as_deref()
                .is_some_and(|c| !matches!(resolve(c, inputs.timeout), Lookup::Found(_)));
            if offline {
                Err(unknown(format!(
                    "could not check: this machine gets no DNS answers (offline?), so whether \
                     {name} resolves is unknown"
                )))
            } else {
                Err(ProbeResult::new(
                    "",
                    "",
                    ProbeStatus::Failed,
                    format!("{name} does not resolve ({why})"),
                ))
            }
        }
    }
}

fn matches_this_machine(
    id: String,
    title: String,
    name: &str,
    found: &[IpAddr],
    local: &[IpAddr],
    record: &str,
) -> ProbeResult {
    let mine: Vec<IpAddr> = found
        .iter()
        .filter(|a| local.contains(a))
        .copied()
        .collect();
    let public_here: Vec<IpAddr> = local.iter().filter(|a| is_public(a)).copied().collect();
    if !mine.is_empty() {
        return ProbeResult {
            id,
            title,
            status: ProbeStatus::Ok,
            detail: format!(
                "{name} resolves to {}, an address of this machine",
                list(&mine)
            ),
            fix: None,
        };
    }
    if public_here.is_empty() {
        return ProbeResult {
            id,
            title,
            status: ProbeStatus::Ok,
            detail: format!(
                "{name} resolves to {}; this machine has only private addresses ({}), so \
                 whether that is its public address cannot be told from here (behind NAT or \
                 a cloud's 1:1 address)",
                list(found),
                list(
                    &local
                        .iter()
                        .filter(|a| !a.is_loopback())
                        .copied()
                        .collect::<Vec<_>>()
                )
            ),
            fix: None,
        };
    }
    ProbeResult {
        id,
        title,
        status: ProbeStatus::Warning,
        detail: format!(
            "{name} resolves to {}, but this machine's public addresses are {}",
            list(found),
            list(&public_here)
        ),
        fix: Some(format!(
            "If this machine is the host, change {record} to {}; if the name points at a \
             proxy or tunnel in front of it, this is expected.",
            list(&public_here)
        )),
    }
}

/// A short random label (time and process id, hashed), never the same twice in a run.
fn random_label() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    format!("{:012x}", h.finish() & 0xffff_ffff_ffff)
}

/// A process holding a listening socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// `None` when the socket is there but its process cannot be seen (not root).
    pub pid: Option<u32>,
    /// The process's name (`/proc/<pid>/comm`).
    pub name: Option<String>,
    pub address: String,
}

impl Holder {
    fn describe(&self) -> String {
        match (&self.name, self.pid) {
            (Some(n), Some(p)) => format!("{n} (pid {p})"),
            (None, Some(p)) => format!("pid {p}"),
            _ => "a process atproto-wizard cannot see".to_string(),
        }
    }
}

/// The processes listening on TCP `port` (any address), from /proc. An error when
/// /proc/net/tcp cannot be read (not Linux).
pub fn port_holders(port: u16) -> std::io::Result<Vec<Holder>> {
    let mut sockets: BTreeMap<u64, String> = BTreeMap::new();
    let mut read_any = false;
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        read_any = true;
        for (inode, address) in listening(&text, port) {
            sockets.insert(inode, address);
        }
    }
    if !read_any {
        return Err(std::io::Error::other("cannot read /proc/net/tcp"));
    }
    let mut holders: Vec<Holder> = Vec::new();
    let mut seen: BTreeSet<u64> = BTreeSet::new();
    if !sockets.is_empty()
        && let Ok(procs) = fs::read_dir("/proc")
    {
        for entry in procs.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(fds) = fs::read_dir(entry.path().join("fd")) else {
                continue;
            };
            for fd in fds.flatten() {
                let Ok(link) = fs::read_link(fd.path()) else {
                    continue;
                };
                let link = link.to_string_lossy();
                let Some(inode) = link
                    .strip_prefix("socket:[")
                    .and_then(|s| s.strip_suffix(']'))
                    .and_then(|s| s.parse::<u64>().ok())
                else {
                    continue;
                };
                if let Some(address) = sockets.get(&inode) {
                    seen.insert(inode);
                    let name = fs::read_to_string(entry.path().join("comm"))
                        .ok()
                        .map(|s| s.trim().to_string());
                    let holder = Holder {
                        pid: Some(pid),
                        name,
                        address: address.clone(),
                    };
                    if !holders.iter().any(|h| h.pid == holder.pid) {
                        holders.push(holder);
                    }
                }
            }
        }
    }
    for (inode, address) in &sockets {
        if !seen.contains(inode) {
            holders.push(Holder {
                pid: None,
                name: None,
                address: address.clone(),
            });
        }
    }
    Ok(holders)
}

/// (inode, address) of the LISTEN sockets on `port` in a /proc/net/tcp{,6} text.
fn listening(text: &str, port: u16) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 10 || fields[3] != "0A" {
            continue;
        }
        let Some((addr, p)) = fields[1].split_once(':') else {
            continue;
        };
        if u16::from_str_radix(p, 16).ok() != Some(port) {
            continue;
        }
        let Ok(inode) = fields[9].parse::<u64>() else {
            continue;
        };
        out.push((inode, format!("{}:{port}", proc_address(addr))));
    }
    out
}

/// A /proc/net/tcp address (little-endian hex words) as text.
fn proc_address(hex: &str) -> String {
    let words: Vec<u32> = (0..hex.len() / 8)
        .filter_map(|i| u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16).ok())
        .collect();
    match words.as_slice() {
        [w] => IpAddr::from(w.to_le_bytes()).to_string(),
        [a, b, c, d] => {
            let mut bytes = [0u8; 16];
            for (i, w) in [a, b, c, d].iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
            }
            format!("[{}]", IpAddr::from(bytes))
        }
        _ => hex.to_string(),
    }
}

/// Port `port` is free, or held by the proxy the host configures.
pub fn port_probe(port: u16, proxy: Option<&str>) -> ProbeResult {
    let id = format!("port:{port}");
    let title = format!("port {port} is free for the proxy");
    let result = |status, detail: String| ProbeResult::new(&id, &title, status, detail);
    let holders = match port_holders(port) {
        Ok(h) => h,
        Err(e) => {
            return result(
                ProbeStatus::Unknown,
                format!("could not check: {e} (not Linux?)"),
            );
        }
    };
    if holders.is_empty() {
        return result(ProbeStatus::Ok, format!("nothing listens on port {port}"));
    }
    let names: Vec<String> = holders.iter().map(Holder::describe).collect();
    let ours = |h: &Holder| match (proxy, h.name.as_deref()) {
        (Some(p), Some(n)) => n == p || n.starts_with(&format!("{p}:")),
        _ => false,
    };
    if holders.iter().all(ours) {
        return result(
            ProbeStatus::Ok,
            format!("held by {}, the proxy this host uses", names.join(", ")),
        );
    }
    if holders.iter().all(|h| h.pid.is_none()) {
        return result(
            ProbeStatus::Warning,
            format!("port {port} is in use by a process atproto-wizard cannot see"),
        )
        .fix("Run the probes as root to name it; the proxy cannot start while another program holds the port.");
    }
    let others: Vec<String> = holders
        .iter()
        .filter(|h| !ours(h))
        .map(Holder::describe)
        .collect();
    let unit = holders
        .iter()
        .find(|h| !ours(h))
        .and_then(|h| h.name.clone())
        .unwrap_or_else(|| "it".to_string());
    let proxy_words = proxy.map_or("the proxy".to_string(), |p| p.to_string());
    result(
        ProbeStatus::Failed,
        format!("port {port} is held by {}", others.join(", ")),
    )
    .fix(format!(
        "{proxy_words} cannot start while {} holds port {port}: stop and disable it \
         (systemctl disable --now {unit}, or remove it from configuration.nix), or let \
         {proxy_words} be the only web server.",
        others.join(", ")
    ))
}

/// Free space (bytes available to unprivileged users) on the file system holding
/// `path` or its nearest existing parent.
pub fn free_bytes(path: &Path) -> Option<u64> {
    let mut p = path.to_path_buf();
    while !p.exists() {
        p = p.parent()?.to_path_buf();
    }
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).ok()?;
    // SAFETY: statvfs writes into the zeroed struct we pass; `c` is a valid C string.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut st) != 0 {
            return None;
        }
        Some(st.f_bavail as u64 * st.f_frsize as u64)
    }
}

const GIB: u64 = 1024 * 1024 * 1024;

/// Free disk under `root` against the services' catalog estimates.
pub fn disk_probe(root: &Path, needs: &BTreeMap<String, u32>) -> ProbeResult {
    let title = format!("free disk under {}", root.display());
    let Some(free) = free_bytes(root) else {
        return ProbeResult::new(
            "disk",
            &title,
            ProbeStatus::Unknown,
            format!(
                "could not check: cannot read the file system of {}",
                root.display()
            ),
        );
    };
    let need: u64 = needs.values().map(|&g| u64::from(g)).sum();
    let each = needs
        .iter()
        .map(|(id, g)| format!("{id} {g} GB"))
        .collect::<Vec<_>>()
        .join(", ");
    let free_gb = free as f64 / GIB as f64;
    if need == 0 {
        return ProbeResult::new(
            "disk",
            &title,
            ProbeStatus::Ok,
            format!("{free_gb:.1} GB free"),
        );
    }
    let detail = format!(
        "{free_gb:.1} GB free; the chosen services need about {need} GB to start with ({each})"
    );
    if free >= need * GIB {
        ProbeResult::new("disk", &title, ProbeStatus::Ok, detail)
    } else {
        ProbeResult::new("disk", &title, ProbeStatus::Warning, detail).fix(format!(
            "Give {} more space (a bigger disk, or a volume mounted there) before the \
             services fill it; the estimates are the catalog's and grow with use.",
            root.display()
        ))
    }
}

/// Total memory against the services' estimates.
pub fn memory_probe(needs: &BTreeMap<String, u32>) -> ProbeResult {
    let title = "memory for the chosen services";
    let total_kb = fs::read_to_string("/proc/meminfo").ok().and_then(|t| {
        t.lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    });
    let Some(total_kb) = total_kb else {
        return ProbeResult::new(
            "memory",
            title,
            ProbeStatus::Unknown,
            "could not check: /proc/meminfo cannot be read".to_string(),
        );
    };
    let need_mb: u64 = needs.values().map(|&m| u64::from(m)).sum();
    let total_mb = total_kb / 1024;
    let detail = format!("{total_mb} MB of memory; the chosen services need about {need_mb} MB");
    if total_mb >= need_mb {
        ProbeResult::new("memory", title, ProbeStatus::Ok, detail)
    } else {
        ProbeResult::new("memory", title, ProbeStatus::Warning, detail)
            .fix("Use a machine with more memory, or add swap (swapDevices in configuration.nix); the estimates are the catalog's.")
    }
}

/// The machine is NixOS (`marker` is /etc/NIXOS).
pub fn nixos_probe(marker: &Path) -> ProbeResult {
    let title = "this machine runs NixOS";
    if marker.exists() {
        ProbeResult::new("nixos", title, ProbeStatus::Ok, "NixOS".to_string())
    } else {
        ProbeResult::new(
            "nixos",
            title,
            ProbeStatus::Warning,
            format!("not NixOS ({} does not exist)", marker.display()),
        )
        .fix("The host's files are a NixOS configuration: copy the directory to the NixOS machine and run nixos-rebuild there, or install NixOS on this one (nixos-anywhere can do it over SSH).")
    }
}

/// Running as root.
pub fn root_probe() -> ProbeResult {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    if uid == 0 {
        ProbeResult::new(
            "root",
            "running as root",
            ProbeStatus::Ok,
            "root".to_string(),
        )
    } else {
        ProbeResult::new(
            "root",
            "running as root",
            ProbeStatus::Warning,
            format!("running as user id {uid}, not root"),
        )
        .fix("Writing /etc/nixos, nixos-rebuild switch and dry-activate need root: run with sudo.")
    }
}

/// The experimental features Nix is configured with (`nix config show`, or `nix
/// show-config` before Nix 2.20).
pub fn nix_features(timeout: Duration, cancel: &CancelToken) -> Result<Vec<String>, RunError> {
    let attempts = [
        vec![
            "--extra-experimental-features",
            "nix-command",
            "config",
            "show",
        ],
        vec![
            "--extra-experimental-features",
            "nix-command",
            "show-config",
        ],
    ];
    let mut last = None;
    for args in attempts {
        let spec = CommandSpec::new("nix", args).with_timeout(timeout);
        match process::run_checked(&spec, cancel, &mut |_, _| {}) {
            Ok(out) => {
                return Ok(out
                    .stdout()
                    .iter()
                    .find_map(|l| l.strip_prefix("experimental-features = "))
                    .map(|v| v.split_whitespace().map(str::to_string).collect())
                    .unwrap_or_default());
            }
            Err(e @ (RunError::NotFound { .. } | RunError::Cancelled { .. })) => return Err(e),
            Err(e) => last = Some(e),
        }
    }
    Err(last.expect("two attempts were made"))
}

/// Flakes are enabled in Nix's configuration.
pub fn flakes_probe(timeout: Duration, cancel: &CancelToken) -> ProbeResult {
    let title = "flakes are enabled in Nix's configuration";
    let features = match nix_features(timeout, cancel) {
        Ok(f) => f,
        Err(RunError::NotFound { .. }) => {
            return ProbeResult::new(
                "flakes",
                title,
                ProbeStatus::Unknown,
                "could not check: Nix is not installed here".to_string(),
            );
        }
        Err(e) => {
            return ProbeResult::new(
                "flakes",
                title,
                ProbeStatus::Unknown,
                format!(
                    "could not check: {}",
                    e.to_string().lines().next().unwrap_or("")
                ),
            );
        }
    };
    // `nix-command` is in the list because this very command asked for it.
    if features.iter().any(|f| f == "flakes") {
        ProbeResult::new(
            "flakes",
            title,
            ProbeStatus::Ok,
            format!("experimental-features = {}", features.join(" ")),
        )
    } else {
        ProbeResult::new(
            "flakes",
            title,
            ProbeStatus::Warning,
            "flakes are not enabled in nix.conf".to_string(),
        )
        .fix("nixos-rebuild --flake turns them on for itself, and the configuration.nix atproto-wizard writes enables them from the first switch; to use nix commands on the flake before that, add `experimental-features = nix-command flakes` to /etc/nix/nix.conf.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_tcp_lines() {
        let text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   \
             0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0\n   \
             1: 0100007F:1F90 0100007F:D3C2 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0 100 0 0 10 0\n";
        assert_eq!(
            listening(text, 8080),
            [(4242, "127.0.0.1:8080".to_string())]
        );
        assert_eq!(listening(text, 80), []);
        assert_eq!(proc_address("00000000000000000000000001000000"), "[::1]");
    }

    #[test]
    fn public_addresses() {
        let p = |s: &str| is_public(&s.parse().unwrap());
        assert!(p("203.0.113.7") && p("2001:db8::1"));
        assert!(!p("10.0.0.1") && !p("192.168.1.2") && !p("100.64.0.1") && !p("127.0.0.1"));
        assert!(!p("fd00::1") && !p("fe80::1") && !p("::1"));
    }

    #[test]
    fn inputs_from_a_pds_plan() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/community-pds.toml"),
        )
        .unwrap();
        let answers = crate::plan::Answers::parse("p.toml", &text).unwrap();
        let inputs = ProbeInputs::from_answers(Catalog::embedded(), &answers.tree);
        assert_eq!(inputs.names, ["pds.example.com"]);
        assert_eq!(inputs.wildcard_of.as_deref(), Some("pds.example.com"));
        assert_eq!(inputs.proxy.as_deref(), Some("caddy"));
        assert_eq!(inputs.ports, [80, 443]);
        assert_eq!(inputs.disk_gb.get("bluesky-pds"), Some(&20));
        assert!(inputs.flake);
    }
}
