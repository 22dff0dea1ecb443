//! Label selector semantics, as the API server applies them.
//!
//! - `matchLabels` and every `matchExpressions` entry must all hold.
//! - `In`: the label exists with one of the values; `NotIn`: the label is
//!   absent or has none of the values; `Exists` / `DoesNotExist` test the key.
//! - An empty selector (`{}`) selects everything; a missing one selects
//!   nothing (callers decide which applies: a Service without a selector
//!   selects no pods, a PDB's `{}` selects all pods of its namespace).
//! - An unknown operator selects nothing (the API server rejects it).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub type Labels = BTreeMap<String, String>;

pub fn matches(selector: &LabelSelector, labels: &Labels) -> bool {
    if let Some(ml) = &selector.match_labels
        && !matches_map(ml, labels)
    {
        return false;
    }
    selector.match_expressions.iter().flatten().all(|e| {
        let values = e.values.as_deref().unwrap_or(&[]);
        let got = labels.get(&e.key);
        match e.operator.as_str() {
            "In" => got.is_some_and(|v| values.contains(v)),
            "NotIn" => got.is_none_or(|v| !values.contains(v)),
            "Exists" => got.is_some(),
            "DoesNotExist" => got.is_none(),
            _ => false,
        }
    })
}

/// Equality-based map selector (Service `spec.selector`): every pair must
/// match. An empty map matches everything; callers treat a Service without a
/// selector as selecting no pods.
pub fn matches_map(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Whether the selector is `{}` (selects everything).
pub fn is_empty(selector: &LabelSelector) -> bool {
    selector.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && selector
            .match_expressions
            .as_ref()
            .is_none_or(|m| m.is_empty())
}
