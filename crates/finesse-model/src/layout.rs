//! The desktop layout (guide chapter 4, "LayoutConfig", "Team—Get Layout Configuration"): which
//! gadgets each role sees, on which tabs. Our container reads it to build the desktop.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use crate::xml::dom::Element;
use crate::xml::read::{self, FieldSpec, FromXml, Source};
use crate::{DecodeError, Mode};

xml_struct! {
    /// The system-wide desktop layout (`/finesse/api/LayoutConfig/default`).
    pub struct LayoutConfig as "LayoutConfig" {
        /// `/finesse/api/LayoutConfig/default`.
        uri: Option<String>,
        /// The layout document.
        layoutxml: Option<LayoutXml>,
    }
}

xml_struct! {
    /// A team's layout (`/finesse/api/Team/{id}/LayoutConfig`).
    pub struct TeamLayoutConfig as "TeamLayoutConfig" {
        /// Use the system default layout (then `layoutxml` is ignored).
        use_default: Option<bool>,
        /// The team's layout document.
        layoutxml: Option<LayoutXml>,
    }
}

/// The content of `<layoutxml>`: Finesse sends the layout escaped as text; the guide also
/// prints it as a raw `<finesseLayout>` element. Both are accepted and kept as they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutXml {
    /// The layout as (unescaped) text: parse it with [`LayoutXml::layout`].
    Text(String),
    /// The layout as an embedded element.
    Element(FinesseLayout),
}

impl LayoutXml {
    /// The layout, parsing the text form leniently.
    pub fn layout(&self) -> Result<FinesseLayout, DecodeError> {
        match self {
            Self::Text(text) => crate::decode_with(text, Mode::Lenient),
            Self::Element(layout) => Ok(layout.clone()),
        }
    }
}

impl crate::macros::IsAbsent for LayoutXml {
    fn is_absent(&self) -> bool {
        false
    }
}

impl crate::xml::write::ToXml for LayoutXml {
    /// The text, or `<name><finesseLayout>…</finesseLayout></name>` (as `Serialize` writes it).
    fn write_element(&self, name: &str, out: &mut String) {
        match self {
            Self::Text(text) => text.write_element(name, out),
            Self::Element(layout) => {
                crate::xml::write::write_wrapped(name, "finesseLayout", layout, out);
            }
        }
    }

    fn write_text(&self, out: &mut String) {
        if let Self::Text(text) = self {
            out.push_str(text);
        }
    }
}

