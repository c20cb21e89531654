//! Publication by difference (guide chapter 6, "Notification Parameters", node templates):
//! after each step of a request or an event, the wire objects of what changed are rendered and
//! compared with what was last published on their node.
//!
//! - Dialogs, node `/finesse/api/User/{id}/Dialogs`: POST (`<dialogs><Dialog>`, source the
//!   collection) when a dialog enters the user's collection, PUT (`<dialog>`, source
//!   `/finesse/api/Dialog/{id}`) when it changes, DELETE (`<dialogs><Dialog>` with the dialog as
//!   the user last saw it, state DROPPED) when it leaves — only agents receive them ("If the
//!   caller is not an agent, events are not published to the caller").
//! - User, node `/finesse/api/User/{id}`: PUT with the full User when it changes (state, reason
//!   code, pending state, sign-in), or as a request's confirmation.
//! - Team, node `/finesse/api/Team/{teamId}/Users`: PUT with the summary User of the member
//!   whose state or name changed (source `/finesse/api/User/{id}`).
//! - Media, node `/finesse/api/User/{id}/Media`: PUT with the Media object (source
//!   `/finesse/api/User/{id}/Media/{mrdId}`).
//!
//! Agents' User and Team notifications are published once per request or event, after all of
//! its dialog phases, so an agent's state does not flicker through intermediate values.

use std::collections::{BTreeMap, BTreeSet};

use finesse_model::{ApiErrors, Dialog, DialogState, Dialogs, UpdateData, UpdateEvent};

use super::actions::{ActionContext, actions_for};
use super::model::{Ax, Platform};
use super::{Engine, Notification, Published};

impl Engine {
    /// Appends a notification.
    pub(crate) fn push(
        &mut self,
        node: String,
        event: UpdateEvent,
        request_id: Option<&str>,
        source: String,
        data: Option<UpdateData>,
    ) {
        self.out.push(Notification {
            node,
            update: finesse_model::Update {
                event: Some(event),
                request_id: request_id.map(str::to_owned),
                source: Some(source),
                data,
            },
        });
    }

    /// Publishes an asynchronous error on agent `a`'s Dialogs node (guide: "Dialog CTI Error
    /// Notification": event PUT, source the dialog, or the collection when there is none).
    pub(crate) fn push_dialog_error(
        &mut self,
        a: Ax,
        call: Option<u64>,
        request_id: Option<&str>,
        errors: ApiErrors,
    ) {
        let node = format!("{}/Dialogs", self.user_uri(a));
        let source = match call {
            Some(n) => format!("/finesse/api/Dialog/{n}"),
            None => node.clone(),
        };
        self.push(node, UpdateEvent::Put, request_id, source, Some(UpdateData::ApiErrors(errors)));
    }

    /// Publishes an asynchronous error of a User request on the user's node.
    pub(crate) fn push_user_error(&mut self, a: Ax, request_id: Option<&str>, errors: ApiErrors) {
        let node = self.user_uri(a);
        self.push(
            node.clone(),
            UpdateEvent::Put,
            request_id,
            node,
            Some(UpdateData::ApiErrors(errors)),
        );
    }

    /// Marks an agent as changed.
    pub(crate) fn mark_agent(&mut self, a: Ax) {
        self.dirty.agents.insert(a);
    }

    /// Marks a call as changed.
    pub(crate) fn mark_call(&mut self, n: u64) {
        self.dirty.calls.insert(n);
    }

    /// What every node shows now (the engine's starting point).
    pub(crate) fn snapshot(&self) -> Published {
        let n = self.agents.len();
        Published {
            users: (0..n).map(|a| self.render_user(a)).collect(),
            team: (0..n).map(|a| self.render_summary(a)).collect(),
            dialogs: (0..n).map(|a| self.collection(a)).collect(),
            media: (0..n)
                .flat_map(|a| {
                    (0..self.sc.mrds.len())
                        .filter(move |&m| self.agents[a].media.contains_key(&self.sc.mrds[m].id))
                        .map(move |m| ((a, self.sc.mrds[m].id.clone()), self.render_media(a, m)))
                })
                .collect(),
            queues: (0..self.sc.queues.len()).map(|q| self.render_queue(q)).collect(),
        }
    }

