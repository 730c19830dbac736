//! Writing XML with quick-xml: elements in the order they are written, text
//! and attribute values through the one escaper (`crate::xml::escape`).

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use quick_xml::Writer;

use crate::wordmal::tree::Elem;

pub struct Xml {
    w: Writer<Vec<u8>>,
}

fn start<'a>(name: &'a str, attrs: &'a [(&'a str, &'a str)]) -> BytesStart<'a> {
    let mut s = BytesStart::new(name);
    for (k, v) in attrs {
        s.push_attribute(Attribute { key: QName(k), value: Cow::Owned(crate::xml::escape(v)) });
    }
    s
}

impl Default for Xml {
    fn default() -> Self {
        Xml::new()
    }
}

// Writing into a Vec<u8> cannot fail: the results are dropped.
impl Xml {
    pub fn new() -> Xml {
        Xml { w: Writer::new(Vec::new()) }
    }

    /// A part: the XML declaration first.
    pub fn part() -> Xml {
        let mut x = Xml::new();
        let _ = x.w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))));
        x
    }

    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        let _ = self.w.write_event(Event::Start(start(name, attrs)));
        self
    }

    pub fn close(&mut self, name: &str) -> &mut Self {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
        self
    }

    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> &mut Self {
        let _ = self.w.write_event(Event::Empty(start(name, attrs)));
        self
    }

    pub fn text(&mut self, text: &str) -> &mut Self {
        let escaped = crate::xml::escape(text);
        let _ = self.w.write_event(Event::Text(BytesText::from_escaped(escaped.as_str())));
        self
    }

    /// An element with text content.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.open(name, attrs).text(text).close(name)
    }

    /// A tree element, as it is.
    pub fn elem(&mut self, e: &Elem) -> &mut Self {
        let _ = e.write_to(&mut self.w);
        self
    }

    /// Markup written earlier by another `Xml`.
    pub fn append(&mut self, written: &[u8]) -> &mut Self {
        self.w.get_mut().extend_from_slice(written);
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.w.into_inner()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_text_and_attributes() {
        let mut x = super::Xml::new();
        x.open("w:p", &[("a", "x\"<&")]).leaf("w:t", &[], "<b>&\u{1}").empty("w:br", &[]).close("w:p");
        assert_eq!(
            String::from_utf8(x.finish()).unwrap(),
            r#"<w:p a="x&quot;&lt;&amp;"><w:t>&lt;b&gt;&amp;</w:t><w:br/></w:p>"#
        );
    }
}
