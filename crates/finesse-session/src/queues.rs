//! Queue statistics as the queue statistics gadget shows them (guide chapter 3, "Queue API
//! Parameters"; chapter 6, "Queue Notification" and "User/Queue Notification"), pure and tested
//! natively: the user's queues kept live from `GET /finesse/api/User/{id}/Queues`, the
//! `/finesse/api/Queue/{id}` notifications (`put` new statistics, `delete` a queue gone from the
//! system) and the `/finesse/api/User/{id}/Queues` ones (`post` queues added with their
//! statistics, `delete` queues removed, by `uri`); the rows with `-1` and empty values as *not
//! available*, the longest call in queue on the server's clock, a totals row, sorting by any
//! column, per-queue thresholds and the calls waiting of the last 30 minutes.
//!
//! ```
//! use finesse_session::ServerClock;
//! use finesse_session::queues::{Column, QueueTable};
//!
//! let list = finesse_model::decode(
//!     "<Queues><Queue><uri>/finesse/api/Queue/5001</uri><name>Sales</name><statistics>\
//!      <callsInQueue>2</callsInQueue><agentsReady>-1</agentsReady></statistics></Queue></Queues>",
//! )?;
//! let mut table = QueueTable::default();
//! table.apply_list(&list, 0);
//! let rows = table.rows(&ServerClock::default(), 0);
//! assert_eq!(rows[0].text(Column::CallsInQueue).as_deref(), Some("2"));
//! assert_eq!(rows[0].text(Column::Ready), None); // -1: not available
//! # Ok::<(), finesse_model::DecodeError>(())
//! ```

use std::collections::VecDeque;
use std::fmt;

use finesse_model::{Queue, QueueId, QueueStatistics, Queues, Update, UpdateData, UpdateEvent};

use crate::{Millis, ServerClock, format_elapsed};

/// A column of the queue table, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// Queue name.
    Name,
    /// Calls waiting.
    CallsInQueue,
    /// How long the oldest waiting call has waited.
    LongestCall,
    /// Agents Ready.
    Ready,
    /// Agents Not Ready.
    NotReady,
    /// Agents talking on inbound calls.
    TalkingInbound,
    /// Agents talking on outbound calls.
    TalkingOutbound,
    /// Agents talking on internal calls.
    TalkingInternal,
    /// Agents in Work Ready.
    WrapUpReady,
    /// Agents in Work Not Ready.
    WrapUpNotReady,
}

impl Column {
    /// Every column, in display order.
    pub const ALL: [Self; 10] = [
        Self::Name,
        Self::CallsInQueue,
        Self::LongestCall,
        Self::Ready,
        Self::NotReady,
        Self::TalkingInbound,
        Self::TalkingOutbound,
        Self::TalkingInternal,
        Self::WrapUpReady,
        Self::WrapUpNotReady,
    ];

    /// The column's heading (English; the UI's i18n translates it).
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Queue",
            Self::CallsInQueue => "Calls in queue",
            Self::LongestCall => "Longest call in queue",
            Self::Ready => "Ready",
            Self::NotReady => "Not Ready",
            Self::TalkingInbound => "Talking inbound",
            Self::TalkingOutbound => "Talking outbound",
            Self::TalkingInternal => "Talking internal",
            Self::WrapUpReady => "Wrap-Up Ready",
            Self::WrapUpNotReady => "Wrap-Up Not Ready",
        }
    }

    /// The statistic's name on the wire (`callsInQueue`…); the queue's `name` for
    /// [`Column::Name`].
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::CallsInQueue => "callsInQueue",
            Self::LongestCall => "startTimeOfLongestCallInQueue",
            Self::Ready => "agentsReady",
            Self::NotReady => "agentsNotReady",
            Self::TalkingInbound => "agentsTalkingInbound",
            Self::TalkingOutbound => "agentsTalkingOutbound",
            Self::TalkingInternal => "agentsTalkingInternal",
            Self::WrapUpReady => "agentsWrapUpReady",
            Self::WrapUpNotReady => "agentsWrapUpNotReady",
        }
    }

    /// The count of this column in `s` (`None` for the name and the longest call).
    fn count(self, s: &QueueStatistics) -> Option<i64> {
        match self {
            Self::Name | Self::LongestCall => None,
            Self::CallsInQueue => s.calls_in_queue,
            Self::Ready => s.agents_ready,
            Self::NotReady => s.agents_not_ready,
            Self::TalkingInbound => s.agents_talking_inbound,
            Self::TalkingOutbound => s.agents_talking_outbound,
            Self::TalkingInternal => s.agents_talking_internal,
            Self::WrapUpReady => s.agents_wrap_up_ready,
            Self::WrapUpNotReady => s.agents_wrap_up_not_ready,
        }
    }
}

