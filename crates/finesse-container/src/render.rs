//! Rendering a gadget the way Shindig's `/gadgets/ifr` does (OPENSOCIAL.md §6.2–§6.6): the
//! request's parameters, view and locale selection, message bundle merging, substitution, and
//! the assembled document (or, for `type="url"`, the redirect).
//!
//! Pure and in two steps, so the caller owns the I/O: [`Plan::new`] selects the view and the
//! locales (and rejects unknown required features) before anything is fetched;
//! [`Plan::bundle_urls`] says which message bundles to fetch; [`Plan::render`] takes them and
//! produces a [`Rendered`].
//!
//! The document (the contract with `www/runtime/gadget-runtime.js`):
//! ```text
//! [the Content's doctype, if it starts with one]
//! <html lang="ll-CC"><head>
//! <style>html,body{height:100%;width:100%;overflow:auto}[default CSS without doctype]</style>
//! <script>window['__isgadget']=true;</script>
//! <script>[the runtime, verbatim]</script>
//! <script>gadgets.config.init(CONFIG);gadgets.Prefs.setMessages_(MSGS);gadgets.Prefs.setDefaultPrefs_(DEFAULTS);</script>
//! [the Content's head]
//! </head><body dir="ltr|rtl">[the Content's body]<script>gadgets.util.runOnLoadHandlers();</script></body></html>
//! ```
//! CONFIG is `{"core.util": {feature: {param: "v" | ["v1", "v2"]}}, "core.io": {"jsonProxyUrl":
//! "/gadgets/makeRequest"}, "finesse.container": {"specUrl", "mid", "view", "lang", "country"}}`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use url::Url;

use crate::html::{self, Attr};
use crate::spec::{ContentType, Direction, GadgetSpec, Locale, MessageBundle};
use crate::substitute::{AUTHORIZATION_PREF, Substitutions, TooLarge};

/// Features the container provides (a `<Require>` of any other feature is a render error; an
/// `<Optional>` one is dropped). `minimessage` is not among them: the runtime does not implement
/// `gadgets.MiniMessage`, and a gadget that requires it should fail visibly, not at its first
/// call.
pub const KNOWN_FEATURES: [&str; 9] = [
    "pubsub-2",
    "setprefs",
    "dynamic-height",
    "settitle",
    "views",
    "loadingindicator",
    "rpc",
    "core",
    "locked-domain",
];

/// Features accepted and ignored (not passed to the runtime): old specs require them.
pub const IGNORED_FEATURES: [&str; 1] = ["opensocial-0.8"];

/// Where gadgets send `gadgets.io.makeRequest` (`core.io.jsonProxyUrl`).
pub const MAKE_REQUEST_PATH: &str = "/gadgets/makeRequest";

/// The CSS Shindig puts first in every gadget's head.
pub const SCROLLING_CSS: &str = "html,body{height:100%;width:100%;overflow:auto}";

/// The CSS added for documents without a doctype (quirks mode), as Shindig does.
pub const DEFAULT_CSS: &str = "body,td,div,span,p{font-family:arial,sans-serif}\
a{color:#0000cc}a:visited{color:#551a8b}a:active{color:#ff0000}\
body{margin:0;padding:0;background-color:white}";

/// The views the container treats as aliases of another (Shindig's default container config:
/// `default` is also reached as `home`, `profile` and `canvas`).
const VIEW_ALIASES: [(&str, &[&str]); 1] = [("default", &["home", "profile", "canvas"])];

/// Why a gadget cannot be rendered (see [`RenderError::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A request parameter is missing or malformed (400).
    #[error("bad parameter: {0}")]
    BadParameter(String),
    /// The spec has no content for the view, its aliases or `default` (404).
    #[error("the gadget has no view `{0}` (nor a default view)")]
    NoSuchView(String),
    /// A required feature this container does not provide (422).
    #[error("the gadget requires the feature `{0}`, which this container does not provide")]
    UnsupportedFeature(String),
    /// Content this container does not render (422).
    #[error("{0}")]
    Unsupported(String),
    /// A URL in the spec (`messages`, `href`) is not usable (422).
    #[error("{0}")]
    BadUrl(String),
    /// Substitution made the document too large (422).
    #[error(transparent)]
    TooLarge(#[from] TooLarge),
    /// [`Plan::render`] was not given a bundle that [`Plan::bundle_urls`] listed (500).
    #[error("the message bundle {0} was not fetched")]
    MissingBundle(String),
}

