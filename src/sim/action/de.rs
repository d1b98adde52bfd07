//! `Deserialize` for `Action`, written out. The derive gives each struct variant its own
//! visitor; variants with the same fields (crash, recover and fire_timer; drop, duplicate and deliver_now;
//! cut and restore) share one here, which keeps about 4 KB out of the page's wasm. It reads the
//! same JSON and fails with the same messages as the derive did: the test below holds the two
//! side by side over valid and broken inputs.

use super::{Action, MsgId};
use crate::protocol::{NodeId, Value};
use crate::sim::NetParams;
use serde::de::{
    self, Deserialize, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use std::fmt;
use std::marker::PhantomData;

const VARIANTS: &[&str] = &[
    "propose",
    "crash",
    "recover",
    "drop",
    "duplicate",
    "deliver_now",
    "delay",
    "partition",
    "heal",
    "cut",
    "restore",
    "set_network",
    "fire_timer",
];
/// The names the derive put in its messages ("struct variant Action::Crash").
const NAMES: &[&str] = &[
    "Action::Propose",
    "Action::Crash",
    "Action::Recover",
    "Action::Drop",
    "Action::Duplicate",
    "Action::DeliverNow",
    "Action::Delay",
    "Action::Partition",
    "Action::Heal",
    "Action::Cut",
    "Action::Restore",
    "Action::SetNetwork",
    "Action::FireTimer",
];

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Action, D::Error> {
        deserializer.deserialize_enum("Action", VARIANTS, ActionVisitor)
    }
}

struct ActionVisitor;

impl<'de> Visitor<'de> for ActionVisitor {
    type Value = Action;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("enum Action")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Action, A::Error> {
        let (VariantIndex(i), v) = data.variant::<VariantIndex>()?;
        let name = NAMES[i];
        Ok(match i {
            0 => {
                const F: &[&str] = &["node", "value"];
                let (node, value) = v.struct_variant(F, Fields::<(NodeId, Value)>::new(name, F))?;
                Action::Propose { node, value }
            }
            1 | 2 | 12 => {
                const F: &[&str] = &["node"];
                let (node,) = v.struct_variant(F, Fields::<(NodeId,)>::new(name, F))?;
                match i {
                    1 => Action::Crash { node },
                    2 => Action::Recover { node },
                    _ => Action::FireTimer { node },
                }
            }
            3..=5 => {
                const F: &[&str] = &["msg"];
                let (msg,) = v.struct_variant(F, Fields::<(MsgId,)>::new(name, F))?;
                match i {
                    3 => Action::Drop { msg },
                    4 => Action::Duplicate { msg },
                    _ => Action::DeliverNow { msg },
                }
            }
            6 => {
                const F: &[&str] = &["msg", "ticks"];
                let (msg, ticks) = v.struct_variant(F, Fields::<(MsgId, u32)>::new(name, F))?;
                Action::Delay { msg, ticks }
            }
            7 => {
                const F: &[&str] = &["groups"];
                let (groups,) = v.struct_variant(F, Fields::<(Vec<Vec<NodeId>>,)>::new(name, F))?;
                Action::Partition { groups }
            }
            8 => {
                v.unit_variant()?;
                Action::Heal
            }
            9 | 10 => {
                const F: &[&str] = &["from", "to", "both"];
                let (from, to, both) = v.struct_variant(F, Fields::<(NodeId, NodeId, bool)>::new(name, F))?;
                if i == 9 {
                    Action::Cut { from, to, both }
                } else {
                    Action::Restore { from, to, both }
                }
            }
            _ => {
                const F: &[&str] = &["params"];
                let (params,) = v.struct_variant(F, Fields::<(NetParams,)>::new(name, F))?;
                Action::SetNetwork { params }
            }
        })
    }
}

/// The variant's position in `VARIANTS`.
struct VariantIndex(usize);

impl<'de> Deserialize<'de> for VariantIndex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_identifier(Identifier { names: VARIANTS, what: "variant identifier", strict: true })
            .map(|i| VariantIndex(i.unwrap_or(0)))
    }
}

