#![allow(clippy::unwrap_used, reason = "tests")]

use finesse_model::{QueueId, Queues, Timestamp, Update, decode};

use super::*;

/// 2012-02-15T17:58:21Z
fn t0() -> Millis {
    Timestamp::from("2012-02-15T17:58:21Z").epoch_millis().unwrap()
}

fn queue_xml(id: &str, name: &str, calls: &str, start: &str, ready: &str) -> String {
    format!(
        "<Queue><uri>/finesse/api/Queue/{id}</uri><name>{name}</name><statistics>\
         <callsInQueue>{calls}</callsInQueue>\
         <startTimeOfLongestCallInQueue>{start}</startTimeOfLongestCallInQueue>\
         <agentsReady>{ready}</agentsReady><agentsNotReady>2</agentsNotReady>\
         <agentsTalkingInbound>3</agentsTalkingInbound><agentsTalkingOutbound>4</agentsTalkingOutbound>\
         <agentsTalkingInternal>5</agentsTalkingInternal><agentsWrapUpNotReady>6</agentsWrapUpNotReady>\
         <agentsWrapUpReady>7</agentsWrapUpReady></statistics></Queue>"
    )
}

fn list(queues: &[String]) -> Queues {
    decode(&format!("<Queues>{}</Queues>", queues.concat())).unwrap()
}

fn update(event: &str, source: &str, data: &str) -> Update {
    decode(&format!(
        "<Update><event>{event}</event><source>{source}</source><requestId></requestId>\
         <data>{data}</data></Update>"
    ))
    .unwrap()
}

fn texts(row: &QueueRow) -> Vec<Option<String>> {
    Column::ALL.iter().map(|c| row.text(*c)).collect()
}

fn names(table: &QueueTable) -> Vec<String> {
    table.rows(&ServerClock::default(), t0()).into_iter().map(|r| r.name).collect()
}

#[test]
fn minus_one_and_empty_values_are_not_available() {
    assert_eq!(format_count(Some(-1)), None);
    assert_eq!(format_count(Some(-7)), None);
    assert_eq!(format_count(None), None);
    assert_eq!(format_count(Some(0)).as_deref(), Some("0"));
    assert_eq!(format_count(Some(12)).as_deref(), Some("12"));

    // A queue nobody is assigned to: every numeric statistic -1, the start time empty (or
    // "-1", as the parameter table has it).
    let mut table = QueueTable::default();
    for start in ["", "-1"] {
        let unassigned = queue_xml("11", "Nobody", "-1", start, "-1").replace(">2<", ">-1<");
        table.apply_list(&list(&[unassigned]), t0());
        let row = &table.rows(&ServerClock::default(), t0())[0];
        assert_eq!(row.text(Column::Name).as_deref(), Some("Nobody"));
        assert_eq!(row.text(Column::CallsInQueue), None);
        assert_eq!(row.text(Column::LongestCall), None, "start {start:?}");
        assert_eq!(row.text(Column::Ready), None);
        assert_eq!(row.text(Column::NotReady), None);
        assert_eq!(row.text(Column::TalkingInbound).as_deref(), Some("3"));
    }
    // Empty elements decode as absent: not available either.
    let empty: Queues = decode(
        "<Queues><Queue><uri>/finesse/api/Queue/12</uri><name>Empty</name><statistics>\
         <callsInQueue></callsInQueue><agentsReady/></statistics></Queue></Queues>",
    )
    .unwrap();
    table.apply_list(&empty, t0());
    let row = &table.rows(&ServerClock::default(), t0())[0];
    assert_eq!(texts(row)[1..].iter().filter(|t| t.is_some()).count(), 0);
    assert!(row.history.is_empty(), "nothing to draw");
}

