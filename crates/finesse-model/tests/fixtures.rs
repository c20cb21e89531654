//! Every XML sample of the developer guide's chapters 1–6, held against the model.
//!
//! The corpus is described by the manifests in `tests/fixtures/guide-11.6/*.toml` (see
//! `tests/fixtures/CONVENTIONS.md`). For each entry:
//! - `ok`: decodes in strict mode, and encode → decode gives the same value;
//! - `malformed`: strict decoding fails with the expected error kind at the expected path
//!   (and, where a `.fixed.xml` copy exists, the copy passes as `ok`); lenient decoding
//!   succeeds where the defect is one production code must tolerate;
//! - `skip`: not XML, listed with its reason.
//!
//! Every file under the corpus must be named by a manifest, so nothing goes unchecked.

#![allow(clippy::unwrap_used, reason = "a test: a panic is the failure report")]

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use finesse_model::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Manifest {
    fixture: Vec<Fixture>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code, reason = "provenance fields are read by people, not by the test")]
struct Fixture {
    file: String,
    section: String,
    lines: String,
    role: String,
    #[serde(rename = "type")]
    ty: String,
    expect: String,
    error_kind: Option<String>,
    error_path: Option<String>,
    defect: Option<String>,
    defect_noted: Option<String>,
    fixed: Option<String>,
    reason: Option<String>,
    note: Option<String>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guide-11.6")
}

fn manifests() -> Vec<(String, Fixture)> {
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no manifest in {}", corpus().display());
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let manifest: Manifest =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.extend(manifest.fixture.into_iter().map(|f| (name.clone(), f)));
    }
    out
}

/// The outcome of holding one document against one type.
enum Outcome {
    Ok,
    Failed(String),
    /// Strict decoding failed with this error; lenient decoding gave this result.
    Rejected {
        strict: DecodeError,
        lenient_ok: bool,
    },
}

fn check<T: XmlDocument + PartialEq + Debug>(xml: &str) -> Outcome {
    match decode_strict::<T>(xml) {
        Ok(value) => {
            let encoded = match encode(&value) {
                Ok(e) => e,
                Err(e) => return Outcome::Failed(format!("encode failed: {e}")),
            };
            // The model's own encoder writes what quick-xml's serde serializer writes.
            match quick_xml::se::to_string_with_root(T::ROOT, &value) {
                Ok(serde) if serde == encoded => {}
                other => {
                    return Outcome::Failed(format!(
                        "the encoder differs from serde's:\n  ours: {encoded}\n serde: {other:?}"
                    ));
                }
            }
            match decode_strict::<T>(&encoded) {
                Ok(again) if again == value => {
                    // Lenient decoding of a strictly valid document gives the same value.
                    match decode::<T>(xml) {
                        Ok(lenient) if lenient == value => Outcome::Ok,
                        other => Outcome::Failed(format!("lenient decoding differs: {other:?}")),
                    }
                }
                Ok(again) => Outcome::Failed(format!(
                    "round trip changed the value:\n first: {value:?}\nsecond: {again:?}\n   xml: {encoded}"
                )),
                Err(e) => {
                    Outcome::Failed(format!("re-decoding our own output failed: {e}\n{encoded}"))
                }
            }
        }
        Err(strict) => Outcome::Rejected { lenient_ok: decode::<T>(xml).is_ok(), strict },
    }
}

macro_rules! dispatch {
    ($ty:expr, $xml:expr, [$($name:ident),* $(,)?]) => {
        match $ty {
            $(stringify!($name) => Some(check::<$name>($xml)),)*
            _ => None,
        }
    };
}

fn run(ty: &str, xml: &str) -> Option<Outcome> {
    dispatch!(
        ty,
        xml,
        [
            User,
            Users,
            UserRequest,
            Dialog,
            Dialogs,
            DialogRequest,
            Queue,
            Queues,
            Team,
            Teams,
            ReasonCode,
            ReasonCodes,
            WrapUpReason,
            WrapUpReasons,
            PhoneBook,
            PhoneBooks,
            Contact,
            Contacts,
            Workflow,
            Workflows,
            WorkflowAction,
            WorkflowActions,
            MediaPropertiesLayout,
            MediaPropertiesLayouts,
            SystemInfo,
            Media,
            MediaList,
            MediaRequest,
            ClientLog,
            ApiErrors,
            ApiError,
            Update,
            SystemConfig,
            ClusterConfig,
            EnterpriseDatabaseConfig,
            SystemVariables,
            SystemVariable,
        ]
    )
    .or_else(|| match ty {
        "UpdateData" => Some(check::<NotificationData>(xml)),
        _ => extra(ty, xml),
    })
}

/// Types added after the first corpus (chapter 4–6 configuration and serviceability).
fn extra(ty: &str, xml: &str) -> Option<Outcome> {
    dispatch!(
        ty,
        xml,
        [
            LayoutConfig,
            TeamLayoutConfig,
            FinesseLayout,
            DiagnosticPerformance,
            DiagnosticProductVersion,
            DiagnosticReply,
            TriggerSet,
        ]
    )
}

