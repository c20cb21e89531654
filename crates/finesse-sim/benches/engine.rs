//! What the engine alone costs at the size of the load benchmark (issue 3): 2,000 simulated
//! agents in 20 queues receiving 20 calls/s, run for 5 virtual minutes in 100 ms steps (the
//! server's ticker step), against a baseline measured in the same run: the demo scenario over
//! the same 5 virtual minutes. Prints wall time, notifications, how many times faster than real
//! time each runs, the ratio of the two, and what one `check_invariants` costs at that size.
//!
//! Run: `cargo bench -p finesse-sim --bench engine`. Not a test: nothing here asserts a time.

use std::time::{Duration, Instant};

use finesse_sim::engine::Engine;
use finesse_sim::scenario::{QueueConfig, Scenario};

/// Virtual start time (any epoch ms works; the engine only compares times).
const T0: i64 = 1_700_000_000_000;
/// Virtual length of each run.
const VIRTUAL_MS: i64 = 300_000;
/// Step between `advance` calls, as the server's ticker does.
const STEP_MS: i64 = 100;
/// Runs of each scenario; the median is reported.
const RUNS: usize = 3;

/// The load benchmark's contact center: `agents` simulated agents spread over 20 queues that
/// receive 20 calls/s in all.
fn large(agents: usize) -> Scenario {
    let mut s = Scenario::demo();
    s.campaigns.clear();
    s.queues = (0..20)
        .map(|q| QueueConfig {
            id: format!("{}", 6000 + q).into(),
            name: format!("Q{q}"),
            dnis: Some(format!("{}", 9000 + q)),
            calls_per_minute: 60.0,
            variables: Default::default(),
        })
        .collect();
    let template = s.agents[1].clone();
    s.agents = (0..agents)
        .map(|i| {
            let mut a = template.clone();
            a.id = format!("{}", 2_000_000 + i).into();
            a.extension = format!("{}", 2_000_000 + i).into();
            a.queues = vec![format!("{}", 6000 + i % 20).into()];
            a.supervises = vec![];
            a.simulated = true;
            a
        })
        .collect();
    s
}

/// One run: wall time and notifications for [`VIRTUAL_MS`] of virtual time; the engine at the end.
fn run(scenario: &Scenario) -> (Duration, usize, Engine) {
    let started = Instant::now();
    let mut e = Engine::new(scenario.clone(), 1, T0);
    let mut notifications = 0;
    let mut t = T0;
    while t < T0 + VIRTUAL_MS {
        t += STEP_MS;
        e.advance(t);
        notifications += e.drain_notifications().len();
    }
    (started.elapsed(), notifications, e)
}

/// The median of [`RUNS`] runs; the engine of the last.
fn median(scenario: &Scenario) -> (Duration, usize, Engine) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..RUNS {
        let (d, n, e) = run(scenario);
        times.push(d);
        last = Some((n, e));
    }
    times.sort_unstable();
    let (n, e) = last.expect("RUNS > 0");
    (times[RUNS / 2], n, e)
}

fn main() {
    let baseline = Scenario::demo();
    let big = large(2000);
    for s in [&baseline, &big] {
        if let Err(e) = s.validate() {
            eprintln!("scenario does not validate: {e}");
            std::process::exit(1);
        }
    }
    let (base_time, base_n, base_engine) = median(&baseline);
    let (big_time, big_n, big_engine) = median(&big);
    let started = Instant::now();
    let invariants = big_engine.check_invariants();
    let check_time = started.elapsed();
    if let Err(e) = invariants {
        eprintln!("engine invariants broken after the run: {e}");
        std::process::exit(1);
    }
    let real = Duration::from_millis(VIRTUAL_MS.unsigned_abs());
    let row = |name: &str, agents: usize, d: Duration, n: usize, e: &Engine| {
        println!(
            "{name:<28} {agents:>6} agents  {:>9.1} ms  {:>8} notifications  {:>8.0}x real time  {:?}",
            d.as_secs_f64() * 1e3,
            n,
            real.as_secs_f64() / d.as_secs_f64().max(1e-9),
            e.counters(),
        );
    };
    println!("engine, 5 virtual minutes in {STEP_MS} ms steps (median of {RUNS} runs)");
    row("baseline: demo scenario", baseline.agents.len(), base_time, base_n, &base_engine);
    row("2,000 agents, 20 calls/s", big.agents.len(), big_time, big_n, &big_engine);
    println!(
        "ratio (2,000 agents / baseline): {:.1}x wall time, {:.1}x notifications; one check_invariants at 2,000 agents: {:.2} ms",
        big_time.as_secs_f64() / base_time.as_secs_f64().max(1e-9),
        big_n as f64 / base_n.max(1) as f64,
        check_time.as_secs_f64() * 1e3,
    );
}