impl Serialize for LayoutXml {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => serializer.serialize_str(text),
            Self::Element(layout) => {
                let mut s = serializer.serialize_struct("layoutxml", 1)?;
                s.serialize_field("finesseLayout", layout)?;
                s.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for LayoutXml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LayoutXml;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("layout XML as text or a <finesseLayout> element")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LayoutXml, E> {
                Ok(LayoutXml::Text(v.trim().to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<LayoutXml, E> {
                Ok(LayoutXml::Text(v.trim().to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LayoutXml, A::Error> {
                let mut layout = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "finesseLayout" {
                        layout = Some(map.next_value::<FinesseLayout>()?);
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(LayoutXml::Element(layout.unwrap_or_default()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl FromXml for LayoutXml {
    /// The same rules as the serde mapping of the `Deserialize` below: an element with child
    /// elements or attributes is read as holding a `<finesseLayout>` (others are unknown
    /// elements), anything else as text.
    fn from_element(el: &Element, mode: Mode) -> Result<Self, DecodeError> {
        if !el.has_elements() && el.attrs.is_empty() {
            return Ok(Self::Text(el.text().trim().to_owned()));
        }
        const FIELDS: &[FieldSpec] =
            &[FieldSpec { rust: "", attrs: &[("rename", "finesseLayout")] }];
        let mut layout = None;
        read::read_struct(el, mode, FIELDS, &mut |_, source| {
            if let Source::Group(name, items) = source {
                layout = Some(FinesseLayout::from_element(read::single(name, items, mode)?, mode)?);
            }
            Ok(())
        })?;
        Ok(Self::Element(layout.unwrap_or_default()))
    }

    fn from_text(text: &str, _mode: Mode) -> Result<Self, DecodeError> {
        Ok(Self::Text(text.trim().to_owned()))
    }
}

xml_struct! {
    /// `<finesseLayout xmlns="http://www.cisco.com/vtg/finesse">`: one layout per role.
    pub struct FinesseLayout as "finesseLayout" | "FinesseLayout" {
        /// The namespace declaration, kept so encoding gives a valid layout document.
        #[serde(rename = "@xmlns")]
        xmlns: Option<String>,
        /// Desktop configuration entries (`<configs><config key=… value=…/>`).
        configs: Option<LayoutConfigs>,
        /// One layout per role.
        layout: Vec<RoleLayout>,
    }
}

xml_struct! {
    /// `<configs>` of a layout.
    pub struct LayoutConfigs {
        /// The entries.
        config: Vec<LayoutConfigEntry>,
    }
}

xml_struct! {
    /// `<config key="title" value="Cisco Finesse"/>`.
    pub struct LayoutConfigEntry {
        /// Key.
        #[serde(rename = "@key")]
        key: Option<String>,
        /// Value.
        #[serde(rename = "@value")]
        value: Option<String>,
    }
}

xml_struct! {
    /// The layout of one role.
    pub struct RoleLayout {
        /// `Agent` or `Supervisor`.
        role: Option<String>,
        /// Gadgets shown on every tab, above them (the call control gadget).
        page: Option<GadgetList>,
        /// The tabs.
        tabs: Option<Tabs>,
    }
}

xml_struct! {
    /// `<tabs>`.
    pub struct Tabs {
        /// The tabs, in order.
        tab: Vec<Tab>,
    }
}

xml_struct! {
    /// One tab.
    pub struct Tab {
        /// Tab id.
        id: Option<String>,
        /// Label, or a resource bundle key such as `finesse.container.tabs.agent.homeLabel`.
        label: Option<String>,
        /// Columns of gadgets.
        columns: Option<Columns>,
    }
}

xml_struct! {
    /// `<columns>`.
    pub struct Columns {
        /// The columns.
        column: Vec<Column>,
    }
}

xml_struct! {
    /// One column of gadgets.
    pub struct Column {
        /// The gadgets.
        gadgets: Option<GadgetList>,
    }
}

xml_struct! {
    /// A list of `<gadget>` entries.
    pub struct GadgetList {
        /// The gadgets.
        gadget: Vec<GadgetRef>,
    }
}

xml_struct! {
    /// `<gadget alternateHosts="a,b">url</gadget>`: a gadget XML URL, relative to the Finesse
    /// server or absolute.
    pub struct GadgetRef {
        /// Hosts to try when the gadget's host is down (guide chapter 8).
        #[serde(rename = "@alternateHosts")]
        alternate_hosts: Option<String>,
        /// Gadget id, where given.
        #[serde(rename = "@id")]
        id: Option<String>,
        /// The gadget URL.
        #[serde(rename = "$text")]
        url: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_strict, encode};

    #[test]
    fn layout_as_escaped_text_parses_on_demand() {
        let config: LayoutConfig = decode_strict(
            "<LayoutConfig><layoutxml>&lt;finesseLayout xmlns=\"http://www.cisco.com/vtg/finesse\"&gt;\
             &lt;layout&gt;&lt;role&gt;Agent&lt;/role&gt;&lt;page&gt;&lt;gadget&gt;/g.xml&lt;/gadget&gt;\
             &lt;/page&gt;&lt;/layout&gt;&lt;/finesseLayout&gt;</layoutxml></LayoutConfig>",
        )
        .unwrap();
        let layout = config.layoutxml.as_ref().unwrap().layout().unwrap();
        assert_eq!(layout.layout[0].role.as_deref(), Some("Agent"));
        let gadget = &layout.layout[0].page.as_ref().unwrap().gadget[0];
        assert_eq!(gadget.url.as_deref(), Some("/g.xml"));
        assert_eq!(decode_strict::<LayoutConfig>(&encode(&config).unwrap()).unwrap(), config);
    }

    #[test]
    fn layout_as_element_round_trips() {
        let xml = "<TeamLayoutConfig><useDefault>false</useDefault><layoutxml>\
            <finesseLayout xmlns=\"http://www.cisco.com/vtg/finesse\"><layout><role>Agent</role>\
            <tabs><tab><id>home</id><columns><column><gadgets>\
            <gadget alternateHosts=\"b.example\">https://a.example/g.xml</gadget>\
            </gadgets></column></columns></tab></tabs></layout></finesseLayout></layoutxml>\
            </TeamLayoutConfig>";
        let config: TeamLayoutConfig = decode_strict(xml).unwrap();
        let Some(LayoutXml::Element(layout)) = &config.layoutxml else { panic!() };
        let tab = &layout.layout[0].tabs.as_ref().unwrap().tab[0];
        let gadget = &tab.columns.as_ref().unwrap().column[0].gadgets.as_ref().unwrap().gadget[0];
        assert_eq!(gadget.alternate_hosts.as_deref(), Some("b.example"));
        assert_eq!(decode_strict::<TeamLayoutConfig>(&encode(&config).unwrap()).unwrap(), config);
    }
}
