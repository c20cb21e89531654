//! Origins and the allow-list that decides where the container may fetch: specs, message
//! bundles and proxied requests go only to the request's own origin (always allowed) or to a
//! configured origin. Own-origin URLs are fetched from the server's own listening address, not
//! from whatever host the `Host` header names, so a forged `Host` cannot point the container
//! at another machine.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use url::Url;

/// A web origin: scheme (`http` or `https`), host and port (the scheme's default when not
/// written).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

/// Why a text is not an origin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not an origin (scheme://host[:port]): {reason}")]
pub struct OriginError {
    input: String,
    reason: &'static str,
}

impl Origin {
    /// The origin of an http(s) URL; `None` for other schemes and URLs without a host.
    pub fn of(url: &Url) -> Option<Self> {
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        Some(Self {
            scheme: url.scheme().to_owned(),
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default()?,
        })
    }

    /// The origin a request was sent to: `scheme` and the `Host` header's value
    /// (`host[:port]`). `None` when the header is not a plain authority.
    pub fn from_host_header(scheme: &str, host: &str) -> Option<Self> {
        if host.is_empty() || host.contains(['/', '?', '#', '@', '\\', ' ']) {
            return None;
        }
        let url = Url::parse(&format!("{scheme}://{host}/")).ok()?;
        Self::of(&url)
    }

    /// The origins of an address the server listens on, as a browser or finesse.js may name
    /// them: the address itself and, on loopback, `localhost`, `127.0.0.1` and `[::1]` with the
    /// same port (an unspecified address counts as loopback).
    pub fn of_listener(addr: SocketAddr) -> Vec<Self> {
        let http = |host: String| Self { scheme: "http".into(), host, port: addr.port() };
        let ip = addr.ip();
        let mut out = Vec::new();
        if ip.is_loopback() || ip.is_unspecified() {
            out.push(http("localhost".into()));
            out.push(http(Ipv4Addr::LOCALHOST.to_string()));
            out.push(http(format!("[{}]", Ipv6Addr::LOCALHOST)));
        }
        let written = match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        };
        let own = http(written);
        if !out.contains(&own) {
            out.push(own);
        }
        out
    }

    /// The scheme (`http` or `https`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host, lower-cased (IPv6 addresses in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The origin as a URL with path `/`, to resolve relative URLs against.
    pub fn to_url(&self) -> Option<Url> {
        Url::parse(&format!("{self}/")).ok()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
    }
}

impl FromStr for Origin {
    type Err = OriginError;

    /// Parses `scheme://host[:port]` (a trailing `/` is accepted; a path, query, fragment or
    /// credentials are not).
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason| OriginError { input: input.to_owned(), reason };
        let url = Url::parse(input.trim()).map_err(|_| err("not a URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(err("the scheme must be http or https"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(err("credentials are not allowed"));
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err(err("a path, query or fragment is not allowed"));
        }
        Self::of(&url).ok_or_else(|| err("no host"))
    }
}

/// Where an allowed URL is fetched from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The server itself: the URL rewritten to plain http on the listening address.
    Local(Url),
    /// Fetched as written.
    Direct(Url),
}

/// Why a URL may not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccessError {
    /// Not an http(s) URL, or it carries credentials.
    #[error("{0}")]
    BadUrl(String),
    /// The URL's origin is neither the request's own nor allow-listed.
    #[error("the origin {0} is not allowed (allow it with --allow-origin)")]
    NotAllowed(String),
}

/// The allow-list and how the server reaches itself.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Origins besides the request's own that may be fetched.
    pub allowed: Vec<Origin>,
    /// The server's listening address: own-origin URLs are fetched from it (and the loopback
    /// names of it count as own origins). Without it own-origin URLs are fetched as written,
    /// which trusts the `Host` header.
    pub local_addr: Option<SocketAddr>,
}

