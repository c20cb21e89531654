//! `finesse-sim`: a Cisco Finesse simulator on one origin (REST API, BOSH and WebSocket
//! notifications, static files).
//!
//! ```text
//! finesse-sim --scenario scenarios/demo.toml --port 0 --static /=dist
//! ```
//! prints the URL it serves on its first line of standard output. Gadgets are rendered at
//! `/gadgets/ifr` and proxy through `/gadgets/makeRequest` (the OpenSocial container); origins
//! other than the simulator's own must be allowed with `--allow-origin`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Parser;
use finesse_sim::scenario::Scenario;
use finesse_sim::server::{Faults, Options, Server};

/// Command line.
#[derive(Debug, Parser)]
#[command(
    version,
    about = "A Cisco Finesse simulator: REST API, notifications (BOSH, WebSocket) and a living contact center"
)]
struct Args {
    /// Scenario file (TOML); the built-in demo scenario when absent.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Port to serve on (0: a free port).
    #[arg(long, default_value_t = 8082)]
    port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// PRNG seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Virtual seconds per real second.
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Static directory as PREFIX=DIR (repeatable), e.g. `/=dist`.
    #[arg(long = "static", value_name = "PREFIX=DIR")]
    static_dirs: Vec<String>,
    /// File holding the admin token that enables `/admin/` (fault injection). The token can
    /// also come from the FINESSE_SIM_ADMIN_TOKEN environment variable. Never on the command
    /// line, where other users could read it.
    #[arg(long)]
    admin_token_file: Option<PathBuf>,
    /// Start in out-of-service mode (every API request answers 503).
    #[arg(long)]
    out_of_service: bool,
    /// Start with the notification listener stopped.
    #[arg(long)]
    listener_stopped: bool,
    /// Delay every notification response by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    notify_delay_ms: u64,
    /// Also serve an alternate Finesse node on this port (0: a free port): same contact
    /// center, its own notification service, for failover. Its URL is the second line of
    /// standard output.
    #[arg(long)]
    alternate_port: Option<u16>,
    /// External-server mode: also publish every notification into this XMPP server's
    /// WebSocket endpoint (e.g. `ws://127.0.0.1:5280/xmpp-websocket`) as a pubsub publisher.
    #[arg(long, value_name = "WS_URL")]
    publish_to: Option<String>,
    /// The publisher's JID (`user@domain`) for --publish-to; the password comes from the
    /// FINESSE_SIM_PUBLISHER_PASSWORD environment variable.
    #[arg(long, default_value = "finesse@localhost")]
    publisher: String,
    /// The pubsub service for --publish-to (default `pubsub.<domain of --publisher>`).
    #[arg(long)]
    publish_pubsub: Option<String>,
    /// Log as JSON lines instead of text.
    #[arg(long)]
    log_json: bool,
    /// An origin (`scheme://host[:port]`) the gadget container may fetch specs and message
    /// bundles from and makeRequest may forward to, besides the simulator's own (repeatable).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origins: Vec<String>,
    /// Inject this file into gadget documents instead of the gadget runtime built in
    /// (www/runtime/gadget-runtime.js at build time), e.g. while working on the runtime.
    #[arg(long, value_name = "FILE")]
    gadget_runtime: Option<PathBuf>,
    /// Do not serve the gadget container (`/gadgets/ifr`, `/gadgets/makeRequest`).
    #[arg(long, conflicts_with_all = ["allow_origins", "gadget_runtime"])]
    no_container: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if args.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    }

    let scenario = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading the scenario {}", path.display()))?;
            Scenario::from_toml(&text)
                .with_context(|| format!("in the scenario {}", path.display()))?
        }
        None => Scenario::demo(),
    };
    let mut options = Options::new(scenario);
    options.seed = args.seed;
    if !(args.speed > 0.0 && args.speed.is_finite()) {
        bail!("--speed must be a positive number");
    }
    options.speed = args.speed;
    for spec in &args.static_dirs {
        let (prefix, dir) = spec.split_once('=').context("--static takes PREFIX=DIR")?;
        let dir = PathBuf::from(dir);
        if !dir.is_dir() {
            bail!("--static {spec}: {} is not a directory", dir.display());
        }
        options.static_dirs.push((prefix.to_owned(), dir));
    }
    options.admin_token = match (&args.admin_token_file, std::env::var("FINESSE_SIM_ADMIN_TOKEN")) {
        (Some(path), _) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?
                .trim()
                .to_owned(),
        ),
        (None, Ok(token)) if !token.is_empty() => Some(token),
        _ => None,
    };
    options.faults = Faults {
        out_of_service: args.out_of_service,
        listener_stopped: args.listener_stopped,
        notify_delay_ms: args.notify_delay_ms,
        ..Faults::default()
    };

    if let Some(ws_url) = &args.publish_to {
        let (user, domain) =
            args.publisher.split_once('@').context("--publisher takes user@domain")?;
        let password = std::env::var("FINESSE_SIM_PUBLISHER_PASSWORD")
            .context("--publish-to needs FINESSE_SIM_PUBLISHER_PASSWORD")?;
        options.external = Some(finesse_sim::server::ExternalConfig {
            ws_url: ws_url.clone(),
            user: user.to_owned(),
            password,
            domain: domain.to_owned(),
            pubsub_domain: args
                .publish_pubsub
                .clone()
                .unwrap_or_else(|| format!("pubsub.{domain}")),
        });
    }
    options.alternate = args.alternate_port.map(|port| SocketAddr::new(args.host, port));
    if args.no_container {
        options.container = None;
    } else if let Some(container) = &mut options.container {
        for origin in &args.allow_origins {
            container.allowed_origins.push(origin.parse().context("--allow-origin")?);
        }
        if let Some(path) = &args.gadget_runtime {
            let js = std::fs::read_to_string(path)
                .with_context(|| format!("reading the gadget runtime {}", path.display()))?;
            container.runtime_js = js.into();
        }
    }
    let server = Server::start(options, SocketAddr::new(args.host, args.port))
        .await
        .with_context(|| format!("binding {}:{}", args.host, args.port))?;
    // The first line of standard output is the URL, for scripts and tests.
    println!("{}", server.url());
    if let Some(alternate) = server.alternate_url() {
        println!("{alternate}");
    }
    tracing::info!(url = %server.url(), "serving");
    tokio::signal::ctrl_c().await.context("waiting for Ctrl-C")?;
    tracing::info!("stopping");
    server.stop();
    Ok(())
}
