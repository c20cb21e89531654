//! The simulator's server: one origin serving the Finesse REST API (`/finesse/api/…`), the
//! notification service (BOSH at `/http-bind`, WebSocket at `/ws`), an admin endpoint for fault
//! injection and test control (`/admin/…`) and static directories (the built desktop and
//! gadgets), as a Finesse server does. The engine and the notification core are sans-IO; this
//! module owns the clock, the locks and the sockets. The OpenSocial container (`finesse-container`: gadget rendering
//! at `/gadgets/ifr`, the makeRequest proxy at `/gadgets/makeRequest`) is mounted on the same
//! origin, so the desktop, its gadgets and the API they call are one server. Requests are
//! logged at debug level by method, path and status, never with their query strings (they may
//! carry user prefs).

mod admin;
mod external;
mod notify;
mod rest;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use finesse_container::ContainerConfig;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

use crate::engine::{ApiFailure, Engine, Millis, Principal};
use crate::scenario::Scenario;

pub use admin::Faults;
pub use external::ExternalConfig;

/// How to run a simulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// The contact center.
    pub scenario: Scenario,
    /// PRNG seed (same seed, same behaviour at the same virtual times).
    pub seed: u64,
    /// Virtual seconds per real second (1.0 = real time).
    pub speed: f64,
    /// Static directories: `(url prefix, directory)`, e.g. `("/", "dist")`.
    pub static_dirs: Vec<(String, PathBuf)>,
    /// The admin endpoint's token (`Authorization: Bearer <token>`); `None` disables the admin
    /// endpoint.
    pub admin_token: Option<String>,
    /// Faults active from the start.
    pub faults: Faults,
    /// Also publish every notification into this external XMPP server (Prosody) as a pubsub
    /// publisher.
    pub external: Option<ExternalConfig>,
    /// Serve a second Finesse node (the alternate server of the High Availability chapter)
    /// on this address: same contact center, its own notification service, so clients can
    /// fail over to it (explicit subscriptions do not follow them there).
    pub alternate: Option<SocketAddr>,
    /// The OpenSocial container (`/gadgets/ifr`, `/gadgets/makeRequest`); `None` leaves it out.
    /// Its `local_addr` is set to each node's own address when the server starts.
    pub container: Option<ContainerConfig>,
}

impl Options {
    /// Defaults: the demo scenario, seed 1, real time, no static files, admin disabled, the
    /// container on with no allowed origins besides the server's own.
    pub fn new(scenario: Scenario) -> Self {
        Self {
            scenario,
            seed: 1,
            speed: 1.0,
            static_dirs: Vec::new(),
            admin_token: None,
            faults: Faults::default(),
            external: None,
            alternate: None,
            container: Some(ContainerConfig::default()),
        }
    }
}

/// Real time mapped to virtual time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    start: Instant,
    start_virtual: Millis,
    speed: f64,
}

impl Clock {
    fn new(speed: f64) -> Self {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        Self { start: Instant::now(), start_virtual: i64::try_from(wall).unwrap_or(0), speed }
    }

    pub(crate) fn now(&self) -> Millis {
        #[allow(clippy::cast_possible_truncation, reason = "milliseconds fit an i64 for millennia")]
        let elapsed = (self.start.elapsed().as_secs_f64() * 1000.0 * self.speed) as i64;
        self.start_virtual + elapsed
    }

    /// How long in real time until virtual time `at`.
    pub(crate) fn until(&self, at: Millis) -> Duration {
        let ms = (at - self.now()).max(0);
        #[allow(clippy::cast_precision_loss, reason = "a delay, not an amount")]
        Duration::from_secs_f64(ms as f64 / 1000.0 / self.speed.max(1e-6))
    }
}

/// The state shared by every request.
pub(crate) struct Inner {
    pub(crate) engine: Engine,
    /// One notification service per node (0: primary, 1: alternate).
    pub(crate) notify: Vec<notify::Notifier>,
    /// The external-server publisher, in external mode.
    pub(crate) external: Option<external::ExternalPublisher>,
}

impl Inner {
    /// Publishes what the engine produced (after every request and every engine step) on
    /// every node, as Finesse's nodes both publish what CTI reports.
    pub(crate) fn flush(&mut self, now: Millis) {
        for n in self.engine.drain_notifications() {
            for notify in &mut self.notify {
                notify.publish(&n.node, &n.update, now);
            }
            if let Some(external) = &self.external {
                match finesse_model::encode(&n.update) {
                    Ok(xml) => external.publish(&n.node, &xml),
                    Err(e) => tracing::error!(node = n.node, "notification not encodable: {e}"),
                }
            }
        }
    }
}

/// One node's view of the simulator: handlers of the primary and of the alternate server
/// share the engine but each has its own notification service and can be taken down alone.
#[derive(Clone)]
pub(crate) struct NodeRef {
    pub(crate) sim: Arc<Sim>,
    pub(crate) index: usize,
}

impl std::ops::Deref for NodeRef {
    type Target = Sim;
    fn deref(&self) -> &Sim {
        &self.sim
    }
}

impl NodeRef {
    /// Whether this node is down (fault injection).
    pub(crate) fn down(&self) -> bool {
        let faults = self.sim.faults();
        if self.index == 0 { faults.primary_down } else { faults.alternate_down }
    }
}

/// A running simulator's shared state.
pub struct Sim {
    inner: Mutex<Inner>,
    clock: Clock,
    faults: Mutex<Faults>,
    admin_token: Option<String>,
    wake: tokio::sync::Notify,
}