    /// Agent `a`'s Dialogs collection as it is now.
    pub(crate) fn collection(&self, a: Ax) -> BTreeMap<u64, Dialog> {
        self.agents[a]
            .calls
            .iter()
            .filter_map(|n| self.calls.get(n).map(|c| (*n, self.render_dialog(c))))
            .collect()
    }

    /// The action context of agent `a` on call `n`.
    pub(crate) fn action_context(&self, a: Option<Ax>, n: u64) -> ActionContext {
        let other_active = a.is_some_and(|a| {
            self.agents[a].calls.iter().filter(|&&m| m != n).any(|m| {
                self.calls.get(m).is_some_and(|c| {
                    c.legs.iter().any(|l| {
                        l.agent == Some(a)
                            && !l.passive
                            && l.state == finesse_model::ParticipantState::Active
                    })
                })
            })
        });
        ActionContext {
            platform: self.platform,
            mediasense: self.sc.system.mediasense,
            other_active,
            supervisor: a.is_some_and(|a| !self.sc.agents[a].supervises.is_empty()),
        }
    }

    /// Recomputes the actions of every leg of call `n`.
    pub(crate) fn refresh_actions(&mut self, n: u64) {
        let Some(call) = self.calls.get(&n) else { return };
        let actions: Vec<_> = call
            .legs
            .iter()
            .map(|l| actions_for(call, l, self.action_context(l.agent, n)))
            .collect();
        if let Some(call) = self.calls.get_mut(&n) {
            for (leg, a) in call.legs.iter_mut().zip(actions) {
                leg.actions = a;
            }
        }
    }

    /// Settles a request or event and publishes everything it changed: dialog phases, end of
    /// calls (wrap-up), routing of waiting calls, then users, teams and media.
    pub(crate) fn finish(&mut self, request_id: Option<&str>) {
        for _ in 0..32 {
            self.sync_dialogs(request_id);
            if self.settle() || self.route() {
                continue;
            }
            break;
        }
        self.sync_dialogs(request_id);
        self.sync_users(request_id);
    }

    /// Publishes the dialog changes of one phase.
    pub(crate) fn sync_dialogs(&mut self, request_id: Option<&str>) {
        let mut agents: BTreeSet<Ax> = self.dirty.agents.clone();
        let mut calls: BTreeSet<u64> = std::mem::take(&mut self.dirty.calls);
        let forced: BTreeSet<u64> = std::mem::take(&mut self.dirty.forced_calls);
        calls.extend(forced.iter().copied());
        let farewells = std::mem::take(&mut self.dirty.farewells);
        agents.extend(farewells.keys().map(|(a, _)| *a));
        for n in &calls {
            if let Some(c) = self.calls.get(n) {
                agents.extend(c.legs.iter().filter_map(|l| l.agent));
            }
        }
        // A leg change can change the actions of the agent's other calls (TRANSFER and
        // CONFERENCE on a held call need an active one).
        for &a in &agents {
            calls.extend(self.agents[a].calls.iter().copied());
        }
        for n in &calls {
            if let Some(c) = self.calls.get(n) {
                agents.extend(c.legs.iter().filter_map(|l| l.agent));
            }
        }
        for &n in &calls {
            self.refresh_actions(n);
        }
        for &a in &agents {
            let current = self.collection(a);
            let previous = std::mem::take(&mut self.published.dialogs[a]);
            let node = format!("{}/Dialogs", self.user_uri(a));
            let ids: BTreeSet<u64> = current.keys().chain(previous.keys()).copied().collect();
            for n in ids {
                match (previous.get(&n), current.get(&n)) {
                    (Some(old), None) => {
                        let mut last =
                            farewells.get(&(a, n)).cloned().unwrap_or_else(|| old.clone());
                        last.state = Some(DialogState::Dropped);
                        self.push(
                            node.clone(),
                            UpdateEvent::Delete,
                            request_id,
                            node.clone(),
                            Some(UpdateData::Dialogs(Dialogs::from(vec![last]))),
                        );
                    }
                    (None, Some(new)) => self.push(
                        node.clone(),
                        UpdateEvent::Post,
                        request_id,
                        node.clone(),
                        Some(UpdateData::Dialogs(Dialogs::from(vec![new.clone()]))),
                    ),
                    (Some(old), Some(new)) if old != new || forced.contains(&n) => self.push(
                        node.clone(),
                        UpdateEvent::Put,
                        request_id,
                        format!("/finesse/api/Dialog/{n}"),
                        Some(UpdateData::Dialog(new.clone())),
                    ),
                    _ => {}
                }
            }
            self.published.dialogs[a] = current;
        }
        self.dirty.agents.extend(agents);
    }

