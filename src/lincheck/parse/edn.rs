//! A small EDN reader, enough for Jepsen histories: maps, vectors, lists, sets, keywords,
//! strings, integers, `nil`, booleans, symbols, tagged forms (the tag is dropped, so
//! `#jepsen.history.Op{...}` reads as its map), `#_` discards and `;` comments. Floats, big
//! integers and characters are kept as their text. Each map remembers the line it opened on.

use super::events::{self, Event, Kind, F};
use super::{ParseError, MAX_OPS};
use crate::lincheck::history::History;

/// Deepest nesting read; deeper input is refused rather than overflowing the stack.
pub const MAX_DEPTH: u32 = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Edn {
    Nil,
    Bool(bool),
    Int(i64),
    /// A float, big integer, symbol or character, as written.
    Text(String),
    Str(String),
    Keyword(String),
    Vector(Vec<Edn>),
    List(Vec<Edn>),
    Set(Vec<Edn>),
    Map(Vec<(Edn, Edn)>, u32),
}

impl Edn {
    /// The form written back as EDN (canonical enough to compare values by).
    pub fn text(&self) -> String {
        let join = |items: &[Edn]| items.iter().map(Edn::text).collect::<Vec<_>>().join(" ");
        match self {
            Edn::Nil => "nil".into(),
            Edn::Bool(b) => b.to_string(),
            Edn::Int(n) => n.to_string(),
            Edn::Text(s) => s.clone(),
            Edn::Str(s) => serde_json::Value::String(s.clone()).to_string(),
            Edn::Keyword(k) => format!(":{k}"),
            Edn::Vector(v) => format!("[{}]", join(v)),
            Edn::List(v) => format!("({})", join(v)),
            Edn::Set(v) => format!("#{{{}}}", join(v)),
            Edn::Map(m, _) => {
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{} {}", k.text(), v.text())).collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// The value of keyword `key` in a map.
    pub fn get(&self, key: &str) -> Option<&Edn> {
        match self {
            Edn::Map(m, _) => m.iter().find(|(k, _)| matches!(k, Edn::Keyword(s) if s == key)).map(|(_, v)| v),
            _ => None,
        }
    }
}

pub struct Reader<'a> {
    s: &'a [u8],
    pos: usize,
    line: u32,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader { s: text.as_bytes(), pos: 0, line: 1 }
    }

    pub fn line(&self) -> u32 {
        self.line
    }

    /// The next top-level form, `None` at the end.
    pub fn next_form(&mut self) -> Result<Option<Edn>, ParseError> {
        self.skip_space();
        if self.pos >= self.s.len() {
            return Ok(None);
        }
        self.form(0).map(Some)
    }

    fn skip_space(&mut self) {
        while let Some(&c) = self.s.get(self.pos) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' | b',' => {}
                b';' => {
                    while self.s.get(self.pos).is_some_and(|&c| c != b'\n') {
                        self.pos += 1;
                    }
                    continue;
                }
                _ => return,
            }
            self.pos += 1;
        }
    }

    fn form(&mut self, depth: u32) -> Result<Edn, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::new(self.line, format!("nested more than {MAX_DEPTH} deep")));
        }
        self.skip_space();
        let line = self.line;
        let Some(&c) = self.s.get(self.pos) else {
            return Err(ParseError::new(line, "unexpected end of input: a value is missing"));
        };
        match c {
            b'(' | b'[' | b'{' => {
                self.pos += 1;
                let close = match c {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                let items = self.items(close, line, depth)?;
                match c {
                    b'(' => Ok(Edn::List(items)),
                    b'[' => Ok(Edn::Vector(items)),
                    _ => pairs(items, line),
                }
            }
            b')' | b']' | b'}' => Err(ParseError::new(line, format!("unexpected '{}'", c as char))),
            b'"' => self.string(),
            b'#' => self.dispatch(depth),
            b':' => {
                self.pos += 1;
                Ok(Edn::Keyword(self.token().to_string()))
            }
            _ => {
                let t = self.token();
                if t.is_empty() {
                    return Err(ParseError::new(line, format!("unexpected character {:?}", c as char)));
                }
                Ok(atom(t))
            }
        }
    }

    fn items(&mut self, close: u8, open_line: u32, depth: u32) -> Result<Vec<Edn>, ParseError> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.s.get(self.pos) {
                None => {
                    return Err(ParseError::new(
                        self.line,
                        format!(
                            "unexpected end of input: the '{}' opened on line {open_line} is not closed",
                            opener(close)
                        ),
                    ))
                }
                Some(&c) if c == close => {
                    self.pos += 1;
                    return Ok(items);
                }
                Some(_) => {
                    if self.is_discard() {
                        self.pos += 2;
                        self.form(depth + 1)?;
                        continue;
                    }
                    items.push(self.form(depth + 1)?);
                }
            }
        }
    }

    fn is_discard(&self) -> bool {
        self.s.get(self.pos) == Some(&b'#') && self.s.get(self.pos + 1) == Some(&b'_')
    }

    /// `#{...}` (a set), `#_ form` (discarded), `#tag form` (the form).
    fn dispatch(&mut self, depth: u32) -> Result<Edn, ParseError> {
        let line = self.line;
        self.pos += 1;
        match self.s.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                Ok(Edn::Set(self.items(b'}', line, depth)?))
            }
            Some(b'_') => {
                self.pos += 1;
                self.form(depth + 1)?;
                self.form(depth + 1)
            }
            _ => {
                if self.token().is_empty() {
                    return Err(ParseError::new(line, "a '#' without a tag"));
                }
                self.form(depth + 1)
            }
        }
    }

    fn token(&mut self) -> &'a str {
        let start = self.pos;
        while let Some(&c) = self.s.get(self.pos) {
            if c.is_ascii_whitespace() || b",()[]{}\";".contains(&c) {
                break;
            }
            self.pos += 1;
        }
        // The input is a str and the token stops at ASCII bytes, so it is valid UTF-8.
        std::str::from_utf8(&self.s[start..self.pos]).unwrap_or("")
    }

    fn string(&mut self) -> Result<Edn, ParseError> {
        let line = self.line;
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.s.get(self.pos) else {
                return Err(ParseError::new(
                    self.line,
                    format!("unexpected end of input in the string opened on line {line}"),
                ));
            };
            self.pos += 1;
            match c {
                b'"' => break,
                b'\n' => {
                    self.line += 1;
                    out.push(c);
                }
                b'\\' => {
                    let e = self.s.get(self.pos).copied().unwrap_or(b'\\');
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                }
                _ => out.push(c),
            }
        }
        Ok(Edn::Str(String::from_utf8_lossy(&out).into_owned()))
    }
}

