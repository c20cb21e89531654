//! Request ids: the `requestId` header Finesse echoes in the notifications (and asynchronous
//! errors) a request causes (guide chapter 2). Each is a UUID version 4 (RFC 9562) made from
//! random bytes the caller passes in, so the session has no random number generator of its own.

use std::fmt;

/// The id of one request the session sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(String);

impl RequestId {
    /// A UUID version 4 from 16 random bytes (`xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx`, lower
    /// case; the version and variant bits are set, the other 122 bits are the caller's).
    pub fn from_random(bytes: [u8; 16]) -> Self {
        let mut b = bytes;
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let mut s = String::with_capacity(36);
        for (i, byte) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push_str(&format!("{byte:02x}"));
        }
        Self(s)
    }

    /// The id as sent (and as notifications carry it).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a notification's `<requestId>` names this request (surrounding blanks aside).
    pub fn matches(&self, echoed: Option<&str>) -> bool {
        echoed.is_some_and(|e| e.trim() == self.0)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_variant_bits_are_set() {
        let id = RequestId::from_random([0xff; 16]);
        assert_eq!(id.as_str(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = RequestId::from_random([0; 16]);
        assert_eq!(id.as_str(), "00000000-0000-4000-8000-000000000000");
        let id = RequestId::from_random([
            0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
            0xcd, 0xef,
        ]);
        assert_eq!(id.to_string(), "12345678-9abc-4ef0-8123-456789abcdef");
    }

    #[test]
    fn echoed_ids_match_exactly() {
        let id = RequestId::from_random([0xab; 16]);
        assert!(id.matches(Some(id.as_str())));
        assert!(id.matches(Some(&format!(" {id}\n"))));
        assert!(!id.matches(None));
        assert!(!id.matches(Some("")));
        assert!(!id.matches(Some(&id.as_str().to_uppercase())));
    }
}
