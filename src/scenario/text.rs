//! Plain text for titles, descriptions and captions. The page renders them as text nodes, never
//! as markup, so `<script>` is harmless there; what is removed here are the characters that
//! can make text lie about itself when shown: control characters (other than line breaks and
//! tabs) and the bidirectional overrides behind "Trojan Source" tricks.

/// Whether `c` is kept in scenario text.
pub fn allowed(c: char) -> bool {
    let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}');
    (c == '\n' || c == '\t' || !c.is_control()) && !bidi
}

/// `text` without the characters `allowed` refuses.
pub fn clean(text: &str) -> String {
    text.chars().filter(|&c| allowed(c)).collect()
}

/// `text` safe inside markup, as element content or a quoted attribute value: the one escape of
/// every markup string the page or the tools worker builds (prompts, the caption editor, the
/// check dialog's result, exported pictures).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_kept_as_text_and_controls_are_removed() {
        assert_eq!(clean("<script>alert(1)</script>"), "<script>alert(1)</script>");
        assert_eq!(clean("a\u{0}b\u{1b}[31mc\u{7f}"), "ab[31mc");
        assert_eq!(clean("line one\nline\ttwo"), "line one\nline\ttwo");
        assert_eq!(clean("abc\u{202E}fed\u{2066}x"), "abcfedx");
        assert_eq!(clean("Ünïcødé ✓ 中文 🙂"), "Ünïcødé ✓ 中文 🙂");
    }

    #[test]
    fn escaped_text_cannot_open_a_tag_or_leave_an_attribute() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(escape("plain 中文"), "plain 中文");
    }
}
