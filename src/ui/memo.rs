//! A value a pane derives from the model, kept until its key (generation,
//! filter, namespace, sort…) changes: a frame with nothing new reuses it
//! instead of deriving or copying it again. Values are `Arc`s so that rows
//! the checker derived (shared across threads) and rows a pane derives
//! itself are the same kind of value.

use std::cell::RefCell;
use std::sync::Arc;

pub struct Memo<K, V: ?Sized>(RefCell<Option<(K, Arc<V>)>>);

impl<K, V: ?Sized> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(RefCell::new(None))
    }
}

impl<K: PartialEq, V: ?Sized> Memo<K, V> {
    /// The value for `key`, made by `make` when the key changed.
    pub fn get(&self, key: K, make: impl FnOnce(&K) -> Arc<V>) -> Arc<V> {
        if let Some((k, v)) = self.0.borrow().as_ref()
            && *k == key
        {
            return v.clone();
        }
        let v = make(&key);
        *self.0.borrow_mut() = Some((key, v.clone()));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_again_only_when_the_key_changes() {
        let memo: Memo<u32, String> = Memo::default();
        let mut made = 0;
        let mut get = |k| {
            memo.get(k, |k| {
                made += 1;
                Arc::new(format!("v{k}"))
            })
        };
        assert_eq!(*get(1), "v1");
        assert_eq!(*get(1), "v1");
        assert_eq!(*get(2), "v2");
        assert_eq!(*get(1), "v1");
        assert_eq!(made, 3);
    }
}