/// A count as shown: `-1` (the queue has no agent), any other negative value and an absent
/// or empty element are *not available* (`None`), never a number.
pub fn available(count: Option<i64>) -> Option<u64> {
    count.and_then(|n| u64::try_from(n).ok())
}

/// A count's text, `None` when not available (the UI says so in words).
pub fn format_count(count: Option<i64>) -> Option<String> {
    available(count).map(|n| n.to_string())
}

/// The longest call in queue as a timer: `m:ss`, or `h:mm:ss` from one hour on, counted from
/// `startTimeOfLongestCallInQueue` on the server's clock; `None` when no call waits (the
/// element is empty, `-1` or unreadable).
pub fn format_longest(
    statistics: &QueueStatistics,
    clock: &ServerClock,
    local: Millis,
) -> Option<String> {
    longest_ms(statistics, clock, local).map(format_elapsed)
}

fn longest_ms(statistics: &QueueStatistics, clock: &ServerClock, local: Millis) -> Option<Millis> {
    let since = statistics.start_time_of_longest_call_in_queue.as_ref()?;
    clock.elapsed_since(since, local)
}

/// How long the calls-waiting history goes back.
pub const HISTORY_MS: Millis = 30 * 60_000;
/// One history sample per this many milliseconds (the guide's queue notification period).
pub const SAMPLE_MS: Millis = 10_000;
/// The most samples a history holds.
pub const HISTORY_SAMPLES: usize = (HISTORY_MS / SAMPLE_MS) as usize;

/// Calls waiting in one queue over the last 30 minutes: a ring buffer of at most
/// [`HISTORY_SAMPLES`] samples, one per [`SAMPLE_MS`] slot (the last value of the slot), in
/// memory only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    samples: VecDeque<(Millis, u64)>,
}

impl History {
    /// Records `value` at `now` (local time). A sample in the same slot is replaced; samples
    /// older than 30 minutes go.
    pub fn record(&mut self, now: Millis, value: u64) {
        let slot = now.div_euclid(SAMPLE_MS);
        match self.samples.back_mut() {
            Some(last) if last.0.div_euclid(SAMPLE_MS) == slot => *last = (now, value),
            Some(last) if last.0 > now => {} // the clock went back: ignore
            _ => self.samples.push_back((now, value)),
        }
        self.expire(now);
        while self.samples.len() > HISTORY_SAMPLES {
            self.samples.pop_front();
        }
    }

    /// Forgets samples older than 30 minutes before `now`.
    pub fn expire(&mut self, now: Millis) {
        while self.samples.front().is_some_and(|(at, _)| *at <= now - HISTORY_MS) {
            self.samples.pop_front();
        }
    }

    /// The samples, oldest first: (local time, calls waiting).
    pub fn samples(&self) -> impl Iterator<Item = (Millis, u64)> + '_ {
        self.samples.iter().copied()
    }

    /// The number of samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether there is no sample.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// Limits of one queue: calls waiting and the oldest call's wait (seconds). A limit is crossed
/// when the value reaches it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Calls waiting.
    pub calls: Option<u64>,
    /// Seconds the oldest call has waited.
    pub oldest_s: Option<u64>,
}

impl Limits {
    fn is_empty(self) -> bool {
        self.calls.is_none() && self.oldest_s.is_none()
    }
}

