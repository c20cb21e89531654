//! Test support: a simulator on a free loopback port and a blocking HTTP client.
#![allow(dead_code, unreachable_pub, reason = "test support: each test file uses part of it")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test support: a panic is the report")]

use std::net::SocketAddr;

use finesse_model::{XmlDocument, decode};
use finesse_sim::scenario::Scenario;
use finesse_sim::server::{Options, Server};

/// A human (not simulated) agent of the demo scenario, team 1.
pub const AGENT: (&str, &str) = ("1001001", "pass1001001");
/// The supervisor of team 1 (human).
pub const SUPERVISOR: (&str, &str) = ("1001010", "pass1001010");
/// The administrator.
pub const ADMIN: (&str, &str) = ("admin", "admin");
/// The admin endpoint token the tests start the simulator with.
pub const ADMIN_TOKEN: &str = "test-admin-token";

/// A running simulator and an HTTP client for it.
pub struct Sim {
    /// The runtime the server runs on.
    pub rt: tokio::runtime::Runtime,
    /// The server (taken on drop).
    pub server: Option<Server>,
    /// Its base URL.
    pub url: String,
    http: ureq::Agent,
}

impl Sim {
    /// The demo scenario on a free port.
    pub fn demo() -> Self {
        Self::start(Options::new(Scenario::demo()))
    }

    /// The demo scenario with virtual time (nearly) stopped, so nothing happens between two
    /// requests but what the requests do: for "a rejected request changes nothing".
    pub fn frozen() -> Self {
        let mut options = Options::new(Scenario::demo());
        options.speed = 1e-9;
        Self::start(options)
    }

    /// The demo scenario in real time with no callers and no outbound reservations of its own:
    /// only injected calls (`POST /admin/calls`) reach the agents.
    pub fn quiet() -> Self {
        let mut scenario = Scenario::demo();
        for queue in &mut scenario.queues {
            queue.calls_per_minute = 0.0;
        }
        for campaign in &mut scenario.campaigns {
            campaign.reservations_per_minute = 0.0;
        }
        Self::start(Options::new(scenario))
    }

    /// A request to the admin endpoint with the token; returns the status and the body.
    pub fn admin(&self, method: &str, path_and_query: &str, body: Option<&str>) -> (u16, String) {
        let bearer = format!("Bearer {ADMIN_TOKEN}");
        self.call(method, path_and_query, None, body, &[("Authorization", bearer.as_str())])
    }

    /// A scenario on a free port, with the admin endpoint on.
    pub fn start(mut options: Options) -> Self {
        options.admin_token = Some(ADMIN_TOKEN.into());
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server =
            rt.block_on(Server::start(options, SocketAddr::from(([127, 0, 0, 1], 0)))).unwrap();
        let url = server.url();
        let http: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).build().into();
        Self { rt, server: Some(server), url, http }
    }

    /// Sends a request; returns the status and the body.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        auth: Option<(&str, &str)>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let url = format!("{}{path}", self.url);
        let mut req = ureq::http::Request::builder().method(method).uri(&url);
        if let Some((user, password)) = auth {
            req = req.header("Authorization", basic(user, password));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if body.is_some() {
            req = req.header("Content-Type", "application/xml");
        }
        let req = req.body(body.unwrap_or("").to_owned()).unwrap();
        let mut resp = self.http.run(req).unwrap();
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap_or_default();
        (status, text)
    }

    /// GET with Basic credentials.
    pub fn get(&self, path: &str, auth: (&str, &str)) -> (u16, String) {
        self.call("GET", path, Some(auth), None, &[])
    }

    /// PUT an XML body with Basic credentials.
    pub fn put(&self, path: &str, auth: (&str, &str), body: &str) -> (u16, String) {
        self.call("PUT", path, Some(auth), Some(body), &[])
    }

    /// GET and decode, asserting 200.
    pub fn get_ok<T: XmlDocument>(&self, path: &str, auth: (&str, &str)) -> T {
        let (status, body) = self.get(path, auth);
        assert_eq!(status, 200, "GET {path}: {body}");
        decode(&body).unwrap_or_else(|e| panic!("GET {path}: {e}\n{body}"))
    }

    /// Sets faults through the admin endpoint.
    pub fn fault(&self, query: &str) {
        let (status, body) = self.call(
            "POST",
            &format!("/admin/faults?{query}"),
            None,
            None,
            &[("Authorization", &format!("Bearer {ADMIN_TOKEN}"))],
        );
        assert_eq!(status, 200, "{body}");
    }

    /// The engine's state digest (equal digests: equal state).
    pub fn digest(&self) -> u64 {
        self.server.as_ref().unwrap().sim.with_engine(|e| e.state_digest())
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop();
        }
    }
}

/// `Basic base64(user:password)`.
pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
}

/// base64 of SASL PLAIN's `\0user\0password`.
pub fn sasl_plain(user: &str, password: &str) -> String {
    base64(format!("\0{user}\0{password}").as_bytes())
}

fn base64(bytes: &[u8]) -> String {
    finesse_xmpp::sasl::base64_encode(bytes)
}
