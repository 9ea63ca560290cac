from experts.diff import Segment, diff_words, has_changes


def test_a_changed_word_is_shown_removed_then_added():
    segments = diff_words("Votre chemin s’ouvre vers l’ouest.", "Votre chemin s’ouvre vers l’est.")
    assert segments == [
        Segment("same", "Votre chemin s’ouvre vers "),
        Segment("removed", "l’ouest."),
        Segment("added", "l’est."),
    ]
    assert has_changes(segments)


def test_the_same_text_has_no_change_and_a_new_section_is_all_added():
    assert not has_changes(diff_words("Un rituel.", "Un rituel."))
    assert diff_words("", "Nouveau texte") == [Segment("added", "Nouveau texte")]