/// Per-queue thresholds as the gadget's `thresholds` preference keeps them:
/// `5001=calls:3,oldest:60;*=calls:10` (`*` for every queue without its own; `calls` is calls
/// waiting, `oldest` seconds the oldest call has waited; either may be left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Thresholds {
    /// For every queue without its own limits.
    pub default: Limits,
    /// Per queue, sorted by id (a small list: a vector is smaller code than a map in wasm).
    pub queues: Vec<(QueueId, Limits)>,
}

/// A `thresholds` preference that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadThresholds(pub String);

impl fmt::Display for BadThresholds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadThresholds {}

/// The most a limit may be (a day of waiting; a very large contact center's queue).
const MAX_LIMIT: u64 = 86_400;

impl Thresholds {
    /// Reads the preference (empty: no thresholds).
    pub fn parse(pref: &str) -> Result<Self, BadThresholds> {
        let mut out = Self::default();
        for entry in pref.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let bad = |why: &str| BadThresholds(format!("{why} in {entry:?}"));
            let (queue, limits) = entry.split_once('=').ok_or_else(|| bad("no '='"))?;
            let queue = queue.trim();
            let valid_id = queue == "*"
                || (!queue.is_empty()
                    && queue.len() <= 64
                    && queue.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            if !valid_id {
                return Err(bad("not a queue id"));
            }
            let mut parsed = Limits::default();
            for part in limits.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (name, value) = part.split_once(':').ok_or_else(|| bad("no ':'"))?;
                let value: u64 = value
                    .trim()
                    .parse()
                    .ok()
                    .filter(|v| (1..=MAX_LIMIT).contains(v))
                    .ok_or_else(|| bad("a limit must be a whole number from 1 to 86400"))?;
                match name.trim() {
                    "calls" => parsed.calls = Some(value),
                    "oldest" => parsed.oldest_s = Some(value),
                    _ => return Err(bad("unknown limit (calls or oldest)")),
                }
            }
            if queue == "*" {
                out.default = parsed;
            } else {
                out.set(&QueueId::from(queue), parsed);
            }
        }
        Ok(out)
    }

    /// The limits of `queue`.
    pub fn limits(&self, queue: &QueueId) -> Limits {
        self.queues.iter().find(|(q, _)| q == queue).map_or(self.default, |(_, l)| *l)
    }

    /// Sets the limits of `queue` (empty limits: the default applies again).
    pub fn set(&mut self, queue: &QueueId, limits: Limits) {
        let at = self.queues.binary_search_by(|(q, _)| q.cmp(queue));
        match (at, limits.is_empty()) {
            (Ok(i), true) => {
                self.queues.remove(i);
            }
            (Ok(i), false) => self.queues[i].1 = limits,
            (Err(i), false) => self.queues.insert(i, (queue.clone(), limits)),
            (Err(_), true) => {}
        }
    }
}

impl fmt::Display for Thresholds {
    /// The preference's text, which [`Thresholds::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let default = (!self.default.is_empty()).then_some(("*", self.default));
        let entries = default.into_iter().chain(
            self.queues.iter().filter(|(_, l)| !l.is_empty()).map(|(q, l)| (q.as_str(), *l)),
        );
        for (queue, limits) in entries {
            if !first {
                f.write_str(";")?;
            }
            first = false;
            write!(f, "{queue}=")?;
            let mut parts = Vec::new();
            if let Some(c) = limits.calls {
                parts.push(format!("calls:{c}"));
            }
            if let Some(o) = limits.oldest_s {
                parts.push(format!("oldest:{o}"));
            }
            f.write_str(&parts.join(","))?;
        }
        Ok(())
    }
}

/// Which limits a queue has reached now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Breach {
    /// Calls waiting reached the limit: (calls waiting, limit).
    pub calls: Option<(u64, u64)>,
    /// The oldest call waited as long as the limit: (seconds waited, limit).
    pub oldest: Option<(u64, u64)>,
}

