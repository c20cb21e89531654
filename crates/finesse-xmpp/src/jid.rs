//! Jabber ids: `local@domain/resource`. Finesse users are `<id>@<xmppDomain>`; explicit
//! subscriptions use the full JID (with resource) so they do not affect the user's other
//! sessions (guide: "use a full JID when making explicit subscriptions").

use std::fmt;

/// A JID, bare (`user@domain`) or full (`user@domain/resource`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Jid {
    /// The local part (`1001001`), empty for a domain JID (`pubsub.example`).
    pub local: String,
    /// The domain.
    pub domain: String,
    /// The resource, for a full JID.
    pub resource: Option<String>,
}

impl Jid {
    /// Parses a JID. Returns `None` for an empty domain or an empty local part/resource given
    /// with its separator.
    pub fn parse(s: &str) -> Option<Self> {
        let (bare, resource) = match s.split_once('/') {
            Some((bare, res)) if !res.is_empty() => (bare, Some(res.to_owned())),
            Some(_) => return None,
            None => (s, None),
        };
        let (local, domain) = match bare.split_once('@') {
            Some((local, domain)) if !local.is_empty() => (local.to_owned(), domain),
            Some(_) => return None,
            None => (String::new(), bare),
        };
        if domain.is_empty() || domain.contains('@') {
            return None;
        }
        Some(Self { local, domain: domain.to_ascii_lowercase(), resource })
    }

    /// A bare JID.
    pub fn bare(local: &str, domain: &str) -> Self {
        Self { local: local.to_owned(), domain: domain.to_ascii_lowercase(), resource: None }
    }

    /// This JID with a resource.
    #[must_use]
    pub fn with_resource(&self, resource: &str) -> Self {
        Self { resource: Some(resource.to_owned()), ..self.clone() }
    }

    /// This JID without its resource.
    #[must_use]
    pub fn to_bare(&self) -> Self {
        Self { resource: None, ..self.clone() }
    }
}

impl fmt::Display for Jid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.local.is_empty() {
            write!(f, "{}@", self.local)?;
        }
        f.write_str(&self.domain)?;
        if let Some(r) = &self.resource {
            write!(f, "/{r}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        let j = Jid::parse("1001001@Finesse.Example/gadget-1").unwrap();
        assert_eq!(j.local, "1001001");
        assert_eq!(j.domain, "finesse.example");
        assert_eq!(j.to_string(), "1001001@finesse.example/gadget-1");
        assert_eq!(j.to_bare().to_string(), "1001001@finesse.example");
        assert_eq!(Jid::parse("pubsub.x").unwrap().local, "");
        for bad in ["", "@x", "a@", "a@x/", "a@b@c"] {
            assert!(Jid::parse(bad).is_none(), "{bad}");
        }
    }
}