#[test]
fn the_longest_call_ticks_on_the_server_clock_and_rolls_over_past_an_hour() {
    let mut table = QueueTable::default();
    table.apply_list(&list(&[queue_xml("1", "Sales", "3", "2012-02-15T17:58:21Z", "1")]), t0());
    let mut clock = ServerClock::default();
    // The local clock runs 30 s behind the server.
    clock.measure(t0() + 30_000, t0());
    let at = |local: Millis| table.rows(&clock, local)[0].text(Column::LongestCall);
    assert_eq!(at(t0()).as_deref(), Some("0:30"));
    assert_eq!(at(t0() + 29_000).as_deref(), Some("0:59"));
    assert_eq!(at(t0() + 30_000).as_deref(), Some("1:00"));
    assert_eq!(at(t0() + 3_600_000 - 31_000).as_deref(), Some("59:59"));
    assert_eq!(at(t0() + 3_600_000 - 30_000).as_deref(), Some("1:00:00"));
    assert_eq!(at(t0() + 3_600_000 + 3_600_000 + 5_000).as_deref(), Some("2:00:35"));
    // A start time ahead of the server clock (clock noise) reads 0:00, not a negative time.
    assert_eq!(at(t0() - 60_000).as_deref(), Some("0:00"));
    assert_eq!(
        format_longest(
            &QueueStatistics {
                start_time_of_longest_call_in_queue: Some(Timestamp::from("soon")),
                ..QueueStatistics::default()
            },
            &clock,
            t0()
        ),
        None
    );
}

#[test]
fn totals_sum_what_is_available_and_take_the_longest_wait() {
    let mut table = QueueTable::default();
    table.apply_list(
        &list(&[
            queue_xml("1", "Sales", "3", "2012-02-15T17:58:21Z", "1"),
            queue_xml("2", "Support", "1", "2012-02-15T17:50:21Z", "-1"),
            queue_xml("3", "Nobody", "-1", "", "-1"),
        ]),
        t0(),
    );
    let rows = table.rows(&ServerClock::default(), t0() + 1_000);
    let totals = QueueTable::totals(&rows);
    assert_eq!(totals.text(Column::Name), None);
    assert_eq!(totals.text(Column::CallsInQueue).as_deref(), Some("4"));
    assert_eq!(totals.text(Column::Ready).as_deref(), Some("1"));
    assert_eq!(totals.text(Column::NotReady).as_deref(), Some("6"));
    assert_eq!(totals.text(Column::WrapUpReady).as_deref(), Some("21"));
    assert_eq!(totals.text(Column::LongestCall).as_deref(), Some("8:01"));
    assert_eq!(QueueTable::totals(&[]).text(Column::CallsInQueue), None);
}

#[test]
fn sorting_by_any_column_keeps_unavailable_values_last() {
    let mut table = QueueTable::default();
    table.apply_list(
        &list(&[
            queue_xml("1", "sales", "3", "2012-02-15T17:58:21Z", "1"),
            queue_xml("2", "Billing", "1", "2012-02-15T17:50:21Z", "-1"),
            queue_xml("3", "Collections", "-1", "", "5"),
        ]),
        t0(),
    );
    assert_eq!(names(&table), ["Billing", "Collections", "sales"], "by name, any case");
    table.sort_by(Column::Name);
    assert_eq!(names(&table), ["sales", "Collections", "Billing"]);
    table.sort_by(Column::CallsInQueue);
    assert_eq!(table.sort(), Sort { column: Column::CallsInQueue, descending: false });
    assert_eq!(names(&table), ["Billing", "sales", "Collections"]);
    table.sort_by(Column::CallsInQueue);
    assert_eq!(names(&table), ["sales", "Billing", "Collections"], "n/a last both ways");
    table.sort_by(Column::LongestCall);
    assert_eq!(names(&table), ["sales", "Billing", "Collections"]);
    table.sort_by(Column::Ready);
    assert_eq!(names(&table), ["sales", "Collections", "Billing"]);
    table.sort_by(Column::TalkingInbound);
    assert_eq!(names(&table), ["Billing", "Collections", "sales"], "ties by name");
}

