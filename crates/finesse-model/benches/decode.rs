//! Native decoding benchmark (criterion): `decode::<T>` (lenient) and `decode_strict::<T>` on a
//! 2,000-user `<Team>` and on a Dialogs notification, against quick-xml's raw event reading of
//! the same text. Prints criterion's report per benchmark, then a table of ratios (ours /
//! baseline) computed from the very samples criterion took.
//!
//! Run: `scripts/bench.sh` (or `cargo bench -p finesse-model --bench decode`). The browser
//! version of the same measurement is `benches/decode_wasm.rs` (`scripts/bench.sh --wasm`).

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/inputs.rs"]
mod inputs;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

/// This target is native only; in wasm32 the benchmark is `benches/decode_wasm.rs`.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::cell::RefCell;
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use criterion::{Criterion, Throughput};

    use crate::inputs::{self, DECODERS, Measurement};

    /// Samples per benchmark (criterion's default is 100; 50 keeps a run near two minutes).
    const SAMPLES: usize = 50;

    pub(crate) fn main() {
        inputs::check_inputs();
        let mut criterion = Criterion::default()
            .sample_size(SAMPLES)
            .warm_up_time(Duration::from_secs(2))
            .measurement_time(Duration::from_secs(5))
            .configure_from_args();
        let mut measurements = Vec::new();
        for input in inputs::inputs() {
            let mut group = criterion.benchmark_group(input.name);
            group.sample_size(SAMPLES);
            group.throughput(Throughput::Bytes(input.xml.len() as u64));
            for (name, decoder) in DECODERS.into_iter().zip(input.decoders) {
                // Every call criterion makes: warm-up first, then exactly SAMPLES samples.
                let calls: RefCell<Vec<(u64, Duration)>> = RefCell::new(Vec::new());
                group.bench_function(name, |b| {
                    b.iter_custom(|iters| {
                        let start = Instant::now();
                        for _ in 0..iters {
                            black_box(decoder(black_box(&input.xml)));
                        }
                        let elapsed = start.elapsed();
                        calls.borrow_mut().push((iters, elapsed));
                        elapsed
                    });
                });
                if let Some(nanos) = median_of_samples(&calls.into_inner()) {
                    measurements.push(Measurement {
                        input: input.name,
                        bytes: input.xml.len(),
                        decoder: name,
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
                inputs::report(
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
