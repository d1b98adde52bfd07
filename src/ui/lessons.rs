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
use crate::view::lesson::{
    caption_text_at, caption_view, edit_caption, end_step, lesson_of, prompt_view, safety_line, PromptView,
};
use crate::view::{safety, UiAction};
use wasm_bindgen::JsCast;
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

/// What the person did in the caption bar, beyond the run itself. One `RefCell` and a forced
/// redraw rather than a `use_state` per field (each `use_state` type costs the page's wasm).
#[derive(Default)]
struct BarState {
    /// The prompt answered last: its caption's index, and the choice (`None`: Next revealed it).
    answered: Option<(usize, Option<usize>)>,
    /// The caption editor is open for this step.
    editing: Option<u64>,
    /// Why the last edit was refused.
    error: Option<String>,
}

type Bar = std::rc::Rc<std::cell::RefCell<BarState>>;

/// A click that changes the bar's state and redraws it.
fn change(bar: &Bar, redraw: &UseForceUpdateHandle, f: impl Fn(&mut BarState) + 'static) -> Callback<MouseEvent> {
    let (bar, redraw) = (bar.clone(), redraw.clone());
    Callback::from(move |_: MouseEvent| {
        f(&mut bar.borrow_mut());
        redraw.force_update();
    })
}

#[function_component(CaptionBar)]
pub fn caption_bar(props: &PanelProps) -> Html {
    let bar: Bar = use_mut_ref(BarState::default);
    let redraw = use_force_update();
    let p = props.model.playground.borrow();
    let scenario = p.scenario.clone();
    // Recognising a lesson builds the library: once per narrated scenario, not per frame.
    let deps = (p.scenario.title.clone(), p.scenario.captions.clone());
    let lesson = use_memo(deps, move |_| lesson_of(&scenario).map(|l| (end_step(&l), l)));
    let cursor = p.history.cursor();
    let editor = bar.borrow().editing.map(|step| caption_editor(props, &bar, &redraw, step));
    let add = change(&bar, &redraw, move |b| (b.editing, b.error) = (Some(cursor), None));
    let Some(view) = caption_view(&p.scenario, cursor) else {
        // No captions yet: a teacher can write the first one here.
        return html! {
            <div class="caption-add-bar">
                { editor.unwrap_or_else(|| html! {
                    <button id="caption-add" class="btn small" onclick={add}>{ "Add a caption at this step" }</button>
                }) }
            </div>
        };
    };
    let d = &props.dispatch;
    let answered = bar.borrow().answered.filter(|a| Some(a.0) == view.index).map(|a| a.1);
    let prompt = lesson.as_ref().as_ref().and_then(|(_, l)| prompt_view(l, view.index, answered));
    let index = view.index.unwrap_or_default();
    let back = view.back.map(|s| on_click(d, UiAction::Seek(s)));
    let next = match &prompt {
        // Next first reveals the answer to a question not yet answered.
        Some(q) if q.reveal.is_none() => Some(change(&bar, &redraw, move |b| b.answered = Some((index, None)))),
        _ => view.next.map(|s| on_click(d, UiAction::PlayTo(s))),
    };
    let (verdict, safe) = safety_line(&safety::build(&p));
    let counter = match view.index {
        Some(i) => format!("{} of {}", i + 1, view.total),
        None => format!("0 of {}", view.total),
    };
    let here = !caption_text_at(&p.scenario, cursor).is_empty();
    html! {
        <section id="caption-bar" class="caption-bar" aria-label="Lesson captions">
            <p id="caption" aria-live="polite">{ view.text.clone() }</p>
            { prompt.map(|q| prompt_html(&q, index, &bar, &redraw)).unwrap_or_default() }
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
                if editor.is_none() {
                    <button id="caption-add" class="btn small caption-edit" onclick={add}>
                        { if here { "Edit the caption at this step" } else { "Add a caption at this step" } }</button>
                }
            </div>
            { editor.unwrap_or_default() }
        </section>
    }
}

/// A prediction prompt: the question, a button per choice, and once answered the verdict.
fn prompt_html(q: &PromptView, index: usize, bar: &Bar, redraw: &UseForceUpdateHandle) -> Html {
    let answered = q.reveal.is_some();
    let choice = |(i, text): (usize, &&str)| {
        let pick = change(bar, redraw, move |b| b.answered = Some((index, Some(i))));
        html! {
            <button class="btn small prompt-choice" data-choice={i.to_string()} aria-pressed={(q.picked == Some(i)).to_string()}
                disabled={answered} onclick={pick}>{ *text }</button>
        }
    };
    let verdict = q.reveal.as_ref().map(|(right, text)| {
        let state = match right {
            Some(true) => "right",
            Some(false) => "wrong",
            None => "shown",
        };
        html! { <p id="prompt-answer" class="prompt-answer" data-state={state}>{ text.clone() }</p> }
    });
    html! {
        <div id="prompt" class="prompt" role="group" aria-labelledby="prompt-question">
            <p id="prompt-question" class="prompt-question">{ "Predict: " }{ q.question }</p>
            <div class="prompt-choices">{ for q.choices.iter().enumerate().map(choice) }</div>
            <div aria-live="polite">{ verdict.unwrap_or_default() }</div>
        </div>
    }
}

/// The caption editor for `step`: the text, Save, Delete (when a caption is there) and Cancel.
fn caption_editor(props: &PanelProps, bar: &Bar, redraw: &UseForceUpdateHandle, step: u64) -> Html {
    let current = caption_text_at(&props.model.playground.borrow().scenario, step).to_string();
    let save = |delete: bool| {
        let (model, dispatch, bar, redraw) = (props.model.clone(), props.dispatch.clone(), bar.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            let text = match delete {
                true => String::new(),
                false => gloo::utils::document()
                    .get_element_by_id("caption-text")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                    .map(|t| t.value())
                    .unwrap_or_default(),
            };
            let result = edit_caption(&mut model.playground.borrow_mut().scenario, step, &text);
            let mut b = bar.borrow_mut();
            b.editing = result.is_err().then_some(step);
            b.error = result.err();
            drop(b);
            // The page redraws everything that shows captions (the bar, the share dialog).
            let selection = model.playground.borrow().selection;
            dispatch.emit(UiAction::Select(selection));
            redraw.force_update();
        })
    };
    let cancel = change(bar, redraw, |b| (b.editing, b.error) = (None, None));
    let error = bar.borrow().error.clone();
    html! {
        <div id="caption-editor" class="caption-editor">
            <label for="caption-text">{ format!("Caption shown from step {step} on") }</label>
            <textarea id="caption-text" rows="2" value={current.clone()}
                placeholder="What should people notice at this step?" />
            if let Some(e) = error { <p id="caption-error" class="caption-error" role="alert">{ e }</p> }
            <div class="caption-controls">
                <button id="caption-save" class="btn small primary" onclick={save(false)}>{ "Save caption" }</button>
                if !current.is_empty() {
                    <button id="caption-delete" class="btn small" onclick={save(true)}>{ "Delete caption" }</button>
                }
                <button id="caption-cancel" class="btn small" onclick={cancel}>{ "Cancel" }</button>
                <span class="caption-hint">{ "Captions travel in the share link and the JSON file." }</span>
            </div>
        </div>
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
