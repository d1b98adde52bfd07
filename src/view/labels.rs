//! Where each message token's label goes, so that no label covers a node's text, another label
//! or the stage's edge, and every token stays named.
//!
//! 1. Tokens with the same text close together (messages sent together leave one box at one
//!    time, replies converge on one box) form a stack with one label, `3 × Prepare 1.0`.
//! 2. Each label tries spots around its token, nearest first (above ahead, above behind, below,
//!    then further out) and takes the first free one: not on a node's text (`node_text`: the
//!    lines a box holds, and its down tag and group badge) or a heading, inside the stage, not
//!    on a label already placed, and, if it can, not on another token. A label may stand on
//!    the empty right part of a box: the strips between columns are narrower than long labels.
//! 3. A label that finds no spot tries again shortened to its kind and ballot (`Nack 3.0`).
//!
//! Labels are placed in a fixed order (the selected token first, then in the order messages
//! are in flight), so a paused moment always looks the same. Pure geometry: the stage only draws the result.

use super::layout::{Layout, Point};
use super::nodes::NodeView;
use super::tokens::Token;
use crate::sim::MsgId;

/// One character of `.msg-label` (11.5 px monospace: 0.6 em), and the label's height above
/// and below its baseline, with a little air.
const CHAR_W: f64 = 6.95;
const ASCENT: f64 = 11.5;
const DESCENT: f64 = 3.5;
/// Gap between a token's centre and the near end of its label.
const GAP_X: f64 = 11.0;
/// Room a token's shape takes around its centre.
const TOKEN_R: f64 = 9.0;
/// Tokens with equal text whose centres are this close share one label.
const STACK_DX: f64 = 40.0;
const STACK_DY: f64 = 16.0;
/// Baselines tried, relative to the token's centre: just above, just below, then further out.
const BASELINES: [f64; 12] = [-9.0, 19.0, -24.0, 34.0, -39.0, 49.0, -54.0, 64.0, -69.0, 79.0, -84.0, 94.0];

/// A label to draw on the token at `token` (an index into the frame's tokens).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub token: usize,
    /// The message, or `3 × ` and the message for a stack.
    pub text: String,
    /// How many tokens this label names.
    pub count: usize,
    /// Left end of the baseline, relative to the token's centre.
    pub dx: f64,
    pub dy: f64,
}

/// x0, x1, y0, y1.
pub type Rect = [f64; 4];

pub(crate) fn overlaps(a: &Rect, b: &Rect) -> bool {
    a[0] < b[1] && b[0] < a[1] && a[2] < b[3] && b[2] < a[3]
}

fn width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_W
}

/// Text widths per character as `ui::stage` draws node text (style.css): the 14 px bold title
/// and the 12.5 px lines, a little generous.
const TITLE_CHAR_W: f64 = 8.6;
const LINE_CHAR_W: f64 = 7.6;

/// What labels must stay off: every node's text (as `ui::stage::NodeEl` writes it: the title
/// at baseline 19, then a line every 17 units, from 10 units in), the corner where the down
/// tag and the group badge go, and the column headings.
pub fn node_text(layout: &Layout, views: &[NodeView]) -> Vec<Rect> {
    let mut v = Vec::new();
    for (b, view) in layout.nodes.iter().zip(views) {
        let (left, top) = (b.x - b.w / 2.0, b.y - b.h / 2.0);
        let right = b.x + b.w / 2.0;
        let line = |baseline: f64, w: f64| {
            [left + 8.0, (left + 12.0 + w).min(right), top + baseline - 14.0, top + baseline + 4.0]
        };
        v.push(line(19.0, view.title.chars().count() as f64 * TITLE_CHAR_W));
        let lines = [&view.phase, &view.promised, &view.accepted, &view.learned];
        for (k, text) in lines.into_iter().flatten().enumerate() {
            v.push(line(36.0 + 17.0 * k as f64, text.chars().count() as f64 * LINE_CHAR_W));
        }
        if let Some((_, [x, y, w, h])) = super::marks::badge(view) {
            v.push([left + x - 2.0, left + x + w + 2.0, top + y - 2.0, top + y + h + 2.0]);
        }
        v.push([right - 54.0, right, top, top + 25.0]);
        v.push([right - 29.0, right, top + b.h - 27.0, top + b.h]);
    }
    for h in &layout.headings {
        let w = h.text.len() as f64 * 12.0;
        v.push([h.x - w / 2.0, h.x + w / 2.0, h.y - 13.0, h.y + 5.0]);
    }
    v
}

