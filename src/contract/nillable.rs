//! Elements the WSDL declares required but nillable (`minOccurs="1" nillable="true"`): ASMX
//! always writes them, as `<X xsi:nil="true" />` when there is no value, and schema-checking
//! clients insist on it.
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Nillable(pub Option<String>);

impl Serialize for Nillable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(v) => s.serialize_str(v),
            None => {
                // The xsi prefix is declared on every envelope this service writes.
                let mut e = s.serialize_struct("Nillable", 1)?;
                e.serialize_field("@xsi:nil", "true")?;
                e.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Nillable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Element {
            #[serde(rename = "$text", default)]
            text: Option<String>,
        }
        let e = Element::deserialize(d)?;
        Ok(Nillable(e.text.filter(|t| !t.is_empty())))
    }
}

#[cfg(test)]
mod tests {
    #![allow(non_snake_case)]
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(default)]
    struct Holder {
        A: Nillable,
        B: Nillable,
    }

    #[test]
    fn absent_values_are_written_nil_and_read_back() {
        let h = Holder {
            A: Nillable(Some("x & y".into())),
            B: Nillable(None),
        };
        let xml = quick_xml::se::to_string_with_root("H", &h).unwrap();
        assert_eq!(xml, r#"<H><A>x &amp; y</A><B xsi:nil="true"/></H>"#);
        let back: Holder = quick_xml::de::from_str(&xml).unwrap();
        assert_eq!(back, h);
        let missing: Holder = quick_xml::de::from_str("<H><A>v</A></H>").unwrap();
        assert_eq!(missing.B, Nillable(None));
    }
}
