//! Signing in: check the credentials, sign the agent in to the extension, read the system
//! information and the layout. What the desktop holds afterwards.

use finesse_model::{
    AgentState, Extension, ReasonCodeCategory, ReasonCodeId, SystemInfo, User, UserId, UserRequest,
};
use finesse_rest::{Api, Auth, Fetch, Method, Request, RestError, Transport, reason_code_id};

use crate::layout::{DesktopLayout, desktop_layout};
use crate::signin::SignInForm;

/// A signed-in desktop.
#[derive(Clone, PartialEq, Debug)]
pub struct Session {
    /// The user id.
    pub user_id: UserId,
    /// How requests authenticate (memory only).
    pub auth: Auth,
    /// The user as of sign-in.
    pub user: User,
    /// The server's system information (XMPP domain, deployment type).
    pub system: SystemInfo,
    /// What to show.
    pub layout: DesktopLayout,
    /// The desktop's origin (`scheme://host:port`).
    pub origin: String,
    /// The Sign Out reasons the agent chooses from (empty: none configured, or the list could
    /// not be read; signing out then sends no reason).
    pub logout_reasons: Vec<(ReasonCodeId, String)>,
}

/// Why signing in failed, in words for the sign-in page.
pub fn describe(e: &RestError) -> String {
    match e {
        RestError::Unauthorized => "The ID or password is wrong.".to_owned(),
        RestError::NotFound(_) => "There is no such user.".to_owned(),
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".")
                .unwrap_or(text)
        }
    }
}

/// The layout name from `?layout=` (letters, digits, `-`, `_`), else `default`.
pub fn layout_name(query: Option<String>) -> String {
    query
        .filter(|n| !n.is_empty() && n.len() <= 64)
        .filter(|n| n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .unwrap_or_else(|| "default".to_owned())
}

/// The desktop's language, from `?locale=` as on Cisco's desktop (`fr_FR`, `en_US`; `fr-CA` is
/// read as `fr_CA`): what the gadgets get in their `locale`, `language` and `country` prefs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DesktopLocale {
    /// `language_COUNTRY`, e.g. `fr_FR`.
    pub tag: String,
    /// The language, e.g. `fr`.
    pub language: String,
    /// The country, e.g. `FR`.
    pub country: String,
}

/// The locale from `?locale=`: two or three letters, optionally `_` or `-` and a two-letter
/// country; anything else (or nothing) gives `en_US`. A language alone gets no country.
pub fn desktop_locale(query: Option<String>) -> DesktopLocale {
    let parsed = query.and_then(|q| {
        let (language, country) = match q.trim().split_once(['_', '-']) {
            Some((l, c)) => (l.to_owned(), Some(c.to_owned())),
            None => (q.trim().to_owned(), None),
        };
        let letters = |s: &str, lengths: &[usize]| {
            lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
        };
        if !letters(&language, &[2, 3]) || country.as_deref().is_some_and(|c| !letters(c, &[2])) {
            return None;
        }
        Some((language.to_ascii_lowercase(), country.map(|c| c.to_ascii_uppercase())))
    });
    match parsed {
        Some((language, Some(country))) => {
            DesktopLocale { tag: format!("{language}_{country}"), language, country }
        }
        Some((language, None)) => {
            DesktopLocale { tag: language.clone(), language, country: String::new() }
        }
        None => DesktopLocale {
            tag: "en_US".to_owned(),
            language: "en".to_owned(),
            country: "US".to_owned(),
        },
    }
}

/// Signs in: GET the user (checks the credentials), PUT LOGIN with the extension when the user
/// is signed out, GET SystemInfo, read `layouts/<layout>.xml` next to the desktop page.
pub async fn sign_in(
    api: &Fetch,
    form: SignInForm,
    layout: &str,
    origin: String,
) -> Result<Session, String> {
    let user_id = UserId::from(form.user.as_str());
    let mut user = api.user(&user_id, &form.auth).await.map_err(|e| describe(&e))?;
    let signed_out = matches!(user.state, None | Some(AgentState::Logout));
    if signed_out {
        let extension = if form.extension.is_empty() {
            user.extension.clone().filter(|e| !e.as_str().is_empty())
        } else {
            Some(Extension::from(form.extension.as_str()))
        };
        let Some(extension) = extension else {
            return Err("Enter the extension to sign in to.".to_owned());
        };
        api.put_user(&user_id, &UserRequest::sign_in(&extension), &form.auth)
            .await
            .map_err(|e| format!("Signing in to extension {extension} failed: {}", describe(&e)))?;
        user.extension = Some(extension);
    }
    let system = api.system_info().await.map_err(|e| describe(&e))?;
    let request = Request::new(Method::Get, format!("layouts/{layout}.xml"));
    let (status, xml) = api.send(&request, None).await.map_err(|e| describe(&e))?;
    if status != 200 {
        return Err(format!("The desktop layout {layout:?} could not be read (HTTP {status})."));
    }
    let layout = desktop_layout(&xml, &user, &origin).map_err(|e| format!("{e}."))?;
    let logout_reasons = api
        .reason_codes(&user_id, &ReasonCodeCategory::Logout, &form.auth)
        .await
        .map(|list| {
            list.reason_codes
                .iter()
                .filter_map(|c| Some((reason_code_id(c)?, c.label.clone().unwrap_or_default())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Session { user_id, auth: form.auth, user, system, layout, origin, logout_reasons })
}

/// Signs the agent out (`PUT LOGOUT`, with the chosen reason when there is one).
pub async fn sign_out(
    api: &Fetch,
    session: &Session,
    reason: Option<ReasonCodeId>,
) -> Result<(), String> {
    api.put_user(&session.user_id, &UserRequest::sign_out(reason, false), &session.auth)
        .await
        .map_err(|e| format!("Signing out failed: {}", describe(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_comes_from_the_query_in_finesse_form() {
        let fr = desktop_locale(Some("fr_FR".into()));
        assert_eq!(
            (fr.tag.as_str(), fr.language.as_str(), fr.country.as_str()),
            ("fr_FR", "fr", "FR")
        );
        assert_eq!(desktop_locale(Some("fr-ca".into())).tag, "fr_CA");
        let de = desktop_locale(Some("de".into()));
        assert_eq!((de.tag.as_str(), de.country.as_str()), ("de", ""));
        for bad in [
            None,
            Some(String::new()),
            Some("x".into()),
            Some("fr_FRA".into()),
            Some("f1_FR".into()),
            Some("fr_FR&x=1".into()),
            Some("\"><script>".into()),
        ] {
            assert_eq!(desktop_locale(bad).tag, "en_US");
        }
    }

    #[test]
    fn layout_names_cannot_leave_the_layouts_folder() {
        assert_eq!(layout_name(None), "default");
        assert_eq!(layout_name(Some("hub-test".into())), "hub-test");
        assert_eq!(layout_name(Some("../admin".into())), "default");
        assert_eq!(layout_name(Some("a/b".into())), "default");
        assert_eq!(layout_name(Some(String::new())), "default");
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(describe(&RestError::Unauthorized), "The ID or password is wrong.");
        assert_eq!(
            describe(&RestError::Unavailable),
            "The Finesse server is out of service (HTTP 503)."
        );
    }
}
