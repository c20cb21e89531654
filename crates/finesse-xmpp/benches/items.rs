//! Native benchmark (criterion) of notification items decoded per second by the client core:
//! a connected [`Client`](finesse_xmpp::client::Client) fed WebSocket frames and BOSH bodies
//! (1 and 10 pubsub messages, each carrying a User or a Dialog `<Update>`), counting
//! `Event::Item` out of `poll_event`. Baselines measured in the same run: quick-xml's raw event
//! reading of the same bytes, and `finesse_model::decode::<Update>` of the bare payloads. Prints
//! criterion's report per benchmark (throughput in items), then a table of items/s, MB/s and
//! ratios (ours / baseline) computed from the very samples criterion took.
//!
//! Run: `scripts/bench.sh items` (or `cargo bench -p finesse-xmpp --bench items`). The browser
//! version of the same measurement is `benches/items_wasm.rs` (`scripts/bench.sh items --wasm`).

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/traffic.rs"]
mod traffic;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

/// This target is native only; in wasm32 the benchmark is `benches/items_wasm.rs`.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::cell::RefCell;
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use criterion::{Criterion, Throughput};

    use crate::traffic::{self, LINES, Measurement};

    /// Samples per benchmark (criterion's default is 100; 50 with 3 s of measurement keeps the
    /// 18 benchmarks near a minute and a half).
    const SAMPLES: usize = 50;

    pub(crate) fn main() {
        let inputs = traffic::inputs();
        traffic::check_inputs(&inputs);
        let mut criterion = Criterion::default()
            .sample_size(SAMPLES)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3))
            .configure_from_args();
        let mut measurements = Vec::new();
        for input in &inputs {
            let mut group = criterion.benchmark_group(input.name);
            group.sample_size(SAMPLES);
            group.throughput(Throughput::Elements(input.items() as u64));
            for (line, mut subject) in input.subjects().into_iter().enumerate() {
                // Every call criterion makes: warm-up first, then exactly SAMPLES samples.
                let calls: RefCell<Vec<(u64, Duration)>> = RefCell::new(Vec::new());
                group.bench_function(LINES[line], |b| {
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        for _ in 0..iters {
                            black_box(subject.run());
                        }
                        let elapsed = start.elapsed();
                        calls.borrow_mut().push((iters, elapsed));
                        elapsed
                    });
                });
                subject.verify(input);
                if let Some(nanos) = median_of_samples(&calls.into_inner()) {
                    measurements.push(Measurement {
                        input: input.name,
                        items: input.items(),
                        bytes: input.bytes(line),
                        line,
                        nanos,
                    });
                }
            }
            group.finish();
        }
        criterion.final_summary();
        if !measurements.is_empty() {
            println!(
                "{}",
                traffic::report(
                    "native (criterion samples; median time per run of the last samples)",
                    &measurements
                )
            );
        }
    }

    /// The median time per iteration over the measurement samples (the last `SAMPLES` calls),
    /// or `None` when the benchmark was filtered out or run in `--test` mode.
    fn median_of_samples(calls: &[(u64, Duration)]) -> Option<f64> {
        if calls.len() <= SAMPLES {
            return None;
        }
        let mut per_iter: Vec<f64> = calls[calls.len() - SAMPLES..]
            .iter()
            .map(|(iters, elapsed)| elapsed.as_nanos() as f64 / *iters as f64)
            .collect();
        per_iter.sort_by(f64::total_cmp);
        Some(per_iter[per_iter.len() / 2])
    }
}