impl Access {
    /// Decides whether `url` may be fetched for a request made to `own`, and how.
    ///
    /// # Errors
    /// [`AccessError`] when the URL is not http(s), has credentials or its origin is not allowed.
    pub fn route(&self, url: &Url, own: &Origin) -> Result<Route, AccessError> {
        if !url.username().is_empty() || url.password().is_some() {
            return Err(AccessError::BadUrl("credentials in URLs are not allowed".into()));
        }
        let origin = Origin::of(url).ok_or_else(|| {
            AccessError::BadUrl(format!("`{}` is not an http(s) URL", url.scheme()))
        })?;
        let is_self = origin == *own
            || self.local_addr.is_some_and(|addr| Origin::of_listener(addr).contains(&origin));
        match (is_self, self.local_addr) {
            (true, Some(addr)) => {
                let mut local = url.clone();
                let ip = if addr.ip().is_unspecified() {
                    match addr.ip() {
                        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
                    }
                } else {
                    addr.ip()
                };
                // http ⇄ https and host changes are allowed on special URLs; these cannot fail.
                let ok = local.set_scheme("http").is_ok()
                    && local.set_ip_host(ip).is_ok()
                    && local.set_port(Some(addr.port())).is_ok();
                if !ok {
                    return Err(AccessError::BadUrl(format!("cannot route {origin} locally")));
                }
                Ok(Route::Local(local))
            }
            (true, None) => Ok(Route::Direct(url.clone())),
            (false, _) if self.allowed.contains(&origin) => Ok(Route::Direct(url.clone())),
            (false, _) => Err(AccessError::NotAllowed(origin.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn parses_origins() {
        let o: Origin = "HTTPS://API.Example.com".parse().unwrap();
        assert_eq!(o.to_string(), "https://api.example.com:443");
        assert_eq!("http://h:8080/".parse::<Origin>().unwrap().to_string(), "http://h:8080");
        assert_eq!("http://[::1]:80".parse::<Origin>().unwrap().host(), "[::1]");
        for bad in ["example.com", "ftp://x", "http://x/path", "http://x?q", "http://u:p@x", ""] {
            assert!(bad.parse::<Origin>().is_err(), "{bad}");
        }
    }

    #[test]
    fn host_header_origins() {
        let o = Origin::from_host_header("http", "LocalHost:8082").unwrap();
        assert_eq!(o.to_string(), "http://localhost:8082");
        assert_eq!(Origin::from_host_header("http", "h").unwrap().port(), 80);
        for bad in ["", "a/b", "a@b", "a b", "a:port", "a?b"] {
            assert!(Origin::from_host_header("http", bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn routes_own_loopback_and_allowed_origins() {
        let access = Access {
            allowed: vec!["https://api.example.com".parse().unwrap()],
            local_addr: Some("127.0.0.1:8082".parse().unwrap()),
        };
        let own = Origin::from_host_header("http", "desktop.example:80").unwrap();
        // The request's own origin, whatever its name, is the server itself.
        assert_eq!(
            access.route(&url("http://desktop.example/g/a.xml?x=1"), &own),
            Ok(Route::Local(url("http://127.0.0.1:8082/g/a.xml?x=1")))
        );
        // finesse.js names the server localhost:<port>.
        assert_eq!(
            access.route(&url("http://localhost:8082/finesse/api/User/1"), &own),
            Ok(Route::Local(url("http://127.0.0.1:8082/finesse/api/User/1")))
        );
        assert_eq!(
            access.route(&url("https://api.example.com/v1"), &own),
            Ok(Route::Direct(url("https://api.example.com/v1")))
        );
        assert_eq!(
            access.route(&url("http://api.example.com/v1"), &own),
            Err(AccessError::NotAllowed("http://api.example.com:80".into()))
        );
        assert_eq!(
            access.route(&url("http://localhost:9999/"), &own),
            Err(AccessError::NotAllowed("http://localhost:9999".into()))
        );
        assert!(matches!(
            access.route(&url("file:///etc/passwd"), &own),
            Err(AccessError::BadUrl(_))
        ));
        assert!(matches!(
            access.route(&url("http://u:p@desktop.example/"), &own),
            Err(AccessError::BadUrl(_))
        ));
    }

    #[test]
    fn unspecified_listener_is_reached_on_loopback() {
        let access = Access { allowed: vec![], local_addr: Some("0.0.0.0:81".parse().unwrap()) };
        let own = Origin::from_host_header("https", "desk.example").unwrap();
        assert_eq!(
            access.route(&url("https://desk.example/x"), &own),
            Ok(Route::Local(url("http://127.0.0.1:81/x")))
        );
    }

    #[test]
    fn without_local_address_own_origin_is_fetched_as_written() {
        let access = Access::default();
        let own = Origin::from_host_header("http", "localhost:1").unwrap();
        assert_eq!(
            access.route(&url("http://localhost:1/a"), &own),
            Ok(Route::Direct(url("http://localhost:1/a")))
        );
        assert!(access.route(&url("http://127.0.0.1:1/a"), &own).is_err());
    }
}
