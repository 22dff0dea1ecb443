//! Wording shared by the checks' messages: name lists. (Durations are
//! [`crate::view::duration`], which the panes use too.)

/// Lists names for a message: at most `max`, then `+N more`.
pub(super) fn name_list<S: AsRef<str>>(names: &[S], max: usize) -> String {
    let mut out: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    let more;
    if names.len() > max {
        more = format!("+{} more", names.len() - max);
        out.push(&more);
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_lists() {
        assert_eq!(name_list::<&str>(&[], 3), "");
        assert_eq!(name_list(&["a", "b"], 3), "a, b");
        assert_eq!(name_list(&["a", "b", "c"], 3), "a, b, c");
        assert_eq!(name_list(&["a", "b", "c", "d", "e"], 3), "a, b, c, +2 more");
        let owned = vec!["x".to_string(), "y".to_string()];
        assert_eq!(name_list(&owned, 1), "x, +1 more");
    }
}
