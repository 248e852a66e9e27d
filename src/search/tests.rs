use super::*;

fn e(t: &str, s: &str, h: &str) -> Entry {
    Entry {
        t: t.into(),
        u: format!("/{}/", crate::content::slug(t)),
        s: s.into(),
        h: h.into(),
        b: String::new(),
    }
}

#[test]
fn every_word_must_match_and_titles_rank_first() {
    let idx = vec![
        e("Making a referral", "How to refer", ""),
        e("Eligibility", "Who can be referred", "Referral criteria"),
    ];
    let hits = search(&idx, "referral");
    assert_eq!(
        hits.iter().map(|h| h.t.as_str()).collect::<Vec<_>>(),
        vec!["Making a referral", "Eligibility"]
    );
    assert_eq!(search(&idx, "referral nothing").len(), 0);
    assert!(search(&idx, "   ").is_empty());
}

#[test]
fn body_words_are_found_but_rank_below_headings() {
    let mut only_body = e("Alpha", "A page", "");
    only_body.b = "Review by the MFHC sergeant within seven days.".into();
    let in_heading = e("Beta", "Another page", "The MFHC review");
    let idx = vec![only_body, in_heading];
    let hits: Vec<&str> = search(&idx, "mfhc").iter().map(|h| h.t.as_str()).collect();
    assert_eq!(hits, vec!["Beta", "Alpha"]);
}

#[test]
fn snippet_marks_the_body_match_with_context() {
    let mut x = e("Alpha", "A summary without it", "");
    x.b = format!(
        "{} call 999 now. {}",
        "word ".repeat(40),
        "more ".repeat(60)
    );
    let pieces = snippet(&x, "999");
    assert_eq!(pieces.first().map(|p| p.text.as_str()), Some("…"));
    assert_eq!(pieces.last().map(|p| p.text.as_str()), Some("…"));
    let marks: Vec<&str> = pieces
        .iter()
        .filter(|p| p.mark)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(marks, vec!["999"]);
    let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
    assert!(text.len() < 260, "{text}");
}

#[test]
fn snippet_falls_back_to_the_summary_with_marks() {
    let x = e("Alpha", "Send it through the Form", "");
    let pieces = snippet(&x, "form");
    assert_eq!(
        pieces,
        vec![
            Piece {
                text: "Send it through the ".into(),
                mark: false
            },
            Piece {
                text: "Form".into(),
                mark: true
            }
        ]
    );
}

#[test]
fn body_text_collapses_space_and_is_bounded() {
    assert_eq!(body_text(" a \n b\t c "), "a b c");
    let long = "é ".repeat(MAX_BODY);
    let b = body_text(&long);
    assert!(b.len() <= MAX_BODY && b.ends_with('é'));
}

#[test]
fn index_round_trips_sorted() {
    let json = index_json(&sorted(vec![e("b", "", ""), e("A", "", "")]));
    let back: Vec<Entry> = serde_json::from_str(&json).expect("valid json");
    assert_eq!(back[0].t, "A");
}
