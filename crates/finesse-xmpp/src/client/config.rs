//! Client configuration: what the driver knows before connecting (credentials and domains from
//! the Finesse sign-in and `SystemInfo`, the servers in failover order, a seed) and the timers,
//! with defaults that suit Finesse. [`ClientConfig::validate`] turns it into the settings the
//! core runs with, refusing what the guide forbids (the `desktop` resource).

use std::fmt;

use crate::Millis;
use crate::jid::Jid;

/// How to reach one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// BOSH (XEP-0124/0206) over HTTP POST, Finesse 11.x `https://host:7443/http-bind`.
    Bosh,
    /// XMPP over WebSocket (RFC 7395), Finesse 12.x `wss://host:7443/ws`.
    WebSocket,
}

/// One server endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The transport.
    pub transport: TransportKind,
    /// The BOSH binding URL or WebSocket URL.
    pub url: String,
}

impl Endpoint {
    /// A BOSH endpoint.
    pub fn bosh(url: impl Into<String>) -> Self {
        Self { transport: TransportKind::Bosh, url: url.into() }
    }

    /// A WebSocket endpoint.
    pub fn websocket(url: impl Into<String>) -> Self {
        Self { transport: TransportKind::WebSocket, url: url.into() }
    }

    /// The identity of the server behind the endpoint: the URL's authority (`host:port`),
    /// lower-cased. Subscriptions persist on the same server (guide chapter 6), so a
    /// reconnection to an endpoint with the same key keeps them, and to another one
    /// resubscribes. A BOSH and a WebSocket endpoint on the same host and port are the same
    /// server.
    pub fn server_key(&self) -> String {
        let rest = self.url.split_once("://").map_or(self.url.as_str(), |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        authority.to_ascii_lowercase()
    }
}

/// Everything the client needs. Build with [`ClientConfig::new`] and adjust fields.
/// (`Debug` does not show the password.)
#[derive(Clone, PartialEq, Eq)]
pub struct ClientConfig {
    /// The Finesse user id (the XMPP local part), e.g. `1001001`.
    pub user: String,
    /// The user's password.
    pub password: String,
    /// The XMPP domain (`SystemInfo/xmppDomain`).
    pub domain: String,
    /// The pubsub service (`SystemInfo/xmppPubSubDomain`); default `pubsub.<domain>`.
    pub pubsub_domain: String,
    /// The resource to bind; `None` draws `finesse-gadget-XXXX` from the seed. Never
    /// `desktop`: the guide reserves it for the Finesse desktop.
    pub resource: Option<String>,
    /// The servers, tried in order; the next one is used when one cannot be reached
    /// (failover, guide chapter 7).
    pub servers: Vec<Endpoint>,
    /// Seed for the initial rid, the default resource and backoff jitter.
    pub seed: u64,
    /// BOSH `wait` (s): how long the server may hold a request. Default 20.
    ///
    /// `wait_secs` + `request_margin` is how long a lost response goes unnoticed; it should
    /// stay below the server's `inactivity` (Openfire's default is 30 s), or a session whose
    /// held response was lost ends before the client resends the request.
    pub wait_secs: u32,
    /// Time (ms) on top of `wait` before an HTTP request counts as timed out. Default 8 000.
    pub request_margin: Millis,
    /// Retries of one BOSH request (same rid, same body) before the session counts as lost.
    /// Default 3.
    pub max_retries: u32,
    /// Interval (ms) between client pings while connected; 0 disables. Default 30 000.
    pub ping_interval: Millis,
    /// Time (ms) an iq (ping, bind, subscribe) may wait for its answer before the connection
    /// counts as dead. Default 20 000. Over BOSH the client waits at least `wait_secs` +
    /// `request_margin` + 2 s, the time a lost response takes to be recovered by resending.
    pub reply_timeout: Millis,
    /// Time (ms) from the start of an attempt to `connected`. Default 30 000.
    pub connect_timeout: Millis,
    /// First reconnection delay (ms), doubled per failed attempt, with jitter. Default 1 000.
    pub backoff_initial: Millis,
    /// Longest reconnection delay (ms). Default 60 000.
    pub backoff_max: Millis,
    /// Failed attempts on one server before failing over to the next. Default 2.
    pub attempts_per_server: u32,
    /// Time (ms) a clean shutdown waits for unsubscribe answers and the close. Default 5 000.
    pub shutdown_timeout: Millis,
    /// Largest HTTP body or WebSocket frame accepted (bytes). Default 4 MiB.
    pub max_inbound_bytes: usize,
    /// After reconnecting to the same server, ask it for our subscriptions and renew the
    /// missing ones (instead of trusting that they persisted). Default true.
    pub verify_subscriptions: bool,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("domain", &self.domain)
            .field("pubsub_domain", &self.pubsub_domain)
            .field("resource", &self.resource)
            .field("servers", &self.servers)
            .field("seed", &self.seed)
            .field("wait_secs", &self.wait_secs)
            .field("request_margin", &self.request_margin)
            .field("max_retries", &self.max_retries)
            .field("ping_interval", &self.ping_interval)
            .field("reply_timeout", &self.reply_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("backoff_initial", &self.backoff_initial)
            .field("backoff_max", &self.backoff_max)
            .field("attempts_per_server", &self.attempts_per_server)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("max_inbound_bytes", &self.max_inbound_bytes)
            .field("verify_subscriptions", &self.verify_subscriptions)
            .finish()
    }
}

impl ClientConfig {
    /// A configuration with the defaults above.
    pub fn new(
        user: impl Into<String>,
        password: impl Into<String>,
        domain: impl Into<String>,
        servers: Vec<Endpoint>,
    ) -> Self {
        let domain = domain.into();
        Self {
            user: user.into(),
            password: password.into(),
            pubsub_domain: format!("pubsub.{domain}"),
            domain,
            resource: None,
            servers,
            seed: 0,
            wait_secs: 20,
            request_margin: 8_000,
            max_retries: 3,
            ping_interval: 30_000,
            reply_timeout: 20_000,
            connect_timeout: 30_000,
            backoff_initial: 1_000,
            backoff_max: 60_000,
            attempts_per_server: 2,
            shutdown_timeout: 5_000,
            max_inbound_bytes: 4 << 20,
            verify_subscriptions: true,
        }
    }