/// Groups tokens into stacks: indexes of the tokens each label names, the first carrying it.
fn stacks(tokens: &[Token], texts: &[String], order: &[usize]) -> Vec<Vec<usize>> {
    let mut taken = vec![false; tokens.len()];
    let mut out = Vec::new();
    for &i in order {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let mut stack = vec![i];
        for &j in order {
            let near = (tokens[j].at.x - tokens[i].at.x).abs() < STACK_DX
                && (tokens[j].at.y - tokens[i].at.y).abs() < STACK_DY;
            if !taken[j] && near && texts[j] == texts[i] {
                taken[j] = true;
                stack.push(j);
            }
        }
        out.push(stack);
    }
    out
}

/// The label of every token that gets one. `leftward(token)` says the message travels left,
/// so its label goes ahead of it on the left first.
pub fn place(
    layout: &Layout,
    blocked: &[Rect],
    tokens: &[Token],
    selected: Option<MsgId>,
    leftward: impl Fn(&Token) -> bool,
) -> Vec<Label> {
    let texts: Vec<String> = tokens.iter().map(|t| t.msg.to_string()).collect();
    // The selected token first, then in flight order (no sort: it would weigh on the download).
    let first = tokens.iter().position(|t| Some(t.id) == selected);
    let order: Vec<usize> = first.into_iter().chain((0..tokens.len()).filter(|&i| Some(i) != first)).collect();
    let shapes: Vec<Rect> =
        tokens.iter().map(|t| [t.at.x - TOKEN_R, t.at.x + TOKEN_R, t.at.y - TOKEN_R, t.at.y + TOKEN_R]).collect();
    let mut placed: Vec<Rect> = Vec::new();
    let mut labels = Vec::new();
    for stack in stacks(tokens, &texts, &order) {
        let i = stack[0];
        let full = &texts[i];
        // The kind and ballot alone (`Promise 1.0`), for when the whole label finds no room.
        let short = full.match_indices(' ').nth(1).map_or(full.as_str(), |(k, _)| &full[..k]);
        let at = tokens[i].at;
        for body in [full.as_str(), short] {
            let text = match stack.len() {
                1 => body.to_string(),
                n => format!("{n} × {body}"),
            };
            let w = width(&text);
            let free = |r: &Rect, avoid_tokens: bool| {
                r[0] >= 0.0
                    && r[1] <= layout.width
                    && r[2] >= 0.0
                    && r[3] <= layout.height
                    && !blocked.iter().chain(&placed).any(|b| overlaps(r, b))
                    && !(avoid_tokens && shapes.iter().any(|s| overlaps(r, s)))
            };
            let spot = [true, false]
                .into_iter()
                .find_map(|avoid| spots(at, w, leftward(&tokens[i])).find(|(_, r)| free(r, avoid)));
            if let Some(((dx, dy), r)) = spot {
                placed.push(r);
                labels.push(Label { token: i, text, count: stack.len(), dx, dy });
                break;
            }
        }
    }
    labels
}