/// Reads a variant or field name. `strict` (variants): an unknown name is an error; otherwise
/// (fields) it is `None`, to be skipped, as the derive skips unknown fields.
#[derive(Clone, Copy)]
struct Identifier {
    names: &'static [&'static str],
    what: &'static str,
    strict: bool,
}

impl<'de> Visitor<'de> for Identifier {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.what)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<usize>, E> {
        match usize::try_from(v).ok().filter(|&i| i < self.names.len()) {
            Some(i) => Ok(Some(i)),
            None if self.strict => Err(E::invalid_value(de::Unexpected::Unsigned(v), &"variant index 0 <= i < 13")),
            None => Ok(None),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        match self.names.iter().position(|n| *n == v) {
            Some(i) => Ok(Some(i)),
            None if self.strict => Err(E::unknown_variant(v, VARIANTS)),
            None => Ok(None),
        }
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Option<usize>, E> {
        match self.names.iter().position(|n| n.as_bytes() == v) {
            Some(i) => Ok(Some(i)),
            None if self.strict => Err(E::unknown_variant(&String::from_utf8_lossy(v), VARIANTS)),
            None => Ok(None),
        }
    }
}

impl<'de> de::DeserializeSeed<'de> for Identifier {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<usize>, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

/// A struct variant's fields (`names`), read into a tuple from a map or a sequence.
struct Fields<T> {
    name: &'static str,
    names: &'static [&'static str],
    tuple: PhantomData<T>,
}

impl<T> Fields<T> {
    fn new(name: &'static str, names: &'static [&'static str]) -> Self {
        Fields { name, names, tuple: PhantomData }
    }
}

/// "struct variant Action::Delay with 2 elements", as the derive said it.
struct WithElements(&'static str, usize);

impl de::Expected for WithElements {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "struct variant {} with {} element{}", self.0, self.1, if self.1 == 1 { "" } else { "s" })
    }
}

impl<'de, T: Tuple<'de>> Visitor<'de> for Fields<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "struct variant {}", self.name)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        T::from_seq(&mut seq, &WithElements(self.name, self.names.len()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut slots = T::Slots::default();
        let id = Identifier { names: self.names, what: "field identifier", strict: false };
        while let Some(field) = map.next_key_seed(id)? {
            match field {
                Some(i) => T::fill(&mut slots, i, self.names, &mut map)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        T::finish(slots, self.names)
    }
}

/// What a tuple of fields needs: reading its elements in order, or one field at a time by index.
trait Tuple<'de>: Sized {
    type Slots: Default;
    fn from_seq<A: SeqAccess<'de>>(seq: &mut A, expected: &dyn de::Expected) -> Result<Self, A::Error>;
    fn fill<A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        i: usize,
        names: &[&'static str],
        map: &mut A,
    ) -> Result<(), A::Error>;
    fn finish<E: de::Error>(slots: Self::Slots, names: &[&'static str]) -> Result<Self, E>;
}

macro_rules! tuple {
    ($(($t:ident, $i:tt)),+) => {
        impl<'de, $($t: Deserialize<'de>),+> Tuple<'de> for ($($t,)+) {
            type Slots = ($(Option<$t>,)+);

            fn from_seq<S: SeqAccess<'de>>(seq: &mut S, expected: &dyn de::Expected) -> Result<Self, S::Error> {
                Ok(($(match seq.next_element::<$t>()? {
                    Some(v) => v,
                    None => return Err(de::Error::invalid_length($i, expected)),
                },)+))
            }

            fn fill<M: MapAccess<'de>>(slots: &mut Self::Slots, i: usize, names: &[&'static str], map: &mut M)
                -> Result<(), M::Error> {
                match i {
                    $($i => {
                        if slots.$i.is_some() {
                            return Err(de::Error::duplicate_field(names[$i]));
                        }
                        slots.$i = Some(map.next_value::<$t>()?);
                    })+
                    _ => {}
                }
                Ok(())
            }

            fn finish<E: de::Error>(slots: Self::Slots, names: &[&'static str]) -> Result<Self, E> {
                Ok(($(match slots.$i {
                    Some(v) => v,
                    None => return Err(E::missing_field(names[$i])),
                },)+))
            }
        }
    };
}