#[test]
fn queue_and_user_queues_notifications_keep_the_table_live() {
    let mut table = QueueTable::default();
    let change = table.apply_list(&list(&[queue_xml("1", "Sales", "0", "", "1")]), t0());
    assert_eq!(change.added, [QueueId::from("1")]);
    assert!(table.is_loaded());

    // Queue put: new statistics.
    let put = update("put", "/finesse/api/Queue/1", &queue_xml("1", "Sales", "4", "", "0"));
    assert!(table.apply_update("/finesse/api/Queue/1", &put, t0() + 10_000).is_empty());
    let row = &table.rows(&ServerClock::default(), t0())[0];
    assert_eq!(row.text(Column::CallsInQueue).as_deref(), Some("4"));
    assert_eq!(row.history.samples().collect::<Vec<_>>(), [(t0(), 0), (t0() + 10_000, 4)]);

    // A put for a queue not in the list is ignored.
    let other = update("PUT", "/finesse/api/Queue/9", &queue_xml("9", "Other", "4", "", "0"));
    table.apply_update("/finesse/api/Queue/9", &other, t0());
    assert_eq!(table.ids(), [QueueId::from("1")]);

    // User/Queues post: a queue added, with its statistics.
    let node = "/finesse/api/User/1001001/Queues";
    let post = update(
        "post",
        node,
        &format!("<Queues>{}</Queues>", queue_xml("2", "Support", "2", "", "1")),
    );
    let change = table.apply_update(node, &post, t0());
    assert_eq!(change, ListChange { added: vec![QueueId::from("2")], removed: vec![] });
    assert_eq!(names(&table), ["Sales", "Support"]);

    // User/Queues delete: removed by uri only.
    let delete = update(
        "delete",
        node,
        "<Queues><Queue><uri>/finesse/api/Queue/1</uri></Queue><Queue><uri>/finesse/api/Queue/7</uri></Queue></Queues>",
    );
    let change = table.apply_update(node, &delete, t0());
    assert_eq!(change, ListChange { added: vec![], removed: vec![QueueId::from("1")] });
    assert_eq!(names(&table), ["Support"]);

    // Queue delete: the queue left the system.
    let gone =
        update("delete", "/finesse/api/Queue/2", "<Queue><uri>/finesse/api/Queue/2</uri></Queue>");
    let change = table.apply_update("/finesse/api/Queue/2", &gone, t0());
    assert_eq!(change.removed, [QueueId::from("2")]);
    assert!(table.ids().is_empty());

    // A full reload keeps the history of a queue still listed and reports the difference.
    table.apply_list(&list(&[queue_xml("3", "C", "1", "", "1")]), t0());
    let change = table.apply_list(
        &list(&[queue_xml("3", "C", "2", "", "1"), queue_xml("4", "D", "0", "", "1")]),
        t0() + 20_000,
    );
    assert_eq!(change, ListChange { added: vec![QueueId::from("4")], removed: vec![] });
    let rows = table.rows(&ServerClock::default(), t0());
    assert_eq!(rows[0].history.len(), 2);
}

#[test]
fn the_history_is_a_thirty_minute_ring_of_ten_second_slots() {
    let mut h = History::default();
    h.record(0, 1);
    h.record(4_000, 2); // same slot: replaced
    assert_eq!(h.samples().collect::<Vec<_>>(), [(4_000, 2)]);
    for i in 1..=400 {
        h.record(i * SAMPLE_MS, u64::try_from(i).unwrap());
    }
    assert_eq!(h.len(), HISTORY_SAMPLES, "only the last 30 minutes");
    let first = h.samples().next().unwrap();
    assert!(first.0 > 400 * SAMPLE_MS - HISTORY_MS, "{first:?}");
    // The clock going back does not reorder the samples.
    h.record(5, 99);
    assert!(h.samples().all(|(_, v)| v != 99));
    h.expire(400 * SAMPLE_MS + HISTORY_MS);
    assert!(h.is_empty());

    let mut table = QueueTable::default();
    table.apply_list(&list(&[queue_xml("1", "Sales", "2", "", "1")]), t0());
    for i in 1..=3 {
        table.sample(t0() + i * SAMPLE_MS);
    }
    let rows = table.rows(&ServerClock::default(), t0());
    assert_eq!(rows[0].history.samples().map(|(_, v)| v).collect::<Vec<_>>(), [2, 2, 2, 2]);
}

