//! A probe that shows a change, made as simple as it can be while both versions still judge it
//! the same: properties left out, lists cut to one item, strings emptied, numbers zeroed.

use jsonschema::Validator;
use serde_json::{Value, json};

/// The most validations spent making one piece of evidence simpler.
const MINIMIZE_BUDGET: usize = 300;

/// `probe` made simpler while both versions still judge it as `accepted`: properties left
/// out, lists cut to one item, strings emptied, numbers zeroed.
pub(super) fn minimize(probe: Value, accepted: (bool, bool), old: &Validator, new: &Validator) -> Value {
    let mut current = probe;
    let mut budget = MINIMIZE_BUDGET;
    'outer: loop {
        let mut candidates = Vec::new();
        simpler(&current, &mut Vec::new(), &mut candidates, 0);
        for candidate in candidates {
            if budget == 0 {
                break 'outer;
            }
            budget -= 1;
            let simpler = candidate_at(&current, &candidate);
            if (old.is_valid(&simpler), new.is_valid(&simpler)) == accepted {
                current = simpler;
                continue 'outer;
            }
        }
        break;
    }
    current
}

/// A simplification of a value: at a path, a key removed or a value replaced.
enum Simpler {
    Remove(Vec<PathStep>, String),
    Replace(Vec<PathStep>, Value),
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn simpler(value: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Simpler>, depth: usize) {
    if depth > 8 {
        return;
    }
    match value {
        Value::Object(map) => {
            for key in map.keys() {
                out.push(Simpler::Remove(path.clone(), key.clone()));
            }
            for (key, child) in map {
                path.push(PathStep::Key(key.clone()));
                simpler(child, path, out, depth + 1);
                path.pop();
            }
        }
        Value::Array(items) => {
            if items.len() > 1 {
                out.push(Simpler::Replace(
                    path.clone(),
                    Value::Array(items.iter().take(1).cloned().collect()),
                ));
            }
            for (index, child) in items.iter().enumerate().take(1) {
                path.push(PathStep::Index(index));
                simpler(child, path, out, depth + 1);
                path.pop();
            }
        }
        Value::String(text) if !text.is_empty() => out.push(Simpler::Replace(path.clone(), json!(""))),
        Value::Number(number) if number.as_i64() != Some(0) => out.push(Simpler::Replace(path.clone(), json!(0))),
        _ => {}
    }
}

fn candidate_at(value: &Value, simpler: &Simpler) -> Value {
    let mut out = value.clone();
    let (path, edit) = match simpler {
        Simpler::Remove(path, key) => (path, Err(key)),
        Simpler::Replace(path, replacement) => (path, Ok(replacement)),
    };
    let mut at = &mut out;
    for step in path {
        let next = match (step, at) {
            (PathStep::Key(key), Value::Object(map)) => map.get_mut(key),
            (PathStep::Index(index), Value::Array(items)) => items.get_mut(*index),
            _ => None,
        };
        match next {
            Some(next) => at = next,
            None => return out,
        }
    }
    match edit {
        Err(key) => {
            if let Value::Object(map) = at {
                map.remove(key);
            }
        }
        Ok(replacement) => *at = replacement.clone(),
    }
    out
}