fn opener(close: u8) -> char {
    match close {
        b')' => '(',
        b']' => '[',
        _ => '{',
    }
}

fn pairs(items: Vec<Edn>, line: u32) -> Result<Edn, ParseError> {
    if items.len() % 2 == 1 {
        return Err(ParseError::new(line, "a map with a key and no value"));
    }
    let mut it = items.into_iter();
    let mut m = Vec::new();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        m.push((k, v));
    }
    Ok(Edn::Map(m, line))
}

fn atom(t: &str) -> Edn {
    match t {
        "nil" => Edn::Nil,
        "true" => Edn::Bool(true),
        "false" => Edn::Bool(false),
        _ => match t.parse::<i64>() {
            Ok(n) => Edn::Int(n),
            Err(_) => Edn::Text(t.to_string()),
        },
    }
}

/// A Jepsen history: operation maps one after another, or all in one vector or list.
pub fn parse_history(text: &str) -> Result<History, ParseError> {
    let mut reader = Reader::new(text);
    let mut list = Vec::new();
    while let Some(form) = reader.next_form()? {
        match form {
            Edn::Vector(items) | Edn::List(items) => {
                for item in items {
                    push_event(&mut list, item, reader.line())?;
                }
            }
            other => push_event(&mut list, other, reader.line())?,
        }
    }
    events::to_history(list)
}

fn push_event(list: &mut Vec<Event>, form: Edn, line_after: u32) -> Result<(), ParseError> {
    let line = match &form {
        Edn::Map(_, line) => *line,
        _ => return Err(ParseError::new(line_after, format!("expected an operation map, found {}", form.text()))),
    };
    if list.len() >= 2 * MAX_OPS {
        return Err(ParseError::new(line, format!("more than {MAX_OPS} operations")));
    }
    let process = match form.get("process") {
        Some(Edn::Int(p)) if *p >= 0 => *p as u64,
        Some(Edn::Keyword(_)) => return Ok(()), // the nemesis and other non-client processes
        Some(other) => return Err(ParseError::new(line, format!("expected a process number, found {}", other.text()))),
        None => return Err(ParseError::new(line, "an operation without :process")),
    };
    let kind = match form.get("type") {
        Some(Edn::Keyword(k)) => Kind::parse(k).ok_or_else(|| {
            ParseError::new(line, format!("unknown :type :{k} (expected :invoke, :ok, :fail or :info)"))
        })?,
        _ => return Err(ParseError::new(line, "an operation without a :type keyword")),
    };
    let f = match form.get("f") {
        Some(Edn::Keyword(k)) => F::parse(k)
            .ok_or_else(|| ParseError::new(line, format!("unsupported :f :{k} (expected :read, :write or :cas)")))?,
        _ => return Err(ParseError::new(line, "an operation without an :f keyword")),
    };
    let value = form.get("value").cloned().unwrap_or(Edn::Nil);
    list.push(Event { line, process, kind, f, value });
    Ok(())
}