    /// Checks the configuration.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.user.is_empty()
            || self.user.len() > 1023
            || self
                .user
                .chars()
                .any(|c| c == '@' || c == '/' || c.is_whitespace() || c.is_control())
        {
            return Err(ConfigError::InvalidUser);
        }
        for (field, d) in [("domain", &self.domain), ("pubsub_domain", &self.pubsub_domain)] {
            match Jid::parse(d) {
                Some(j) if j.local.is_empty() && j.resource.is_none() => {}
                _ => return Err(ConfigError::InvalidDomain(field)),
            }
        }
        if let Some(r) = &self.resource {
            check_resource(r)?;
        }
        if self.servers.is_empty() {
            return Err(ConfigError::NoServers);
        }
        if let Some(i) = self.servers.iter().position(|s| s.url.trim().is_empty()) {
            return Err(ConfigError::EmptyUrl(i));
        }
        if !(1..=3600).contains(&self.wait_secs) {
            return Err(ConfigError::OutOfRange("wait_secs"));
        }
        for (name, v) in [
            ("request_margin", self.request_margin),
            ("reply_timeout", self.reply_timeout),
            ("connect_timeout", self.connect_timeout),
            ("backoff_initial", self.backoff_initial),
            ("backoff_max", self.backoff_max),
            ("shutdown_timeout", self.shutdown_timeout),
        ] {
            if !(1..=86_400_000).contains(&v) {
                return Err(ConfigError::OutOfRange(name));
            }
        }
        if !(0..=86_400_000).contains(&self.ping_interval) {
            return Err(ConfigError::OutOfRange("ping_interval"));
        }
        if self.attempts_per_server == 0 {
            return Err(ConfigError::OutOfRange("attempts_per_server"));
        }
        if self.max_inbound_bytes < 1024 {
            return Err(ConfigError::OutOfRange("max_inbound_bytes"));
        }
        Ok(())
    }
}

/// Checks a resource: not empty, not longer than 1023 bytes, no control characters, and not
/// `desktop` in any case (reserved by the guide: "using it conflicts" with the desktop).
pub fn check_resource(resource: &str) -> Result<(), ConfigError> {
    if resource.eq_ignore_ascii_case("desktop") {
        return Err(ConfigError::ReservedResource);
    }
    if resource.trim().is_empty() || resource.len() > 1023 || resource.chars().any(char::is_control)
    {
        return Err(ConfigError::InvalidResource);
    }
    Ok(())
}

