//! `gadgets.Prefs`: the gadget's user preferences (the container's `up_<name>` values, the
//! spec's defaults, and private prefs such as `authorization` that the container hands over
//! when the hub connects; read them after [`connected`](super::connected)).

use super::{js_host, sys, thrown};
use crate::HubError;

/// The gadget's preferences (`new gadgets.Prefs()`, one instance per document).
pub struct Prefs {
    raw: sys::RawPrefs,
}

impl std::fmt::Debug for Prefs {
    /// Prints no values (one of them may be the credential).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prefs").finish_non_exhaustive()
    }
}

impl Prefs {
    /// The document's preferences; fails on a page without `gadgets.Prefs`.
    pub fn new() -> Result<Self, HubError> {
        js_host()?;
        sys::RawPrefs::new().map(|raw| Self { raw }).map_err(|e| thrown(&e))
    }

    /// `getString(key)`: the value escaped with `gadgets.util.escapeString` (as Shindig does;
    /// see [`unescape_string`](super::util::unescape_string)), `""` when it is missing, empty
    /// or cannot be read.
    pub fn get_string(&self, key: &str) -> String {
        self.raw.get_string(key).ok().and_then(|v| v.as_string()).unwrap_or_default()
    }

    /// `getInt(key)`: the value as an integer, 0 when it is not one.
    pub fn get_int(&self, key: &str) -> i64 {
        let value = self.raw.get_int(key).ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
        #[allow(clippy::cast_possible_truncation, reason = "parseInt gave an integer")]
        let value = if value.is_finite() { value as i64 } else { 0 };
        value
    }

    /// `getBool(key)`: true for `"true"` or a non-zero integer.
    pub fn get_bool(&self, key: &str) -> bool {
        self.raw.get_bool(key).is_ok_and(|v| v.is_truthy())
    }

    /// `getMsg(key)`: the message bundle's text for `key`, `""` when there is none.
    pub fn get_msg(&self, key: &str) -> String {
        self.raw.get_msg(key).ok().and_then(|v| v.as_string()).unwrap_or_default()
    }

    /// `set(key, value)`: stores a preference (the container may persist it). Fails unless the
    /// gadget requires the `setprefs` feature. Never store a secret this way.
    pub fn set(&self, key: &str, value: &str) -> Result<(), HubError> {
        self.raw.set(key, value).map_err(|e| thrown(&e))
    }
}
