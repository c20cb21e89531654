//! The simulator under load (issue 3): thousands of signed-in agents with live notification
//! sessions and a steady call rate in real time, reporting errors (the goal is none), REST
//! latency against an idle baseline measured first in the same run, memory per agent,
//! notifications delivered and CPU time.
//!
//! Run: `scripts/load.sh [--agents N] [--calls-per-second R] [--seconds S]` (defaults 2000, 20,
//! 300), which is `cargo bench -p finesse-sim --bench load -- …`; `--help` lists the other knobs.
//!
//! Two processes, so that the server's memory and CPU are measured alone:
//!
//! - this process (the *parent*) runs the simulator in-process (`Server::start` on
//!   127.0.0.1:0, speed 1.0, a tokio runtime with two workers), samples its own RSS
//!   (`/proc/self/status`) and CPU time (`/proc/self/stat`) and reads the engine's counters;
//! - a child process (this binary again, with `--client`) is the load: one notification
//!   session per agent (WebSocket, a share over BOSH), each doing SASL PLAIN, bind, presence
//!   and explicit subscriptions, and a REST client issuing an open-loop stream of requests.
//!   It runs on one thread and does little per frame: it counts items by substring, answers
//!   the server's XEP-0199 pings, looks for errors, and fully parses (and decodes the
//!   `<Update>` of) one frame in [`SAMPLE_EVERY`].
//!
//! The parent drives the child through its stdin, one phase at a time; the child answers on
//! stdout with `stat <name> <value>` lines and `ok <phase>`:
//!
//! 1. `idle`: a separate server with the same agents but no call traffic and no simulated
//!    agent; the human agents sign in, then only the REST stream runs: the latency baseline.
//!    That server and its runtime are then shut down.
//! 2. `open`: the loaded server starts (calls arriving, simulated agents signing in by
//!    themselves); RSS is read before and after every session is up.
//! 3. `run`: the REST stream runs for `--seconds` while the sessions receive notifications.
//! 4. `close`: every session closes cleanly (`<close/>`, BOSH `terminate`).
//!
//! Where the time goes: a thread of the parent takes the engine every 20 ms
//! (`Sim::with_engine`, the lock every request and every notification takes) and records how
//! long that took, the server's stalls as a request sees them, and how late its own sleeps end,
//! stalls of the whole process or machine; the child records how late its own timers fire (its
//! stalls would inflate what it measures). The slowest requests are listed with when they were
//! sent, to line them up with those stalls.
//!
//! Every error is counted by kind: HTTP statuses other than the expected one (200 for GET,
//! 202 for PUT), HTTP I/O errors, login failures, XMPP stream errors, IQ errors, unexpected
//! closes, BOSH terminates, malformed frames in the sample, state-change notifications that
//! never arrived, and warnings or errors the server logged.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{BufRead as _, Write as _};
use std::net::SocketAddr;
use std::process::{ChildStdin, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail};
use clap::Parser;

/// One frame (WebSocket) or response body (BOSH) in this many is parsed fully and its
/// `<Update>` decoded, to check well-formedness without parsing everything.
const SAMPLE_EVERY: u64 = 50;
/// How many of the slowest requests and longest stalls are listed.
const SLOWEST: usize = 8;
/// The XMPP domain of the generated scenario.
const DOMAIN: &str = "finesse.sim";
/// The resource every session binds.
const RESOURCE: &str = "load";
/// Teams and queues of the generated scenario (fewer teams for small runs).
const MAX_TEAMS: usize = 20;
/// Queues of the generated scenario.
const QUEUES: usize = 10;
/// Share of the calls each queue receives (sums to 1).
const QUEUE_WEIGHTS: [f64; QUEUES] = [0.13, 0.12, 0.11, 0.10, 0.10, 0.10, 0.10, 0.09, 0.08, 0.07];

/// The command line (after `cargo bench -- `).
#[derive(Debug, Clone, Parser)]
#[command(about = "Load benchmark of the Finesse simulator (scripts/load.sh)")]
struct Args {
    /// Agents, each with a notification session (about 1 in 50 is a supervisor, 1 in 50 a
    /// human agent driven by the REST stream, the rest simulated).
    #[arg(long, default_value_t = 2000)]
    agents: usize,
    /// Calls arriving per second in all (Poisson, spread over the queues).
    #[arg(long, default_value_t = 20.0)]
    calls_per_second: f64,
    /// Length of the measured run, in seconds.
    #[arg(long, default_value_t = 300)]
    seconds: u64,
    /// Length of the idle REST baseline, in seconds.
    #[arg(long, default_value_t = 30)]
    idle_seconds: u64,
    /// REST requests per second (open loop: sent on schedule whatever the latency).
    #[arg(long, default_value_t = 50.0)]
    rest_rps: f64,
    /// Share of the notification sessions over BOSH (the rest over WebSocket).
    #[arg(long, default_value_t = 0.1)]
    bosh_share: f64,
    /// Whether agents subscribe to their queue's statistics node (`false`: only supervisors
    /// do), to compare the cost of the 10-second queue statistics fan-out.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    queue_subscriptions: bool,
    /// Sessions logging in (and, at the end, closing) at the same time. Above the server's
    /// listen backlog (128, tokio's default) connections wait for TCP's SYN retries.
    #[arg(long, default_value_t = 100)]
    connect_concurrency: usize,
    /// The engine's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Internal: run as the load generator (the child process).
    #[arg(long, hide = true)]
    client: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = if args.client { client::main(&args) } else { parent::main(&args) };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("load: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Locks a mutex, ignoring poisoning (a panicking task must not hide the report).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The contact center of the run, generated from the arguments; the parent and the child
/// compute the same one.
mod plan {
    use std::fmt::Write as _;

    use finesse_sim::scenario::Scenario;

    use super::{Args, DOMAIN, MAX_TEAMS, QUEUE_WEIGHTS, QUEUES};

    /// What an agent is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Role {
        /// Supervises its team; driven by the REST stream; in no queue.
        Supervisor,
        /// A person at a desktop: driven by the REST stream (READY / NOT_READY); in no queue,
        /// so no call rings while it is READY and nobody answers.
        Human,
        /// Driven by the engine: signs in, answers, talks, wraps up, takes breaks.
        Simulated,
    }

    /// One agent.
    #[derive(Debug, Clone)]
    pub(crate) struct Agent {
        pub(crate) id: String,
        pub(crate) password: String,
        pub(crate) extension: String,
        /// Team index (team id is index + 1).
        pub(crate) team: usize,
        pub(crate) role: Role,
        /// Queue indexes (queue id is 5001 + index).
        pub(crate) queues: Vec<usize>,
        /// Its notification session is BOSH (else WebSocket).
        pub(crate) bosh: bool,
        /// It subscribes to its queue's statistics (supervisors always do).
        pub(crate) queue_stats: bool,
    }

    impl Agent {
        /// The nodes this agent subscribes to explicitly (besides the automatic ones):
        /// supervisors their team's users and their team's two queues, agents their first
        /// queue (a queue statistics gadget).
        pub(crate) fn explicit_nodes(&self) -> Vec<String> {
            match self.role {
                Role::Supervisor => vec![
                    format!("/finesse/api/Team/{}/Users", self.team + 1),
                    queue_node(self.team % QUEUES),
                    queue_node((self.team + 1) % QUEUES),
                ],
                _ if !self.queue_stats => Vec::new(),
                Role::Human => vec![queue_node(self.team % QUEUES)],
                Role::Simulated => self.queues.iter().take(1).map(|&q| queue_node(q)).collect(),
            }
        }
    }

    fn queue_node(q: usize) -> String {
        format!("/finesse/api/Queue/{}", 5001 + q)
    }

    /// The whole center.
    #[derive(Debug, Clone)]
    pub(crate) struct Plan {
        pub(crate) agents: Vec<Agent>,
        pub(crate) teams: usize,
        pub(crate) calls_per_second: f64,
    }

    /// splitmix64: a fixed, well-spread function of the index.
    pub(crate) fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    impl Plan {
        pub(crate) fn new(args: &Args) -> Self {
            let n = args.agents.max(1);
            let teams = (n / 100).clamp(1, MAX_TEAMS);
            let mut simulated = 0usize;
            let agents = (0..n)
                .map(|i| {
                    let team = i * teams / n;
                    let first_of_team = (team * n).div_ceil(teams);
                    let role = match i - first_of_team {
                        0 => Role::Supervisor,
                        1 => Role::Human,
                        _ => Role::Simulated,
                    };
                    let queues = if role == Role::Simulated {
                        simulated += 1;
                        vec![simulated % QUEUES, (simulated + 3) % QUEUES]
                    } else {
                        Vec::new()
                    };
                    #[allow(
                        clippy::cast_possible_truncation,
                        clippy::cast_sign_loss,
                        reason = "a share in [0, 1] of 1000"
                    )]
                    let bosh_per_mille = (args.bosh_share.clamp(0.0, 1.0) * 1000.0).round() as u64;
                    Agent {
                        id: format!("{}", 1_100_000 + i),
                        password: format!("pw{}", 1_100_000 + i),
                        extension: format!("{}", 3_100_000 + i),
                        team,
                        role,
                        queues,
                        bosh: mix(i as u64) % 1000 < bosh_per_mille,
                        queue_stats: args.queue_subscriptions,
                    }
                })
                .collect();
            Self { agents, teams, calls_per_second: args.calls_per_second.max(0.0) }
        }

        /// Agents driven through the REST stream (supervisors and human agents).
        pub(crate) fn humans(&self) -> Vec<usize> {
            (0..self.agents.len()).filter(|&i| self.agents[i].role != Role::Simulated).collect()
        }

        /// The supervisor of team `t`.
        pub(crate) fn supervisor(&self, t: usize) -> Option<&Agent> {
            self.agents.iter().find(|a| a.team == t && a.role == Role::Supervisor)
        }

        pub(crate) fn count(&self, role: Role) -> usize {
            self.agents.iter().filter(|a| a.role == role).count()
        }