impl RenderError {
    /// The HTTP status of the error page.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadParameter(_) => 400,
            Self::NoSuchView(_) => 404,
            Self::UnsupportedFeature(_) | Self::Unsupported(_) | Self::BadUrl(_) => 422,
            Self::TooLarge(_) => 422,
            Self::MissingBundle(_) => 500,
        }
    }
}

/// The parameters of `/gadgets/ifr` the renderer uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IfrParams {
    /// `url`: the spec URL as given (resolved by the caller against the request's origin).
    pub url: String,
    /// `mid`: the module id (0 when absent).
    pub module_id: u64,
    /// `lang`, lower-cased (`en` when absent).
    pub lang: String,
    /// `country`, upper-cased (`US` when absent).
    pub country: String,
    /// `view`, when given.
    pub view: Option<String>,
    /// `up_<name>` values as `(name, value)`, first occurrence of each; `up_authorization` is
    /// never taken from the URL (the container delivers credentials privately).
    pub user_prefs: Vec<(String, String)>,
}

impl IfrParams {
    /// Parses a query string (`url=…&mid=…&lang=…&country=…&view=…&up_<name>=…`). Other
    /// parameters (`container`, `nocache`, `parent`, …) are accepted and ignored; a repeated
    /// parameter keeps its first value.
    ///
    /// # Errors
    /// [`RenderError::BadParameter`] for a missing `url` or a malformed `mid`, `lang`, `country`
    /// or `view`.
    pub fn parse(query: &str) -> Result<Self, RenderError> {
        let bad = |m: String| RenderError::BadParameter(m);
        let mut first: HashMap<String, String> = HashMap::new();
        let mut user_prefs: Vec<(String, String)> = Vec::new();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            if let Some(name) = k.strip_prefix("up_") {
                if !name.is_empty()
                    && name != AUTHORIZATION_PREF
                    && !user_prefs.iter().any(|(n, _)| n == name)
                {
                    user_prefs.push((name.to_owned(), v.into_owned()));
                }
            } else {
                first.entry(k.into_owned()).or_insert_with(|| v.into_owned());
            }
        }
        let get = |k: &str| first.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let url =
            get("url").ok_or_else(|| bad("`url` (the gadget spec URL) is required".into()))?;
        let module_id = match get("mid") {
            None => 0,
            Some(m) => m
                .parse::<u64>()
                .map_err(|_| bad(format!("`mid` must be a non-negative integer, not `{m}`")))?,
        };
        let lang = match get("lang") {
            None => "en".to_owned(),
            Some(l) if (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()) => {
                l.to_ascii_lowercase()
            }
            Some(l) => return Err(bad(format!("`lang` must be a 2- or 3-letter code, not `{l}`"))),
        };
        let country = match get("country") {
            None => "US".to_owned(),
            Some(c)
                if (c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
                    || (c.len() == 3 && c.bytes().all(|b| b.is_ascii_digit())) =>
            {
                c.to_ascii_uppercase()
            }
            Some(c) => {
                return Err(bad(format!(
                    "`country` must be a 2-letter or 3-digit code, not `{c}`"
                )));
            }
        };
        let view = match get("view") {
            None => None,
            Some(v) if v.len() <= 64 && !v.contains(',') => Some(v.to_owned()),
            Some(_) => return Err(bad("`view` must be one view name".into())),
        };
        Ok(Self { url: url.to_owned(), module_id, lang, country, view, user_prefs })
    }
}

/// What `/gadgets/ifr` answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// The gadget document (`type="html"`).
    Document(String),
    /// Where the gadget lives (`type="url"`): its `href` with `up_…`, `lang` and `country`.
    Redirect(Url),
}

