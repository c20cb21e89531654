//! Where the gadget runs and what it was given: the container's prefs (guide chapter 8 and
//! OPENSOCIAL.md §6.7: `id`, `authorization`, `authMode`, `scheme`, `host`, `hostPort`,
//! `locale`) or, standalone, the page's query string. Pure functions, tested natively.

use finesse_hub::topic::node_to_topic;
use finesse_rest::Auth;
use finesse_xmpp::sasl::base64_decode;

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
    let decoded = String::from_utf8(base64_decode(authorization)?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    if user.is_empty() || (!id.is_empty() && user != id) {
        return None;
    }
    Some(Auth::Basic { user: user.to_owned(), password: password.to_owned() })
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

/// A `finesse.api.*` notification's `content` split into its node and its XML: the master
/// writes the node path in front of the payload (`/finesse/api/User/1001<Update>…`, as
/// finesse.js does); a content without that prefix is taken as XML published on `topic`.
pub fn split_content<'a>(topic: &str, content: &'a str) -> (String, &'a str) {
    match content.find('<') {
        Some(0) | None => (finesse_hub::topic::topic_to_node(topic), content),
        Some(i) => (content[..i].trim().to_owned(), &content[i..]),
    }
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
    fn notification_content_carries_its_node() {
        let (node, xml) = split_content(
            "finesse.api.User.1001.Dialogs",
            "/finesse/api/User/1001/Dialogs<Update><event>PUT</event></Update>",
        );
        assert_eq!(node, "/finesse/api/User/1001/Dialogs");
        assert_eq!(xml, "<Update><event>PUT</event></Update>");
        let (node, xml) = split_content("finesse.api.User.1001", "<Update/>");
        assert_eq!((node.as_str(), xml), ("/finesse/api/User/1001", "<Update/>"));
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
