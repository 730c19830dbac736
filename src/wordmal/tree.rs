//! A small element tree over quick-xml, for the parts of a Word template that
//! arsplan reads and edits (styles, numbering, settings, headers, footers).
//!
//! Lossless for what it keeps: attribute values and text are stored escaped,
//! exactly as quick-xml hands them over, and written back the same way, so a
//! part passes through unchanged except where it is edited. Comments,
//! processing instructions and the DOCTYPE are dropped (a DOCTYPE is refused).

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesCData, BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::{Reader, Writer};

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Elem(Elem),
    /// Text as it stands in the source (entity references kept escaped).
    Text(String),
    CData(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Elem {
    pub name: String,
    /// Attribute values, escaped as in the source.
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

impl Elem {
    pub fn new(name: &str) -> Elem {
        Elem { name: name.to_string(), ..Elem::default() }
    }

    /// Adds or replaces an attribute; `v` is plain text (escaped here).
    pub fn with(mut self, k: &str, v: &str) -> Elem {
        self.set(k, v);
        self
    }

    /// Adds a child element.
    pub fn push(mut self, child: Elem) -> Elem {
        self.children.push(Node::Elem(child));
        self
    }

    /// The raw (escaped) value of an attribute.
    pub fn raw(&self, k: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    /// The value of an attribute as text.
    pub fn attr(&self, k: &str) -> Option<Cow<'_, str>> {
        self.raw(k).map(|v| quick_xml::escape::unescape(v).unwrap_or(Cow::Borrowed(v)))
    }

    /// Sets an attribute to plain text `v`.
    pub fn set(&mut self, k: &str, v: &str) {
        let v = crate::xml::escape(v);
        match self.attrs.iter_mut().find(|(n, _)| n == k) {
            Some(a) => a.1 = v,
            None => self.attrs.push((k.to_string(), v)),
        }
    }

    pub fn remove(&mut self, k: &str) {
        self.attrs.retain(|(n, _)| n != k);
    }

    pub fn elems(&self) -> impl Iterator<Item = &Elem> {
        self.children.iter().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            _ => None,
        })
    }

    pub fn elems_mut(&mut self) -> impl Iterator<Item = &mut Elem> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Elem(e) => Some(e),
            _ => None,
        })
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Elem> + 'a {
        self.elems().filter(move |e| e.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&Elem> {
        self.elems().find(|e| e.name == name)
    }

    pub fn child_mut(&mut self, name: &str) -> Option<&mut Elem> {
        self.elems_mut().find(|e| e.name == name)
    }

    /// Removes every child element named `name`.
    pub fn remove_children(&mut self, name: &str) {
        self.children.retain(|n| !matches!(n, Node::Elem(e) if e.name == name));
    }

    /// The child named `name`, inserted where the schema sequence `order`
    /// puts it when missing (names not in `order` are kept where they are).
    pub fn child_in_order(&mut self, name: &str, order: &[&str]) -> &mut Elem {
        if self.child(name).is_none() {
            self.insert_in_order(Elem::new(name), order);
        }
        self.child_mut(name).expect("just inserted")
    }

    /// Inserts `e` before the first child that comes after it in `order`,
    /// replacing a child of the same name.
    pub fn insert_in_order(&mut self, e: Elem, order: &[&str]) {
        if let Some(old) = self.child_mut(&e.name) {
            *old = e;
            return;
        }
        let rank = |n: &str| order.iter().position(|o| *o == n);
        let mine = rank(&e.name).unwrap_or(order.len());
        let at = self
            .children
            .iter()
            .position(|n| matches!(n, Node::Elem(c) if rank(&c.name).is_some_and(|r| r > mine)))
            .unwrap_or(self.children.len());
        self.children.insert(at, Node::Elem(e));
    }

    /// Puts the children in the schema sequence `order` (a name not in it
    /// stays right after the sibling before it); stable otherwise.
    pub fn sort_children(&mut self, order: &[&str]) {
        let mut rank = 0;
        let mut ranked: Vec<(usize, Node)> = std::mem::take(&mut self.children)
            .into_iter()
            .map(|n| {
                if let Node::Elem(e) = &n {
                    if let Some(r) = order.iter().position(|o| *o == e.name) {
                        rank = r;
                    }
                }
                (rank, n)
            })
            .collect();
        ranked.sort_by_key(|(r, _)| *r);
        self.children = ranked.into_iter().map(|(_, n)| n).collect();
    }

    /// Every descendant element (depth first, this one included).
    pub fn walk(&self, f: &mut dyn FnMut(&Elem)) {
        f(self);
        for c in self.elems() {
            c.walk(f);
        }
    }

    /// Every descendant element, mutably (this one included).
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Elem)) {
        f(self);
        for c in self.elems_mut() {
            c.walk_mut(f);
        }
    }

    /// The text of the element's `w:t` descendants (and its own text).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(&quick_xml::escape::unescape(t).unwrap_or(Cow::Borrowed(t))),
                Node::CData(t) => out.push_str(t),
                Node::Elem(e) => out.push_str(&e.text()),
            }
        }
        out
    }

    /// Writes the element into a writer.
    pub fn write_to(&self, w: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
        let mut start = BytesStart::new(self.name.as_str());
        for (k, v) in &self.attrs {
            start.push_attribute(Attribute { key: QName(k.as_str()), value: Cow::Borrowed(v.as_str()) });
        }
        if self.children.is_empty() {
            return w.write_event(Event::Empty(start));
        }
        w.write_event(Event::Start(start))?;
        for c in &self.children {
            match c {
                Node::Elem(e) => e.write_to(w)?,
                Node::Text(t) => w.write_event(Event::Text(BytesText::from_escaped(t.as_str())))?,
                Node::CData(t) => w.write_event(Event::CData(BytesCData::new(t.as_str())))?,
            }
        }
        w.write_event(Event::End(BytesEnd::new(self.name.as_str())))
    }

    /// The element as an XML part: declaration, then the element.
    pub fn to_part(&self) -> Vec<u8> {
        let mut w = Writer::new(Vec::new());
        let decl = BytesDecl::new("1.0", Some("UTF-8"), Some("yes"));
        // Writing into a Vec cannot fail.
        let _ = w.write_event(Event::Decl(decl));
        let _ = self.write_to(&mut w);
        w.into_inner()
    }

    /// Parses an XML part (UTF-8, with or without a byte order mark).
    pub fn parse(bytes: &[u8]) -> Result<Elem, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "ikke UTF-8".to_string())?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = Reader::from_str(text);
        let mut stack: Vec<Elem> = Vec::new();
        let mut root = None;
        let attrs = |e: &BytesStart| -> Result<Vec<(String, String)>, String> {
            e.attributes()
                .map(|a| {
                    let a = a.map_err(|e| e.to_string())?;
                    Ok((a.key.as_ref().to_string(), a.value.to_string()))
                })
                .collect()
        };
        loop {
            let ev = reader.read_event().map_err(|e| format!("{e} (byte {})", reader.buffer_position()))?;
            let node = match ev {
                Event::Start(e) => {
                    stack.push(Elem {
                        name: e.name().as_ref().to_string(),
                        attrs: attrs(&e)?,
                        children: vec![],
                    });
                    continue;
                }
                Event::End(_) => {
                    let e = stack.pop().ok_or("et sluttmerke uten start")?;
                    Node::Elem(e)
                }
                Event::Empty(e) => Node::Elem(Elem {
                    name: e.name().as_ref().to_string(),
                    attrs: attrs(&e)?,
                    children: vec![],
                }),
                Event::Text(t) => Node::Text(t.to_string()),
                Event::GeneralRef(r) => Node::Text(format!("&{};", &*r)),
                Event::CData(t) => Node::CData(t.to_string()),
                Event::DocType(_) => return Err("en DOCTYPE-erklæring (ikke tillatt i Word-filer)".into()),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof => break,
            };
            match stack.last_mut() {
                Some(parent) => {
                    // Adjacent text pieces (text around an entity) stay one text node.
                    if let (Node::Text(t), Some(Node::Text(prev))) = (&node, parent.children.last_mut()) {
                        prev.push_str(t);
                    } else {
                        parent.children.push(node);
                    }
                }
                None => match node {
                    Node::Elem(e) if root.is_none() => root = Some(e),
                    Node::Elem(_) => return Err("flere rotelementer".into()),
                    Node::Text(t) if t.trim().is_empty() => {}
                    _ => return Err("tekst utenfor rotelementet".into()),
                },
            }
        }
        if let Some(open) = stack.last() {
            return Err(format!("<{}> er ikke lukket", open.name));
        }
        root.ok_or_else(|| "ingen rotelement".to_string())
    }
}

