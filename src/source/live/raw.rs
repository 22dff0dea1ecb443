//! An object as the server sent it: its JSON text, for the decoder the
//! snapshot loader uses (`decode::decode_text`).
//!
//! kube-runtime's watcher decodes into any `Resource`. A `DynamicObject`
//! would build a `serde_json::Value` tree per object (a B-tree node per JSON
//! object), which kready then turned into its own forms through a second
//! tree: two thirds of a live read's CPU time. A `RawObject` is written
//! back to text as it is deserialized (one buffer, no tree), and parsed once,
//! straight into kready's typed and trimmed forms.

use std::borrow::Cow;
use std::sync::OnceLock;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::{ApiResource, DynamicResourceScope, Resource};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

#[derive(Clone, Debug)]
pub struct RawObject {
    text: String,
    /// The watcher asks watch events (not list items) for their
    /// resourceVersion; read from the text the first time it is asked.
    meta: OnceLock<ObjectMeta>,
}

impl RawObject {
    pub fn text(&self) -> &str {
        &self.text
    }

    fn read_meta(&self) -> ObjectMeta {
        #[derive(Deserialize)]
        struct Doc<'a> {
            #[serde(borrow)]
            metadata: Option<Meta<'a>>,
        }
        #[derive(Deserialize)]
        struct Meta<'a> {
            #[serde(borrow, rename = "resourceVersion")]
            resource_version: Option<Cow<'a, str>>,
        }
        let rv = serde_json::from_str::<Doc>(&self.text)
            .ok()
            .and_then(|d| d.metadata?.resource_version);
        ObjectMeta {
            resource_version: rv.map(Cow::into_owned),
            ..ObjectMeta::default()
        }
    }
}

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut text = Vec::with_capacity(4096);
        serde_transcode::transcode(d, &mut serde_json::Serializer::new(&mut text))
            .map_err(D::Error::custom)?;
        text.shrink_to_fit();
        let text = String::from_utf8(text).map_err(D::Error::custom)?;
        Ok(RawObject {
            text,
            meta: OnceLock::new(),
        })
    }
}

impl Resource for RawObject {
    type DynamicType = ApiResource;
    type Scope = DynamicResourceScope;

    fn group(dt: &ApiResource) -> Cow<'_, str> {
        dt.group.as_str().into()
    }
    fn version(dt: &ApiResource) -> Cow<'_, str> {
        dt.version.as_str().into()
    }
    fn kind(dt: &ApiResource) -> Cow<'_, str> {
        dt.kind.as_str().into()
    }
    fn api_version(dt: &ApiResource) -> Cow<'_, str> {
        dt.api_version.as_str().into()
    }
    fn plural(dt: &ApiResource) -> Cow<'_, str> {
        dt.plural.as_str().into()
    }
    fn meta(&self) -> &ObjectMeta {
        self.meta.get_or_init(|| self.read_meta())
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        if self.meta.get().is_none() {
            let meta = self.read_meta();
            let _ = self.meta.set(meta);
        }
        self.meta.get_mut().expect("set above")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::{ObjectList, WatchEvent};

    #[test]
    fn list_items_and_watch_events_keep_their_text_and_version() {
        // A list's TypeMeta is flattened: its items reach us through
        // serde's buffered content, not the JSON parser.
        let list: ObjectList<RawObject> = serde_json::from_str(
            r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"9"},
                "items":[{"metadata":{"name":"a","resourceVersion":"7"},"spec":{"x":[1,2.5,"\u00e9"]}}]}"#,
        )
        .unwrap();
        let item = &list.items[0];
        assert_eq!(
            item.text(),
            r#"{"metadata":{"name":"a","resourceVersion":"7"},"spec":{"x":[1,2.5,"é"]}}"#
        );
        assert_eq!(item.meta().resource_version.as_deref(), Some("7"));

        let e: WatchEvent<RawObject> = serde_json::from_str(
            r#"{"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"b","resourceVersion":"12"}}}"#,
        )
        .unwrap();
        let WatchEvent::Modified(o) = e else {
            panic!("not a modification")
        };
        assert!(o.text().starts_with(r#"{"kind":"Pod","apiVersion":"v1""#));
        assert_eq!(o.meta().resource_version.as_deref(), Some("12"));
    }
}
