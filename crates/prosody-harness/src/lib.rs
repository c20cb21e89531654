//! Test support: Prosody (Debian's 0.12) started with a generated configuration on free
//! loopback ports, users registered with `prosodyctl`, readiness polled with a bounded timeout,
//! killed on drop. The configuration is the one `../shared/SETUP.md` records as working: BOSH,
//! WebSocket, and a pubsub component `pubsub.localhost` that creates nodes on publish.
//!
//! When `prosody` is not installed the harness fails loudly (the README's test command installs
//! it), unless `FINESSE_SKIP_PROSODY=1` is set.

use std::fmt::Write as _;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The XMPP domain of the generated configuration.
pub const DOMAIN: &str = "localhost";

/// A running Prosody (killed, and its directory removed, on drop).
pub struct Prosody {
    child: Child,
    dir: PathBuf,
    http_port: u16,
    domain: String,
}

impl Prosody {
    /// Starts Prosody, or returns `None` (saying why) when `FINESSE_SKIP_PROSODY=1` and it is
    /// not installed. Panics when it is not installed otherwise, or does not start.
    pub fn start_or_skip(users: &[(&str, &str)], admin: &str) -> Option<Self> {
        let (Some(prosody), Some(prosodyctl)) =
            (find_program("prosody"), find_program("prosodyctl"))
        else {
            if std::env::var("FINESSE_SKIP_PROSODY").as_deref() == Ok("1") {
                eprintln!(
                    "SKIPPED: the Prosody interop test needs `prosody` and `prosodyctl` on the \
                     PATH, and FINESSE_SKIP_PROSODY=1 is set"
                );
                return None;
            }
            panic!(
                "`prosody` and `prosodyctl` must be on the PATH for the interop test: install \
                 them with `apt-get install prosody lua-unbound` (scripts/setup.sh does), or set \
                 FINESSE_SKIP_PROSODY=1 to skip this test"
            );
        };
        Some(Self::start(&prosody, &prosodyctl, users, admin))
    }

    fn start(prosody: &Path, prosodyctl: &Path, users: &[(&str, &str)], admin: &str) -> Self {
        let dir = temp_dir();
        fs::create_dir_all(dir.join("data")).expect("data dir");
        fs::create_dir_all(dir.join("certs")).expect("certs dir");
        let http_port = free_port();
        let config = dir.join("prosody.cfg.lua");
        fs::write(&config, config_text(&dir, free_port(), http_port, admin)).expect("write config");
        for &(user, password) in users {
            let out = Command::new(prosodyctl)
                .arg("--config")
                .arg(&config)
                .args(["register", user, DOMAIN, password])
                .stdin(Stdio::null())
                .output()
                .expect("run prosodyctl");
            assert!(
                out.status.success(),
                "prosodyctl register {user} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let log = fs::File::create(dir.join("prosody.log")).expect("log file");
        let child = Command::new(prosody)
            .arg("--config")
            .arg(&config)
            .arg("-F")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start prosody");
        let mut server = Self { child, dir, http_port, domain: DOMAIN.to_owned() };
        server.wait_ready(Duration::from_secs(20));
        server
    }

    /// Polls the BOSH endpoint until it answers (bounded), failing early if Prosody exits.
    fn wait_ready(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(1)))
            .build()
            .new_agent();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("prosody exited ({status}) while starting:\n{}", self.log());
            }
            if agent.get(&self.bosh_url()).call().is_ok_and(|r| r.status() == 200) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "prosody did not answer on {} within {timeout:?}:\n{}",
                self.bosh_url(),
                self.log()
            );
            // Poll interval, not a synchronisation: readiness is the answer above.
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Prosody's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("prosody.log")).unwrap_or_default()
    }

    /// The BOSH endpoint.
    pub fn bosh_url(&self) -> String {
        format!("http://127.0.0.1:{}/http-bind", self.http_port)
    }

    /// The XMPP WebSocket endpoint.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/xmpp-websocket", self.http_port)
    }
}

impl Drop for Prosody {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("prosody log ({}):\n{}", self.dir.display(), self.log());
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The configuration of ../../shared/SETUP.md, on the given ports, with everything in `dir`.
fn config_text(dir: &Path, c2s_port: u16, http_port: u16, admin: &str) -> String {
    let lua = |p: PathBuf| format!("{:?}", p.display().to_string());
    let mut text = String::new();
    let _ = write!(
        text,
        r#"run_as_root = true
data_path = {data}
pidfile = {pid}
certificates = {certs}
log = {{ {{ levels = {{ min = "info" }}, to = "console" }} }}
interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {c2s_port} }}
http_ports = {{ {http_port} }}
http_interfaces = {{ "127.0.0.1" }}
https_ports = {{ }}
admins = {{ "{admin}@localhost" }}
modules_enabled = {{ "roster"; "saslauth"; "disco"; "ping"; "posix"; "bosh"; "websocket" }}
modules_disabled = {{ "s2s"; "tls"; "c2s_tls" }}
authentication = "internal_plain"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
consider_bosh_secure = true
consider_websocket_secure = true
-- Prosody keeps Nagle's algorithm on by default: with the peer's delayed ACKs, a small stanza
-- after another waits ~40 ms. Off, the latencies measured here are the client's.
network_settings = {{ nagle = false }}
VirtualHost "localhost"
Component "pubsub.localhost" "pubsub"
  autocreate_on_publish = true
"#,
        data = lua(dir.join("data")),
        pid = lua(dir.join("prosody.pid")),
        certs = lua(dir.join("certs")),
    );
    text
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

fn temp_dir() -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("finesse-prosody-{}-{n}", std::process::id()))
}

impl Prosody {
    /// The XMPP domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }
}