/// Candidate spots for a label `w` wide on a token at `at`: (baseline offset, rectangle).
fn spots(at: Point, w: f64, leftward: bool) -> impl Iterator<Item = ((f64, f64), Rect)> {
    let ahead = if leftward { -GAP_X - w } else { GAP_X };
    let behind = if leftward { GAP_X } else { -GAP_X - w };
    BASELINES.into_iter().flat_map(move |dy| {
        [ahead, behind, -w / 2.0, ahead + w / 2.0, behind - w / 2.0].into_iter().map(move |dx| {
            let (x, y) = (at.x + dx, at.y + dy);
            ((dx, dy), [x, x + w, y - ASCENT, y + DESCENT])
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{Ballot, Msg, NodeId, Roles};
    use crate::sim::{Config, History};
    use crate::view::layout::layout;
    use crate::view::nodes::node_views;

    fn token(id: u64, x: f64, y: f64, round: u32) -> Token {
        let msg = Msg::Prepare { ballot: Ballot::new(round, NodeId(0)) };
        Token { id: MsgId(id), from: NodeId(0), to: NodeId(1), msg, at: Point { x, y }, progress: 0.5, twin: false }
    }

    fn rect(t: &Token, l: &Label) -> Rect {
        let (x, y) = (t.at.x + l.dx, t.at.y + l.dy);
        [x, x + width(&l.text), y - ASCENT, y + DESCENT]
    }

    fn default_layout() -> Layout {
        let one = |proposer, acceptor, learner| Roles { proposer, acceptor, learner };
        let mut roles = vec![one(true, false, false); 2];
        roles.extend(vec![one(false, true, false); 3]);
        roles.push(one(false, false, true));
        layout(&roles, false)
    }

    /// The default cluster's nodes as they stand at the start.
    fn text(l: &Layout) -> Vec<Rect> {
        let h = History::new(&Config::default(), 1, &[]);
        node_text(l, &node_views(h.world()))
    }

    fn assert_clear(l: &Layout, tokens: &[Token], labels: &[Label]) {
        let blocked = text(l);
        for (k, a) in labels.iter().enumerate() {
            let r = rect(&tokens[a.token], a);
            assert!(r[0] >= 0.0 && r[1] <= l.width && r[2] >= 0.0 && r[3] <= l.height, "{a:?} inside the stage");
            assert!(!blocked.iter().any(|b| overlaps(&r, b)), "{a:?} is on a node or heading");
            for b in &labels[k + 1..] {
                assert!(!overlaps(&r, &rect(&tokens[b.token], b)), "{a:?} covers {b:?}");
            }
        }
    }

    #[test]
    fn a_stack_of_equal_messages_shares_one_label() {
        let l = default_layout();
        let p = l.nodes[0];
        let (x, y) = (p.x + p.w / 2.0 + 8.0, p.y);
        let tokens = [token(1, x, y, 1), token(2, x, y + 3.0, 1), token(3, x, y + 6.0, 1), token(4, x, y + 3.0, 2)];
        let labels = place(&l, &text(&l), &tokens, None, |_| false);
        let texts: Vec<_> = labels.iter().map(|l| (l.text.as_str(), l.count)).collect();
        assert_eq!(texts, [("3 × Prepare 1.0", 3), ("Prepare 2.0", 1)]);
        assert_clear(&l, &tokens, &labels);
    }

    #[test]
    fn labels_go_around_boxes_and_each_other_and_all_tokens_stay_named() {
        let l = default_layout();
        // Tokens arriving at each acceptor's left edge, with different texts: the default spot
        // (ahead, on the right) is on the box's text, so each label moves.
        let tokens: Vec<Token> = l.nodes[2..5]
            .iter()
            .enumerate()
            .map(|(k, b)| token(k as u64, b.x - b.w / 2.0 - 8.0, b.y, k as u32 + 1))
            .collect();
        let labels = place(&l, &text(&l), &tokens, None, |_| false);
        assert_eq!(labels.iter().map(|l| l.count).sum::<usize>(), tokens.len());
        assert_clear(&l, &tokens, &labels);
        assert!(labels.iter().all(|l| l.dx < 0.0 || l.dy.abs() > 9.0), "moved: {labels:?}");
    }

    #[test]
    fn the_selected_token_is_labelled_first_and_placement_is_deterministic() {
        let l = default_layout();
        let tokens: Vec<Token> = (0..6).map(|k| token(k, 300.0, 100.0 + k as f64 * 2.0, k as u32 + 1)).collect();
        let a = place(&l, &text(&l), &tokens, Some(MsgId(5)), |_| false);
        assert_eq!(a[0].token, 5);
        assert_eq!(a, place(&l, &text(&l), &tokens, Some(MsgId(5)), |_| false));
        assert_clear(&l, &tokens, &a);
    }

    #[test]
    fn a_label_with_no_room_is_shortened_to_its_kind_and_ballot() {
        let l = default_layout();
        let (x, y) = (300.0, 150.0);
        // Free room: from just left of the token to 80 units right of it.
        let blocked = [[0.0, x - 5.0, 0.0, l.height], [x + 80.0, l.width, 0.0, l.height]];
        let msg = Msg::Nack { ballot: Ballot::new(1, NodeId(0)), promised: Ballot::new(2, NodeId(1)) };
        let t = Token { msg, ..token(1, x, y, 1) };
        let labels = place(&l, &blocked, &[t], None, |_| false);
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0].text, "Nack 1.0");
        let r = rect(&t, &labels[0]);
        assert!(r[0] >= x - 5.0 && r[1] <= x + 80.0, "{r:?}");
    }

    #[test]
    fn nothing_to_label_gives_no_labels() {
        assert!(place(&default_layout(), &[], &[], None, |_| false).is_empty());
    }
}