tuple!((A, 0));
tuple!((A, 0), (B, 1));
tuple!((A, 0), (B, 1), (C, 2));

#[cfg(test)]
mod tests {
    use super::super::Action;

    /// The derive this file replaces, with the same names, so its messages are the reference.
    mod derived {
        use crate::protocol::{NodeId, Value};
        use crate::sim::{MsgId, NetParams};
        use serde::Deserialize;

        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(dead_code)] // read through Debug only
        pub enum Action {
            Propose { node: NodeId, value: Value },
            Crash { node: NodeId },
            Recover { node: NodeId },
            Drop { msg: MsgId },
            Duplicate { msg: MsgId },
            DeliverNow { msg: MsgId },
            Delay { msg: MsgId, ticks: u32 },
            Partition { groups: Vec<Vec<NodeId>> },
            Heal,
            Cut { from: NodeId, to: NodeId, both: bool },
            Restore { from: NodeId, to: NodeId, both: bool },
            SetNetwork { params: NetParams },
            FireTimer { node: NodeId },
        }
    }

    const BODIES: &[&str] = &[
        r#"{"node":1}"#,
        r#"{"node":1,"value":2}"#,
        r#"{"value":2,"node":1}"#,
        r#"{"msg":3}"#,
        r#"{"msg":3,"ticks":4}"#,
        r#"{"ticks":4}"#,
        r#"{"groups":[[0,1],[2]]}"#,
        r#"{"groups":[[300]]}"#,
        r#"{"groups":"x"}"#,
        r#"{"from":0,"to":1,"both":true}"#,
        r#"{"from":0,"to":1}"#,
        r#"{"from":0,"to":1,"both":1}"#,
        r#"{"params":{}}"#,
        r#"{"params":{"loss":0.5,"latency_ticks_min":2}}"#,
        r#"{"params":{"loss":"x"}}"#,
        r#"{}"#,
        r#"[]"#,
        r#"[1]"#,
        r#"[1,2]"#,
        r#"[1,2,true]"#,
        r#"[1,2,true,4]"#,
        r#"[{"loss":0.1}]"#,
        r#"[[[1]]]"#,
        "null",
        "1",
        r#""x""#,
        r#"{"node":1,"node":2}"#,
        r#"{"msg":1,"msg":2}"#,
        r#"{"from":1,"to":2,"from":3,"both":false}"#,
        r#"{"node":"a"}"#,
        r#"{"node":-1}"#,
        r#"{"extra":1}"#,
        r#"{"node":1,"extra":[1,{"a":2}]}"#,
        r#"{"node":1,"0":5}"#,
        r#"{"node":1,}"#,
        r#"{"node"}"#,
    ];

    fn same(input: &str) {
        let ours = serde_json::from_str::<Action>(input).map(|a| format!("{a:?}")).map_err(|e| e.to_string());
        let derived =
            serde_json::from_str::<derived::Action>(input).map(|a| format!("{a:?}")).map_err(|e| e.to_string());
        assert_eq!(ours, derived, "input: {input}");
    }

    #[test]
    fn reads_and_refuses_exactly_as_the_derive_did() {
        let mut variants: Vec<&str> = super::VARIANTS.to_vec();
        variants.extend(["fly", "Crash", "", "heal "]);
        for v in &variants {
            same(&format!("\"{v}\""));
            same(&format!("{{\"{v}\":null}}"));
            same(&format!("{{\"{v}\":null,\"x\":1}}"));
            for body in BODIES {
                same(&format!("{{\"{v}\":{body}}}"));
                same(&format!("{{\"{v}\":{body},\"crash\":{{\"node\":1}}}}"));
                same(&format!("[{{\"{v}\":{body}}}]").replace('[', "").replace(']', ""));
            }
        }
        for other in ["{}", "[]", "3", "null", r#"{"3":{}}"#, "[\"crash\"]", "{\"crash\"", ""] {
            same(other);
        }
    }
}
