//! `Format=XML` answers: the JSON answer's fields as elements under one root element, and each
//! item of a list as a repeated element named like the list's key, as the POP gateway writes
//! them (`<Regions><Region>..</Region><Region>..</Region></Regions>`).

use serde_json::Value;

/// `<?xml ...?><root>...</root>` for a JSON object (anything else becomes the root's text).
pub fn to_xml(root: &str, value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    element(&mut out, root, value);
    out
}

fn element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Array(items) => {
            for item in items {
                element(out, name, item);
            }
        }
        Value::Object(fields) => {
            open(out, name);
            for (k, v) in fields {
                element(out, k, v);
            }
            close(out, name);
        }
        Value::Null => {
            open(out, name);
            close(out, name);
        }
        Value::String(s) => {
            open(out, name);
            escape_into(out, s);
            close(out, name);
        }
        Value::Bool(b) => {
            open(out, name);
            out.push_str(if *b { "true" } else { "false" });
            close(out, name);
        }
        Value::Number(n) => {
            open(out, name);
            out.push_str(&n.to_string());
            close(out, name);
        }
    }
}

fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_become_repeated_elements_and_text_is_escaped() {
        let v = serde_json::json!({
            "RequestId": "R",
            "Regions": {"Region": [{"RegionId": "a"}, {"RegionId": "b<&>"}]},
            "Flag": true,
            "Count": 3
        });
        assert_eq!(
            to_xml("DescribeRegionsResponse", &v),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeRegionsResponse><Count>3</Count>\
             <Flag>true</Flag><Regions><Region><RegionId>a</RegionId></Region><Region>\
             <RegionId>b&lt;&amp;&gt;</RegionId></Region></Regions><RequestId>R</RequestId>\
             </DescribeRegionsResponse>"
        );
    }
}