/// Why a configuration is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The user is empty or is not a plain local part.
    InvalidUser,
    /// A domain (field named) is not a domain.
    InvalidDomain(&'static str),
    /// The resource `desktop`, which the guide reserves for the Finesse desktop.
    ReservedResource,
    /// An empty, over-long or control-character resource.
    InvalidResource,
    /// No server to connect to.
    NoServers,
    /// The server at this index has an empty URL.
    EmptyUrl(usize),
    /// A numeric setting (named) is out of its range.
    OutOfRange(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUser => f.write_str("the user must be a non-empty XMPP local part"),
            Self::InvalidDomain(field) => write!(f, "`{field}` is not a domain"),
            Self::ReservedResource => {
                f.write_str("the resource `desktop` is reserved for the Finesse desktop")
            }
            Self::InvalidResource => {
                f.write_str("the resource is empty, too long or has control characters")
            }
            Self::NoServers => f.write_str("no server configured"),
            Self::EmptyUrl(i) => write!(f, "server {i} has an empty URL"),
            Self::OutOfRange(name) => write!(f, "`{name}` is out of range"),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig::new(
            "1001001",
            "pw",
            "finesse.example",
            vec![Endpoint::bosh("https://a:7443/http-bind")],
        )
    }

    #[test]
    fn defaults_are_valid_and_pubsub_follows_the_domain() {
        let c = config();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.pubsub_domain, "pubsub.finesse.example");
    }

    #[test]
    fn the_desktop_resource_is_refused_in_any_case() {
        for r in ["desktop", "Desktop", "DESKTOP"] {
            let c = ClientConfig { resource: Some(r.into()), ..config() };
            assert_eq!(c.validate(), Err(ConfigError::ReservedResource));
        }
        let ok = ClientConfig { resource: Some("desktop-2".into()), ..config() };
        assert_eq!(ok.validate(), Ok(()));
        for r in ["", " ", "a\u{0}b"] {
            let c = ClientConfig { resource: Some(r.into()), ..config() };
            assert_eq!(c.validate(), Err(ConfigError::InvalidResource), "{r:?}");
        }
    }

    #[test]
    fn other_mistakes_are_named() {
        assert_eq!(
            ClientConfig { user: "a@b".into(), ..config() }.validate(),
            Err(ConfigError::InvalidUser)
        );
        assert_eq!(
            ClientConfig { domain: "".into(), ..config() }.validate(),
            Err(ConfigError::InvalidDomain("domain"))
        );
        assert_eq!(
            ClientConfig { servers: vec![], ..config() }.validate(),
            Err(ConfigError::NoServers)
        );
        assert_eq!(
            ClientConfig { servers: vec![Endpoint::bosh(" ")], ..config() }.validate(),
            Err(ConfigError::EmptyUrl(0))
        );
        assert_eq!(
            ClientConfig { wait_secs: 0, ..config() }.validate(),
            Err(ConfigError::OutOfRange("wait_secs"))
        );
        assert_eq!(
            ClientConfig { reply_timeout: -1, ..config() }.validate(),
            Err(ConfigError::OutOfRange("reply_timeout"))
        );
    }

    #[test]
    fn debug_output_does_not_show_the_password() {
        let text = format!("{:?}", ClientConfig { password: "hunter2".into(), ..config() });
        assert!(!text.contains("hunter2") && text.contains("<redacted>"), "{text}");
    }

    #[test]
    fn server_keys_identify_host_and_port() {
        assert_eq!(
            Endpoint::bosh("https://Fin-A.example:7443/http-bind").server_key(),
            "fin-a.example:7443"
        );
        assert_eq!(
            Endpoint::websocket("wss://fin-a.example:7443/ws").server_key(),
            Endpoint::bosh("https://fin-a.example:7443/http-bind").server_key()
        );
        assert_ne!(
            Endpoint::bosh("http://a:1/x").server_key(),
            Endpoint::bosh("http://b:1/x").server_key()
        );
        assert_eq!(Endpoint::bosh("relative/path").server_key(), "relative");
    }
}
