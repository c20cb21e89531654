//! The OpenSocial container mounted in the simulator, over real HTTP: gadget rendering at
//! `/gadgets/ifr` from a spec and message bundles in a static directory (on `127.0.0.1` and on
//! `localhost`, the desktop's two names for the server), its error statuses, and the
//! makeRequest proxy to the simulator's own REST API (Basic auth, a 401 with its body), to an
//! allow-listed second server, and to a disallowed origin (403).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use finesse_container::ContainerConfig;
use finesse_sim::scenario::Scenario;
use finesse_sim::server::Options;
use support::{AGENT, Sim, basic};

/// The runtime the tests inject: its `</script>` must come out as `<\/script>`.
const RUNTIME: &str = "window.testRuntime = '</script>';";

const HELLO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Module>
  <ModulePrefs title="__MSG_title__">
    <Require feature="pubsub-2"/>
    <Require feature="setprefs"/>
    <Require feature="loadingindicator"><Param name="manual-dismiss">true</Param></Require>
    <Locale messages="messages/all_ALL.xml"/>
    <Locale lang="fr" messages="messages/fr_ALL.xml"/>
  </ModulePrefs>
  <UserPref name="host" datatype="hidden" default_value="nowhere"/>
  <UserPref name="authorization" datatype="hidden"/>
  <Content type="html"><![CDATA[<!DOCTYPE html>
<html>
<head><script src="hello.js"></script></head>
<body class="gadget"><p id="greeting">__MSG_greeting__ __UP_host__ #__MODULE_ID__ [__UP_authorization__]</p></body>
</html>]]></Content>
</Module>"#;

const ALL_ALL: &str =
    r#"<messagebundle><msg name="greeting">Hello</msg><msg name="title">Hi</msg></messagebundle>"#;
const FR_ALL: &str = r#"<messagebundle><msg name="greeting">Bonjour</msg></messagebundle>"#;

/// A static directory with the test gadgets, removed on drop.
struct Gadgets(PathBuf);

