//! Connects to a notification server, subscribes to nodes and prints every event until the
//! time is up (or forever), then logs out cleanly.
//!
//! ```text
//! cargo run -p finesse-xmpp-native --example listen -- \
//!     --url http://127.0.0.1:8082/http-bind --user 1001001 --password pass1001001 \
//!     --domain finesse.sim --node /finesse/api/Team/1/Users --seconds 30 [--trace]
//! ```
//!
//! A `ws://` URL uses WebSocket (RFC 7395), an `http://` URL BOSH.

use std::time::{Duration, Instant};

use finesse_xmpp::client::{ClientConfig, Endpoint};
use finesse_xmpp_native::{DriverOptions, NativeDriver};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (mut url, mut user, mut password, mut domain) =
        (String::new(), String::new(), String::new(), String::new());
    let (mut nodes, mut seconds, mut trace) = (Vec::new(), None, false);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => url = value()?,
            "--user" => user = value()?,
            "--password" => password = value()?,
            "--domain" => domain = value()?,
            "--node" => nodes.push(value()?),
            "--seconds" => seconds = Some(value()?.parse::<u64>()?),
            "--trace" => trace = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if url.is_empty() || user.is_empty() || domain.is_empty() {
        return Err("--url, --user and --domain are required (see the example's docs)".into());
    }
    let endpoint =
        if url.starts_with("ws") { Endpoint::websocket(url) } else { Endpoint::bosh(url) };
    let mut config = ClientConfig::new(user, password, domain, vec![endpoint]);
    config.seed = finesse_xmpp_native::random_seed();
    let options =
        if trace { DriverOptions::trace_to_stderr("listen") } else { DriverOptions::default() };
    let started = Instant::now();
    let driver = NativeDriver::start_with(config, options)?;
    for node in &nodes {
        driver.subscribe(node)?;
    }
    let until = seconds.map(|s| started + Duration::from_secs(s));
    loop {
        let left = until
            .map_or(Duration::from_secs(3600), |u| u.saturating_duration_since(Instant::now()));
        if left.is_zero() {
            break;
        }
        if let Some(event) = driver.next_event(left) {
            println!("{:>7} ms  {event:?}", started.elapsed().as_millis());
        }
    }
    for event in driver.shutdown() {
        println!("{:>7} ms  {event:?}", started.elapsed().as_millis());
    }
    Ok(())
}
