//! The mutation driver: changes pods at a steady rate to make watch
//! traffic. Of every ten changes, six bump an annotation, three a
//! container's `restartCount`, and one adds or deletes a churn pod
//! (`sim-churn-N`, N < 10, a copy of an existing pod).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::Value;

use super::Shared;
use super::store::{Key, set_meta};

const TICK: Duration = Duration::from_millis(10);

/// Runs until the driver epoch changes (`Handle::stop_driver`) or the
/// runtime stops.
pub async fn run(shared: Arc<Shared>, rate: f64, epoch: u64) {
    let Some(pods) = shared.store().registry.by_kind("", "Pod") else {
        return;
    };
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut credit = 0.0;
    let mut n: u64 = 0;
    let mut keys: Vec<Key> = Vec::new();
    let mut last = tokio::time::Instant::now();
    loop {
        ticker.tick().await;
        if shared.driver_epoch.load(Ordering::SeqCst) != epoch {
            return;
        }
        // By the time that passed, not the ticks: a busy machine delays
        // ticks, and the rate should hold anyway.
        let now = tokio::time::Instant::now();
        credit += rate * (now - last).as_secs_f64();
        last = now;
        while credit >= 1.0 {
            credit -= 1.0;
            if keys.is_empty() || n.is_multiple_of(1000) {
                keys = shared.store().keys(pods);
                keys.retain(|k| !k.1.starts_with("sim-churn-"));
            }
            if keys.is_empty() {
                return;
            }
            change_one(&shared, pods, &keys, n);
            n += 1;
        }
    }
}

fn change_one(shared: &Shared, pods: usize, keys: &[Key], n: u64) {
    let mut store = shared.store();
    let res = store.res(pods).clone();
    let change = match n % 10 {
        9 => {
            // Ten slots, each alternately created and deleted next to the
            // same pod: at most ten pods more than at the start.
            let slot = ((n / 10) % 10) as usize;
            let key = &keys[slot * 7919 % keys.len()];
            let churn = format!("sim-churn-{slot}");
            match store.get(pods, &key.0, &churn) {
                Some(_) => store.delete(pods, &key.0, &churn),
                None => {
                    let Some(base) = store.get(pods, &key.0, &key.1) else {
                        return;
                    };
                    let mut v = base.value(&res);
                    set_meta(&mut v, "name", churn.into());
                    let uid = store.next_uid();
                    set_meta(&mut v, "uid", uid.into());
                    Some(store.put(pods, v))
                }
            }
        }
        k => {
            let key = &keys[(n as usize * 7919) % keys.len()];
            let Some(obj) = store.get(pods, &key.0, &key.1) else {
                return;
            };
            let mut v = obj.value(&res);
            if k < 6 {
                let annotations = v
                    .pointer_mut("/metadata")
                    .and_then(Value::as_object_mut)
                    .map(|m| {
                        m.entry("annotations")
                            .or_insert_with(|| Value::Object(Default::default()))
                    });
                if let Some(Value::Object(a)) = annotations {
                    a.insert("sim.kready.io/tick".into(), n.to_string().into());
                }
            } else if let Some(cs) = v
                .pointer_mut("/status/containerStatuses/0")
                .and_then(Value::as_object_mut)
            {
                let count = cs.get("restartCount").and_then(Value::as_u64).unwrap_or(0);
                cs.insert("restartCount".into(), (count + 1).into());
            }
            Some(store.put(pods, v))
        }
    };
    if let Some(c) = change {
        shared.publish(c);
    }
}