impl Breach {
    /// Whether any limit is reached.
    pub fn any(&self) -> bool {
        self.calls.is_some() || self.oldest.is_some()
    }
}

/// A limit newly reached, to announce once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Alert {
    /// Calls waiting reached the limit.
    Calls {
        /// The queue's name.
        queue: String,
        /// Calls waiting.
        value: u64,
        /// The limit.
        limit: u64,
    },
    /// The oldest call has waited as long as the limit.
    Oldest {
        /// The queue's name.
        queue: String,
        /// How long it has waited (`m:ss`).
        waited: String,
        /// The limit (`m:ss`).
        limit: String,
    },
}

/// One queue as the table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// The queue id.
    pub id: QueueId,
    /// The queue's name (its id when the server gave none).
    pub name: String,
    /// The statistics (`None` until known).
    pub statistics: Option<QueueStatistics>,
    /// Milliseconds the oldest call has waited, on the server's clock.
    pub longest_ms: Option<Millis>,
    /// The limits reached.
    pub breach: Breach,
    /// Calls waiting over the last 30 minutes.
    pub history: History,
}

impl QueueRow {
    /// The cell of `column`; `None` is *not available*.
    pub fn text(&self, column: Column) -> Option<String> {
        match column {
            Column::Name => Some(self.name.clone()),
            Column::LongestCall => self.longest_ms.map(format_elapsed),
            _ => self.statistics.as_ref().and_then(|s| format_count(column.count(s))),
        }
    }

    fn value(&self, column: Column) -> Option<i64> {
        match column {
            Column::Name => None,
            Column::LongestCall => self.longest_ms,
            _ => self
                .statistics
                .as_ref()
                .and_then(|s| available(column.count(s)))
                .map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
        }
    }
}

/// The totals row: counts summed over the queues that have them (an agent serving several
/// queues counts in each, as in the rows), and the longest wait of all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Per column of [`Column::ALL`].
    counts: [Option<u64>; 10],
    longest_ms: Option<Millis>,
}

impl Totals {
    /// The cell of `column` (`None`: no queue has it; the name column has none).
    pub fn text(&self, column: Column) -> Option<String> {
        match column {
            Column::Name => None,
            Column::LongestCall => self.longest_ms.map(format_elapsed),
            c => Column::ALL
                .iter()
                .position(|x| *x == c)
                .and_then(|i| self.counts[i])
                .map(|n| n.to_string()),
        }
    }
}

/// The sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// The column sorted by.
    pub column: Column,
    /// Largest (or Z) first.
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self { column: Column::Name, descending: false }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Entry {
    id: QueueId,
    name: Option<String>,
    statistics: Option<QueueStatistics>,
    history: History,
}

/// What changed in the user's list of queues.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListChange {
    /// Queues now in the list (subscribe to their nodes).
    pub added: Vec<QueueId>,
    /// Queues no longer in it (unsubscribe).
    pub removed: Vec<QueueId>,
}

impl ListChange {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// The user's queues with their statistics. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueTable {
    entries: Vec<Entry>,
    sort: Sort,
    thresholds: Thresholds,
    /// (queue, which limit) reached at the last evaluation, to announce only crossings.
    reached: Vec<(QueueId, bool)>,
    loaded: bool,
}

fn queue_key(queue: &Queue) -> Option<QueueId> {
    queue.queue_id().filter(|id| !id.as_str().is_empty())
}

impl QueueTable {
    /// Whether the user's list was loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// The queue ids, in the list's order.
    pub fn ids(&self) -> Vec<QueueId> {
        self.entries.iter().map(|e| e.id.clone()).collect()
    }