/// Lenient decoding must tolerate what a newer Finesse could send.
fn lenient_tolerates(kind: &str) -> bool {
    matches!(kind, "unknown_element" | "unexpected_text" | "duplicate")
}

/// A minimally repaired copy of a sample must decode like an `ok` sample.
fn check_fixed(here: &str, ty: &str, file: &str, fixed: &mut usize, failures: &mut Vec<String>) {
    match std::fs::read_to_string(corpus().join(file)) {
        Ok(xml) => match run(ty, &xml) {
            Some(Outcome::Ok) => *fixed += 1,
            Some(Outcome::Failed(why)) => failures.push(format!("{here} (fixed copy): {why}")),
            Some(Outcome::Rejected { strict, .. }) => {
                failures.push(format!("{here} (fixed copy): {strict}"));
            }
            None => failures.push(format!("{here}: no such type `{ty}`")),
        },
        Err(_) => failures.push(format!("{here}: fixed copy {file} missing")),
    }
}

#[test]
fn every_guide_sample_is_held_against_the_model() {
    let fixtures = manifests();
    let mut failures = Vec::new();
    let mut listed = BTreeSet::new();
    let (mut ok, mut malformed, mut fixed, mut skipped) = (0, 0, 0, 0);

    for (manifest, f) in &fixtures {
        let here = format!("{manifest}: {} ({}, lines {})", f.file, f.section, f.lines);
        listed.insert(f.file.clone());
        if let Some(fixed_file) = &f.fixed {
            listed.insert(fixed_file.clone());
        }
        let path = corpus().join(&f.file);
        let Ok(xml) = std::fs::read_to_string(&path) else {
            failures.push(format!("{here}: file missing"));
            continue;
        };
        match f.expect.as_str() {
            "skip" => {
                skipped += 1;
                if f.reason.as_deref().unwrap_or("").is_empty() {
                    failures.push(format!("{here}: skipped without a reason"));
                }
            }
            "ok" => {
                match run(&f.ty, &xml) {
                    Some(Outcome::Ok) => ok += 1,
                    Some(Outcome::Failed(why)) => failures.push(format!("{here}: {why}")),
                    Some(Outcome::Rejected { strict, .. }) => {
                        failures.push(format!("{here}: expected ok as {}, got: {strict}", f.ty));
                    }
                    None => failures.push(format!("{here}: no such type `{}`", f.ty)),
                }
                if let Some(fixed_file) = &f.fixed {
                    check_fixed(&here, &f.ty, fixed_file, &mut fixed, &mut failures);
                }
            }
            "malformed" => {
                malformed += 1;
                let kind = f.error_kind.as_deref().unwrap_or("");
                match run(&f.ty, &xml) {
                    Some(Outcome::Rejected { strict, lenient_ok }) => {
                        if strict.kind_name() != kind {
                            failures.push(format!(
                                "{here}: expected a {kind} error, got {}: {strict}",
                                strict.kind_name()
                            ));
                        } else if let Some(path) = &f.error_path
                            && strict.path() != path
                        {
                            failures.push(format!(
                                "{here}: expected the {kind} error at {path}, got it at {}: {strict}",
                                strict.path()
                            ));
                        }
                        if lenient_tolerates(kind) && !lenient_ok {
                            failures
                                .push(format!("{here}: lenient decoding should tolerate {kind}"));
                        }
                    }
                    Some(Outcome::Ok) => {
                        failures.push(format!("{here}: expected a {kind} error, but it decoded"));
                    }
                    Some(Outcome::Failed(why)) => failures.push(format!("{here}: {why}")),
                    None => failures.push(format!("{here}: no such type `{}`", f.ty)),
                }
                if let Some(fixed_file) = &f.fixed {
                    check_fixed(&here, &f.ty, fixed_file, &mut fixed, &mut failures);
                }
            }
            other => failures.push(format!("{here}: unknown expectation `{other}`")),
        }
    }

    // Every file of the corpus is in a manifest.
    let mut stack = vec![corpus()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.parent() != Some(corpus().as_path()) {
                let rel = path.strip_prefix(corpus()).unwrap().to_string_lossy().replace('\\', "/");
                if !listed.contains(&rel) {
                    failures.push(format!("{rel}: not named by any manifest"));
                }
            }
        }
    }

    println!(
        "fixtures: {} samples: {ok} ok, {malformed} malformed ({fixed} fixed copies ok), {skipped} skipped (not XML)",
        fixtures.len()
    );
    assert!(failures.is_empty(), "{} fixture failures:\n{}", failures.len(), failures.join("\n"));
    assert!(ok >= 50, "the corpus is unexpectedly small: {ok} ok samples");
}
