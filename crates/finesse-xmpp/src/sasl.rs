//! SASL PLAIN (RFC 4616) inside XMPP SASL negotiation (RFC 6120 §6): the
//! `<auth mechanism='PLAIN'>base64(authzid NUL authcid NUL password)</auth>` the client sends,
//! and the `<success/>` / `<failure><condition/></failure>` the server answers. Finesse
//! authenticates notification clients with the agent's id and password this way.

use crate::element::Element;
use crate::macros::condition_enum;
use crate::ns;

/// The mechanism name.
pub const PLAIN: &str = "PLAIN";

condition_enum! {
    /// A SASL failure condition (RFC 6120 §6.5).
    pub enum SaslCondition {
        /// The exchange was aborted by the client.
        Aborted = "aborted",
        /// The account is disabled.
        AccountDisabled = "account-disabled",
        /// The credentials have expired.
        CredentialsExpired = "credentials-expired",
        /// The mechanism requires encryption the stream lacks.
        EncryptionRequired = "encryption-required",
        /// The data could not be decoded (bad base64).
        IncorrectEncoding = "incorrect-encoding",
        /// The authorization identity is not valid.
        InvalidAuthzid = "invalid-authzid",
        /// The mechanism is not offered.
        InvalidMechanism = "invalid-mechanism",
        /// The request was malformed.
        MalformedRequest = "malformed-request",
        /// The mechanism is too weak by policy.
        MechanismTooWeak = "mechanism-too-weak",
        /// Wrong credentials.
        NotAuthorized = "not-authorized",
        /// A temporary failure; retry later.
        TemporaryAuthFailure = "temporary-auth-failure",
    }
}

/// The `<auth/>` element for PLAIN with an empty authorization identity.
pub fn plain_auth(user: &str, password: &str) -> Element {
    let mut raw = Vec::with_capacity(user.len() + password.len() + 2);
    raw.push(0);
    raw.extend_from_slice(user.as_bytes());
    raw.push(0);
    raw.extend_from_slice(password.as_bytes());
    Element::new("auth", ns::SASL).attr("mechanism", PLAIN).text_child(base64_encode(&raw))
}

/// Credentials read from a PLAIN `<auth/>`. (`Debug` does not show the password.)
#[derive(Clone, PartialEq, Eq)]
pub struct PlainCredentials {
    /// The authorization identity (usually empty).
    pub authzid: String,
    /// The authentication identity: the user (a local part, or a bare JID).
    pub authcid: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for PlainCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlainCredentials")
            .field("authzid", &self.authzid)
            .field("authcid", &self.authcid)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Reads a PLAIN `<auth/>` element. Errors name the SASL condition to answer with.
pub fn parse_plain_auth(auth: &Element) -> Result<PlainCredentials, SaslCondition> {
    if !auth.is("auth", ns::SASL) {
        return Err(SaslCondition::MalformedRequest);
    }
    if auth.get_attr("mechanism") != Some(PLAIN) {
        return Err(SaslCondition::InvalidMechanism);
    }
    let raw = base64_decode(auth.text().trim()).ok_or(SaslCondition::IncorrectEncoding)?;
    let text = String::from_utf8(raw).map_err(|_| SaslCondition::MalformedRequest)?;
    let mut parts = text.split('\0');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(authzid), Some(authcid), Some(password), None) if !authcid.is_empty() => {
            Ok(PlainCredentials {
                authzid: authzid.to_owned(),
                authcid: authcid.to_owned(),
                password: password.to_owned(),
            })
        }
        _ => Err(SaslCondition::MalformedRequest),
    }
}

/// `<success/>`.
pub fn success() -> Element {
    Element::new("success", ns::SASL)
}

/// `<failure><condition/></failure>`.
pub fn failure(condition: &SaslCondition) -> Element {
    Element::new("failure", ns::SASL).child(Element::new(condition.as_str(), ns::SASL))
}

/// The outcome a server element announces: `Some(Ok)` for `<success/>`, `Some(Err)` for
/// `<failure/>`, `None` for anything else.
pub fn outcome(el: &Element) -> Option<Result<(), SaslCondition>> {
    if el.is("success", ns::SASL) {
        return Some(Ok(()));
    }
    if el.is("failure", ns::SASL) {
        let condition = el
            .elements()
            .find(|c| c.ns == ns::SASL && c.name != "text")
            .map_or(SaslCondition::NotAuthorized, |c| SaslCondition::parse(&c.name));
        return Some(Err(condition));
    }
    None
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648 §4).
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[idx as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 with padding; `None` on any invalid character or length. The
/// empty string and `=` (RFC 6120's "empty response") decode to nothing.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    if text == "=" {
        return Some(Vec::new());
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let last = ci + 1 == bytes.len() / 4;
        let mut n = 0u32;
        let mut pad = 0;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                b'=' if last && i >= 2 => {
                    pad += 1;
                    0
                }
                _ => return None,
            };
            if pad > 0 && c != b'=' {
                return None;
            }
            n = (n << 6) | u32::from(v);
        }
        let [_, b0, b1, b2] = n.to_be_bytes();
        out.push(b0);
        if pad < 2 {
            out.push(b1);
        }
        if pad < 1 {
            out.push(b2);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_auth_is_the_rfc_4616_encoding() {
        // "\0juliet\0r0m30myr0m30" from RFC 6120 §6.4.2's example, base64-encoded.
        let auth = plain_auth("juliet", "r0m30myr0m30");
        assert_eq!(
            auth.to_string(),
            "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"PLAIN\">\
             AGp1bGlldAByMG0zMG15cjBtMzA=</auth>"
        );
        let creds = parse_plain_auth(&auth).unwrap();
        assert_eq!(creds.authcid, "juliet");
        assert_eq!(creds.password, "r0m30myr0m30");
        assert_eq!(creds.authzid, "");
    }

    #[test]
    fn malformed_auth_names_the_condition() {
        let parse = |xml: &str| parse_plain_auth(&Element::parse(xml).unwrap());
        assert_eq!(
            parse("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>!!!!</auth>"),
            Err(SaslCondition::IncorrectEncoding)
        );
        assert_eq!(
            parse("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/>"),
            Err(SaslCondition::InvalidMechanism)
        );
        // "a\0b": only two fields.
        assert_eq!(
            parse("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>YQBi</auth>"),
            Err(SaslCondition::MalformedRequest)
        );
        assert_eq!(
            parse("<auth xmlns='urn:wrong' mechanism='PLAIN'>AGEAYg==</auth>"),
            Err(SaslCondition::MalformedRequest)
        );
    }

    #[test]
    fn outcomes_are_read_from_literal_xml() {
        let ok = Element::parse("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>").unwrap();
        assert_eq!(outcome(&ok), Some(Ok(())));
        let no = Element::parse(
            "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>",
        )
        .unwrap();
        assert_eq!(outcome(&no), Some(Err(SaslCondition::NotAuthorized)));
        assert_eq!(
            failure(&SaslCondition::NotAuthorized).to_string(),
            "<failure xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><not-authorized/></failure>"
        );
        assert_eq!(outcome(&Element::parse("<success xmlns='urn:x'/>").unwrap()), None);
    }

    #[test]
    fn base64_round_trips_and_rejects_garbage() {
        for len in 0..40u8 {
            let data: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(base64_decode(&base64_encode(&data)).unwrap(), data);
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
        assert_eq!(base64_encode(b"Ma"), "TWE=");
        assert_eq!(base64_decode("="), Some(Vec::new()));
        for bad in ["A", "AB=C", "====", "A===", "TW=u", "TWFu====", "TWF\u{e9}"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }
}
