//! Queue assignments changed while running (an administrator adds a skill group to an agent or
//! takes one away, Unified CCE): the agent's `/finesse/api/User/{id}/Queues` node gets the
//! guide's User/Queue notification (ch. 6: `post` with the full queues added, `delete` with
//! their `uri` only; no request id), and routing and statistics count the agent from now on.

use finesse_model::{Queue, QueueId, Queues, UpdateData, UpdateEvent, UserId};

use super::{Engine, Millis};

impl Engine {
    /// Assigns queue `queue` to agent `id` (`assigned`) or takes it away (`!assigned`) at
    /// `now`. Refused with a sentence, changing nothing: on Unified CCX (no Queue API), for an
    /// unknown agent or queue, or when the agent already serves (or does not serve) the queue.
    pub fn assign_queue(
        &mut self,
        id: &UserId,
        queue: &QueueId,
        assigned: bool,
        now: Millis,
    ) -> Result<(), String> {
        self.advance(now);
        self.require_cce("queues").map_err(|_| "queues exist with Unified CCE only".to_owned())?;
        let a = self.by_id.get(id).copied().ok_or_else(|| format!("unknown agent {id}"))?;
        let q = self.queue_ix(queue).ok_or_else(|| format!("unknown queue {queue}"))?;
        let serves = self.sc.agents[a].queues.contains(queue);
        if serves == assigned {
            return Err(if assigned {
                format!("agent {id} already serves queue {queue}")
            } else {
                format!("agent {id} does not serve queue {queue}")
            });
        }
        let members = &mut self.queue_agents[q];
        if assigned {
            self.sc.agents[a].queues.push(queue.clone());
            if let Err(at) = members.binary_search(&a) {
                members.insert(at, a);
            }
        } else {
            self.sc.agents[a].queues.retain(|x| x != queue);
            members.retain(|&m| m != a);
        }
        let node = format!("{}/Queues", self.user_uri(a));
        let (event, data) = if assigned {
            (UpdateEvent::Post, self.render_queue(q))
        } else {
            (UpdateEvent::Delete, Queue { uri: self.render_queue(q).uri, ..Queue::default() })
        };
        let data = Some(UpdateData::Queues(Queues::from(vec![data])));
        self.push(node.clone(), event, None, node, data);
        // A newly assigned Ready agent may take a waiting call at once.
        self.finish(None);
        Ok(())
    }
}