impl Sim {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock must not take every later request down with it.
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The simulator's current virtual time.
    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// Runs `f` on the engine, brought up to now, and publishes what it produced: for tests
    /// that compare the simulator's own state, and for embedding.
    pub fn with_engine<R>(&self, f: impl FnOnce(&mut Engine) -> R) -> R {
        let now = self.now();
        let mut guard = self.lock();
        guard.engine.advance(now);
        let result = f(&mut guard.engine);
        guard.flush(now);
        drop(guard);
        self.wake.notify_one();
        result
    }

    pub(crate) fn faults(&self) -> Faults {
        self.faults.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Authenticates with the guide's lockout (five wrong passwords block the user 5 minutes).
    pub(crate) fn authenticate(&self, user: &str, password: &str) -> Result<Principal, ApiFailure> {
        let now = self.now();
        self.lock().engine.authenticate_at(user, password, now)
    }

    /// The 503 answer while out-of-service mode is on.
    pub(crate) fn out_of_service(&self) -> Option<rest::Api> {
        self.faults()
            .out_of_service
            .then(|| rest::failure(503, "Service Unavailable", "SERVER_OUT_OF_SERVICE", None))
    }
}

/// A simulator bound to a port (and, when asked, an alternate server on a second port).
pub struct Server {
    /// The address it serves on.
    pub addr: SocketAddr,
    /// The alternate server's address.
    pub alternate_addr: Option<SocketAddr>,
    /// Its shared state (for tests in the same process).
    pub sim: Arc<Sim>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` (port 0: a free port), starts serving and the engine's clock.
    pub async fn start(options: Options, addr: SocketAddr) -> std::io::Result<Self> {
        let clock = Clock::new(options.speed);
        let now = clock.now();
        let engine = Engine::new(options.scenario.clone(), options.seed, now);
        let nodes = if options.alternate.is_some() { 2 } else { 1 };
        let notify = (0..nodes)
            .map(|i| notify::Notifier::new(&options.scenario, options.seed.wrapping_add(i), now))
            .collect();
        let sim = Arc::new(Sim {
            inner: Mutex::new(Inner {
                engine,
                notify,
                external: options.external.clone().map(external::ExternalPublisher::start),
            }),
            clock,
            faults: Mutex::new(options.faults.clone()),
            admin_token: options.admin_token.clone(),
            wake: tokio::sync::Notify::new(),
        });
        let mut tasks = Vec::new();
        let mut bound = Vec::new();
        for (index, addr) in std::iter::once(addr).chain(options.alternate).enumerate() {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            let local_addr = listener.local_addr()?;
            bound.push(local_addr);
            // The container reaches its own origin (specs in the static directories, the REST
            // API behind makeRequest) on the address this node listens on.
            let container = options.container.clone().map(|mut config| {
                config.local_addr = Some(local_addr);
                config
            });
            let app = router(NodeRef { sim: sim.clone(), index }, &options.static_dirs, container);
            // Notifications are small writes after small writes: without TCP_NODELAY, Nagle's
            // algorithm and the peer's delayed ACKs hold them ~40 ms.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!("TCP_NODELAY: {e}");
                }
            });
            tasks.push(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!("server stopped: {e}");
                }
            }));
        }
        tasks.push(tokio::spawn(tick(sim.clone())));
        Ok(Self { addr: bound[0], alternate_addr: bound.get(1).copied(), sim, tasks })
    }

    /// The base URL (`http://127.0.0.1:port`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The alternate server's base URL.
    pub fn alternate_url(&self) -> Option<String> {
        self.alternate_addr.map(|a| format!("http://{a}"))
    }

    /// Stops serving.
    pub fn stop(self) {
        for task in self.tasks {
            task.abort();
        }
    }
}

/// Drives the engine and the notification service in (scaled) real time.
async fn tick(sim: Arc<Sim>) {
    loop {
        let next = {
            let now = sim.now();
            let mut guard = sim.lock();
            guard.engine.advance(now);
            for notify in &mut guard.notify {
                notify.handle_timeout(now);
            }
            guard.flush(now);
            let notify_next = guard.notify.iter().filter_map(notify::Notifier::poll_timeout).min();
            [guard.engine.next_wakeup(), notify_next].into_iter().flatten().min()
        };
        // Wake at the next deadline, at least every 250 ms so faults and new sessions are seen.
        let delay = next
            .map_or(Duration::from_millis(250), |at| sim.clock.until(at))
            .min(Duration::from_millis(250));
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = sim.wake.notified() => {}
        }
    }
}

/// Logs a request by method, path and status: never the query string, which may carry user
/// prefs, nor any header.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let start = Instant::now();
    let response = next.run(request).await;
    tracing::debug!(
        %method,
        path,
        status = response.status().as_u16(),
        ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

fn router(
    node: NodeRef,
    static_dirs: &[(String, PathBuf)],
    container: Option<ContainerConfig>,
) -> Router {
    // Finesse's CORS: Basic auth needs `Authorization` listed explicitly (a wildcard does not
    // cover it), and the requestId header is read by the server.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_methods([Method::GET, Method::PUT, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::RANGE,
            HeaderName::from_static("requestid"),
        ])
        .expose_headers([HeaderName::from_static("requestid")])
        .allow_credentials(true);
    let mut app = Router::new()
        .merge(rest::routes())
        .merge(notify::routes())
        .merge(admin::routes())
        .with_state(node);
    if let Some(config) = container {
        app = app.merge(finesse_container::router(config));
    }
    for (prefix, dir) in static_dirs {
        let service = ServeDir::new(dir).append_index_html_on_directories(true);
        app = if prefix == "/" {
            app.fallback_service(service)
        } else {
            app.nest_service(prefix, service)
        };
    }
    app.layer(cors)
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::middleware::from_fn(log_request))
}