        /// The scenario: with `traffic`, calls arrive and simulated agents act; without,
        /// the same agents, teams and queues but nothing happens by itself (the idle server).
        pub(crate) fn scenario(&self, traffic: bool) -> anyhow::Result<Scenario> {
            let mut t = String::new();
            // Simulated agents: a call takes about 2.5 s of ringing, 40 s of talk and, on half
            // of the teams, 6.5 s of wrap-up, so 20 calls/s keep about 900 of them busy.
            let _ = write!(
                t,
                r#"deployment = "UCCE"
xmpp_domain = "{DOMAIN}"

[admin]
user = "admin"
password = "admin"

[simulation]
sign_in_delay_ms = [0, 20000]
ready_delay_ms = [1000, 5000]
answer_delay_ms = [1000, 4000]
talk_time_ms = [20000, 60000]
caller_hangup_share = 0.5
wrap_up_time_ms = [3000, 10000]
break_interval_ms = [180000, 600000]
break_duration_ms = [20000, 90000]
patience_ms = [30000, 120000]

[[reason_code]]
id = "1"
category = "NOT_READY"
code = 12
label = "Lunch"

[[reason_code]]
id = "2"
category = "NOT_READY"
code = 13
label = "Break"

[[reason_code]]
id = "10"
category = "LOGOUT"
code = 20
label = "End of Shift"

[[wrap_up_reason]]
id = "1"
label = "Sales Call"

[[wrap_up_reason]]
id = "2"
label = "Support Call"
"#
            );
            for team in 0..self.teams {
                let _ =
                    write!(t, "\n[[team]]\nid = \"{}\"\nname = \"Team {}\"\n", team + 1, team + 1);
            }
            for (q, weight) in QUEUE_WEIGHTS.iter().enumerate() {
                let per_minute = if traffic { self.calls_per_second * 60.0 * weight } else { 0.0 };
                let _ = write!(
                    t,
                    "\n[[queue]]\nid = \"{}\"\nname = \"Queue {}\"\ndnis = \"{}\"\n\
                     calls_per_minute = {per_minute:.4}\n[queue.variables]\n\
                     callVariable1 = [\"Chuck Smith\", \"Ana Lopez\", \"Wei Zhang\"]\n\
                     callVariable2 = [\"100234\", \"100871\", \"102399\"]\n",
                    5001 + q,
                    q + 1,
                    8001 + q
                );
            }
            for a in &self.agents {
                let queues: Vec<String> =
                    a.queues.iter().map(|q| format!("\"{}\"", 5001 + q)).collect();
                let _ = write!(
                    t,
                    "\n[[agent]]\nid = \"{}\"\npassword = \"{}\"\nfirst_name = \"Agent\"\n\
                     last_name = \"{}\"\nextension = \"{}\"\nteam = \"{}\"\nqueues = [{}]\n\
                     simulated = {}\n",
                    a.id,
                    a.password,
                    a.id,
                    a.extension,
                    a.team + 1,
                    queues.join(", "),
                    traffic && a.role == Role::Simulated,
                );
                if a.role == Role::Supervisor {
                    let _ = writeln!(t, "supervises = [\"{}\"]", a.team + 1);
                }
                if a.team % 2 == 1 {
                    let _ = writeln!(t, "wrap_up_on_incoming = \"REQUIRED\"");
                }
            }
            Ok(Scenario::from_toml(&t)?)
        }
    }
}

/// Small helpers both processes use.
mod util {
    use std::fmt::Write as _;

    /// Standard base64.
    pub(crate) fn base64(bytes: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk.first().copied().unwrap_or(0),
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                out.push(if i <= chunk.len() {
                    char::from(A[((n >> (18 - 6 * i)) & 63) as usize])
                } else {
                    '='
                });
            }
        }
        out
    }

    /// `Basic base64(user:password)`.
    pub(crate) fn basic(user: &str, password: &str) -> String {
        format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
    }

    /// Percentile (nearest rank) of sorted values.
    pub(crate) fn percentile(sorted: &[u64], p: f64) -> u64 {
        if sorted.is_empty() {
            return 0;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "an index into a slice"
        )]
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    /// The first `n` characters of `s`, on one line.
    pub(crate) fn excerpt(s: &str, n: usize) -> String {
        let mut out = String::new();
        for c in s.chars().take(n) {
            out.push(if c.is_control() { ' ' } else { c });
        }
        if s.chars().count() > n {
            let _ = write!(out, "…");
        }
        out
    }

    /// The value of attribute `name` in the start tag beginning at `tag` (either quote).
    pub(crate) fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let end = tag.find('>').unwrap_or(tag.len());
        let tag = &tag[..end];
        for quote in ['"', '\''] {
            let key = format!(" {name}={quote}");
            if let Some(i) = tag.find(&key) {
                let rest = &tag[i + key.len()..];
                return rest.find(quote).map(|j| &rest[..j]);
            }
        }
        None
    }
}

/// Reading `/proc`.
mod procfs {
    use std::process::Command;

    /// A `kB` field of `/proc/<pid>/status` (`VmRSS`, `VmHWM`), in KiB.
    pub(crate) fn status_kib(pid: &str, key: &str) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = text.lines().find(|l| l.starts_with(key) && l[key.len()..].starts_with(':'))?;
        line[key.len() + 1..].split_whitespace().next()?.parse().ok()
    }

    /// User plus system CPU time of a process, in clock ticks.
    pub(crate) fn cpu_ticks(pid: &str) -> Option<u64> {
        let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // The command name may contain spaces: fields are counted after its closing paren;
        // utime and stime are fields 14 and 15, i.e. 11 and 12 after the state (field 3).
        let rest = &text[text.rfind(')')? + 1..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
    }

    /// Busy clock ticks of the whole machine (every CPU, every process: the first line of
    /// `/proc/stat` without idle and iowait).
    pub(crate) fn machine_busy_ticks() -> Option<u64> {
        let text = std::fs::read_to_string("/proc/stat").ok()?;
        let line = text.lines().next()?.strip_prefix("cpu ")?;
        let v: Vec<u64> = line.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let total: u64 = v.iter().take(8).sum();
        Some(total - v.get(3)? - v.get(4)?)
    }

    /// Clock ticks per second (`getconf CLK_TCK`, else the usual 100).
    pub(crate) fn clock_ticks() -> f64 {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|t| *t > 0.0)
            .unwrap_or(100.0)
    }
}

/// The parent: the simulator, the measurements and the report.
mod parent {
    use super::*;
    use crate::plan::{Plan, Role};
    use crate::procfs::{clock_ticks, cpu_ticks, machine_busy_ticks, status_kib};
    use crate::util::percentile;
    use finesse_sim::engine::Counters;
    use finesse_sim::server::{Options, Server};
    use finesse_xmpp::server::ServiceConfig;

    /// Warnings and errors the server logged (through `tracing`).
    #[derive(Default)]
    struct Logged {
        warnings: AtomicU64,
        errors: AtomicU64,
    }