impl Gadgets {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "finesse-container-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(dir.join("messages")).unwrap();
        let files = [
            ("hello.xml", HELLO),
            ("messages/all_ALL.xml", ALL_ALL),
            ("messages/fr_ALL.xml", FR_ALL),
            ("broken.xml", "<Module><ModulePrefs/><Content><b>x</b></Content></Module>"),
            ("canvas.xml", r#"<Module><ModulePrefs/><Content view="canvas">c</Content></Module>"#),
            (
                "unknown-feature.xml",
                r#"<Module><ModulePrefs><Require feature="minimessage"/></ModulePrefs><Content/></Module>"#,
            ),
            (
                "bad-bundle.xml",
                r#"<Module><ModulePrefs><Locale messages="hello.xml"/></ModulePrefs><Content/></Module>"#,
            ),
            (
                "url.xml",
                r#"<Module><ModulePrefs/><UserPref name="p"/><Content type="url" href="app/index.html?x=__UP_p__"/></Module>"#,
            ),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        Self(dir)
    }
}

impl Drop for Gadgets {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A simulator serving the gadgets at `/test-gadgets/` with the test runtime and `allowed`
/// origins.
fn start(gadgets: &Gadgets, allowed: &[String]) -> Sim {
    let mut options = Options::new(Scenario::demo());
    options.static_dirs.push(("/test-gadgets".into(), gadgets.0.clone()));
    let mut container = ContainerConfig::default();
    container.runtime_js = RUNTIME.into();
    container.allowed_origins = allowed.iter().map(|o| o.parse().unwrap()).collect();
    options.container = Some(container);
    let sim = Sim::start(options);
    // Ready once the container answers (the listener is bound before `start` returns, so the
    // first answer is the readiness check; a parameter error proves the route is mounted).
    let (status, _, _) = http(&sim.url, "GET", "/gadgets/ifr", None);
    assert_eq!(status, 400);
    sim
}

fn port(sim: &Sim) -> u16 {
    sim.server.as_ref().unwrap().addr.port()
}

/// One request to `base` (`http://host:port`) without following redirects: status, headers
/// (lower-cased name, value) and body.
fn http(
    base: &str,
    method: &str,
    path: &str,
    form: Option<&str>,
) -> (u16, Vec<(String, String)>, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .build()
        .into();
    let mut req = ureq::http::Request::builder().method(method).uri(format!("{base}{path}"));
    if form.is_some() {
        req = req.header("Content-Type", "application/x-www-form-urlencoded");
    }
    let mut resp = agent.run(req.body(form.unwrap_or("").to_owned()).unwrap()).unwrap();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (resp.status().as_u16(), headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[test]
fn renders_a_gadget_on_both_host_names() {
    let gadgets = Gadgets::new();
    let sim = start(&gadgets, &[]);
    let port = port(&sim);
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let base = format!("http://{host}");
        let query = "/gadgets/ifr?url=%2Ftest-gadgets%2Fhello.xml&mid=3&lang=fr&country=CA\
                     &view=home&up_host=h%3Cx&up_authorization=c2VjcmV0&up_undeclared=u";
        let (status, headers, doc) = http(&base, "GET", query, None);
        assert_eq!(status, 200, "{host}: {doc}");
        assert_eq!(header(&headers, "content-type"), Some("text/html; charset=utf-8"));
        assert!(doc.starts_with("<!DOCTYPE html>\n<html lang=\"fr-CA\"><head><style>"), "{doc}");
        // The runtime, verbatim but for the end tag, right after the __isgadget script.
        assert!(
            doc.contains(
                "<script>window['__isgadget']=true;</script>\
                 <script>window.testRuntime = '<\\/script>';</script>"
            ),
            "{doc}"
        );
        let config = format!(
            r#"gadgets.config.init({{"core.util":{{"pubsub-2":{{}},"setprefs":{{}},"loadingindicator":{{"manual-dismiss":"true"}}}},"core.io":{{"jsonProxyUrl":"/gadgets/makeRequest"}},"finesse.container":{{"specUrl":"http://{host}/test-gadgets/hello.xml","mid":"3","view":"home","lang":"fr","country":"CA"}}}});"#
        );
        assert!(doc.contains(&config), "{host}: {doc}");
        assert!(
            doc.contains(r#"gadgets.Prefs.setMessages_({"greeting":"Bonjour","title":"Hi"});"#),
            "{doc}"
        );
        assert!(
            doc.contains(
                r#"gadgets.Prefs.setDefaultPrefs_({"host":"nowhere","authorization":""});"#
            ),
            "{doc}"
        );
        // Resource URLs resolve against the spec, on the host name the request used.
        assert!(
            doc.contains(&format!(
                "<script src=\"http://{host}/test-gadgets/hello.js\"></script></head>"
            )),
            "{doc}"
        );
        // Substitution: French message, escaped pref, module id, authorization never from the URL.
        assert!(
            doc.contains(
                "<body dir=\"ltr\" class=\"gadget\"><p id=\"greeting\">Bonjour h&lt;x #3 []</p>\
                 <script>gadgets.util.runOnLoadHandlers();</script></body></html>"
            ),
            "{doc}"
        );
        assert!(!doc.contains("c2VjcmV0"));
    }
    // Default locale (en-US): the all_ALL bundle only.
    let (status, _, doc) = http(&sim.url, "GET", "/gadgets/ifr?url=/test-gadgets/hello.xml", None);
    assert_eq!(status, 200, "{doc}");
    assert!(doc.contains("<html lang=\"en-US\">"));
    assert!(doc.contains(">Hello nowhere #0 []</p>"), "{doc}");
}

#[test]
fn spec_urls_and_rendering_errors() {
    let gadgets = Gadgets::new();
    let sim = start(&gadgets, &[]);
    let port = port(&sim);
    let localhost = format!("http://localhost:{port}");
    // An absolute spec URL naming the server by its other loopback name is its own origin.
    let spec = enc(&format!("http://127.0.0.1:{port}/test-gadgets/hello.xml"));
    let (status, _, doc) = http(&localhost, "GET", &format!("/gadgets/ifr?url={spec}"), None);
    assert_eq!(status, 200, "{doc}");
    let cases = [
        ("/gadgets/ifr?mid=1", 400, "`url` (the gadget spec URL) is required"),
        ("/gadgets/ifr?url=/test-gadgets/hello.xml&mid=x", 400, "`mid` must be"),
        (
            "/gadgets/ifr?url=http%3A%2F%2Fexample.invalid%2Fg.xml",
            403,
            "http://example.invalid:80 is not allowed",
        ),
        ("/gadgets/ifr?url=file%3A%2F%2F%2Fetc%2Fpasswd", 400, "is not an http(s) URL"),
        ("/gadgets/ifr?url=/test-gadgets/missing.xml", 502, "HTTP status 404"),
        ("/gadgets/ifr?url=/test-gadgets/broken.xml", 422, "unexpected element &lt;b&gt;"),
        ("/gadgets/ifr?url=/test-gadgets/canvas.xml&view=home", 404, "no view `home`"),
        ("/gadgets/ifr?url=/test-gadgets/unknown-feature.xml", 422, "feature `minimessage`"),
        (
            "/gadgets/ifr?url=/test-gadgets/bad-bundle.xml",
            422,
            "the root element must be &lt;messagebundle&gt;",
        ),
        // A rendering of the renderer's own output is refused, not recursed into.
        (
            "/gadgets/ifr?url=%2Fgadgets%2Fifr%3Furl%3D%252Ftest-gadgets%252Fhello.xml",
            502,
            "HTTP status 508",
        ),
    ];
    for (path, expected, needle) in cases {
        let (status, headers, page) = http(&sim.url, "GET", path, None);
        assert_eq!(status, expected, "{path}: {page}");
        assert_eq!(header(&headers, "content-type"), Some("text/html; charset=utf-8"));
        assert!(page.contains(needle), "{path}: {page}");
        assert!(!page.contains("<b>"), "{path}: unescaped: {page}");
    }
    // type="url": a redirect with the prefs and the locale, never the authorization.
    let (status, headers, _) = http(
        &sim.url,
        "GET",
        "/gadgets/ifr?url=/test-gadgets/url.xml&up_p=1&up_authorization=secret&lang=de",
        None,
    );
    assert_eq!(status, 302);
    assert_eq!(
        header(&headers, "location"),
        Some(
            format!(
                "http://127.0.0.1:{port}/test-gadgets/app/index.html?x=1&up_p=1&lang=de&country=US"
            )
            .as_str()
        )
    );
}

/// Splits a makeRequest answer into the JSON entry for `url`.
fn proxied(body: &str, url: &str) -> serde_json::Value {
    let json = body
        .strip_prefix("throw 1; < don't be evil' >")
        .unwrap_or_else(|| panic!("no unparseable prefix: {body}"));
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    value.get(url).unwrap_or_else(|| panic!("no entry for {url}: {json}")).clone()
}

fn make_request_form(url: &str, auth: &str, extra: &str) -> String {
    let headers = format!("Authorization={}&locale=en_US", enc(auth));
    format!("url={}&httpMethod=GET&headers={}&refresh=0{extra}", enc(url), enc(&headers))
}

#[test]
fn make_request_reaches_the_simulators_own_api() {
    let gadgets = Gadgets::new();
    let sim = start(&gadgets, &[]);
    let port = port(&sim);
    // As finesse.js calls it: http://localhost:<port>/finesse/api/…, from a page on 127.0.0.1.
    let url = format!("http://localhost:{port}/finesse/api/User/1001001?nocache=1");
    let form = make_request_form(&url, &basic(AGENT.0, AGENT.1), "&getFullHeaders=true");
    let (status, headers, body) = http(&sim.url, "POST", "/gadgets/makeRequest", Some(&form));
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&headers, "content-type"), Some("application/json; charset=utf-8"));
    let answer = proxied(&body, &url);
    assert_eq!(answer["rc"], 200, "{answer}");
    assert!(answer["body"].as_str().unwrap().contains("<loginId>1001001</loginId>"), "{answer}");
    assert_eq!(answer["headers"]["content-type"][0], "application/xml; charset=utf-8");

    // A relative URL, by GET, from a page on localhost; only set-cookie/location headers.
    let url = "/finesse/api/User/1001001";
    let query = make_request_form(url, &basic(AGENT.0, AGENT.1), "");
    let (status, _, body) = http(
        &format!("http://localhost:{port}"),
        "GET",
        &format!("/gadgets/makeRequest?{query}"),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let answer = proxied(&body, url);
    assert_eq!(answer["rc"], 200, "{answer}");
    assert_eq!(answer["headers"], serde_json::json!({}));
}

#[test]
fn make_request_keeps_the_body_of_an_error_status() {
    let gadgets = Gadgets::new();
    let sim = start(&gadgets, &[]);
    let url = "/finesse/api/User/1001001";
    let form = make_request_form(url, &basic(AGENT.0, "wrong"), "");
    let (status, _, body) = http(&sim.url, "POST", "/gadgets/makeRequest", Some(&form));
    assert_eq!(status, 200, "{body}");
    let answer = proxied(&body, url);
    assert_eq!(answer["rc"], 401, "{answer}");
    assert!(answer["body"].as_str().unwrap().contains("<ApiErrors>"), "{answer}");
}

#[test]
fn make_request_only_to_allowed_origins() {
    let gadgets = Gadgets::new();
    let other = Sim::demo();
    let other_url = format!("{}/finesse/api/User/1001001", other.url);
    let form = make_request_form(&other_url, &basic(AGENT.0, AGENT.1), "");

    // Not allowed: 403 with a JSON error, nothing forwarded.
    let sim = start(&gadgets, &[]);
    let (status, headers, body) = http(&sim.url, "POST", "/gadgets/makeRequest", Some(&form));
    assert_eq!(status, 403, "{body}");
    assert_eq!(header(&headers, "content-type"), Some("application/json; charset=utf-8"));
    let error: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(error["error"].as_str().unwrap().contains("is not allowed"), "{body}");
    let form_out = make_request_form("http://example.invalid/api", "x", "");
    let (status, _, _) = http(&sim.url, "POST", "/gadgets/makeRequest", Some(&form_out));
    assert_eq!(status, 403);
    drop(sim);

    // Allowed: forwarded.
    let sim = start(&gadgets, std::slice::from_ref(&other.url));
    let (status, _, body) = http(&sim.url, "POST", "/gadgets/makeRequest", Some(&form));
    assert_eq!(status, 200, "{body}");
    assert_eq!(proxied(&body, &other_url)["rc"], 200);

    // Bad fields: 400.
    let (status, _, body) = http(&sim.url, "POST", "/gadgets/makeRequest", Some("httpMethod=GET"));
    assert_eq!(status, 400, "{body}");
}

#[test]
fn the_default_container_embeds_the_built_runtime() {
    let gadgets = Gadgets::new();
    let mut options = Options::new(Scenario::demo());
    options.static_dirs.push(("/test-gadgets".into(), gadgets.0.clone()));
    let sim = Sim::start(options);
    let (status, _, doc) = http(&sim.url, "GET", "/gadgets/ifr?url=/test-gadgets/hello.xml", None);
    assert_eq!(status, 200, "{doc}");
    let runtime = finesse_container::RUNTIME_JS.replace("</script", "<\\/script");
    assert!(!runtime.is_empty());
    assert!(
        doc.contains(&format!(
            "<script>window['__isgadget']=true;</script><script>{runtime}</script>"
        )),
        "the runtime is not embedded verbatim"
    );
}