/// Whether an on/off property (`<w:b/>`, `<w:b w:val="0"/>`) is on.
pub fn on(e: &Elem) -> bool {
    !matches!(e.attr("w:val").as_deref(), Some("0" | "false" | "off"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_text_and_attributes_escaped() {
        let src = r#"<?xml version="1.0"?><a x="1 &quot;q&quot;" y='&amp;&lt;'><!-- c --><b/>t &amp; u<![CDATA[<x>]]><c k="v">å</c></a>"#;
        let e = Elem::parse(src.as_bytes()).unwrap();
        let out = String::from_utf8(e.to_part()).unwrap();
        assert_eq!(
            out,
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a x="1 &quot;q&quot;" y="&amp;&lt;"><b/>t &amp; u<![CDATA[<x>]]><c k="v">å</c></a>"#
        );
        assert_eq!(Elem::parse(out.as_bytes()).unwrap(), e);
        assert_eq!(e.attr("y").unwrap(), "&<");
        assert_eq!(e.text(), "t & u<x>å");
    }

    #[test]
    fn broken_xml_and_doctypes_are_refused() {
        for bad in
            ["<a><b></a>", "<a>", "<a x=1/>", "", "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", "<a/><b/>"]
        {
            assert!(Elem::parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn elements_go_where_the_schema_puts_them() {
        let order = ["w:pStyle", "w:keepNext", "w:spacing", "w:jc", "w:rPr"];
        let mut p =
            Elem::parse(br#"<w:pPr><w:pStyle w:val="A"/><w:jc w:val="left"/><w:other/></w:pPr>"#).unwrap();
        p.child_in_order("w:spacing", &order).set("w:after", "0");
        p.insert_in_order(Elem::new("w:keepNext"), &order);
        p.insert_in_order(Elem::new("w:jc").with("w:val", "center"), &order);
        let names: Vec<&str> = p.elems().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["w:pStyle", "w:keepNext", "w:spacing", "w:jc", "w:other"]);
        assert_eq!(p.child("w:jc").unwrap().attr("w:val").unwrap(), "center");
        let mut lvl = Elem::parse(br#"<w:lvl><w:start/><w:pStyle/><w:x/><w:numFmt/></w:lvl>"#).unwrap();
        lvl.sort_children(&["w:start", "w:numFmt", "w:pStyle"]);
        let names: Vec<&str> = lvl.elems().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["w:start", "w:numFmt", "w:pStyle", "w:x"]);
    }
}
