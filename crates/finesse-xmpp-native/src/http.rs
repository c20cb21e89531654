//! BOSH requests: one blocking POST per thread.

use std::io::Read;
use std::time::Duration;

/// What became of one request.
#[derive(Debug)]
pub(crate) enum HttpOutcome {
    /// An HTTP answer, whatever its status.
    Response { status: u16, body: String },
    /// No HTTP answer (connection refused or reset, timeout, unreadable body).
    Failed(String),
}

/// The agent every request of one driver shares (it keeps connections alive between
/// requests, as a browser does). No proxy: the servers are local.
pub(crate) fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(timeout))
        .build()
        .new_agent()
}

/// POSTs `body` to `url` as XML. At most `limit + 1` bytes of the answer are read, so the
/// client sees that it is too large and reports it.
pub(crate) fn post(agent: &ureq::Agent, url: &str, body: String, limit: usize) -> HttpOutcome {
    let response =
        match agent.post(url).header("Content-Type", "text/xml; charset=utf-8").send(body) {
            Ok(response) => response,
            Err(e) => return HttpOutcome::Failed(e.to_string()),
        };
    let status = response.status().as_u16();
    let mut bytes = Vec::new();
    let limit = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    match response.into_body().into_reader().take(limit).read_to_end(&mut bytes) {
        Ok(_) => {
            HttpOutcome::Response { status, body: String::from_utf8_lossy(&bytes).into_owned() }
        }
        Err(e) => HttpOutcome::Failed(format!("reading the body: {e}")),
    }
}
