//! The help dialog: how to read the page, an invitation to the first lesson, and the keyboard
//! shortcuts (`ui::shortcuts::SHORTCUTS`, the table the keys run from). It opens from the header's
//! "?" button and the `?` key, and by itself on a first visit to the bare page
//! (`view::guide::offers_help`), remembered in localStorage so it does so once.
//!
//! The prose is static HTML in index.html's `<template id="help-text">`: text there gzips well and
//! costs the wasm nothing, where each `html!` element costs code. It is our own markup, never
//! anything a person or a link typed, so it goes in as it is.

use super::dialog::Modal;
use super::model::on_click_unit;
use super::shortcuts::shortcuts_table;
use crate::scenario::{lessons, link};
use crate::view::embed::Options;
use crate::view::guide::offers_help;
use yew::prelude::*;

const SEEN_KEY: &str = "paxos-playground-help-seen";

/// Whether this visit opens the help by itself, and if so, marks the help seen. Without
/// localStorage (a locked-down browser) nothing could be remembered, so the help would open on
/// every visit: it waits for the "?" button instead.
pub fn first_visit(options: &Options) -> bool {
    let Some(storage) = gloo::utils::window().local_storage().ok().flatten() else { return false };
    let seen = storage.get_item(SEEN_KEY).ok().flatten().is_some();
    let offer = offers_help(options, &super::url::fragment(), seen);
    if offer {
        storage.set_item(SEEN_KEY, "1").ok();
    }
    offer
}

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub close: Callback<()>,
}

#[function_component(HelpDialog)]
pub fn help_dialog(props: &HelpProps) -> Html {
    let text = use_memo((), |_| {
        let template = gloo::utils::document().get_element_by_id("help-text");
        AttrValue::from(template.map(|t| t.inner_html()).unwrap_or_default())
    });
    // A plain link, as in the lesson library: the lesson opens by the fragment change.
    let first = lessons::slugs().first().copied().unwrap_or_default();
    let href = super::url::here(&link::lesson_fragment(first));
    html! {
        <Modal id="help" title="How to read this page" close={props.close.clone()} opener="open-help" class="help-dialog">
            <p class="help-start"><a id="help-lesson" class="btn primary" {href} onclick={on_click_unit(&props.close)}>
                { "New to Paxos? Start the first lesson" }</a></p>
            <div class="help-text">{ Html::from_html_unchecked((*text).clone()) }</div>
            <h3>{ "Keyboard shortcuts" }</h3>
            { shortcuts_table() }
        </Modal>
    }
}