#[test]
fn thresholds_parse_print_and_refuse_bad_input() {
    let t = Thresholds::parse(" 5001=calls:3,oldest:60 ; *=calls:10 ;").unwrap();
    assert_eq!(t.limits(&"5001".into()), Limits { calls: Some(3), oldest_s: Some(60) });
    assert_eq!(t.limits(&"5002".into()), Limits { calls: Some(10), oldest_s: None });
    assert_eq!(t.to_string(), "*=calls:10;5001=calls:3,oldest:60");
    assert_eq!(Thresholds::parse(&t.to_string()).unwrap(), t);
    assert_eq!(Thresholds::parse("").unwrap(), Thresholds::default());
    for bad in [
        "5001",
        "5001=calls",
        "5001=calls:0",
        "5001=calls:-2",
        "5001=calls:x",
        "5001=calls:86401",
        "5001=wait:3",
        "=calls:3",
        "a/b=calls:3",
    ] {
        let e = Thresholds::parse(bad).unwrap_err();
        assert!(e.to_string().contains(bad.split(';').next().unwrap()), "{bad}: {e}");
    }
    let mut t = Thresholds::default();
    t.set(&"1".into(), Limits { calls: Some(2), oldest_s: None });
    t.set(&"2".into(), Limits::default());
    assert_eq!(t.to_string(), "1=calls:2");
    t.set(&"1".into(), Limits::default());
    assert_eq!(t.to_string(), "");
}

#[test]
fn reached_thresholds_colour_rows_and_are_announced_once_per_crossing() {
    let mut table = QueueTable::default();
    table.apply_list(
        &list(&[
            queue_xml("1", "Sales", "3", "2012-02-15T17:58:21Z", "1"),
            queue_xml("2", "Support", "1", "2012-02-15T17:58:21Z", "1"),
        ]),
        t0(),
    );
    table.set_thresholds(Thresholds::parse("1=calls:3;*=oldest:90").unwrap());
    let clock = ServerClock::default();
    let rows = table.rows(&clock, t0() + 60_000);
    assert_eq!(rows[0].breach, Breach { calls: Some((3, 3)), oldest: None });
    assert!(!rows[1].breach.any());
    assert_eq!(
        table.poll_alerts(&clock, t0() + 60_000),
        [Alert::Calls { queue: "Sales".into(), value: 3, limit: 3 }]
    );
    assert!(table.poll_alerts(&clock, t0() + 61_000).is_empty(), "announced once");
    // Support's oldest call reaches 1:30 (Sales has its own limits: no oldest limit).
    assert_eq!(
        table.poll_alerts(&clock, t0() + 90_000),
        [Alert::Oldest { queue: "Support".into(), waited: "1:30".into(), limit: "1:30".into() }]
    );
    // Sales goes under its limit, then crosses again: announced again.
    let put = |calls: &str| {
        update("put", "/finesse/api/Queue/1", &queue_xml("1", "Sales", calls, "", "1"))
    };
    table.apply_update("/finesse/api/Queue/1", &put("2"), t0());
    assert!(table.poll_alerts(&clock, t0() + 91_000).is_empty());
    table.apply_update("/finesse/api/Queue/1", &put("5"), t0());
    assert_eq!(
        table.poll_alerts(&clock, t0() + 92_000),
        [Alert::Calls { queue: "Sales".into(), value: 5, limit: 3 }]
    );
}
