//! The browser's schema inference (shared crate) against what the engine really
//! plans: for every conformance graph, every node's columns must have the same
//! names in the same order, and every type the browser claims must be the
//! engine's type. (The browser may say "unknown", never something wrong.)

use sluice_backend::engine::{self, Mode, root::DataRoot};
use std::collections::BTreeMap;
use std::path::Path;

#[tokio::test]
async fn inferred_schemas_match_the_engine_on_every_conformance_graph() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&cases).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for case in entries {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(case.join("graph.json")).unwrap();
        let graph = sluice_shared::parse_graph(&text).unwrap();
        let given: BTreeMap<String, String> = std::fs::read_to_string(case.join("case.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get("params").cloned())
            .and_then(|p| serde_json::from_value(p).ok())
            .unwrap_or_default();
        let prepared = match engine::prepare(&graph, &given, &DataRoot::new(&case), Mode::Check).await {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let planned = engine::planned_schemas(&prepared);
        for (id, inferred) in &prepared.report.schemas {
            let (Some(inferred), Some(real)) = (inferred, planned.get(id)) else { continue };
            checked += 1;
            let names: Vec<&str> = inferred.names().collect();
            let real_names: Vec<&str> = real.names().collect();
            if names != real_names {
                failures.push(format!("{name}/{id}: columns {names:?}, engine {real_names:?}"));
                continue;
            }
            for (f, r) in inferred.0.iter().zip(&real.0) {
                if let Some(t) = f.ty
                    && Some(t) != r.ty
                {
                    failures.push(format!("{name}/{id}.{}: inferred {t}, engine {:?}", f.name, r.ty));
                }
            }
        }
    }
    assert!(checked > 100, "too few nodes compared ({checked})");
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}
