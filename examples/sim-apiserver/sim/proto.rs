//! Just enough Kubernetes protobuf to read the access reviews client-go's
//! typed clients send (`kubectl auth can-i` posts its
//! SelfSubjectAccessReview as `application/vnd.kubernetes.protobuf` and
//! does not retry as JSON); answers are JSON, which its `Accept` allows.
//!
//! The envelope is `k8s\0` then a `runtime.Unknown` message: field 1
//! TypeMeta {1 apiVersion, 2 kind}, field 2 the object's bytes.

use serde_json::{Map, Value, json};

/// The length-delimited fields of one message, in order (other wire types
/// are skipped).
fn fields(mut buf: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    while !buf.is_empty() {
        let key = varint(&mut buf)?;
        match key & 7 {
            0 => {
                varint(&mut buf)?;
            }
            1 => buf = buf.get(8..)?,
            5 => buf = buf.get(4..)?,
            2 => {
                let len = usize::try_from(varint(&mut buf)?).ok()?;
                out.push((key >> 3, buf.get(..len)?));
                buf = &buf[len..];
            }
            _ => return None,
        }
    }
    Some(out)
}

fn varint(buf: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = buf.split_first()?;
        *buf = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn field<'a>(fs: &[(u64, &'a [u8])], n: u64) -> Option<&'a [u8]> {
    fs.iter().find(|(k, _)| *k == n).map(|(_, b)| *b)
}

/// String fields by number into a JSON object with the given names.
fn strings(buf: &[u8], names: &[(u64, &str)]) -> Option<Value> {
    let fs = fields(buf)?;
    let mut m = Map::new();
    for &(n, name) in names {
        if let Some(b) = field(&fs, n) {
            m.insert(name.into(), String::from_utf8_lossy(b).into_owned().into());
        }
    }
    Some(Value::Object(m))
}

/// Decodes a SelfSubjectAccessReview or SelfSubjectRulesReview body.
pub fn decode_review(body: &[u8]) -> Option<Value> {
    let unknown = fields(body.strip_prefix(b"k8s\0")?)?;
    let type_meta = strings(field(&unknown, 1)?, &[(1, "apiVersion"), (2, "kind")])?;
    let obj = fields(field(&unknown, 2)?)?;
    let spec = fields(field(&obj, 2).unwrap_or_default())?;
    let kind = type_meta
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let spec = match kind {
        "SelfSubjectAccessReview" => {
            let mut s = Map::new();
            if let Some(b) = field(&spec, 1) {
                let names = [
                    (1, "namespace"),
                    (2, "verb"),
                    (3, "group"),
                    (4, "version"),
                    (5, "resource"),
                    (6, "subresource"),
                    (7, "name"),
                ];
                s.insert("resourceAttributes".into(), strings(b, &names)?);
            }
            if let Some(b) = field(&spec, 2) {
                s.insert(
                    "nonResourceAttributes".into(),
                    strings(b, &[(1, "path"), (2, "verb")])?,
                );
            }
            Value::Object(s)
        }
        "SelfSubjectRulesReview" => {
            strings(field(&obj, 2).unwrap_or_default(), &[(1, "namespace")])?
        }
        _ => return None,
    };
    Some(json!({
        "apiVersion": type_meta.get("apiVersion"),
        "kind": kind,
        "metadata": {"creationTimestamp": null},
        "spec": spec,
    }))
}