    /// Publishes the users, team members and media that changed.
    pub(crate) fn sync_users(&mut self, request_id: Option<&str>) {
        let forced = std::mem::take(&mut self.dirty.forced_users);
        let mut agents = std::mem::take(&mut self.dirty.agents);
        agents.extend(forced.iter().copied());
        for a in agents {
            let state = self.state_of(a);
            if state != self.agents[a].shown {
                self.agents[a].shown = state.clone();
                self.agents[a].state_changed = Some(self.now);
                if state == finesse_model::AgentState::Ready {
                    self.agents[a].ready_since = self.now;
                }
            }
            let user = self.render_user(a);
            let uri = self.user_uri(a);
            if user != self.published.users[a] || forced.contains(&a) {
                self.published.users[a] = user.clone();
                self.push(
                    uri.clone(),
                    UpdateEvent::Put,
                    request_id,
                    uri.clone(),
                    Some(UpdateData::User(user)),
                );
            }
            let summary = self.render_summary(a);
            if summary != self.published.team[a] {
                self.published.team[a] = summary.clone();
                if let Some(team) = self.sc.agents[a].team.clone() {
                    self.push(
                        format!("/finesse/api/Team/{team}/Users"),
                        UpdateEvent::Put,
                        request_id,
                        uri,
                        Some(UpdateData::User(summary)),
                    );
                }
            }
        }
        for (a, mrd) in std::mem::take(&mut self.dirty.media) {
            let Some(m) = self.mrd_ix(&mrd) else { continue };
            let media = self.render_media(a, m);
            let key = (a, mrd.clone());
            if self.published.media.get(&key) != Some(&media) {
                self.published.media.insert(key, media.clone());
                let uri = self.user_uri(a);
                self.push(
                    format!("{uri}/Media"),
                    UpdateEvent::Put,
                    None,
                    format!("{uri}/Media/{mrd}"),
                    Some(UpdateData::Media(media)),
                );
            }
        }
    }

    /// Publishes queue statistics that changed since the last tick (UCCE; guide: "Finesse sends
    /// a queue notification every 10 seconds (if queue statistics change)").
    pub(crate) fn publish_queues(&mut self) {
        if self.platform != Platform::Cce {
            return;
        }
        for q in 0..self.sc.queues.len() {
            let queue = self.render_queue(q);
            if self.published.queues.get(q) != Some(&queue) {
                if let Some(slot) = self.published.queues.get_mut(q) {
                    *slot = queue.clone();
                }
                let node = format!("/finesse/api/Queue/{}", self.sc.queues[q].id);
                self.push(
                    node.clone(),
                    UpdateEvent::Put,
                    None,
                    node,
                    Some(UpdateData::Queue(queue)),
                );
            }
        }
    }
}