/// A rendering in progress: the view and locales are chosen, the bundles not yet merged.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    spec: &'a GadgetSpec,
    params: &'a IfrParams,
    spec_url: &'a Url,
    /// The view whose contents are rendered.
    content_view: &'a str,
    /// Matching locales, in merge order.
    locales: Vec<&'a Locale>,
}

impl<'a> Plan<'a> {
    /// Checks the features and selects the view and the locales.
    ///
    /// # Errors
    /// [`RenderError::UnsupportedFeature`] for a required unknown feature,
    /// [`RenderError::NoSuchView`] when no content matches.
    pub fn new(
        spec: &'a GadgetSpec,
        params: &'a IfrParams,
        spec_url: &'a Url,
    ) -> Result<Self, RenderError> {
        if let Some(f) = spec.module_prefs.features.iter().find(|f| {
            f.required
                && !KNOWN_FEATURES.contains(&f.name.as_str())
                && !IGNORED_FEATURES.contains(&f.name.as_str())
        }) {
            return Err(RenderError::UnsupportedFeature(f.name.clone()));
        }
        let requested = params.view.as_deref().unwrap_or("default");
        let aliases = VIEW_ALIASES
            .iter()
            .filter(|(v, _)| *v == requested)
            .flat_map(|(_, aliases)| aliases.iter().copied());
        let content_view = std::iter::once(requested)
            .chain(aliases)
            .chain(std::iter::once("default"))
            .find_map(|candidate| {
                spec.contents
                    .iter()
                    .flat_map(|c| c.views.iter())
                    .find(|v| v.as_str() == candidate)
                    .map(String::as_str)
            })
            .ok_or_else(|| RenderError::NoSuchView(requested.to_owned()))?;
        let keys = [
            ("all", "ALL"),
            ("all", params.country.as_str()),
            (params.lang.as_str(), "ALL"),
            (params.lang.as_str(), params.country.as_str()),
        ];
        let mut locales: Vec<&Locale> = Vec::new();
        for (i, (lang, country)) in keys.iter().enumerate() {
            // all_ALL and all_<country> are one key when the country is ALL, and so on.
            if keys[..i].contains(&(lang, country)) {
                continue;
            }
            locales.extend(spec.module_prefs.locales.iter().filter(|l| {
                l.lang == *lang
                    && l.country == *country
                    && (l.views.is_empty() || l.views.iter().any(|v| v == content_view))
            }));
        }
        Ok(Self { spec, params, spec_url, content_view, locales })
    }

    /// The view whose contents are rendered (the requested one, an alias, or `default`).
    pub fn content_view(&self) -> &str {
        self.content_view
    }

    /// The message bundles to fetch (resolved against the spec URL), without repeats.
    ///
    /// # Errors
    /// [`RenderError::BadUrl`] when a `messages` attribute is not a URL.
    pub fn bundle_urls(&self) -> Result<Vec<Url>, RenderError> {
        let mut urls = Vec::new();
        for locale in &self.locales {
            if let Some(m) = &locale.messages {
                let url = self.spec_url.join(m).map_err(|e| {
                    RenderError::BadUrl(format!("the messages URL `{m}` is not valid: {e}"))
                })?;
                if !urls.contains(&url) {
                    urls.push(url);
                }
            }
        }
        Ok(urls)
    }

