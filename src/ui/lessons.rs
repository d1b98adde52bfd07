//! The lesson library and the caption bar.
//!
//! The library lists the built-in lessons as plain links (`#lesson=SLUG`): opening one is a
//! fragment change, which `url::use_fragment_loading` turns into a load, so a lesson's address is
//! always shareable. The caption bar shows the caption for the current step of any narrated
//! scenario (`view::lesson`), with Back and Next (Next plays on to the next caption's step), and
//! says when the story hands over to free play; for a built-in lesson it adds what the lesson
//! shows and a way to its end. Captions are text nodes: markup in them stays text.

use super::dialog::Modal;
use super::model::{on_click, on_click_unit, PanelProps};
use crate::scenario::lessons;
use crate::view::lesson::{caption_view, end_step, lesson_of, safety_line};
use crate::view::{safety, UiAction};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LibraryProps {
    pub close: Callback<()>,
}

#[function_component(LessonLibrary)]
pub fn lesson_library(props: &LibraryProps) -> Html {
    let all = use_memo((), |_| lessons::all());
    let close = props.close.clone();
    let items = all.iter().map(|l| {
        let href = super::url::here(&crate::scenario::link::lesson_fragment(l.slug));
        let picked = on_click_unit(&close);
        let expect: Vec<String> = l.expect.iter().map(|e| e.describe()).collect();
        html! {
            <li data-lesson={l.slug}>
                <a class="lesson-link" {href} onclick={picked}>{ l.scenario.title.clone() }</a>
                <p class="lesson-desc">{ l.scenario.description.clone() }</p>
                <p class="lesson-expect">{ format!("Shows: {}.", expect.join("; ")) }</p>
            </li>
        }
    });
    let body = html! {
        <>
            <p>{ "Each lesson is a run with captions: press Next to follow it step by step; at the end the controls are yours." }</p>
            // The titles carry the lessons' numbers (3a and 3b share one): a plain list, so the
            // list does not number them a second time ("5. 4. A proposer crashes halfway").
            <ul id="lesson-list" class="lesson-list">{ for items }</ul>
        </>
    };
    html! { <Modal id="lessons" title="Lessons" close={props.close.clone()} opener="open-lessons" class="share-dialog">{ body }</Modal> }
}

#[function_component(CaptionBar)]
pub fn caption_bar(props: &PanelProps) -> Html {
    let p = props.model.playground.borrow();
    let scenario = p.scenario.clone();
    // Recognising a lesson builds the library: once per narrated scenario, not per frame.
    let deps = (p.scenario.title.clone(), p.scenario.captions.clone());
    let lesson = use_memo(deps, move |_| lesson_of(&scenario).map(|l| (end_step(&l), l)));
    let Some(view) = caption_view(&p.scenario, p.history.cursor()) else { return html! {} };
    let d = &props.dispatch;
    let back = view.back.map(|s| on_click(d, UiAction::Seek(s)));
    let next = view.next.map(|s| on_click(d, UiAction::PlayTo(s)));
    let (verdict, safe) = safety_line(&safety::build(&p));
    let counter = match view.index {
        Some(i) => format!("{} of {}", i + 1, view.total),
        None => format!("0 of {}", view.total),
    };
    html! {
        <section id="caption-bar" class="caption-bar" aria-label="Lesson captions">
            <p id="caption" aria-live="polite">{ view.text.clone() }</p>
            <p id="caption-safety" class={classes!("caption-safety", (!safe).then_some("violated"))}
                data-ok={safe.to_string()}>{ verdict }</p>
            <div class="caption-controls">
                <button id="caption-back" class="btn small" disabled={back.is_none()}
                    onclick={back.unwrap_or_default()}>{ "Back" }</button>
                <span id="caption-counter" class="caption-counter">{ counter }</span>
                <button id="caption-next" class="btn small primary" disabled={next.is_none()}
                    onclick={next.unwrap_or_default()}>{ "Next" }</button>
                if view.free_play {
                    <span id="free-play" class="free-play">{ "Free play: the controls are yours." }</span>
                }
                { lesson_extras(&lesson, d) }
            </div>
        </section>
    }
}

fn lesson_extras(lesson: &Option<(u64, lessons::Lesson)>, d: &Callback<UiAction>) -> Html {
    let Some((end, lesson)) = lesson else { return html! {} };
    let end = *end;
    let expect: Vec<String> = lesson.expect.iter().map(|e| e.describe()).collect();
    html! {
        <>
            <button id="lesson-end" class="btn small" data-step={end.to_string()}
                onclick={on_click(d, UiAction::Seek(end))}
                title="Go to the end of the lesson's story">{ "Skip to the end" }</button>
            <span id="lesson-expect" class="lesson-expect" data-lesson={lesson.slug}>
                { format!("This lesson shows: {}.", expect.join("; ")) }</span>
        </>
    }
}