    struct CountLayer(Arc<Logged>);

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountLayer {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _ctx: tracing_subscriber::layer::Context<'_, S>,
        ) {
            match *event.metadata().level() {
                tracing::Level::ERROR => self.0.errors.fetch_add(1, Ordering::Relaxed),
                tracing::Level::WARN => self.0.warnings.fetch_add(1, Ordering::Relaxed),
                _ => 0,
            };
        }
    }

    fn install_logging() -> Arc<Logged> {
        use tracing_subscriber::Layer as _;
        use tracing_subscriber::filter::LevelFilter;
        use tracing_subscriber::layer::SubscriberExt as _;
        use tracing_subscriber::util::SubscriberInitExt as _;
        let logged = Arc::new(Logged::default());
        let _ = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_filter(LevelFilter::WARN),
            )
            .with(CountLayer(logged.clone()).with_filter(LevelFilter::WARN))
            .try_init();
        logged
    }

    /// The child process and the lines it writes.
    struct Child {
        process: std::process::Child,
        stdin: ChildStdin,
        lines: std::sync::mpsc::Receiver<String>,
    }

    impl Child {
        fn spawn(args: &Args) -> anyhow::Result<Self> {
            let exe = std::env::current_exe().context("the benchmark's own path")?;
            let mut process = Command::new(exe)
                .args([
                    "--client",
                    "--agents",
                    &args.agents.to_string(),
                    "--calls-per-second",
                    &args.calls_per_second.to_string(),
                    "--rest-rps",
                    &args.rest_rps.to_string(),
                    "--bosh-share",
                    &args.bosh_share.to_string(),
                    "--connect-concurrency",
                    &args.connect_concurrency.to_string(),
                    "--queue-subscriptions",
                    &args.queue_subscriptions.to_string(),
                    "--seed",
                    &args.seed.to_string(),
                ])
                // A heap profiler preloaded into the server's process stays out of the load's.
                .env_remove("LD_PRELOAD")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .context("starting the load generator")?;
            let stdin = process.stdin.take().ok_or_else(|| anyhow!("no stdin"))?;
            let stdout = process.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
            let (tx, lines) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            Ok(Self { process, stdin, lines })
        }

        fn pid(&self) -> String {
            self.process.id().to_string()
        }

        fn send(&mut self, command: &str) -> anyhow::Result<()> {
            writeln!(self.stdin, "{command}").context("writing to the load generator")?;
            self.stdin.flush().context("writing to the load generator")
        }

        /// Collects `stat` lines until `ok <phase>`, calling `tick` about once a second and
        /// printing `progress` lines.
        fn wait(
            &mut self,
            phase: &str,
            mut tick: impl FnMut(),
        ) -> anyhow::Result<BTreeMap<String, String>> {
            let mut stats = BTreeMap::new();
            loop {
                match self.lines.recv_timeout(Duration::from_secs(1)) {
                    Ok(line) => {
                        if let Some(rest) = line.strip_prefix("stat ") {
                            let (k, v) = rest.split_once(' ').unwrap_or((rest, ""));
                            stats.insert(k.to_owned(), v.to_owned());
                        } else if line == format!("ok {phase}") {
                            return Ok(stats);
                        } else {
                            println!("  client: {line}");
                        }
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => tick(),
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        let status = self.process.wait().ok();
                        bail!("the load generator ended during `{phase}` ({status:?})");
                    }
                }
            }
        }
    }

    impl Drop for Child {
        fn drop(&mut self) {
            // Only our own child, by its handle.
            if matches!(self.process.try_wait(), Ok(None)) {
                let _ = self.process.kill();
                let _ = self.process.wait();
            }
        }
    }

    fn runtime(name: &str) -> anyhow::Result<tokio::runtime::Runtime> {
        Ok(tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(name)
            .enable_all()
            .build()?)
    }

    fn start(
        rt: &tokio::runtime::Runtime,
        plan: &Plan,
        traffic: bool,
        seed: u64,
    ) -> anyhow::Result<Server> {
        let mut options = Options::new(plan.scenario(traffic)?);
        options.seed = seed;
        options.speed = 1.0;
        Ok(rt.block_on(Server::start(options, SocketAddr::from(([127, 0, 0, 1], 0))))?)
    }

    /// Resident memory now, in KiB.
    fn rss() -> u64 {
        status_kib("self", "VmRSS").unwrap_or(0)
    }

    /// A CPU clock: ticks of this process and of the child at an instant.
    #[derive(Clone, Copy)]
    struct CpuMark {
        at: Instant,
        server: u64,
        client: u64,
        machine: u64,
    }

    impl CpuMark {
        fn now(child: &str) -> Self {
            Self {
                at: Instant::now(),
                server: cpu_ticks("self").unwrap_or(0),
                client: cpu_ticks(child).unwrap_or(0),
                machine: machine_busy_ticks().unwrap_or(0),
            }
        }

        /// (server cores, client cores, wall seconds) since `self`.
        fn since(&self, later: &Self, ticks: f64) -> (f64, f64, f64) {
            let wall = later.at.duration_since(self.at).as_secs_f64().max(1e-9);
            (self.cores(later, ticks, |m| m.server), self.cores(later, ticks, |m| m.client), wall)
        }

        /// Cores used by what `f` reads, from `self` to `later`.
        fn cores(&self, later: &Self, ticks: f64, f: impl Fn(&Self) -> u64) -> f64 {
            let wall = later.at.duration_since(self.at).as_secs_f64().max(1e-9);
            #[allow(clippy::cast_precision_loss, reason = "ticks are small")]
            let used = f(later).saturating_sub(f(self)) as f64;
            used / ticks / wall
        }
    }

    pub(crate) fn main(args: &Args) -> anyhow::Result<ExitCode> {
        let logged = install_logging();
        let plan = Plan::new(args);
        let ticks = clock_ticks();
        let ping = ServiceConfig::new(DOMAIN);
        println!(
            "load: {} agents ({} simulated, {} supervisors, {} human agents; {} teams, {QUEUES} \
             queues), {} calls/s, {} s measured after a {} s idle baseline, {} REST requests/s, \
             {:.0}% of sessions over BOSH; server pings every {} s",
            plan.agents.len(),
            plan.count(Role::Simulated),
            plan.count(Role::Supervisor),
            plan.count(Role::Human),
            plan.teams,
            args.calls_per_second,
            args.seconds,
            args.idle_seconds,
            args.rest_rps,
            args.bosh_share * 100.0,
            ping.ping_interval / 1000,
        );
        let mut child = Child::spawn(args)?;
        let cpid = child.pid();
        let mut rep = Report { rss_start: rss(), ..Report::default() };

        // 1. The idle baseline, on its own server and runtime.
        let rt0 = runtime("sim-idle")?;
        let idle_server = start(&rt0, &plan, false, args.seed)?;
        rep.rss_idle_server = rss();
        println!("phase idle: REST only, {} s, against an idle server", args.idle_seconds);
        let mark = CpuMark::now(&cpid);
        let stop = Arc::new(AtomicBool::new(false));
        let probe = {
            let sim = idle_server.sim.clone();
            let stop = stop.clone();
            std::thread::spawn(move || lock_probe(&sim, &stop))
        };
        child.send(&format!("idle {} {}", idle_server.url(), args.idle_seconds))?;
        rep.idle = child.wait("idle", || {})?;
        rep.idle_cpu = mark.since(&CpuMark::now(&cpid), ticks);
        stop.store(true, Ordering::Relaxed);
        rep.idle_probe = probe.join().unwrap_or_default();
        idle_server.stop();
        rt0.shutdown_timeout(Duration::from_secs(5));
        rep.rss_after_idle = rss();

        // 2. The loaded server; sessions opened.
        let rt = runtime("sim")?;
        let server = start(&rt, &plan, true, args.seed)?;
        let started = Instant::now();
        std::thread::sleep(Duration::from_secs(3));
        rep.rss_before = rss();
        rep.client_rss.0 = status_kib(&cpid, "VmRSS").unwrap_or(0);
        println!("phase open: {} notification sessions", plan.agents.len());
        child.send(&format!("open {}", server.url()))?;
        rep.open = child.wait("open", || {})?;
        std::thread::sleep(Duration::from_secs(5));
        rep.rss_after = rss();
        rep.client_rss.1 = status_kib(&cpid, "VmRSS").unwrap_or(0);
        // Simulated agents sign in by themselves within 20 s of the start.
        let deadline = started + Duration::from_secs(40);
        while signed_in(&server) < plan.agents.len() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(500));
        }
        rep.signed_in_start = signed_in(&server);

        // 3. The measured run.
        println!("phase run: {} s", args.seconds);
        let c0 = server.sim.with_engine(|e| e.counters());
        let mark = CpuMark::now(&cpid);
        let mut last = mark;
        let mut peak = rep.rss_after;
        let mut samples = 0u64;
        let mut series = Vec::new();
        let stop = Arc::new(AtomicBool::new(false));
        let probe = {
            let sim = server.sim.clone();
            let stop = stop.clone();
            std::thread::spawn(move || lock_probe(&sim, &stop))
        };
        child.send(&format!("run {}", args.seconds))?;
        rep.run = child.wait("run", || {
            let now = rss();
            peak = peak.max(now);
            series.push((mark.at.elapsed().as_secs_f64(), now));
            samples += 1;
            if samples.is_multiple_of(10) {
                let now = CpuMark::now(&cpid);
                let (s, c, _) = last.since(&now, ticks);
                last = now;
                let k = server.sim.with_engine(|e| e.counters());
                let waiting: usize =
                    server.sim.with_engine(|e| e.waiting_calls().iter().map(|(_, n)| n).sum());
                println!(
                    "  server: t={:>4.0}s rss={:.1} MiB cpu={s:.2} cores (client {c:.2}) \
                     calls arrived={} answered={} abandoned={} waiting={waiting}",
                    now.at.duration_since(mark.at).as_secs_f64(),
                    kib_to_mib(rss()),
                    k.arrived - c0.arrived,
                    (k.answered_by_simulated + k.answered_by_api)
                        - (c0.answered_by_simulated + c0.answered_by_api),
                    k.abandoned - c0.abandoned,
                );
            }
        })?;
        let end = CpuMark::now(&cpid);
        rep.machine_cores = mark.cores(&end, ticks, |m| m.machine);
        rep.loadavg =
            std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim().to_owned();
        stop.store(true, Ordering::Relaxed);
        rep.lock_probe = probe.join().unwrap_or_default();
        rep.rss_series = series;
        rep.run_cpu = mark.since(&end, ticks);
        rep.counters = (c0, server.sim.with_engine(|e| e.counters()));
        rep.rss_end = rss();
        rep.rss_peak = peak.max(rep.rss_end);
        rep.hwm = status_kib("self", "VmHWM").unwrap_or(0);
        rep.signed_in_end = signed_in(&server);
        rep.invariants = Some(server.sim.with_engine(|e| e.check_invariants()));
        rep.server_age = started.elapsed();

        // 4. Close.
        child.send("close")?;
        rep.close = child.wait("close", || {})?;
        std::thread::sleep(Duration::from_secs(2));
        rep.rss_closed = rss();
        let _ = child.process.wait();
        server.stop();
        rt.shutdown_timeout(Duration::from_secs(5));
        rep.logged =
            (logged.warnings.load(Ordering::Relaxed), logged.errors.load(Ordering::Relaxed));
        Ok(rep.print(args, &plan))
    }

    /// Every 20 ms until `stop`, how long `with_engine` takes to get the engine (the lock
    /// every request and every notification takes) and bring it up to now: the server's
    /// stalls as a request would see them. The same thread also measures how late its 20 ms
    /// sleeps end: stalls of the whole process (or machine) rather than of the server.
    fn lock_probe(sim: &finesse_sim::server::Sim, stop: &AtomicBool) -> Probe {
        let start = Instant::now();
        let us = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let mut probe = Probe::default();
        let period = Duration::from_millis(20);
        while !stop.load(Ordering::Relaxed) {
            let t = Instant::now();
            sim.with_engine(|_| ());
            let took = t.elapsed();
            let ms = us(t.duration_since(start)) / 1000;
            probe.lock.push((ms, us(took)));
            let t = Instant::now();
            std::thread::sleep(period);
            probe.late.push((ms, us(t.elapsed().saturating_sub(period))));
        }
        probe
    }

    /// The lock probe's samples: (ms after the start, µs).
    #[derive(Default)]
    struct Probe {
        /// Time to get the engine.
        lock: Vec<(u64, u64)>,
        /// Lateness of the probe thread's sleeps.
        late: Vec<(u64, u64)>,
    }

    /// `p50 … p99 … max …; longest at …` of (ms after the start, µs) samples, in ms.
    fn describe(samples: &[(u64, u64)]) -> String {
        #[allow(clippy::cast_precision_loss, reason = "durations for display")]
        let ms = |v: u64| v as f64 / 1000.0;
        let mut v: Vec<u64> = samples.iter().map(|p| p.1).collect();
        v.sort_unstable();
        let mut longest = samples.to_vec();
        longest.sort_unstable_by_key(|p| std::cmp::Reverse(p.1));
        format!(
            "p50 {:.2} p99 {:.2} max {:.2}; longest {}",
            ms(percentile(&v, 50.0)),
            ms(percentile(&v, 99.0)),
            ms(v.last().copied().unwrap_or(0)),
            longest
                .iter()
                .take(SLOWEST)
                .map(|(at, v)| format!("{:.1} s: {:.1}", ms(*at), ms(*v)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }

    fn signed_in(server: &Server) -> usize {
        server.sim.with_engine(|e| {
            e.agent_states().iter().filter(|(_, s)| *s != finesse_model::AgentState::Logout).count()
        })
    }

    fn kib_to_mib(k: u64) -> f64 {
        #[allow(clippy::cast_precision_loss, reason = "memory sizes")]
        let k = k as f64;
        k / 1024.0
    }

    /// Everything measured.
    #[derive(Default)]
    struct Report {
        idle: BTreeMap<String, String>,
        open: BTreeMap<String, String>,
        run: BTreeMap<String, String>,
        close: BTreeMap<String, String>,
        /// (server cores, client cores, wall seconds).
        idle_cpu: (f64, f64, f64),
        run_cpu: (f64, f64, f64),
        counters: (Counters, Counters),
        rss_start: u64,
        rss_idle_server: u64,
        rss_after_idle: u64,
        rss_before: u64,
        rss_after: u64,
        rss_peak: u64,
        rss_end: u64,
        rss_closed: u64,
        hwm: u64,
        signed_in_start: usize,
        signed_in_end: usize,
        invariants: Option<Result<(), String>>,
        server_age: Duration,
        /// (warnings, errors) the server logged.
        logged: (u64, u64),
        /// The lock probe's samples: (ms after the run's start, µs).
        lock_probe: Probe,
        /// The same on the idle server.
        idle_probe: Probe,
        /// RSS during the run: (s after the run's start, KiB).
        rss_series: Vec<(f64, u64)>,
        /// Cores busy on the whole machine during the run (every process).
        machine_cores: f64,
        /// `/proc/loadavg` at the end of the run.
        loadavg: String,
        /// The load generator's RSS before and after the sessions are up (KiB).
        client_rss: (u64, u64),
    }

    /// Least-squares slope of `(x, y)`.
    fn slope(points: &[(f64, f64)]) -> f64 {
        #[allow(clippy::cast_precision_loss, reason = "a count")]
        let n = points.len() as f64;
        if n < 2.0 {
            return 0.0;
        }
        let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
        let my = points.iter().map(|p| p.1).sum::<f64>() / n;
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
        if sxx > 0.0 { sxy / sxx } else { 0.0 }
    }

    /// A number from the child's `stat` lines (0 when absent).
    fn num(map: &BTreeMap<String, String>, key: &str) -> f64 {
        map.get(key).and_then(|v| v.parse().ok()).unwrap_or(0.0)
    }

    fn ratio(a: f64, b: f64) -> String {
        if b > 0.0 { format!("{:.2}x", a / b) } else { "-".to_owned() }
    }

    impl Report {
        #[allow(clippy::too_many_lines, reason = "one table")]
        fn print(&self, args: &Args, plan: &Plan) -> ExitCode {
            #[allow(clippy::cast_precision_loss, reason = "counts and sizes")]
            let f = |n: u64| n as f64;
            let wall = self.run_cpu.2;
            let (c0, c1) = self.counters;
            let per_s = |a: u64, b: u64| f(b.saturating_sub(a)) / wall.max(1e-9);
            let run = &self.run;
            let sessions = num(&self.open, "sessions.ok");
            let mib = kib_to_mib;
            let per_agent_kib = if sessions > 0.0 {
                f(self.rss_after.saturating_sub(self.rss_before)) / sessions
            } else {
                0.0
            };
            let client_errors = num(&self.close, "errors.total");
            let invariant_error = matches!(self.invariants, Some(Err(_)));
            let errors =
                client_errors + f(self.logged.0 + self.logged.1) + f(u64::from(invariant_error));

            println!();
            println!("== finesse-sim load benchmark: summary ==");
            let row = |k: &str, v: String| println!("{k:<34} {v}");
            row(
                "agents",
                format!(
                    "{} ({} simulated, {} supervisors, {} human agents; {} teams, {QUEUES} queues)",
                    plan.agents.len(),
                    plan.count(Role::Simulated),
                    plan.count(Role::Supervisor),
                    plan.count(Role::Human),
                    plan.teams
                ),
            );
            row(
                "signed in (engine)",
                format!(
                    "{} at the start of the run, {} at the end",
                    self.signed_in_start, self.signed_in_end
                ),
            );
            row(
                "notification sessions up",
                format!(
                    "{} of {} ({} WebSocket, {} BOSH), failed {}; opened in {:.1} s",
                    num(&self.open, "sessions.ok"),
                    plan.agents.len(),
                    num(&self.open, "sessions.ws"),
                    num(&self.open, "sessions.bosh"),
                    num(&self.open, "sessions.failed"),
                    num(&self.open, "open.seconds"),
                ),
            );
            row(
                "  login time ms p50 / p99 / max",
                format!(
                    "{:.1} / {:.1} / {:.1} ({} at a time)",
                    num(&self.open, "login.p50") / 1000.0,
                    num(&self.open, "login.p99") / 1000.0,
                    num(&self.open, "login.max") / 1000.0,
                    args.connect_concurrency
                ),
            );
            row(
                "  explicit subscriptions",
                format!(
                    "{} confirmed of {}; finesse presence received by {}",
                    num(&self.open, "subs.ok"),
                    num(&self.open, "subs.expected"),
                    num(&self.open, "presence"),
                ),
            );
            row(
                "run length",
                format!("{wall:.1} s (server up {:.0} s)", self.server_age.as_secs_f64()),
            );
            let arrived = per_s(c0.arrived, c1.arrived);
            row(
                "calls/s arrived",
                format!(
                    "{arrived:.2} (configured {:.2}: {})",
                    plan.calls_per_second,
                    ratio(arrived, plan.calls_per_second)
                ),
            );
            row(
                "calls/s routed / answered",
                format!(
                    "{:.2} / {:.2}",
                    per_s(c0.routed, c1.routed),
                    per_s(
                        c0.answered_by_simulated + c0.answered_by_api,
                        c1.answered_by_simulated + c1.answered_by_api
                    )
                ),
            );
            row(
                "calls/s completed / abandoned",
                format!(
                    "{:.2} / {:.2}; {} waited in queue, longest wait {:.1} s",
                    per_s(c0.completed, c1.completed),
                    per_s(c0.abandoned, c1.abandoned),
                    c1.queued - c0.queued,
                    f(u64::try_from(c1.longest_wait_ms).unwrap_or(0)) / 1000.0
                ),
            );
            let items = num(run, "items");
            row(
                "notification items received",
                format!(
                    "{items} ({:.1}/s) in {} frames/bodies, {:.1} MiB",
                    items / wall,
                    num(run, "frames"),
                    num(run, "bytes") / 1_048_576.0
                ),
            );
            row(
                "  by node",
                format!(
                    "User {} Dialogs {} Team {} Queue {} SystemInfo {} Media {} other {}",
                    num(run, "items.user"),
                    num(run, "items.dialogs"),
                    num(run, "items.team"),
                    num(run, "items.queue"),
                    num(run, "items.system"),
                    num(run, "items.media"),
                    num(run, "items.other"),
                ),
            );
            row(
                "  server pings answered",
                format!(
                    "{}; frames fully parsed (1 in {SAMPLE_EVERY}): {}",
                    num(run, "pings"),
                    num(run, "sampled")
                ),
            );
            row(
                "state change -> notification ms",
                format!(
                    "p50 {:.1} p99 {:.1} max {:.1} ({} changes, {} never notified)",
                    num(run, "notify.p50") / 1000.0,
                    num(run, "notify.p99") / 1000.0,
                    num(run, "notify.max") / 1000.0,
                    num(run, "notify.count"),
                    num(run, "notify.missing"),
                ),
            );
            println!();
            println!(
                "{:<34} {:>10} {:>10} {:>8}",
                "REST latency ms (send -> body)", "idle", "loaded", "ratio"
            );
            for (label, key) in [
                ("p50", "rest.lat.p50"),
                ("p90", "rest.lat.p90"),
                ("p99", "rest.lat.p99"),
                ("max", "rest.lat.max"),
                ("p99 from schedule", "rest.sched.p99"),
            ] {
                let a = num(&self.idle, key) / 1000.0;
                let b = num(run, key) / 1000.0;
                println!("{:<34} {a:>10.2} {b:>10.2} {:>8}", format!("  {label}"), ratio(b, a));
            }
            for kind in ["get_user", "get_dialogs", "get_team", "put_state"] {
                let key = format!("rest.kind.{kind}.p99");
                let a = num(&self.idle, &key) / 1000.0;
                let b = num(run, &key) / 1000.0;
                println!(
                    "{:<34} {a:>10.2} {b:>10.2} {:>8}",
                    format!("  p99 {kind} (n={})", num(run, &format!("rest.kind.{kind}.count"))),
                    ratio(b, a)
                );
            }
            println!(
                "{:<34} {:>10} {:>10}",
                "  requests (non-2xx, I/O errors)",
                format!(
                    "{} ({}, {})",
                    num(&self.idle, "rest.requests"),
                    num(&self.idle, "rest.non2xx"),
                    num(&self.idle, "rest.io")
                ),
                format!(
                    "{} ({}, {})",
                    num(run, "rest.requests"),
                    num(run, "rest.non2xx"),
                    num(run, "rest.io")
                ),
            );
            println!();
            row(
                "server RSS MiB",
                format!(
                    "start {:.1}, idle server {:.1}, after it {:.1}; loaded server before sessions {:.1}, after {:.1} ({}), peak {:.1}, end of run {:.1}, after close {:.1}; VmHWM {:.1}",
                    mib(self.rss_start),
                    mib(self.rss_idle_server),
                    mib(self.rss_after_idle),
                    mib(self.rss_before),
                    mib(self.rss_after),
                    ratio(f(self.rss_after), f(self.rss_before)),
                    mib(self.rss_peak),
                    mib(self.rss_end),
                    mib(self.rss_closed),
                    mib(self.hwm),
                ),
            );
            row(
                "server memory per agent",
                format!(
                    "{per_agent_kib:.1} KiB ((after - before) / sessions); at peak {:.1} KiB",
                    if sessions > 0.0 {
                        f(self.rss_peak.saturating_sub(self.rss_before)) / sessions
                    } else {
                        0.0
                    }
                ),
            );
            row(
                "load generator memory per session",
                format!(
                    "{:.1} KiB (its WebSocket read buffers are 4 KiB; RSS {:.1} -> {:.1} MiB)",
                    if sessions > 0.0 {
                        f(self.client_rss.1.saturating_sub(self.client_rss.0)) / sessions
                    } else {
                        0.0
                    },
                    mib(self.client_rss.0),
                    mib(self.client_rss.1),
                ),
            );
            row(
                "CPU (cores = CPU s / wall s)",
                format!(
                    "server {:.2} loaded vs {:.2} idle ({}); load generator {:.2} loaded, {:.2} idle",
                    self.run_cpu.0,
                    self.idle_cpu.0,
                    ratio(self.run_cpu.0, self.idle_cpu.0),
                    self.run_cpu.1,
                    self.idle_cpu.1,
                ),
            );
            row(
                "machine during the run",
                format!(
                    "{:.2} of {} cores busy (other processes {:.2}); load average {}",
                    self.machine_cores,
                    std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
                    (self.machine_cores - self.run_cpu.0 - self.run_cpu.1).max(0.0),
                    self.loadavg
                ),
            );
            let growth: Vec<(f64, f64)> =
                self.rss_series.iter().map(|&(t, k)| (t / 60.0, kib_to_mib(k))).collect();
            let half: Vec<(f64, f64)> =
                growth.iter().copied().filter(|p| p.0 * 60.0 >= wall / 2.0).collect();
            row(
                "server RSS growth during the run",
                format!(
                    "{:.2} MiB/min over the run, {:.2} MiB/min over its second half (least squares, 1 Hz)",
                    slope(&growth),
                    slope(&half)
                ),
            );
            row(
                "sessions closed cleanly",
                format!(
                    "{} (still open after close: {})",
                    num(&self.close, "closed.clean"),
                    num(&self.close, "live.after")
                ),
            );
            println!();
            println!("stalls (s after the start of the run)");
            row("  engine lock probe ms, idle", describe(&self.idle_probe.lock));
            row("  engine lock probe ms, loaded", describe(&self.lock_probe.lock));
            row("  server process timer lag ms", describe(&self.lock_probe.late));
            let list = |map: &BTreeMap<String, String>, prefix: &str| {
                (0..SLOWEST)
                    .filter_map(|k| map.get(&format!("{prefix}.{k}")).cloned())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            row(
                "  load generator timer lag ms",
                format!(
                    "p50 {:.2} p99 {:.2} max {:.2}; longest {}",
                    num(run, "lag.p50") / 1000.0,
                    num(run, "lag.p99") / 1000.0,
                    num(run, "lag.max") / 1000.0,
                    list(run, "lag.slow")
                ),
            );
            row("  slowest REST requests (loaded)", list(run, "rest.slow"));
            row(
                "  server pings arrived",
                run.get("pings.window")
                    .cloned()
                    .unwrap_or_else(|| "none during the run".to_owned()),
            );
            println!();
            let kinds: Vec<String> = self
                .close
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("error.").map(|k| format!("{k} {v}")))
                .collect();
            row(
                "ERRORS (goal: 0)",
                format!(
                    "{errors}: client-side {client_errors} [{}]; server log warnings {} errors {}; engine invariants {}",
                    if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") },
                    self.logged.0,
                    self.logged.1,
                    match &self.invariants {
                        Some(Ok(())) => "hold".to_owned(),
                        Some(Err(e)) => format!("BROKEN: {e}"),
                        None => "not checked".to_owned(),
                    }
                ),
            );
            if errors > 0.0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
    }
}

/// The child: notification sessions and the REST stream.
mod client {
    use super::*;
    use crate::plan::{Agent, Plan, Role, mix};
    use crate::util::{attr, base64, basic, excerpt, percentile};
    use finesse_model::{Update, decode};
    use finesse_xmpp::Element;
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
    use tokio::net::TcpStream;
    use tokio::sync::{Semaphore, mpsc, watch};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

    const HTTPBIND: &str = "http://jabber.org/protocol/httpbind";
    /// Longest time a login may take.
    const LOGIN_TIMEOUT: Duration = Duration::from_secs(30);
    /// BOSH `wait` asked for (the server grants at most 60 s).
    const BOSH_WAIT_S: u64 = 60;

    type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

    pub(crate) fn main(args: &Args) -> anyhow::Result<ExitCode> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (tx, rx) = mpsc::unbounded_channel::<String>();
        std::thread::spawn(move || {
            for line in std::io::stdin().lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rt.block_on(run(args.clone(), rx))?;
        Ok(ExitCode::SUCCESS)
    }

    /// A `stat` line for the parent.
    fn stat(name: &str, value: impl std::fmt::Display) {
        println!("stat {name} {value}");
    }

    /// Counters of the sessions (cumulative; phases report differences).
    #[derive(Default)]
    struct Stats {
        frames: AtomicU64,
        bytes: AtomicU64,
        items: AtomicU64,
        items_user: AtomicU64,
        items_dialogs: AtomicU64,
        items_team: AtomicU64,
        items_queue: AtomicU64,
        items_system: AtomicU64,
        items_media: AtomicU64,
        items_other: AtomicU64,
        pings: AtomicU64,
        sampled: AtomicU64,
        presence: AtomicU64,
        subs_ok: AtomicU64,
        subs_expected: AtomicU64,
        ws_up: AtomicU64,
        bosh_up: AtomicU64,
        live: AtomicU64,
        closed_clean: AtomicU64,
    }

    impl Stats {
        fn snapshot(&self) -> Vec<(&'static str, u64)> {
            let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
            vec![
                ("frames", g(&self.frames)),
                ("bytes", g(&self.bytes)),
                ("items", g(&self.items)),
                ("items.user", g(&self.items_user)),
                ("items.dialogs", g(&self.items_dialogs)),
                ("items.team", g(&self.items_team)),
                ("items.queue", g(&self.items_queue)),
                ("items.system", g(&self.items_system)),
                ("items.media", g(&self.items_media)),
                ("items.other", g(&self.items_other)),
                ("pings", g(&self.pings)),
                ("sampled", g(&self.sampled)),
            ]
        }
    }

    fn inc(a: &AtomicU64) {
        a.fetch_add(1, Ordering::Relaxed);
    }

    /// Errors by kind, with the first few printed as they happen.
    #[derive(Default)]
    struct Errors {
        by_kind: Mutex<BTreeMap<&'static str, u64>>,
        shown: AtomicU64,
    }

    impl Errors {
        fn record(&self, kind: &'static str, detail: &str) {
            *lock(&self.by_kind).entry(kind).or_default() += 1;
            if self.shown.fetch_add(1, Ordering::Relaxed) < 40 {
                eprintln!("  client error [{kind}] {}", excerpt(detail, 400));
            }
        }

        fn emit(&self) {
            let map = lock(&self.by_kind);
            stat("errors.total", map.values().sum::<u64>());
            for (k, v) in map.iter() {
                stat(&format!("error.{k}"), v);
            }
        }
    }

    /// Everything the sessions and the REST stream share.
    struct Ctx {
        plan: Plan,
        args: Args,
        stats: Stats,
        errors: Errors,
        /// State changes sent and not yet seen in a notification: requestId → sent at.
        pending: Mutex<HashMap<String, Instant>>,
        /// Whether sessions are up to see those notifications.
        track_notifications: AtomicBool,
        /// Latencies (µs) from a state change's request to its first notification.
        notify_lat: Mutex<Vec<u64>>,
        /// When the server's pings arrived.
        ping_times: Mutex<Vec<Instant>>,
    }

    /// Where the server is.
    struct Base {
        addr: SocketAddr,
        host: String,
        ws_url: String,
    }

    impl Base {
        fn new(url: &str) -> anyhow::Result<Self> {
            let host = url.strip_prefix("http://").ok_or_else(|| anyhow!("not http: {url}"))?;
            let addr: SocketAddr = host.parse().with_context(|| format!("address of {url}"))?;
            Ok(Self { addr, host: host.to_owned(), ws_url: format!("ws://{host}/ws") })
        }
    }

    async fn run(args: Args, mut commands: mpsc::UnboundedReceiver<String>) -> anyhow::Result<()> {
        let ctx = Arc::new(Ctx {
            plan: Plan::new(&args),
            args,
            stats: Stats::default(),
            errors: Errors::default(),
            pending: Mutex::new(HashMap::new()),
            track_notifications: AtomicBool::new(false),
            notify_lat: Mutex::new(Vec::new()),
            ping_times: Mutex::new(Vec::new()),
        });
        let (shutdown_tx, shutdown) = watch::channel(false);
        let mut rest: Option<Arc<Rest>> = None;
        while let Some(line) = commands.recv().await {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["idle", url, secs] => {
                    let r = Arc::new(Rest::new(&ctx, Base::new(url)?));
                    r.sign_in_humans(&ctx).await;
                    let stats = rest_phase(&ctx, &r, secs.parse()?, false).await;
                    stats.emit("rest");
                    ctx.errors.emit();
                    println!("ok idle");
                }
                ["open", url] => {
                    let base = Arc::new(Base::new(url)?);
                    let r = Arc::new(Rest::new(&ctx, Base::new(url)?));
                    r.sign_in_humans(&ctx).await;
                    rest = Some(r);
                    open(&ctx, base, &shutdown).await;
                    ctx.track_notifications.store(true, Ordering::Relaxed);
                    ctx.errors.emit();
                    println!("ok open");
                }
                ["run", secs] => {
                    let r = rest.clone().ok_or_else(|| anyhow!("run before open"))?;
                    let before = ctx.stats.snapshot();
                    let start = Instant::now();
                    let stop = Arc::new(AtomicBool::new(false));
                    let probe = tokio::spawn(lag_probe(stop.clone()));
                    let stats = rest_phase(&ctx, &r, secs.parse()?, true).await;
                    stop.store(true, Ordering::Relaxed);
                    emit_lags(probe.await.unwrap_or_default());
                    let pings: Vec<u64> = lock(&ctx.ping_times)
                        .iter()
                        .filter(|t| **t >= start)
                        .map(|t| micros(*t - start) / 1000)
                        .collect();
                    if let (Some(first), Some(last)) = (pings.iter().min(), pings.iter().max()) {
                        stat(
                            "pings.window",
                            format!("{:.1}-{:.1} s", ms_to_s(*first), ms_to_s(*last)),
                        );
                    }
                    let after = ctx.stats.snapshot();
                    for ((name, a), (_, b)) in before.iter().zip(&after) {
                        stat(name, b - a);
                    }
                    stats.emit("rest");
                    notifications(&ctx).await;
                    ctx.errors.emit();
                    println!("ok run");
                }
                ["close"] => {
                    let _ = shutdown_tx.send(true);
                    let deadline = Instant::now() + Duration::from_secs(30);
                    while ctx.stats.live.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    stat("closed.clean", ctx.stats.closed_clean.load(Ordering::Relaxed));
                    stat("live.after", ctx.stats.live.load(Ordering::Relaxed));
                    ctx.errors.emit();
                    println!("ok close");
                    return Ok(());
                }
                _ => bail!("unknown command `{line}`"),
            }
        }
        Ok(())
    }

    /// Reports the state-change notification latencies of the phase; those never notified
    /// (after 5 s more) are errors.
    async fn notifications(ctx: &Ctx) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !lock(&ctx.pending).is_empty() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let missing: Vec<String> = lock(&ctx.pending).drain().map(|(k, _)| k).collect();
        for id in &missing {
            ctx.errors
                .record("notification_missing", &format!("no notification carried requestId {id}"));
        }
        let mut lat = std::mem::take(&mut *lock(&ctx.notify_lat));
        lat.sort_unstable();
        stat("notify.count", lat.len());
        stat("notify.p50", percentile(&lat, 50.0));
        stat("notify.p99", percentile(&lat, 99.0));
        stat("notify.max", lat.last().copied().unwrap_or(0));
        stat("notify.missing", missing.len());
    }

    // ----- HTTP/1.1 ---------------------------------------------------------------------

    /// A keep-alive HTTP/1.1 connection: one request at a time, `Content-Length` or chunked
    /// responses.
    struct HttpConn {
        io: BufReader<TcpStream>,
    }

    struct HttpResponse {
        status: u16,
        body: Vec<u8>,
    }

    fn bad(msg: &str) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, msg.to_owned())
    }

    impl HttpConn {
        async fn connect(addr: SocketAddr) -> std::io::Result<Self> {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok(Self { io: BufReader::with_capacity(4096, stream) })
        }

        async fn send_request(
            &mut self,
            method: &str,
            path: &str,
            host: &str,
            headers: &str,
            body: &[u8],
        ) -> std::io::Result<()> {
            let mut head = format!(
                "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\n{headers}\r\n",
                body.len()
            )
            .into_bytes();
            head.extend_from_slice(body);
            self.io.get_mut().write_all(&head).await
        }

        async fn line(&mut self, line: &mut String) -> std::io::Result<()> {
            line.clear();
            if self.io.read_line(line).await? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "connection closed by the server",
                ));
            }
            Ok(())
        }

        async fn read_response(&mut self) -> std::io::Result<HttpResponse> {
            let mut line = String::new();
            self.line(&mut line).await?;
            let status: u16 = line
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("bad status line"))?;
            let mut length = None;
            let mut chunked = false;
            loop {
                self.line(&mut line).await?;
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                if let Some((k, v)) = l.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = Some(v.trim().parse::<usize>().map_err(|_| bad("length"))?);
                    } else if k.eq_ignore_ascii_case("transfer-encoding") {
                        chunked = v.to_ascii_lowercase().contains("chunked");
                    }
                }
            }
            let mut body = Vec::new();
            if chunked {
                loop {
                    self.line(&mut line).await?;
                    let size = line.trim().split(';').next().unwrap_or("");
                    let size = usize::from_str_radix(size, 16).map_err(|_| bad("chunk size"))?;
                    if size == 0 {
                        loop {
                            self.line(&mut line).await?;
                            if line.trim_end().is_empty() {
                                break;
                            }
                        }
                        break;
                    }
                    let start = body.len();
                    body.resize(start + size, 0);
                    self.io.read_exact(&mut body[start..]).await?;
                    self.line(&mut line).await?;
                }
            } else if let Some(n) = length {
                body.resize(n, 0);
                self.io.read_exact(&mut body).await?;
            } else if !(status < 200 || status == 204 || status == 304) {
                return Err(bad("a response without length"));
            }
            Ok(HttpResponse { status, body })
        }
    }

    // ----- REST -------------------------------------------------------------------------

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Kind {
        GetUser,
        GetDialogs,
        GetTeam,
        PutState,
    }

    impl Kind {
        const ALL: [Self; 4] = [Self::GetUser, Self::GetDialogs, Self::GetTeam, Self::PutState];

        fn name(self) -> &'static str {
            match self {
                Self::GetUser => "get_user",
                Self::GetDialogs => "get_dialogs",
                Self::GetTeam => "get_team",
                Self::PutState => "put_state",
            }
        }
    }

    struct Req {
        kind: Kind,
        method: &'static str,
        path: String,
        auth: String,
        body: String,
        request_id: Option<String>,
        expect: u16,
        /// A human agent's state change: (index in `Rest::humans`, READY after it).
        human: Option<(usize, bool)>,
    }

    #[derive(Clone, Copy, Default)]
    struct Human {
        ready: bool,
        busy: bool,
    }

    /// The REST client of one server: a pool of keep-alive connections and the human agents'
    /// states.
    struct Rest {
        base: Base,
        pool: Mutex<Vec<HttpConn>>,
        human_ids: Vec<usize>,
        humans: Mutex<Vec<Human>>,
        next_request: AtomicU64,
    }

    /// One phase's REST measurements.
    struct RestStats {
        /// When the phase started.
        start: Instant,
        samples: Mutex<Vec<Sample>>,
        non2xx: AtomicU64,
        io: AtomicU64,
        reconnects: AtomicU64,
        inflight: AtomicU64,
    }

    /// One answered request.
    #[derive(Clone, Copy)]
    struct Sample {
        kind: Kind,
        /// µs from sending the request to having the whole body.
        send: u64,
        /// µs from when it was scheduled to having the whole body.
        sched: u64,
        /// When it was scheduled, ms after the start of the phase.
        at: u64,
    }

    impl Default for RestStats {
        fn default() -> Self {
            Self {
                start: Instant::now(),
                samples: Mutex::new(Vec::new()),
                non2xx: AtomicU64::new(0),
                io: AtomicU64::new(0),
                reconnects: AtomicU64::new(0),
                inflight: AtomicU64::new(0),
            }
        }
    }

    impl RestStats {
        fn emit(&self, prefix: &str) {
            let samples = lock(&self.samples);
            let sorted = |f: &dyn Fn(&Sample) -> Option<u64>| {
                let mut v: Vec<u64> = samples.iter().filter_map(f).collect();
                v.sort_unstable();
                v
            };
            let send = sorted(&|s| Some(s.send));
            let sched = sorted(&|s| Some(s.sched));
            stat(&format!("{prefix}.requests"), samples.len());
            stat(&format!("{prefix}.non2xx"), self.non2xx.load(Ordering::Relaxed));
            stat(&format!("{prefix}.io"), self.io.load(Ordering::Relaxed));
            stat(&format!("{prefix}.reconnects"), self.reconnects.load(Ordering::Relaxed));
            for p in [50, 90, 99] {
                stat(&format!("{prefix}.lat.p{p}"), percentile(&send, f64::from(p)));
            }
            stat(&format!("{prefix}.lat.max"), send.last().copied().unwrap_or(0));
            stat(&format!("{prefix}.sched.p99"), percentile(&sched, 99.0));
            for kind in Kind::ALL {
                let v = sorted(&|s| (s.kind == kind).then_some(s.send));
                stat(&format!("{prefix}.kind.{}.count", kind.name()), v.len());
                stat(&format!("{prefix}.kind.{}.p99", kind.name()), percentile(&v, 99.0));
            }
            // The slowest requests, with when they were sent (to line up with the server's
            // stalls).
            let mut slow: Vec<Sample> = samples.clone();
            slow.sort_unstable_by_key(|s| std::cmp::Reverse(s.send));
            for (k, s) in slow.iter().take(SLOWEST).enumerate() {
                stat(
                    &format!("{prefix}.slow.{k}"),
                    format!(
                        "at {:.1} s: {} {:.1} ms",
                        ms_to_s(s.at),
                        s.kind.name(),
                        us_to_ms(s.send)
                    ),
                );
            }
        }
    }

    #[allow(clippy::cast_precision_loss, reason = "durations for display")]
    fn ms_to_s(ms: u64) -> f64 {
        ms as f64 / 1000.0
    }

    #[allow(clippy::cast_precision_loss, reason = "durations for display")]
    fn us_to_ms(us: u64) -> f64 {
        us as f64 / 1000.0
    }

    /// Measures how late this thread's timers fire (every 5 ms) until `stop`: the load
    /// generator's own stalls, which would inflate what it measures. Returns (ms after the
    /// start, µs late).
    async fn lag_probe(stop: Arc<AtomicBool>) -> Vec<(u64, u64)> {
        let start = Instant::now();
        let period = Duration::from_millis(5);
        let mut lags = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            let t = Instant::now();
            tokio::time::sleep(period).await;
            let late = t.elapsed().saturating_sub(period);
            lags.push((micros(t - start) / 1000, micros(late)));
        }
        lags
    }

    fn emit_lags(mut lags: Vec<(u64, u64)>) {
        let mut v: Vec<u64> = lags.iter().map(|l| l.1).collect();
        v.sort_unstable();
        stat("lag.p50", percentile(&v, 50.0));
        stat("lag.p99", percentile(&v, 99.0));
        stat("lag.max", v.last().copied().unwrap_or(0));
        lags.sort_unstable_by_key(|l| std::cmp::Reverse(l.1));
        for (k, (at, late)) in lags.iter().take(SLOWEST).enumerate() {
            stat(
                &format!("lag.slow.{k}"),
                format!("at {:.1} s: {:.1} ms", ms_to_s(*at), us_to_ms(*late)),
            );
        }
    }

    fn micros(d: Duration) -> u64 {
        u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
    }

    /// xorshift64.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn below(state: &mut u64, n: usize) -> usize {
        usize::try_from(next(state) % (n.max(1) as u64)).unwrap_or(0)
    }

    impl Rest {
        fn new(ctx: &Ctx, base: Base) -> Self {
            let human_ids = ctx.plan.humans();
            let humans = Mutex::new(vec![Human::default(); human_ids.len()]);
            Self {
                base,
                pool: Mutex::new(Vec::new()),
                human_ids,
                humans,
                next_request: AtomicU64::new(1),
            }
        }

        /// Sends a request on a pooled connection (a new one when none is free); a reused
        /// connection the server closed meanwhile is replaced once.
        async fn call(&self, req: &Req, stats: &RestStats) -> std::io::Result<HttpResponse> {
            let mut headers = format!("Authorization: {}\r\n", req.auth);
            if !req.body.is_empty() {
                headers.push_str("Content-Type: application/xml\r\n");
            }
            if let Some(id) = &req.request_id {
                let _ = write!(headers, "requestId: {id}\r\n");
            }
            let mut attempt = 0;
            loop {
                attempt += 1;
                let pooled = lock(&self.pool).pop();
                let reused = pooled.is_some();
                let mut conn = match pooled {
                    Some(c) => c,
                    None => HttpConn::connect(self.base.addr).await?,
                };
                let sent = conn
                    .send_request(
                        req.method,
                        &req.path,
                        &self.base.host,
                        &headers,
                        req.body.as_bytes(),
                    )
                    .await;
                let result = match sent {
                    Ok(()) => conn.read_response().await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(resp) => {
                        lock(&self.pool).push(conn);
                        return Ok(resp);
                    }
                    Err(_) if reused && attempt == 1 => {
                        stats.reconnects.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => return Err(e),
                }
            }
        }

        /// Signs every supervisor and human agent in (they start NOT_READY).
        async fn sign_in_humans(&self, ctx: &Ctx) {
            let stats = RestStats::default();
            for &i in &self.human_ids {
                let a = &ctx.plan.agents[i];
                let req = Req {
                    kind: Kind::PutState,
                    method: "PUT",
                    path: format!("/finesse/api/User/{}", a.id),
                    auth: basic(&a.id, &a.password),
                    body: format!(
                        "<User><state>LOGIN</state><extension>{}</extension></User>",
                        a.extension
                    ),
                    request_id: None,
                    expect: 202,
                    human: None,
                };
                match self.call(&req, &stats).await {
                    Ok(r) if r.status == 202 => {}
                    Ok(r) => ctx.errors.record(
                        "http_status",
                        &format!(
                            "sign-in of {}: {} {}",
                            a.id,
                            r.status,
                            String::from_utf8_lossy(&r.body)
                        ),
                    ),
                    Err(e) => ctx.errors.record("http_io", &format!("sign-in of {}: {e}", a.id)),
                }
            }
        }

        /// The next request of the mix: 40% GET User, 30% GET Dialogs, 10% GET Team (as its
        /// supervisor), 20% a state change of a human agent (READY / NOT_READY with a reason
        /// code) with a requestId, alternating per agent.
        fn choose(&self, ctx: &Ctx, rng: &mut u64) -> Req {
            let agents = &ctx.plan.agents;
            let r = next(rng) % 100;
            if r >= 80 {
                let mut humans = lock(&self.humans);
                let n = humans.len();
                let start = below(rng, n);
                for k in 0..n {
                    let h = (start + k) % n;
                    if humans[h].busy {
                        continue;
                    }
                    humans[h].busy = true;
                    let ready = !humans[h].ready;
                    let a = &agents[self.human_ids[h]];
                    let id = format!("load-{}", self.next_request.fetch_add(1, Ordering::Relaxed));
                    let body = if ready {
                        "<User><state>READY</state></User>".to_owned()
                    } else {
                        "<User><state>NOT_READY</state><reasonCodeId>1</reasonCodeId></User>"
                            .to_owned()
                    };
                    return Req {
                        kind: Kind::PutState,
                        method: "PUT",
                        path: format!("/finesse/api/User/{}", a.id),
                        auth: basic(&a.id, &a.password),
                        body,
                        request_id: Some(id),
                        expect: 202,
                        human: Some((h, ready)),
                    };
                }
            }
            let get = |kind: Kind, a: &Agent, path: String| Req {
                kind,
                method: "GET",
                path,
                auth: basic(&a.id, &a.password),
                body: String::new(),
                request_id: None,
                expect: 200,
                human: None,
            };
            let a = &agents[below(rng, agents.len())];
            if (40..70).contains(&r) {
                return get(Kind::GetDialogs, a, format!("/finesse/api/User/{}/Dialogs", a.id));
            }
            if (70..80).contains(&r) {
                let t = below(rng, ctx.plan.teams);
                if let Some(s) = ctx.plan.supervisor(t) {
                    return get(Kind::GetTeam, s, format!("/finesse/api/Team/{}", t + 1));
                }
            }
            get(Kind::GetUser, a, format!("/finesse/api/User/{}", a.id))
        }
    }

    async fn one(
        ctx: Arc<Ctx>,
        rest: Arc<Rest>,
        stats: Arc<RestStats>,
        req: Req,
        scheduled: Instant,
    ) {
        let sent = Instant::now();
        let track =
            req.request_id.clone().filter(|_| ctx.track_notifications.load(Ordering::Relaxed));
        if let Some(id) = &track {
            lock(&ctx.pending).insert(id.clone(), sent);
        }
        let result = rest.call(&req, &stats).await;
        let done = Instant::now();
        let ok = match result {
            Ok(resp) => {
                lock(&stats.samples).push(Sample {
                    kind: req.kind,
                    send: micros(done - sent),
                    sched: micros(done - scheduled),
                    at: micros(scheduled.saturating_duration_since(stats.start)) / 1000,
                });
                if resp.status == req.expect {
                    true
                } else {
                    stats.non2xx.fetch_add(1, Ordering::Relaxed);
                    ctx.errors.record(
                        "http_status",
                        &format!(
                            "{} {} -> {}: {}",
                            req.method,
                            req.path,
                            resp.status,
                            String::from_utf8_lossy(&resp.body)
                        ),
                    );
                    false
                }
            }
            Err(e) => {
                stats.io.fetch_add(1, Ordering::Relaxed);
                ctx.errors.record("http_io", &format!("{} {}: {e}", req.method, req.path));
                false
            }
        };
        if !ok && let Some(id) = &track {
            lock(&ctx.pending).remove(id);
        }
        if let Some((h, ready)) = req.human {
            let mut humans = lock(&rest.humans);
            if ok {
                humans[h].ready = ready;
            }
            humans[h].busy = false;
        }
        stats.inflight.fetch_sub(1, Ordering::Relaxed);
    }

    /// Sends the REST mix at `rest_rps` for `secs` (open loop: on schedule, whatever the
    /// latency), then waits for the requests in flight.
    async fn rest_phase(
        ctx: &Arc<Ctx>,
        rest: &Arc<Rest>,
        secs: u64,
        progress: bool,
    ) -> Arc<RestStats> {
        let stats = Arc::new(RestStats::default());
        let period = Duration::from_secs_f64(1.0 / ctx.args.rest_rps.max(0.001));
        let start = tokio::time::Instant::now();
        let end = start + Duration::from_secs(secs);
        let mut interval = tokio::time::interval_at(start, period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut rng = mix(ctx.args.seed) | 1;
        let mut next_progress = start + Duration::from_secs(10);
        let mut last_items = ctx.stats.items.load(Ordering::Relaxed);
        loop {
            let at = interval.tick().await;
            if at >= end {
                break;
            }
            if progress && at >= next_progress {
                next_progress += Duration::from_secs(10);
                let items = ctx.stats.items.load(Ordering::Relaxed);
                let errors: u64 = lock(&ctx.errors.by_kind).values().sum();
                let mut lat: Vec<u64> = lock(&stats.samples).iter().map(|s| s.send).collect();
                lat.sort_unstable();
                println!(
                    "t={:>4.0}s items +{} ({:.0}/s) sessions live {} REST {} p99 {:.1} ms errors {errors}",
                    at.duration_since(start).as_secs_f64(),
                    items - last_items,
                    f64::from(u32::try_from(items - last_items).unwrap_or(u32::MAX)) / 10.0,
                    ctx.stats.live.load(Ordering::Relaxed),
                    lat.len(),
                    f64::from(u32::try_from(percentile(&lat, 99.0)).unwrap_or(u32::MAX)) / 1000.0,
                );
                last_items = items;
            }
            let req = rest.choose(ctx, &mut rng);
            stats.inflight.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(one(ctx.clone(), rest.clone(), stats.clone(), req, at.into_std()));
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while stats.inflight.load(Ordering::Relaxed) > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stats
    }

    // ----- notification sessions ----------------------------------------------------------

    /// Opens every agent's session, `connect_concurrency` logging in at a time, and waits for
    /// their explicit subscriptions and the `finesse` presence.
    async fn open(ctx: &Arc<Ctx>, base: Arc<Base>, shutdown: &watch::Receiver<bool>) {
        let n = ctx.plan.agents.len();
        let sem = Arc::new(Semaphore::new(ctx.args.connect_concurrency.max(1)));
        let (tx, mut rx) = mpsc::unbounded_channel::<Option<u64>>();
        let t0 = Instant::now();
        for i in 0..n {
            tokio::spawn(session(
                ctx.clone(),
                base.clone(),
                i,
                sem.clone(),
                tx.clone(),
                shutdown.clone(),
            ));
        }
        drop(tx);
        let mut logins = Vec::new();
        let mut failed = 0;
        while let Some(r) = rx.recv().await {
            match r {
                Some(us) => logins.push(us),
                None => failed += 1,
            }
        }
        let open_s = t0.elapsed().as_secs_f64();
        let ok = logins.len() as u64;
        let deadline = Instant::now() + Duration::from_secs(20);
        let s = &ctx.stats;
        while (s.subs_ok.load(Ordering::Relaxed) < s.subs_expected.load(Ordering::Relaxed)
            || s.presence.load(Ordering::Relaxed) < ok)
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        logins.sort_unstable();
        stat("sessions.ok", ok);
        stat("sessions.failed", failed);
        stat("sessions.ws", s.ws_up.load(Ordering::Relaxed));
        stat("sessions.bosh", s.bosh_up.load(Ordering::Relaxed));
        stat("open.seconds", format!("{open_s:.2}"));
        stat("login.p50", percentile(&logins, 50.0));
        stat("login.p99", percentile(&logins, 99.0));
        stat("login.max", logins.last().copied().unwrap_or(0));
        stat("subs.ok", s.subs_ok.load(Ordering::Relaxed));
        stat("subs.expected", s.subs_expected.load(Ordering::Relaxed));
        stat("presence", s.presence.load(Ordering::Relaxed));
    }

    /// One agent's session: login (reported on `logins`: µs, or `None`), then receiving until
    /// `shutdown`, then a clean close.
    async fn session(
        ctx: Arc<Ctx>,
        base: Arc<Base>,
        i: usize,
        sem: Arc<Semaphore>,
        logins: mpsc::UnboundedSender<Option<u64>>,
        shutdown: watch::Receiver<bool>,
    ) {
        let agent = &ctx.plan.agents[i];
        let Ok(permit) = sem.clone().acquire_owned().await else { return };
        let t = Instant::now();
        if agent.bosh {
            let result = tokio::time::timeout(LOGIN_TIMEOUT, Bosh::login(base, agent)).await;
            drop(permit);
            match result {
                Ok(Ok(b)) => {
                    let _ = logins.send(Some(micros(t.elapsed())));
                    drop(logins);
                    inc(&ctx.stats.bosh_up);
                    up(&ctx, agent);
                    b.run(&ctx, i, shutdown, &sem).await;
                    ctx.stats.live.fetch_sub(1, Ordering::Relaxed);
                }
                Ok(Err(e)) => login_failed(&ctx, agent, &e, &logins),
                Err(_) => login_failed(&ctx, agent, "timed out", &logins),
            }
        } else {
            let result = tokio::time::timeout(LOGIN_TIMEOUT, ws_login(&base, agent)).await;
            drop(permit);
            match result {
                Ok(Ok(ws)) => {
                    let _ = logins.send(Some(micros(t.elapsed())));
                    drop(logins);
                    inc(&ctx.stats.ws_up);
                    up(&ctx, agent);
                    ws_run(ws, &ctx, i, shutdown, &sem).await;
                    ctx.stats.live.fetch_sub(1, Ordering::Relaxed);
                }
                Ok(Err(e)) => login_failed(&ctx, agent, &e, &logins),
                Err(_) => login_failed(&ctx, agent, "timed out", &logins),
            }
        }
    }

    fn up(ctx: &Ctx, agent: &Agent) {
        inc(&ctx.stats.live);
        ctx.stats.subs_expected.fetch_add(agent.explicit_nodes().len() as u64, Ordering::Relaxed);
    }

    fn login_failed(
        ctx: &Ctx,
        agent: &Agent,
        e: &str,
        logins: &mpsc::UnboundedSender<Option<u64>>,
    ) {
        let transport = if agent.bosh { "BOSH" } else { "WebSocket" };
        ctx.errors.record("login", &format!("{} over {transport}: {e}", agent.id));
        let _ = logins.send(None);
    }

    fn auth(agent: &Agent) -> String {
        format!(
            "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"PLAIN\">{}</auth>",
            base64(format!("\0{}\0{}", agent.id, agent.password).as_bytes())
        )
    }

    fn bind() -> String {
        format!(
            "<iq type=\"set\" id=\"bind-1\" xmlns=\"jabber:client\"><bind \
             xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"><resource>{RESOURCE}</resource></bind></iq>"
        )
    }

    /// Initial presence and the explicit subscriptions (full JID, as the guide asks).
    fn after_bind(agent: &Agent) -> String {
        let mut out = "<presence xmlns=\"jabber:client\"/>".to_owned();
        for (k, node) in agent.explicit_nodes().iter().enumerate() {
            let _ = write!(
                out,
                "<iq type=\"set\" id=\"sub-{k}\" to=\"pubsub.{DOMAIN}\" xmlns=\"jabber:client\">\
                 <pubsub xmlns=\"http://jabber.org/protocol/pubsub\"><subscribe node=\"{node}\" \
                 jid=\"{}@{DOMAIN}/{RESOURCE}\"/></pubsub></iq>",
                agent.id
            );
        }
        out
    }

    fn pong(id: &str) -> String {
        format!("<iq type=\"result\" id=\"{id}\" to=\"{DOMAIN}\" xmlns=\"jabber:client\"/>")
    }

    /// What a frame or body held that needs an answer or ends the session.
    #[derive(Default)]
    struct Found {
        pings: Vec<String>,
        fatal: Option<(&'static str, String)>,
    }

    /// Counts what a WebSocket frame or a BOSH body carries, by substring: items (by node),
    /// the server's pings, IQ results and errors, the `finesse` presence, stream errors; one
    /// in [`SAMPLE_EVERY`] is parsed fully and its `<Update>`s decoded.
    fn scan(ctx: &Ctx, text: &str, human: bool, ws: bool, who: &str) -> Found {
        let s = &ctx.stats;
        let n = s.frames.fetch_add(1, Ordering::Relaxed) + 1;
        s.bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
        let mut found = Found::default();
        s.items.fetch_add(text.matches("<item ").count() as u64, Ordering::Relaxed);
        for (pos, _) in text.match_indices("<items ") {
            let node = attr(&text[pos..], "node").unwrap_or("");
            let counter = if node.ends_with("/Dialogs") {
                &s.items_dialogs
            } else if node.ends_with("/Media") {
                &s.items_media
            } else if node.starts_with("/finesse/api/Team/") {
                &s.items_team
            } else if node.starts_with("/finesse/api/Queue/") {
                &s.items_queue
            } else if node == "/finesse/api/SystemInfo" {
                &s.items_system
            } else if node.strip_prefix("/finesse/api/User/").is_some_and(|r| !r.contains('/')) {
                &s.items_user
            } else {
                &s.items_other
            };
            inc(counter);
        }
        for (pos, _) in text.match_indices("<iq ") {
            let tag = &text[pos..];
            match attr(tag, "type") {
                Some("get")
                    if tag[..tag.find("</iq>").unwrap_or(tag.len())].contains("urn:xmpp:ping") =>
                {
                    if let Some(id) = attr(tag, "id") {
                        inc(&s.pings);
                        lock(&ctx.ping_times).push(Instant::now());
                        found.pings.push(id.to_owned());
                    }
                }
                Some("result") if attr(tag, "id").is_some_and(|id| id.starts_with("sub-")) => {
                    inc(&s.subs_ok);
                }
                Some("error") => {
                    ctx.errors.record("iq_error", &format!("{who}: {}", excerpt(tag, 400)))
                }
                _ => {}
            }
        }
        for (pos, _) in text.match_indices("<presence") {
            let tag = &text[pos..];
            if attr(tag, "from").is_some_and(|f| f.starts_with("finesse@")) {
                if attr(tag, "type") == Some("unavailable") {
                    ctx.errors
                        .record("presence_unavailable", &format!("{who}: {}", excerpt(tag, 200)));
                } else {
                    inc(&s.presence);
                }
            }
        }
        if text.contains("subscription=\"none\"") {
            ctx.errors.record("subscription_revoked", &format!("{who}: {}", excerpt(text, 400)));
        }
        if let Some(pos) = text.find("<stream:error") {
            found.fatal = Some(("stream_error", format!("{who}: {}", excerpt(&text[pos..], 400))));
        } else if ws && text.starts_with("<close") {
            found.fatal = Some(("ws_closed", format!("{who}: the server closed the stream")));
        }
        if human {
            for (pos, _) in text.match_indices("requestId&gt;") {
                let rest = &text[pos + "requestId&gt;".len()..];
                let Some(end) = rest.find("&lt;") else { continue };
                let id = &rest[..end];
                if id.is_empty() {
                    continue;
                }
                let sent = lock(&ctx.pending).remove(id);
                if let Some(sent) = sent {
                    lock(&ctx.notify_lat).push(micros(sent.elapsed()));
                }
            }
        }
        if n.is_multiple_of(SAMPLE_EVERY) {
            check(ctx, text, who);
        }
        found
    }

    /// Parses a frame or body fully and decodes every `<Update>` in it.
    fn check(ctx: &Ctx, text: &str, who: &str) {
        inc(&ctx.stats.sampled);
        let root = match Element::parse(text) {
            Ok(root) => root,
            Err(e) => {
                ctx.errors.record("malformed", &format!("{who}: {e}: {}", excerpt(text, 300)));
                return;
            }
        };
        let mut stack = vec![&root];
        while let Some(el) = stack.pop() {
            if el.name == "notification" {
                if let Err(e) = decode::<Update>(&el.text()) {
                    ctx.errors.record(
                        "malformed",
                        &format!("{who}: an item is no Update ({e}): {}", excerpt(&el.text(), 300)),
                    );
                }
            } else {
                stack.extend(el.elements());
            }
        }
    }

    // ----- WebSocket ----------------------------------------------------------------------

    async fn send(ws: &mut Ws, text: String) -> Result<(), String> {
        ws.send(Message::Text(text.into())).await.map_err(|e| format!("send: {e}"))
    }

    async fn next_text(ws: &mut Ws) -> Result<String, String> {
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(t))) => return Ok(t.as_str().to_owned()),
                Some(Ok(Message::Close(c))) => return Err(format!("closed: {c:?}")),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(format!("receive: {e}")),
                None => return Err("end of stream".to_owned()),
            }
        }
    }

    async fn expect(ws: &mut Ws, prefix: &str, contains: &str) -> Result<String, String> {
        let t = next_text(ws).await?;
        if t.starts_with(prefix) && t.contains(contains) {
            Ok(t)
        } else {
            Err(format!("expected {prefix}…{contains}, got {}", excerpt(&t, 300)))
        }
    }

    async fn ws_login(base: &Base, agent: &Agent) -> Result<Ws, String> {
        let mut request =
            base.ws_url.as_str().into_client_request().map_err(|e| format!("request: {e}"))?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            tokio_tungstenite::tungstenite::http::HeaderValue::from_static("xmpp"),
        );
        // A small read buffer: the load generator should not need 128 KiB per socket.
        let config = WebSocketConfig::default().read_buffer_size(4096);
        let (mut ws, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let open = format!(
            "<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"{DOMAIN}\" version=\"1.0\"/>"
        );
        send(&mut ws, open.clone()).await?;
        expect(&mut ws, "<open", "").await?;
        expect(&mut ws, "<stream:features", "PLAIN").await?;
        send(&mut ws, auth(agent)).await?;
        expect(&mut ws, "<success", "").await?;
        send(&mut ws, open).await?;
        expect(&mut ws, "<open", "").await?;
        expect(&mut ws, "<stream:features", "urn:ietf:params:xml:ns:xmpp-bind").await?;
        send(&mut ws, bind()).await?;
        expect(&mut ws, "<iq", "type=\"result\"").await?;
        // Presence and subscriptions one per frame (RFC 7395: one stanza per message).
        let mut stanzas = after_bind(agent);
        while let Some(end) = next_stanza_end(&stanzas) {
            let rest = stanzas.split_off(end);
            send(&mut ws, stanzas).await?;
            stanzas = rest;
        }
        Ok(ws)
    }

    /// The end of the first stanza of `after_bind` (a self-closed presence or an `</iq>`).
    fn next_stanza_end(s: &str) -> Option<usize> {
        if s.is_empty() {
            return None;
        }
        if s.starts_with("<presence") {
            return s.find("/>").map(|i| i + 2);
        }
        s.find("</iq>").map(|i| i + "</iq>".len())
    }

    async fn ws_run(
        mut ws: Ws,
        ctx: &Ctx,
        i: usize,
        mut shutdown: watch::Receiver<bool>,
        sem: &Semaphore,
    ) {
        let agent = &ctx.plan.agents[i];
        let who = format!("{} (WebSocket)", agent.id);
        let human = agent.role != Role::Simulated;
        loop {
            let msg = tokio::select! {
                _ = shutdown.changed() => break,
                msg = ws.next() => msg,
            };
            let text = match msg {
                Some(Ok(Message::Text(t))) => t,
                Some(Ok(Message::Close(frame))) => {
                    ctx.errors.record("ws_closed", &format!("{who}: close frame {frame:?}"));
                    return;
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => {
                    ctx.errors.record("ws_io", &format!("{who}: {e}"));
                    return;
                }
                None => {
                    ctx.errors.record("ws_closed", &format!("{who}: end of stream"));
                    return;
                }
            };
            let found = scan(ctx, text.as_str(), human, true, &who);
            for id in found.pings {
                if let Err(e) = send(&mut ws, pong(&id)).await {
                    ctx.errors.record("ws_io", &format!("{who}: {e}"));
                    return;
                }
            }
            if let Some((kind, detail)) = found.fatal {
                ctx.errors.record(kind, &detail);
                return;
            }
        }
        // A clean close: <close/>, the server's <close/>, then the WebSocket close;
        // `connect_concurrency` at a time.
        let _permit = sem.acquire().await;
        let closed = async {
            send(&mut ws, "<close xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\"/>".to_owned())
                .await?;
            let mut got_close = false;
            loop {
                match ws.next().await {
                    Some(Ok(Message::Text(t))) if t.as_str().starts_with("<close") => {
                        got_close = true
                    }
                    Some(Ok(Message::Text(t))) => {
                        let _ = scan(ctx, t.as_str(), human, true, &who);
                    }
                    Some(Ok(Message::Close(_))) | None => break,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(format!("{e}")),
                }
            }
            if got_close { Ok(()) } else { Err("no <close/> from the server".to_owned()) }
        };
        match tokio::time::timeout(Duration::from_secs(10), closed).await {
            Ok(Ok(())) => inc(&ctx.stats.closed_clean),
            Ok(Err(e)) => ctx.errors.record("close_unclean", &format!("{who}: {e}")),
            Err(_) => ctx.errors.record("close_unclean", &format!("{who}: timed out")),
        }
    }

    // ----- BOSH ---------------------------------------------------------------------------

    struct Bosh {
        base: Arc<Base>,
        http: HttpConn,
        sid: String,
        rid: u64,
    }

    /// The start tag of a BOSH body, if it is a terminate: its condition (or "").
    fn terminate(body: &str) -> Option<String> {
        let tag = &body[..body.find('>').unwrap_or(body.len())];
        (attr(tag, "type") == Some("terminate"))
            .then(|| attr(tag, "condition").unwrap_or("").to_owned())
    }

    impl Bosh {
        async fn post(http: &mut HttpConn, base: &Base, body: &str) -> Result<String, String> {
            http.send_request(
                "POST",
                "/http-bind",
                &base.host,
                "Content-Type: text/xml; charset=utf-8\r\n",
                body.as_bytes(),
            )
            .await
            .map_err(|e| format!("send: {e}"))?;
            let resp = http.read_response().await.map_err(|e| format!("receive: {e}"))?;
            if resp.status != 200 {
                return Err(format!("HTTP {}", resp.status));
            }
            String::from_utf8(resp.body).map_err(|_| "a body that is not UTF-8".to_owned())
        }

        fn body(&mut self, extra: &str, payload: &str) -> String {
            self.rid += 1;
            format!(
                "<body rid=\"{}\" sid=\"{}\" xmlns=\"{HTTPBIND}\"{extra}>{payload}</body>",
                self.rid, self.sid
            )
        }

        async fn exchange(&mut self, extra: &str, payload: &str) -> Result<String, String> {
            let body = self.body(extra, payload);
            let r = Self::post(&mut self.http, &self.base, &body).await?;
            match terminate(&r) {
                Some(c) => Err(format!("terminated ({c}): {}", excerpt(&r, 300))),
                None => Ok(r),
            }
        }

        async fn login(base: Arc<Base>, agent: &Agent) -> Result<Self, String> {
            let mut http =
                HttpConn::connect(base.addr).await.map_err(|e| format!("connect: {e}"))?;
            let rid =
                1_000_000 + mix(agent.id.len() as u64 + agent.extension.len() as u64) % 1_000_000;
            let create = format!(
                "<body content=\"text/xml; charset=utf-8\" hold=\"1\" rid=\"{rid}\" to=\"{DOMAIN}\" \
                 ver=\"1.6\" wait=\"{BOSH_WAIT_S}\" xml:lang=\"en\" xmlns=\"{HTTPBIND}\" \
                 xmlns:xmpp=\"urn:xmpp:xbosh\" xmpp:version=\"1.0\"/>"
            );
            let r = Self::post(&mut http, &base, &create).await?;
            if let Some(c) = terminate(&r) {
                return Err(format!("session refused ({c})"));
            }
            let sid =
                attr(&r, "sid").ok_or_else(|| format!("no sid: {}", excerpt(&r, 300)))?.to_owned();
            if !r.contains("PLAIN") {
                return Err(format!("no PLAIN: {}", excerpt(&r, 300)));
            }
            let mut b = Self { base, http, sid, rid };
            let r = b.exchange("", &auth(agent)).await?;
            if !r.contains("<success") {
                return Err(format!("SASL: {}", excerpt(&r, 300)));
            }
            let r = b
                .exchange(
                    &format!(
                        " xmpp:restart=\"true\" xmlns:xmpp=\"urn:xmpp:xbosh\" to=\"{DOMAIN}\""
                    ),
                    "",
                )
                .await?;
            if !r.contains("urn:ietf:params:xml:ns:xmpp-bind") {
                return Err(format!("no bind feature: {}", excerpt(&r, 300)));
            }
            let r = b.exchange("", &bind()).await?;
            if !(r.contains("<iq") && r.contains("type=\"result\"")) {
                return Err(format!("bind: {}", excerpt(&r, 300)));
            }
            Ok(b)
        }

        /// Keeps one request held at a time (the next one leaves as soon as the previous
        /// one is answered, carrying the answers to pings), until `shutdown`.
        async fn run(
            mut self,
            ctx: &Ctx,
            i: usize,
            mut shutdown: watch::Receiver<bool>,
            sem: &Semaphore,
        ) {
            let agent = &ctx.plan.agents[i];
            let who = format!("{} (BOSH)", agent.id);
            let human = agent.role != Role::Simulated;
            let mut out = after_bind(agent);
            loop {
                let body = self.body("", &out);
                out.clear();
                if let Err(e) = self
                    .http
                    .send_request(
                        "POST",
                        "/http-bind",
                        &self.base.host,
                        "Content-Type: text/xml; charset=utf-8\r\n",
                        body.as_bytes(),
                    )
                    .await
                {
                    ctx.errors.record("bosh_http", &format!("{who}: send: {e}"));
                    return;
                }
                let limit = Duration::from_secs(BOSH_WAIT_S + 15);
                let resp = tokio::select! {
                    _ = shutdown.changed() => None,
                    r = tokio::time::timeout(limit, self.http.read_response()) => Some(r),
                };
                let resp = match resp {
                    None => break,
                    Some(Err(_)) => {
                        ctx.errors.record(
                            "bosh_timeout",
                            &format!("{who}: no response within {limit:?}"),
                        );
                        return;
                    }
                    Some(Ok(Err(e))) => {
                        ctx.errors.record("bosh_http", &format!("{who}: receive: {e}"));
                        return;
                    }
                    Some(Ok(Ok(r))) => r,
                };
                if resp.status != 200 {
                    ctx.errors.record("bosh_http", &format!("{who}: HTTP {}", resp.status));
                    return;
                }
                let text = String::from_utf8_lossy(&resp.body);
                if let Some(c) = terminate(&text) {
                    ctx.errors.record(
                        "bosh_terminate",
                        &format!("{who}: condition `{c}`: {}", excerpt(&text, 300)),
                    );
                    return;
                }
                let found = scan(ctx, &text, human, false, &who);
                for id in found.pings {
                    out.push_str(&pong(&id));
                }
                if let Some((kind, detail)) = found.fatal {
                    ctx.errors.record(kind, &detail);
                    return;
                }
            }
            // A clean close: a terminate on a second connection (the first is held);
            // `connect_concurrency` at a time.
            let _permit = sem.acquire().await;
            let body = self.body(
                " type=\"terminate\"",
                "<presence xmlns=\"jabber:client\" type=\"unavailable\"/>",
            );
            let closed = async {
                let mut http =
                    HttpConn::connect(self.base.addr).await.map_err(|e| format!("connect: {e}"))?;
                let r = Self::post(&mut http, &self.base, &body).await?;
                match terminate(&r).as_deref() {
                    Some("") => Ok(()),
                    Some(c) => Err(format!("terminated with condition `{c}`")),
                    None => Err(format!("not a terminate: {}", excerpt(&r, 300))),
                }
            };
            match tokio::time::timeout(Duration::from_secs(10), closed).await {
                Ok(Ok(())) => inc(&ctx.stats.closed_clean),
                Ok(Err(e)) => ctx.errors.record("close_unclean", &format!("{who}: {e}")),
                Err(_) => ctx.errors.record("close_unclean", &format!("{who}: timed out")),
            }
        }
    }
}