    /// Merges the bundles, substitutes, and assembles the document (or the redirect).
    /// `runtime_js` is the gadget runtime, embedded verbatim (a `</script` in it is written
    /// `<\/script`).
    ///
    /// # Errors
    /// [`RenderError`] when a bundle is missing, the content cannot be rendered, or substitution
    /// makes it too large.
    pub fn render(
        &self,
        bundles: &HashMap<Url, MessageBundle>,
        runtime_js: &str,
    ) -> Result<Rendered, RenderError> {
        let mut messages = Map::new();
        let mut dir = Direction::Ltr;
        for locale in &self.locales {
            if let Some(m) = &locale.messages {
                let url = self.spec_url.join(m).map_err(|e| RenderError::BadUrl(e.to_string()))?;
                let bundle =
                    bundles.get(&url).ok_or_else(|| RenderError::MissingBundle(url.to_string()))?;
                for (k, v) in &bundle.messages {
                    messages.insert(k.clone(), Value::String(v.clone()));
                }
            }
            for (k, v) in &locale.inline_messages {
                messages.insert(k.clone(), Value::String(v.clone()));
            }
            dir = locale.direction.unwrap_or_default();
        }
        let pairs: Vec<(String, String)> = messages
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect();
        let p = self.params;
        let subs =
            Substitutions::for_rendering(self.spec, &pairs, &p.user_prefs, p.module_id, dir)?;
        let spec = subs.apply_to_spec(self.spec)?;
        let contents: Vec<_> = spec
            .contents
            .iter()
            .filter(|c| c.views.iter().any(|v| v == self.content_view))
            .collect();
        let Some(first) = contents.first() else {
            return Err(RenderError::NoSuchView(self.content_view.to_owned()));
        };
        match first.content_type {
            ContentType::Url => self.redirect(first.href.as_deref().unwrap_or_default()),
            ContentType::HtmlSanitized => Err(RenderError::Unsupported(
                "type=\"html-sanitized\" content is not supported by this container".into(),
            )),
            ContentType::Html => {
                let body: String = contents.iter().map(|c| c.body.as_str()).collect();
                if body.trim().is_empty() && first.href.is_some() {
                    return Err(RenderError::Unsupported(
                        "type=\"html\" content with an href (proxied content) is not supported"
                            .into(),
                    ));
                }
                let quirks = first.attr("quirks").is_some_and(|q| q.eq_ignore_ascii_case("true"));
                Ok(Rendered::Document(
                    self.document(&spec, &body, &messages, dir, quirks, runtime_js),
                ))
            }
        }
    }

