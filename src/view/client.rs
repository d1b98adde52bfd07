//! What the Clients panel says about a typed value: values are written as capital letters
//! ("A", "B", ..., "AA"), and a value typed in lower case is proposed in capitals. The panel says
//! so next to the field rather than changing what was typed behind the person's back.

use crate::protocol::Value;

/// A note when the value typed is not written the way it will be proposed and shown, else `None`.
pub fn value_note(typed: &str) -> Option<String> {
    let value = Value::parse(typed)?.to_string();
    let typed = typed.trim();
    (value != typed).then(|| format!("Values are written in capitals: \"{typed}\" is proposed as \"{value}\"."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_case_is_proposed_in_capitals_and_the_note_says_so() {
        assert_eq!(value_note("b").as_deref(), Some("Values are written in capitals: \"b\" is proposed as \"B\"."));
        assert_eq!(
            value_note(" aB ").as_deref(),
            Some("Values are written in capitals: \"aB\" is proposed as \"AB\".")
        );
        assert_eq!(value_note("C"), None, "written as shown: nothing to say");
        assert_eq!(value_note("c3"), None, "not a value: the error on Propose says so");
    }
}
