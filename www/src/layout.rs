//! The desktop's layout: a Finesse layout document (guide chapter 4, `LayoutConfig`) reduced to
//! what the desktop shows for one role, and the URLs the gadget frames load.

use finesse_model::{DecodeError, FinesseLayout, Role, User, decode};
use finesse_session::Text;
// RFC 3986 unreserved characters stay, everything else is %-encoded: right for query values too.
use finesse_rest::encode_segment as encode_component;

/// A gadget placed on the desktop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GadgetEntry {
    /// The gadget XML's absolute URL.
    pub spec_url: String,
    /// The module id (`mid`): unique on the page, in layout order, from 0.
    pub mid: u32,
}

/// One tab and its gadgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TabEntry {
    /// The tab id (`panel_<id>` is its panel's element id, which finesse.js reads).
    pub id: String,
    /// What the tab shows.
    pub label: String,
    /// Its gadgets, column by column.
    pub gadgets: Vec<GadgetEntry>,
}

/// What the desktop shows for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesktopLayout {
    /// The page title (`<config key="title">`).
    pub title: String,
    /// The origin gadget documents are rendered on (`<config key="gadgetOrigin">`); `None` = the
    /// desktop's own origin, as the Finesse desktop renders them.
    pub gadget_origin: Option<String>,
    /// Gadgets above the tabs (the call control gadget).
    pub page: Vec<GadgetEntry>,
    /// The tabs.
    pub tabs: Vec<TabEntry>,
}

/// Why a layout cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum LayoutError {
    /// The document is not a Finesse layout.
    Decode(DecodeError),
    /// No `<layout>` for the user's role (nor an Agent one to fall back on).
    NoLayoutForRole(&'static str),
    /// A gadget URL cannot be resolved.
    BadUrl(String),
    /// `gadgetOrigin` is not an http(s) origin.
    BadOrigin(String),
}

impl LayoutError {
    /// Why, as a translatable text (the layout's own words verbatim).
    pub fn text(&self) -> Text {
        match self {
            Self::Decode(e) => Text::new("the layout is not a Finesse layout: {error}")
                .with("error", e.to_string()),
            Self::NoLayoutForRole(role) => {
                Text::new("the layout has no {role} layout").with("role", *role)
            }
            Self::BadUrl(u) => Text::new("the layout has a gadget URL that cannot be used: {url}")
                .with("url", u.as_str()),
            Self::BadOrigin(o) => Text::new("the layout's gadgetOrigin is not an origin: {origin}")
                .with("origin", o.as_str()),
        }
    }
}

impl std::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

/// Whether the user gets the Supervisor layout.
pub fn is_supervisor(user: &User) -> bool {
    user.roles.as_ref().is_some_and(|r| r.role.contains(&Role::Supervisor))
}

/// Reads a layout document for `user`, resolving relative gadget URLs against `origin` (the
/// desktop's origin, `scheme://host:port`).
pub fn desktop_layout(xml: &str, user: &User, origin: &str) -> Result<DesktopLayout, LayoutError> {
    let layout: FinesseLayout = decode(xml).map_err(LayoutError::Decode)?;
    let wanted = if is_supervisor(user) { "Supervisor" } else { "Agent" };
    fn role_of(l: &finesse_model::RoleLayout) -> Option<&str> {
        l.role.as_deref().map(str::trim)
    }
    let role = layout
        .layout
        .iter()
        .find(|l| role_of(l) == Some(wanted))
        .or_else(|| layout.layout.iter().find(|l| role_of(l) == Some("Agent")))
        .ok_or(LayoutError::NoLayoutForRole(wanted))?;
    let config = |key: &str| {
        layout.configs.as_ref().and_then(|c| {
            c.config.iter().find(|e| e.key.as_deref() == Some(key)).and_then(|e| e.value.clone())
        })
    };
    let gadget_origin = match config("gadgetOrigin").filter(|o| !o.trim().is_empty()) {
        Some(o) => Some(check_origin(o.trim())?),
        None => None,
    };
    let mut mid = 0;
    let mut entries =
        |list: Option<&finesse_model::GadgetList>| -> Result<Vec<GadgetEntry>, LayoutError> {
            let mut out = Vec::new();
            for g in list.map(|l| l.gadget.as_slice()).unwrap_or_default() {
                let Some(url) = g.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) else {
                    continue;
                };
                out.push(GadgetEntry { spec_url: resolve(url, origin)?, mid });
                mid += 1;
            }
            Ok(out)
        };
    let page = entries(role.page.as_ref())?;
    let mut tabs = Vec::new();
    for tab in role.tabs.as_ref().map(|t| t.tab.as_slice()).unwrap_or_default() {
        let mut gadgets = Vec::new();
        for column in tab.columns.as_ref().map(|c| c.column.as_slice()).unwrap_or_default() {
            gadgets.extend(entries(column.gadgets.as_ref())?);
        }
        let id = tab.id.clone().unwrap_or_else(|| format!("tab{}", tabs.len()));
        let label = tab_label(tab.label.as_deref().unwrap_or(&id));
        tabs.push(TabEntry { id, label, gadgets });
    }
    Ok(DesktopLayout {
        title: config("title").unwrap_or_else(|| "Finesse".to_owned()),
        gadget_origin,
        page,
        tabs,
    })
}

