//! CSV as spreadsheets read and write it: the lists the clinic exports, and the patient files it
//! imports. A cell that a spreadsheet would run as a formula is written with a leading apostrophe, and
//! that apostrophe is taken off again when such a file comes back.

/// One CSV line of cells, ending in CRLF.
pub(crate) fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut text = cells
        .iter()
        .map(|c| csv_cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    text.push_str("\r\n");
    text
}

/// One CSV cell: quoted when needed; a leading `=`, `+`, `-`, `@`, tab or carriage return is
/// neutralised so that a spreadsheet never runs it as a formula.
pub(crate) fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// A cell read back: trimmed, without the apostrophe [`csv_cell`] puts before formula characters.
pub(crate) fn cell_text(raw: &str) -> &str {
    let text = raw.trim();
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => text,
    }
}

/// The text of a file a spreadsheet saved: UTF-16 when it starts with that byte-order mark (Excel's
/// "Unicode text"), UTF-8 when it is, else Windows-1252 / Latin-1, which spreadsheet programs on
/// Windows still write for "CSV".
pub(crate) fn spreadsheet_text(bytes: Vec<u8>) -> String {
    let utf16 = |unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => unit([*a, *b]),
                _ => 0xFFFD,
            })
            .collect();
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return utf16(u16::from_le_bytes),
        Some([0xFE, 0xFF]) => return utf16(u16::from_be_bytes),
        _ => {}
    }
    String::from_utf8(bytes).unwrap_or_else(|not_utf8| {
        not_utf8
            .as_bytes()
            .iter()
            .map(|b| windows_1252(*b))
            .collect()
    })
}

/// Windows-1252 differs from Latin-1 only in 0x80–0x9F.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        other => char::from(other),
    }
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_line(&["a", "b,c"]), "a,\"b,c\"\r\n");
    }

    #[test]
    fn files_not_in_utf8_are_read_as_windows_1252() {
        assert_eq!(spreadsheet_text("Núñez".into()), "Núñez");
        assert_eq!(
            spreadsheet_text(vec![b'N', 0xFA, 0xF1, b'e', b'z', 0x80]),
            "Núñez€"
        );
        assert_eq!(
            spreadsheet_text(vec![0x93, b'O', 0x92, b'B', 0x94, 0x85]),
            "“O’B”…"
        );
    }

    #[test]
    fn utf16_files_are_decoded_by_their_byte_order_mark() {
        let text = "Nombre\tFecha\r\nJosé Núñez\t07/03/1984\r\n";
        let little: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let big: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(spreadsheet_text(little), text);
        assert_eq!(spreadsheet_text(big), text);
        // A cut last unit is a replacement character, not a failure.
        assert_eq!(
            spreadsheet_text(vec![0xFF, 0xFE, b'A', 0, b'B']),
            "A\u{fffd}"
        );
    }

    #[test]
    fn cells_read_back_as_they_were_written() {
        for value in ["+34 612 34 56 78", "plain", "'quoted", "=1+1"] {
            let written = csv_cell(value);
            let unquoted = written
                .strip_prefix('"')
                .and_then(|w| w.strip_suffix('"'))
                .map_or(written.clone(), |w| w.replace("\"\"", "\""));
            assert_eq!(cell_text(&unquoted), value);
        }
    }
}
