//! Where the gadget runs and what it was given: the container's prefs (guide chapter 8 and
//! OPENSOCIAL.md §6.7: `id`, `authorization`, `authMode`, `scheme`, `host`, `hostPort`,
//! `locale`) or, standalone, the page's query string. Pure functions, tested natively.

use finesse_hub::gadgets::basic_credential_from_pref;
use finesse_hub::topic::node_to_topic;
use finesse_rest::Auth;

/// The REST credential from the container's prefs: `authorization` is base64 of `id:password`
/// (HTTP Basic), or the bearer token when `authMode` is `SSO`. `None` when it is missing,
/// unreadable, or names another user than `id`.
pub fn auth_from_prefs(id: &str, authorization: &str, auth_mode: &str) -> Option<Auth> {
    let authorization = authorization.trim();
    if authorization.is_empty() {
        return None;
    }
    if auth_mode.eq_ignore_ascii_case("SSO") {
        return Some(Auth::Bearer(authorization.to_owned()));
    }
    basic_credential_from_pref(id, authorization)
        .map(|(user, password)| Auth::Basic { user, password })
}

/// The topics the gadget listens on for the user `id`: the user's own node and its Dialogs
/// node (the desktop's master publishes every item of the user's automatic subscriptions on
/// `finesse.api.<node>`), and SystemInfo.
pub fn topics(id: &str) -> [String; 3] {
    [
        node_to_topic(&format!("/finesse/api/User/{id}")),
        node_to_topic(&format!("/finesse/api/User/{id}/Dialogs")),
        node_to_topic("/finesse/api/SystemInfo"),
    ]
}

/// A user id that can name REST paths and hub topics: no separators, no wildcards.
pub fn valid_user_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'@'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_come_from_the_authorization_pref() {
        let pref = finesse_rest::base64(b"1001001:pass:word");
        let auth = auth_from_prefs("1001001", &pref, "").expect("a credential");
        assert_eq!(auth, Auth::Basic { user: "1001001".into(), password: "pass:word".into() });
        assert_eq!(auth_from_prefs("", &pref, ""), Some(auth));
        assert_eq!(auth_from_prefs("1001002", &pref, ""), None, "another user's credential");
        assert_eq!(auth_from_prefs("1001001", "", ""), None);
        assert_eq!(auth_from_prefs("1001001", "%%%", ""), None);
        assert_eq!(auth_from_prefs("1001001", &finesse_rest::base64(b"nocolon"), ""), None);
    }

    #[test]
    fn a_bearer_token_is_used_as_given_in_sso_mode() {
        assert_eq!(
            auth_from_prefs("1001001", " tok.en ", "SSO"),
            Some(Auth::Bearer("tok.en".into()))
        );
    }

    #[test]
    fn topics_follow_finesse_js_naming() {
        assert_eq!(
            topics("1001001"),
            [
                "finesse.api.User.1001001".to_owned(),
                "finesse.api.User.1001001.Dialogs".to_owned(),
                "finesse.api.SystemInfo".to_owned()
            ]
        );
        assert!(valid_user_id("1001001") && valid_user_id("agent_b-1"));
        assert!(!valid_user_id("") && !valid_user_id("a.b") && !valid_user_id("../x"));
        assert!(!valid_user_id("*") && !valid_user_id(&"9".repeat(65)));
    }
}