    /// The user's whole list (`GET /finesse/api/User/{id}/Queues`), received at `now`:
    /// replaces the list, keeping the history of queues still in it.
    pub fn apply_list(&mut self, queues: &Queues, now: Millis) -> ListChange {
        let before = self.ids();
        let mut entries: Vec<Entry> = Vec::new();
        for queue in queues.iter() {
            let Some(id) = queue_key(queue) else { continue };
            if entries.iter().any(|e| e.id == id) {
                continue;
            }
            let mut entry = self
                .entries
                .iter()
                .find(|e| e.id == id)
                .cloned()
                .unwrap_or_else(|| Entry { id, ..Entry::default() });
            merge(&mut entry, queue, now);
            entries.push(entry);
        }
        self.entries = entries;
        self.loaded = true;
        let after = self.ids();
        ListChange {
            added: after.iter().filter(|id| !before.contains(id)).cloned().collect(),
            removed: before.into_iter().filter(|id| !after.contains(id)).collect(),
        }
    }

    /// One queue (`GET /finesse/api/Queue/{id}` or a Queue `put`), if it is in the list.
    pub fn apply_queue(&mut self, queue: &Queue, now: Millis) {
        let Some(id) = queue_key(queue) else { return };
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            merge(entry, queue, now);
        }
    }

    /// A notification on `node`: `/finesse/api/Queue/{id}` (`put`: new statistics, `delete`:
    /// the queue is gone) or `/finesse/api/User/{user}/Queues` (`post`: queues added, `delete`:
    /// queues removed). Anything else is ignored. Says which queues came and went.
    pub fn apply_update(&mut self, node: &str, update: &Update, now: Millis) -> ListChange {
        let mut change = ListChange::default();
        let event = update.event.clone().unwrap_or(UpdateEvent::Put);
        match &update.data {
            Some(UpdateData::Queue(queue)) if node.starts_with("/finesse/api/Queue/") => {
                let id = queue_key(queue)
                    .or_else(|| finesse_model::id_from_uri(node).map(QueueId::from));
                match (event, id) {
                    (UpdateEvent::Delete, Some(id)) => {
                        if self.remove(&id) {
                            change.removed.push(id);
                        }
                    }
                    (UpdateEvent::Delete, None) => {}
                    _ => self.apply_queue(queue, now),
                }
            }
            Some(UpdateData::Queues(queues)) if node.ends_with("/Queues") => {
                for queue in queues.iter() {
                    let Some(id) = queue_key(queue) else { continue };
                    if event == UpdateEvent::Delete {
                        if self.remove(&id) {
                            change.removed.push(id);
                        }
                    } else if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
                        merge(entry, queue, now);
                    } else {
                        let mut entry = Entry { id: id.clone(), ..Entry::default() };
                        merge(&mut entry, queue, now);
                        self.entries.push(entry);
                        change.added.push(id);
                    }
                }
            }
            _ => {}
        }
        change
    }

    fn remove(&mut self, id: &QueueId) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| &e.id != id);
        self.reached.retain(|(q, _)| q != id);
        self.entries.len() != before
    }

    /// Records every queue's calls waiting in its history at `now` (the gadget calls this on
    /// its timer tick, so a quiet queue still draws a line).
    pub fn sample(&mut self, now: Millis) {
        for entry in &mut self.entries {
            match entry.statistics.as_ref().and_then(|s| available(s.calls_in_queue)) {
                Some(calls) => entry.history.record(now, calls),
                None => entry.history.expire(now),
            }
        }
    }

    /// The sort order.
    pub fn sort(&self) -> Sort {
        self.sort
    }

    /// Sorts by `column`: ascending first, the same column again reverses.
    pub fn sort_by(&mut self, column: Column) {
        self.sort = if self.sort.column == column {
            Sort { column, descending: !self.sort.descending }
        } else {
            Sort { column, descending: false }
        };
    }

    /// The thresholds.
    pub fn thresholds(&self) -> &Thresholds {
        &self.thresholds
    }

    /// Replaces the thresholds (crossings are announced again against the new limits).
    pub fn set_thresholds(&mut self, thresholds: Thresholds) {
        self.thresholds = thresholds;
        self.reached.clear();
    }

    /// The rows, sorted; times on the server's clock at local time `local`. Values not
    /// available sort last in both directions; ties go by name.
    pub fn rows(&self, clock: &ServerClock, local: Millis) -> Vec<QueueRow> {
        let mut rows: Vec<QueueRow> = self
            .entries
            .iter()
            .map(|e| {
                let longest_ms = e.statistics.as_ref().and_then(|s| longest_ms(s, clock, local));
                let mut row = QueueRow {
                    id: e.id.clone(),
                    name: e.name.clone().unwrap_or_else(|| e.id.to_string()),
                    statistics: e.statistics.clone(),
                    longest_ms,
                    breach: Breach::default(),
                    history: e.history.clone(),
                };
                row.breach = self.breach(&row);
                row
            })
            .collect();
        let Sort { column, descending } = self.sort;
        rows.sort_unstable_by(|a, b| {
            let by_name =
                || a.name.to_lowercase().cmp(&b.name.to_lowercase()).then_with(|| a.id.cmp(&b.id));
            let primary = if column == Column::Name {
                by_name()
            } else {
                match (a.value(column), b.value(column)) {
                    (Some(x), Some(y)) => x.cmp(&y),
                    (Some(_), None) => return std::cmp::Ordering::Less,
                    (None, Some(_)) => return std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            };
            let primary = if descending { primary.reverse() } else { primary };
            primary.then_with(by_name)
        });
        rows
    }

    /// The totals of `rows`.
    pub fn totals(rows: &[QueueRow]) -> Totals {
        let mut totals = Totals::default();
        for row in rows {
            let Some(s) = &row.statistics else { continue };
            for (i, column) in Column::ALL.iter().enumerate() {
                if let Some(n) = available(column.count(s)) {
                    totals.counts[i] = Some(totals.counts[i].unwrap_or(0) + n);
                }
            }
            totals.longest_ms = totals.longest_ms.max(row.longest_ms);
        }
        totals
    }

    fn breach(&self, row: &QueueRow) -> Breach {
        let limits = self.thresholds.limits(&row.id);
        let calls = row.statistics.as_ref().and_then(|s| available(s.calls_in_queue));
        let waited = row.longest_ms.map(|ms| u64::try_from(ms / 1000).unwrap_or(0));
        Breach {
            calls: calls.zip(limits.calls).filter(|(v, l)| v >= l),
            oldest: waited.zip(limits.oldest_s).filter(|(v, l)| v >= l),
        }
    }

    /// The limits newly reached since the last call (each announced once until the value
    /// goes back under the limit).
    pub fn poll_alerts(&mut self, clock: &ServerClock, local: Millis) -> Vec<Alert> {
        let rows = self.rows(clock, local);
        let mut now_reached = Vec::new();
        let mut alerts = Vec::new();
        for row in &rows {
            if let Some((value, limit)) = row.breach.calls {
                let key = (row.id.clone(), false);
                if !self.reached.contains(&key) {
                    alerts.push(Alert::Calls { queue: row.name.clone(), value, limit });
                }
                now_reached.push(key);
            }
            if let Some((waited, limit)) = row.breach.oldest {
                let key = (row.id.clone(), true);
                if !self.reached.contains(&key) {
                    alerts.push(Alert::Oldest {
                        queue: row.name.clone(),
                        waited: format_elapsed(i64::try_from(waited).unwrap_or(0) * 1000),
                        limit: format_elapsed(i64::try_from(limit).unwrap_or(0) * 1000),
                    });
                }
                now_reached.push(key);
            }
        }
        self.reached = now_reached;
        alerts
    }
}

/// Takes what `queue` carries into `entry` (a `uri`-only queue changes nothing) and records
/// its calls waiting.
fn merge(entry: &mut Entry, queue: &Queue, now: Millis) {
    if let Some(name) = queue.name.as_ref().filter(|n| !n.trim().is_empty()) {
        entry.name = Some(name.clone());
    }
    if let Some(statistics) = &queue.statistics {
        entry.statistics = Some(statistics.clone());
        if let Some(calls) = available(statistics.calls_in_queue) {
            entry.history.record(now, calls);
        }
    }
}

#[cfg(test)]
mod tests;
