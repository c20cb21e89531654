//! Queues assigned to and taken from an agent while running: the User/Queues notification,
//! the agent's queue list, routing and statistics, and the refusals that change nothing.

use finesse_model::{AgentState, QueueId, UpdateData, UpdateEvent, UserId};

use super::H;

fn assign(h: &mut H, id: &str, queue: &str, assigned: bool) -> Result<(), String> {
    let r = h.e.assign_queue(&UserId::from(id), &QueueId::from(queue), assigned, h.now);
    h.check();
    r
}

fn queue_uris(h: &H, id: &str) -> Vec<String> {
    let p = h.p(id);
    let queues = h.e.get_user_queues(&p, &UserId::from(id)).unwrap();
    queues.iter().map(|q| q.uri.clone().unwrap()).collect()
}

#[test]
fn a_queue_added_to_an_agent_is_announced_routed_and_counted() {
    let mut h = H::cce();
    h.ready_agent("1001");
    h.drain();
    let p = h.p("1001");
    let before = h.e.get_queue(&p, &QueueId::from("11")).unwrap().statistics.unwrap();
    assert_eq!(before.agents_ready, Some(-1), "nobody serves queue 11 yet");

    assign(&mut h, "1001", "11", true).unwrap();
    assert_eq!(queue_uris(&h, "1001"), ["/finesse/api/Queue/10", "/finesse/api/Queue/11"]);
    let out = h.drain();
    let n = out.iter().find(|n| n.node == "/finesse/api/User/1001/Queues").expect("announced");
    assert_eq!(n.update.event, Some(UpdateEvent::Post));
    assert_eq!(n.update.source.as_deref(), Some("/finesse/api/User/1001/Queues"));
    assert_eq!(n.update.request_id, None);
    let Some(UpdateData::Queues(added)) = &n.update.data else { panic!("{:?}", n.update) };
    assert_eq!(added.queues.len(), 1);
    let stats = added.queues[0].statistics.clone().unwrap();
    assert_eq!((added.queues[0].name.as_deref(), stats.agents_ready), (Some("Nobody"), Some(1)));
    assert_eq!(stats.calls_in_queue, Some(0));

    // The agent now takes the queue's calls.
    h.e.inject_call(&QueueId::from("11"), &[], h.now).unwrap();
    h.check();
    assert_eq!(h.state("1001"), AgentState::Reserved);
}

#[test]
fn a_queue_taken_away_is_announced_by_uri_and_statistics_follow() {
    let mut h = H::cce();
    h.login("1002");
    h.drain();
    assign(&mut h, "1002", "10", false).unwrap();
    assert!(queue_uris(&h, "1002").is_empty());
    let out = h.drain();
    let n = out.iter().find(|n| n.node == "/finesse/api/User/1002/Queues").expect("announced");
    assert_eq!(n.update.event, Some(UpdateEvent::Delete));
    let Some(UpdateData::Queues(removed)) = &n.update.data else { panic!("{:?}", n.update) };
    assert_eq!(removed.queues[0].uri.as_deref(), Some("/finesse/api/Queue/10"));
    assert_eq!(
        (removed.queues[0].name.as_ref(), removed.queues[0].statistics.as_ref()),
        (None, None)
    );
    let p = h.p("1002");
    let s = h.e.get_queue(&p, &QueueId::from("10")).unwrap().statistics.unwrap();
    assert_eq!(s.agents_not_ready, Some(0), "1002 no longer counts for queue 10");
}

#[test]
fn refusals_change_nothing() {
    let mut h = H::cce();
    h.drain();
    for (id, queue, assigned, needle) in [
        ("1001", "10", true, "already serves"),
        ("1001", "11", false, "does not serve"),
        ("7", "10", true, "unknown agent"),
        ("1001", "99", true, "unknown queue"),
    ] {
        let e = assign(&mut h, id, queue, assigned).unwrap_err();
        assert!(e.contains(needle), "{e}");
    }
    assert!(h.drain().is_empty());
    assert_eq!(queue_uris(&h, "1001"), ["/finesse/api/Queue/10"]);
    let mut x = H::ccx();
    let e = assign(&mut x, "1001", "11", true).unwrap_err();
    assert!(e.contains("Unified CCE only"), "{e}");
}
