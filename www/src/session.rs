//! Signing in: check the credentials, sign the agent in to the extension, read the system
//! information and the layout. What the desktop holds afterwards.

use finesse_model::{
    AgentState, Extension, ReasonCodeCategory, ReasonCodeId, SystemInfo, User, UserId, UserRequest,
};
use finesse_rest::{Api, Auth, Fetch, Method, Request, RestError, Transport, reason_code_id};
use finesse_session::Text;
use finesse_ui::Locale;

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

/// Why a request failed, in words for the sign-in page (the server's own words verbatim).
pub fn describe(e: &RestError, l: Locale) -> String {
    let text = match e {
        RestError::Unauthorized => Text::new("The ID or password is wrong."),
        RestError::NotFound(_) => Text::new("There is no such user."),
        RestError::Unavailable => Text::new("The Finesse server is out of service (HTTP 503)."),
        RestError::Network(why) => Text::new("The Finesse server could not be reached ({error}).")
            .with("error", why.as_str()),
        RestError::Status { status, errors } => {
            match errors.as_ref().and_then(|e| e.errors.first()) {
                Some(detail) => {
                    Text::new("The Finesse server refused the request: {detail} (HTTP {status}).")
                        .with("detail", detail.to_string())
                }
                None => Text::new("The Finesse server refused the request (HTTP {status})."),
            }
            .with("status", status.to_string())
        }
        RestError::Decode(why) => {
            Text::new("The Finesse server sent an unreadable answer: {error}.")
                .with("error", why.to_string())
        }
        // A kind of error this desktop does not know yet: the REST crate's words.
        other => {
            let mut text = other.to_string();
            if let Some(first) = text.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            return text + ".";
        }
    };
    l.text(&text)
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
    l: Locale,
) -> Result<Session, String> {
    let describe = |e: &RestError| describe(e, l);
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
            return Err(l.t("Enter the extension to sign in to."));
        };
        api.put_user(&user_id, &UserRequest::sign_in(&extension), &form.auth).await.map_err(
            |e| {
                let text = Text::new("Signing in to extension {extension} failed: {error}")
                    .with("extension", extension.as_str())
                    .with("error", describe(&e));
                l.text(&text)
            },
        )?;
        user.extension = Some(extension);
    }
    let system = api.system_info().await.map_err(|e| describe(&e))?;
    let request = Request::new(Method::Get, format!("layouts/{layout}.xml"));
    let (status, xml) = api.send(&request, None).await.map_err(|e| describe(&e))?;
    if status != 200 {
        let text = Text::new("The desktop layout {layout} could not be read (HTTP {status}).")
            .with("layout", format!("{layout:?}"))
            .with("status", status.to_string());
        return Err(l.text(&text));
    }
    let layout =
        desktop_layout(&xml, &user, &origin).map_err(|e| format!("{}.", l.text(&e.text())))?;
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
    l: Locale,
) -> Result<(), String> {
    api.put_user(&session.user_id, &UserRequest::sign_out(reason, false), &session.auth)
        .await
        .map_err(|e| {
            l.text(&Text::new("Signing out failed: {error}").with("error", describe(&e, l)))
        })
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
    fn errors_read_as_sentences_in_the_desktops_language() {
        let en = Locale::En;
        assert_eq!(describe(&RestError::Unauthorized, en), "The ID or password is wrong.");
        assert_eq!(
            describe(&RestError::Unavailable, en),
            "The Finesse server is out of service (HTTP 503)."
        );
        // The English sentences are those of the REST errors, capitalised.
        for e in [
            RestError::Unavailable,
            RestError::Network("reset <b>".into()),
            RestError::Status { status: 500, errors: None },
        ] {
            let mut expected = e.to_string();
            expected[..1].make_ascii_uppercase();
            assert_eq!(describe(&e, en), expected + ".");
        }
        let fr = Locale::Fr;
        assert_eq!(
            describe(&RestError::Unauthorized, fr),
            "L’identifiant ou le mot de passe est incorrect."
        );
        assert_eq!(describe(&RestError::NotFound(None), fr), "Cet utilisateur n’existe pas.");
        // The server's words stay as they are.
        assert_eq!(
            describe(&RestError::Network("reset <b>".into()), fr),
            "Le serveur Finesse est injoignable (reset <b>)."
        );
        assert_eq!(
            describe(&RestError::Status { status: 500, errors: None }, fr),
            "Le serveur Finesse a refusé la requête (HTTP 500)."
        );
    }
}