/// The label for a tab: the English text of Finesse's resource keys, else the text as given.
/// The desktop shows it in its language (finesse-ui's i18n has the known ones).
pub fn tab_label(label: &str) -> String {
    let known = [
        ("homeLabel", "Home"),
        ("manageCustomerLabel", "Manage Customer"),
        ("myStatisticsLabel", "My Statistics"),
        ("myHistoryLabel", "My History"),
        ("teamDataLabel", "Team Data"),
        ("queueDataLabel", "Queue Data"),
    ];
    if let Some(key) = label.strip_prefix("finesse.container.tabs.") {
        let last = key.rsplit('.').next().unwrap_or(key);
        if let Some((_, text)) = known.iter().find(|(k, _)| *k == last) {
            return (*text).to_owned();
        }
        return last.trim_end_matches("Label").to_owned();
    }
    label.to_owned()
}

/// `scheme://host[:port]` of an http(s) URL, or an error.
fn check_origin(origin: &str) -> Result<String, LayoutError> {
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .ok_or_else(|| LayoutError::BadOrigin(origin.to_owned()))?;
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains(['/', '?', '#', '@', ' ']) {
        return Err(LayoutError::BadOrigin(origin.to_owned()));
    }
    Ok(origin.trim_end_matches('/').to_owned())
}

/// Resolves a gadget URL from a layout: absolute http(s) URLs as they are, server-relative paths
/// (`/3rdpartygadget/…`) against `origin`. Anything else (`javascript:`, relative paths without
/// a leading `/`) is refused.
pub fn resolve(url: &str, origin: &str) -> Result<String, LayoutError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        return Ok(url.to_owned());
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok(format!("{}{url}", origin.trim_end_matches('/')));
    }
    Err(LayoutError::BadUrl(url.to_owned()))
}