    fn redirect(&self, href: &str) -> Result<Rendered, RenderError> {
        let mut url = self.spec_url.join(href).map_err(|e| {
            RenderError::BadUrl(format!("the content href `{href}` is not valid: {e}"))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(RenderError::BadUrl(format!(
                "the content href must be an http(s) URL, not `{}:`",
                url.scheme()
            )));
        }
        {
            let mut query = url.query_pairs_mut();
            for (name, value) in &self.params.user_prefs {
                query.append_pair(&format!("up_{name}"), value);
            }
            query.append_pair("lang", &self.params.lang);
            query.append_pair("country", &self.params.country);
        }
        Ok(Rendered::Redirect(url))
    }

    /// The `gadgets.config.init` argument.
    fn config(&self) -> Value {
        let mut features = Map::new();
        for feature in &self.spec.module_prefs.features {
            if !KNOWN_FEATURES.contains(&feature.name.as_str()) {
                continue;
            }
            let entry = features.entry(feature.name.clone()).or_insert_with(|| json!({}));
            let Value::Object(params) = entry else { continue };
            for (name, value) in &feature.params {
                match params.get_mut(name) {
                    None => {
                        params.insert(name.clone(), Value::String(value.clone()));
                    }
                    Some(Value::Array(values)) => values.push(Value::String(value.clone())),
                    Some(single) => {
                        let previous = single.take();
                        *single = Value::Array(vec![previous, Value::String(value.clone())]);
                    }
                }
            }
        }
        json!({
            "core.util": features,
            "core.io": {"jsonProxyUrl": MAKE_REQUEST_PATH},
            "finesse.container": {
                "specUrl": self.spec_url.as_str(),
                "mid": self.params.module_id.to_string(),
                "view": self.params.view.as_deref().unwrap_or("default"),
                "lang": self.params.lang,
                "country": self.params.country,
            },
        })
    }

    fn document(
        &self,
        spec: &GadgetSpec,
        body: &str,
        messages: &Map<String, Value>,
        dir: Direction,
        quirks: bool,
        runtime_js: &str,
    ) -> String {
        let parts = html::split(body, self.spec_url);
        let version_2 = spec
            .specification_version
            .split('.')
            .next()
            .and_then(|major| major.trim().parse::<u32>().ok())
            .is_some_and(|major| major >= 2);
        let doctype = parts
            .doctype
            .clone()
            .or_else(|| (version_2 && !quirks).then(|| "<!DOCTYPE html>".to_owned()));
        let defaults: Map<String, Value> = spec
            .user_prefs
            .iter()
            .map(|p| (p.name.clone(), Value::String(p.default_value.clone())))
            .collect();
        let mut doc = String::with_capacity(body.len() + runtime_js.len() + 1024);
        if let Some(doctype) = &doctype {
            doc.push_str(doctype);
            doc.push('\n');
        }
        let lang = format!("{}-{}", self.params.lang, self.params.country);
        let mut html_attrs = vec![Attr { name: "lang".into(), value: Some(lang) }];
        html_attrs.extend(parts.html_attrs.into_iter().filter(|a| a.name != "lang"));
        doc.push_str("<html");
        html::write_attrs(&mut doc, &html_attrs);
        doc.push_str("><head><style>");
        doc.push_str(SCROLLING_CSS);
        if doctype.is_none() {
            doc.push_str(DEFAULT_CSS);
        }
        doc.push_str("</style><script>window['__isgadget']=true;</script><script>");
        doc.push_str(&html::script_js(runtime_js));
        doc.push_str("</script><script>gadgets.config.init(");
        doc.push_str(&html::script_json(&self.config()));
        doc.push_str(");gadgets.Prefs.setMessages_(");
        doc.push_str(&html::script_json(&Value::Object(messages.clone())));
        doc.push_str(");gadgets.Prefs.setDefaultPrefs_(");
        doc.push_str(&html::script_json(&Value::Object(defaults)));
        doc.push_str(");</script>");
        doc.push_str(&parts.head);
        let mut body_attrs = vec![Attr { name: "dir".into(), value: Some(dir.as_str().into()) }];
        body_attrs.extend(parts.body_attrs.into_iter().filter(|a| a.name != "dir"));
        doc.push_str("</head><body");
        html::write_attrs(&mut doc, &body_attrs);
        doc.push('>');
        doc.push_str(&parts.body);
        doc.push_str("<script>gadgets.util.runOnLoadHandlers();</script></body></html>");
        doc
    }
}

/// The HTML page of a failed rendering: the status and the message, as escaped text.
pub fn error_page(status: u16, reason: &str, message: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gadget error</title>\
         </head><body><h1>{status} {}</h1><p>{}</p></body></html>\n",
        html::escape_text(reason),
        html::escape_text(message)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec;

    const RT: &str = "/*rt*/";

    fn params(query: &str) -> IfrParams {
        IfrParams::parse(query).unwrap()
    }

    fn spec_url() -> Url {
        Url::parse("http://127.0.0.1:8082/g/hello.xml").unwrap()
    }

    fn render_with(
        xml: &str,
        query: &str,
        bundles: &[(&str, &str)],
    ) -> Result<Rendered, RenderError> {
        let spec = spec::parse(xml).unwrap();
        let params = params(query);
        let url = spec_url();
        let plan = Plan::new(&spec, &params, &url)?;
        let bundles = bundles
            .iter()
            .map(|(u, xml)| (Url::parse(u).unwrap(), spec::parse_message_bundle(xml).unwrap()))
            .collect();
        plan.render(&bundles, RT)
    }

    fn document(xml: &str, query: &str) -> String {
        match render_with(xml, query, &[]).unwrap() {
            Rendered::Document(d) => d,
            Rendered::Redirect(u) => panic!("redirect to {u}"),
        }
    }

    const CONFIG_DEFAULT: &str = r#"{"core.util":{},"core.io":{"jsonProxyUrl":"/gadgets/makeRequest"},"finesse.container":{"specUrl":"http://127.0.0.1:8082/g/hello.xml","mid":"0","view":"default","lang":"en","country":"US"}}"#;

    #[test]
    fn snapshot_minimal_quirks_document() {
        let doc = document("<Module><ModulePrefs/><Content>Hi</Content></Module>", "url=x");
        let expected = format!(
            "<html lang=\"en-US\"><head><style>{SCROLLING_CSS}{DEFAULT_CSS}</style>\
             <script>window['__isgadget']=true;</script><script>/*rt*/</script>\
             <script>gadgets.config.init({CONFIG_DEFAULT});gadgets.Prefs.setMessages_({{}});\
             gadgets.Prefs.setDefaultPrefs_({{}});</script></head><body dir=\"ltr\">Hi\
             <script>gadgets.util.runOnLoadHandlers();</script></body></html>"
        );
        assert_eq!(doc, expected);
    }

    #[test]
    fn snapshot_standards_document_with_everything() {
        let xml = r#"<Module>
  <ModulePrefs title="t">
    <Require feature="pubsub-2"/>
    <Require feature="loadingindicator"><Param name="manual-dismiss">true</Param></Require>
    <Optional feature="views"><Param name="a">1</Param><Param name="a">2</Param><Param name="a">3</Param></Optional>
    <Require feature="opensocial-0.8"/>
    <Optional feature="minimessage"/>
    <Locale><msg name="greet">Hello &lt;you&gt;</msg></Locale>
  </ModulePrefs>
  <UserPref name="host" default_value="h&amp;1"/>
  <Content view="canvas"><![CDATA[<!DOCTYPE html>
<html><head><script src="js/g.js"></script></head>
<body class="c">__MSG_greet__ at __UP_host__ #__MODULE_ID__</body></html>]]></Content>
</Module>"#;
        let doc = document(xml, "url=x&mid=12&lang=FR&country=ca&view=canvas&up_host=a%3Cb");
        let config = r#"{"core.util":{"pubsub-2":{},"loadingindicator":{"manual-dismiss":"true"},"views":{"a":["1","2","3"]}},"core.io":{"jsonProxyUrl":"/gadgets/makeRequest"},"finesse.container":{"specUrl":"http://127.0.0.1:8082/g/hello.xml","mid":"12","view":"canvas","lang":"fr","country":"CA"}}"#;
        let expected = format!(
            "<!DOCTYPE html>\n<html lang=\"fr-CA\"><head><style>{SCROLLING_CSS}</style>\
             <script>window['__isgadget']=true;</script><script>/*rt*/</script>\
             <script>gadgets.config.init({config});\
             gadgets.Prefs.setMessages_({{\"greet\":\"Hello \\u003cyou\\u003e\"}});\
             gadgets.Prefs.setDefaultPrefs_({{\"host\":\"h\\u00261\"}});</script>\
             <script src=\"http://127.0.0.1:8082/g/js/g.js\"></script>\
             </head><body dir=\"ltr\" class=\"c\">Hello <you> at a&lt;b #12\
             <script>gadgets.util.runOnLoadHandlers();</script></body></html>"
        );
        assert_eq!(doc, expected);
    }

    #[test]
    fn spec_version_2_gets_a_doctype_unless_quirks() {
        let v2 = "<Module specificationVersion=\"2.0\"><ModulePrefs/><Content>x</Content></Module>";
        assert!(document(v2, "url=x").starts_with("<!DOCTYPE html>\n<html lang=\"en-US\"><head><style>html,body{height:100%;width:100%;overflow:auto}</style>"));
        let quirks = "<Module specificationVersion=\"2.0\"><ModulePrefs/><Content quirks=\"true\">x</Content></Module>";
        assert!(document(quirks, "url=x").starts_with("<html"));
    }

    #[test]
    fn contents_of_a_view_are_concatenated_and_aliases_apply() {
        let xml = r#"<Module><ModulePrefs/>
            <Content view="home">A</Content><Content view="canvas">C</Content>
            <Content view="home,profile">B</Content></Module>"#;
        let body = |q| {
            let d = document(xml, q);
            let start = d.find("<body dir=\"ltr\">").unwrap() + 16;
            let end = d.find("<script>gadgets.util.runOnLoadHandlers").unwrap();
            d[start..end].to_owned()
        };
        assert_eq!(body("url=x&view=home"), "AB");
        assert_eq!(body("url=x&view=canvas"), "C");
        // `default` is reached through its aliases home, profile, canvas (in that order).
        assert_eq!(body("url=x"), "AB");
        assert_eq!(
            render_with(xml, "url=x&view=mobile", &[]),
            Err(RenderError::NoSuchView("mobile".into()))
        );
        let only_default = "<Module><ModulePrefs/><Content>D</Content></Module>";
        assert!(document(only_default, "url=x&view=canvas").contains(">D<script>"));
    }

    #[test]
    fn locale_bundles_merge_in_order_and_set_direction() {
        let xml = r#"<Module><ModulePrefs>
            <Locale lang="fr" country="CA" messages="fr_CA.xml" language_direction="rtl"/>
            <Locale messages="/b/all.xml"/>
            <Locale lang="fr" messages="fr_ALL.xml"/>
            <Locale country="CA"><msg name="c">all_CA</msg></Locale>
            <Locale lang="de" messages="de.xml"/>
            <Locale lang="fr" country="CA" views="other"><msg name="a">not this view</msg></Locale>
          </ModulePrefs><Content>__MSG_a__ __MSG_b__ __MSG_c__ __MSG_d__ __BIDI_DIR__</Content></Module>"#;
        let bundles = [
            (
                "http://127.0.0.1:8082/b/all.xml",
                r#"<messagebundle><msg name="a">all</msg><msg name="b">all</msg><msg name="c">all</msg><msg name="d">all</msg></messagebundle>"#,
            ),
            (
                "http://127.0.0.1:8082/g/fr_ALL.xml",
                r#"<messagebundle><msg name="b">fr</msg><msg name="c">fr</msg></messagebundle>"#,
            ),
            (
                "http://127.0.0.1:8082/g/fr_CA.xml",
                r#"<messagebundle><msg name="c">fr_CA</msg></messagebundle>"#,
            ),
        ];
        let spec = spec::parse(xml).unwrap();
        let p = params("url=x&lang=fr&country=CA");
        let url = spec_url();
        let plan = Plan::new(&spec, &p, &url).unwrap();
        assert_eq!(
            plan.bundle_urls().unwrap().iter().map(Url::as_str).collect::<Vec<_>>(),
            [
                "http://127.0.0.1:8082/b/all.xml",
                "http://127.0.0.1:8082/g/fr_ALL.xml",
                "http://127.0.0.1:8082/g/fr_CA.xml"
            ]
        );
        let Rendered::Document(doc) =
            render_with(xml, "url=x&lang=fr&country=CA", &bundles).unwrap()
        else {
            panic!("not a document")
        };
        assert!(doc.contains("<body dir=\"rtl\">all fr fr_CA all rtl<script>"), "{doc}");
        assert!(
            doc.contains(r#"setMessages_({"a":"all","b":"fr","c":"fr_CA","d":"all"})"#),
            "{doc}"
        );
        // A missing bundle is an error, not silently empty messages.
        assert!(matches!(
            render_with(xml, "url=x&lang=fr&country=CA", &bundles[..1]),
            Err(RenderError::MissingBundle(_))
        ));
        // English: only all_ALL applies, ltr.
        let Rendered::Document(doc) = render_with(xml, "url=x", &bundles[..1]).unwrap() else {
            panic!("not a document")
        };
        assert!(doc.contains("<body dir=\"ltr\">all all all all ltr<script>"), "{doc}");
    }

    #[test]
    fn unknown_required_feature_fails_unknown_optional_is_dropped() {
        let xml = r#"<Module><ModulePrefs><Require feature="minimessage"/></ModulePrefs><Content/></Module>"#;
        let err = render_with(xml, "url=x", &[]).unwrap_err();
        assert_eq!(err, RenderError::UnsupportedFeature("minimessage".into()));
        assert_eq!(err.status(), 422);
        let xml = r#"<Module><ModulePrefs><Optional feature="minimessage"/><Require feature="opensocial-0.8"/></ModulePrefs><Content/></Module>"#;
        assert!(document(xml, "url=x").contains(r#"init({"core.util":{},"#));
    }

    #[test]
    fn url_content_redirects_with_prefs_and_locale() {
        let xml = r#"<Module><ModulePrefs/><UserPref name="p"/>
            <Content type="url" href="/app/__UP_p__?a=1"/></Module>"#;
        let got = render_with(
            xml,
            "url=x&up_p=v&up_other=o%26&up_authorization=secret&lang=de&country=AT",
            &[],
        );
        assert_eq!(
            got,
            Ok(Rendered::Redirect(
                Url::parse(
                    "http://127.0.0.1:8082/app/v?a=1&up_p=v&up_other=o%26&lang=de&country=AT"
                )
                .unwrap()
            ))
        );
        let js =
            r#"<Module><ModulePrefs/><Content type="url" href="javascript:alert(1)"/></Module>"#;
        assert!(matches!(render_with(js, "url=x", &[]), Err(RenderError::BadUrl(_))));
    }

    #[test]
    fn unsupported_contents() {
        let sanitized =
            r#"<Module><ModulePrefs/><Content type="html-sanitized">x</Content></Module>"#;
        assert!(matches!(render_with(sanitized, "url=x", &[]), Err(RenderError::Unsupported(_))));
        let proxied = r#"<Module><ModulePrefs/><Content href="http://x/"/></Module>"#;
        assert!(matches!(render_with(proxied, "url=x", &[]), Err(RenderError::Unsupported(_))));
    }

    #[test]
    fn up_authorization_is_never_substituted() {
        let xml = r#"<Module><ModulePrefs/><UserPref name="authorization"/>
            <Content>[__UP_authorization__]</Content></Module>"#;
        let doc = document(xml, "url=x&up_authorization=c2VjcmV0");
        assert!(doc.contains("<body dir=\"ltr\">[]<script>"), "{doc}");
        assert!(!doc.contains("c2VjcmV0"));
    }

    #[test]
    fn runtime_and_content_cannot_break_out_of_the_scripts() {
        let xml = r#"<Module><ModulePrefs><Locale><msg name="m">&lt;/script&gt;&lt;script&gt;alert(1)</msg></Locale></ModulePrefs>
            <UserPref name="p" default_value="&lt;/script&gt;"/><Content>x</Content></Module>"#;
        let spec = spec::parse(xml).unwrap();
        let p = params("url=x");
        let url = spec_url();
        let Rendered::Document(doc) = Plan::new(&spec, &p, &url)
            .unwrap()
            .render(&HashMap::new(), "a = '</script>';")
            .unwrap()
        else {
            panic!("not a document")
        };
        // The only </script> end tags are the renderer's own four.
        assert_eq!(doc.matches("</script>").count(), 4, "{doc}");
        assert!(doc.contains("a = '<\\/script>';"));
    }

    #[test]
    fn parses_request_parameters() {
        let p = params(
            "url=%2Fg%2Fa.xml&mid=3&lang=&country=&view=home&up_x=1&up_x=2&up_=e&url=other&up_authorization=a",
        );
        assert_eq!(
            p,
            IfrParams {
                url: "/g/a.xml".into(),
                module_id: 3,
                lang: "en".into(),
                country: "US".into(),
                view: Some("home".into()),
                user_prefs: vec![("x".into(), "1".into())],
            }
        );
        assert_eq!(params("url=x&country=419").country, "419");
        for (query, needle) in [
            ("mid=1", "`url`"),
            ("url=", "`url`"),
            ("url=x&mid=-1", "`mid`"),
            ("url=x&mid=a", "`mid`"),
            ("url=x&lang=english", "`lang`"),
            ("url=x&lang=e1", "`lang`"),
            ("url=x&country=USA", "`country`"),
            ("url=x&view=a,b", "`view`"),
        ] {
            let err = IfrParams::parse(query).unwrap_err();
            assert_eq!(err.status(), 400);
            assert!(err.to_string().contains(needle), "{query}: {err}");
        }
    }

    #[test]
    fn error_page_escapes_the_message() {
        let page =
            error_page(422, "Unprocessable Entity", "Module: bad <script>alert(1)</script> & co");
        assert!(page.contains("<h1>422 Unprocessable Entity</h1>"));
        assert!(page.contains("<p>Module: bad &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</p>"));
        assert!(!page.contains("<script>"));
    }
}