/// The URL of a gadget's rendered document, as Shindig's `/gadgets/ifr`: spec URL, module id,
/// locale, view and the public prefs as `up_` parameters. Private prefs (the credential) are
/// never put here: the container hands them to the frame over the hub.
pub fn render_url(
    render_origin: &str,
    gadget: &GadgetEntry,
    prefs: &[(String, String)],
    lang: &str,
    country: &str,
) -> String {
    let mut url = format!(
        "{}/gadgets/ifr?container=default&mid={}&lang={}&country={}&view=default",
        render_origin.trim_end_matches('/'),
        gadget.mid,
        encode_component(lang),
        encode_component(country),
    );
    for (name, value) in prefs {
        url.push_str(&format!("&up_{}={}", encode_component(name), encode_component(value)));
    }
    url.push_str(&format!("&url={}", encode_component(&gadget.spec_url)));
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAYOUT: &str = r#"<finesseLayout xmlns="http://www.cisco.com/vtg/finesse">
      <configs><config key="title" value="Demo"/><config key="gadgetOrigin" value="http://localhost:8080/"/></configs>
      <layout><role>Agent</role>
        <page><gadget>/3rdpartygadget/files/call-control/call-control.xml</gadget></page>
        <tabs><tab><id>home</id><label>finesse.container.tabs.agent.homeLabel</label>
          <columns><column><gadgets><gadget>https://other.example/g.xml</gadget><gadget> </gadget></gadgets></column>
                   <column><gadgets><gadget>/g2.xml</gadget></gadgets></column></columns></tab>
          <tab><id>x</id><label>Custom</label></tab></tabs></layout>
      <layout><role>Supervisor</role><tabs><tab><id>team</id><label>finesse.container.tabs.supervisor.teamDataLabel</label></tab></tabs></layout>
    </finesseLayout>"#;

    fn user(roles: &str) -> User {
        decode(&format!("<User><loginId>1</loginId><roles>{roles}</roles></User>")).expect("a user")
    }

    #[test]
    fn agent_layout_with_module_ids_in_order() {
        let l =
            desktop_layout(LAYOUT, &user("<role>Agent</role>"), "http://127.0.0.1:9").expect("ok");
        assert_eq!(l.title, "Demo");
        assert_eq!(l.gadget_origin.as_deref(), Some("http://localhost:8080"));
        assert_eq!(
            l.page[0].spec_url,
            "http://127.0.0.1:9/3rdpartygadget/files/call-control/call-control.xml"
        );
        assert_eq!(l.page[0].mid, 0);
        let home = &l.tabs[0];
        assert_eq!((home.id.as_str(), home.label.as_str()), ("home", "Home"));
        let urls: Vec<_> = home.gadgets.iter().map(|g| (g.spec_url.as_str(), g.mid)).collect();
        assert_eq!(urls, [("https://other.example/g.xml", 1), ("http://127.0.0.1:9/g2.xml", 2)]);
        assert_eq!(l.tabs[1].label, "Custom");
    }

    #[test]
    fn finesse_tab_keys_read_in_english_and_french() {
        use finesse_ui::Locale;
        let known = [
            ("finesse.container.tabs.agent.homeLabel", "Home", "Accueil"),
            ("finesse.container.tabs.supervisor.homeLabel", "Home", "Accueil"),
            (
                "finesse.container.tabs.agent.manageCustomerLabel",
                "Manage Customer",
                "Gérer le client",
            ),
            ("finesse.container.tabs.agent.myStatisticsLabel", "My Statistics", "Mes statistiques"),
            ("finesse.container.tabs.agent.myHistoryLabel", "My History", "Mon historique"),
            ("finesse.container.tabs.supervisor.teamDataLabel", "Team Data", "Données de l’équipe"),
            (
                "finesse.container.tabs.supervisor.queueDataLabel",
                "Queue Data",
                "Données des files d’attente",
            ),
        ];
        for (key, english, french) in known {
            let label = tab_label(key);
            assert_eq!(label, english, "{key}");
            assert_eq!(Locale::En.t(&label), english, "{key}");
            assert_eq!(Locale::Fr.t(&label), french, "{key}");
        }
        // A layout's own label is shown as written, in either language.
        assert_eq!(Locale::Fr.t(&tab_label("Custom <b>")), "Custom <b>");
        assert_eq!(tab_label("finesse.container.tabs.agent.wallboardLabel"), "wallboard");
    }

    #[test]
    fn layout_errors_are_said_in_french_with_the_layouts_words_verbatim() {
        use finesse_ui::Locale;
        let e = LayoutError::BadUrl("javascript:alert(1)".into());
        assert_eq!(
            e.to_string(),
            "the layout has a gadget URL that cannot be used: javascript:alert(1)"
        );
        assert_eq!(
            Locale::Fr.text(&e.text()),
            "la disposition a une URL de gadget inutilisable : javascript:alert(1)"
        );
        assert_eq!(
            Locale::Fr.text(&LayoutError::NoLayoutForRole("Agent").text()),
            "la disposition n’a pas de disposition Agent"
        );
    }

    #[test]
    fn supervisors_get_their_layout() {
        let l =
            desktop_layout(LAYOUT, &user("<role>Agent</role><role>Supervisor</role>"), "http://h")
                .expect("ok");
        assert_eq!(l.tabs.len(), 1);
        assert_eq!(l.tabs[0].label, "Team Data");
        assert!(l.page.is_empty());
    }

    #[test]
    fn bad_layouts_are_refused_in_words() {
        let u = user("<role>Agent</role>");
        assert!(matches!(desktop_layout("<nope", &u, "http://h"), Err(LayoutError::Decode(_))));
        let none = r#"<finesseLayout><layout><role>Supervisor</role></layout></finesseLayout>"#;
        assert_eq!(
            desktop_layout(none, &u, "http://h"),
            Err(LayoutError::NoLayoutForRole("Agent"))
        );
        let js = r#"<finesseLayout><layout><role>Agent</role><page><gadget>javascript:alert(1)</gadget></page></layout></finesseLayout>"#;
        assert!(matches!(desktop_layout(js, &u, "http://h"), Err(LayoutError::BadUrl(_))));
        let origin = r#"<finesseLayout><configs><config key="gadgetOrigin" value="http://a/b"/></configs><layout><role>Agent</role></layout></finesseLayout>"#;
        assert!(matches!(desktop_layout(origin, &u, "http://h"), Err(LayoutError::BadOrigin(_))));
        assert!(matches!(resolve("//evil.example/x.xml", "http://h"), Err(LayoutError::BadUrl(_))));
    }

    #[test]
    fn render_urls_encode_everything_and_keep_the_spec_in_the_query() {
        let g = GadgetEntry { spec_url: "http://h/a b.xml?x=1&y=2".into(), mid: 3 };
        let url = render_url("http://r/", &g, &[("id".into(), "10&01".into())], "en", "US");
        assert_eq!(
            url,
            "http://r/gadgets/ifr?container=default&mid=3&lang=en&country=US&view=default&up_id=10%2601&url=http%3A%2F%2Fh%2Fa%20b.xml%3Fx%3D1%26y%3D2"
        );
    }
}
