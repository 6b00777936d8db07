"""What a keypad key does on a screen, without sound or a dialog (the audio face carries it out)."""

from dataclasses import replace

import pytest
from bandung_names import KECAMATAN

from kiosk.audio.key_actions import (
    AskCancel,
    ChangeEntry,
    Focus,
    Jump,
    KeyState,
    ReadBack,
    SendEvent,
    Speak,
    Spell,
    Tune,
    TurnPage,
    advance,
    key_action,
    letter_ended,
)
from kiosk.audio.keys import KEYS
from kiosk.audio.multitap import PAUSE_S, Tap
from kiosk.engine.events import Back, Cancel, Choose, Next
from kiosk.engine.view import Choice, Entry, ScreenKind, View

CHOICES = View(
    "classification", "id", "Jenis laporan", "", "", kind=ScreenKind.CHOICE,
    choices=(Choice("pengaduan", "Pengaduan"), Choice("aspirasi", "Aspirasi")),
)  # fmt: skip
ENTRY = View(
    "phone", "id", "Nomor telepon", "", "", kind=ScreenKind.ENTRY,
    entry=Entry("phone", "0812", 15),
)  # fmt: skip
MENU = View("menu", "id", "Menu", "", "", kind=ScreenKind.CHOICE, choices=CHOICES.choices)
REVIEW = View("review", "id", "Periksa laporan", "", "", kind=ScreenKind.REVIEW, can_go_next=True)
LONG = View(
    "kecamatan", "id", "Kecamatan", "", "", kind=ScreenKind.CHOICE,
    choices=tuple(Choice(name.lower(), name) for name in KECAMATAN),
)  # fmt: skip
NAME = View(
    "name", "id", "Nama", "", "", kind=ScreenKind.ENTRY, can_go_next=True,
    entry=Entry("text", "", 100, personal=True),
)  # fmt: skip


def test_digits_choose_or_type():
    assert key_action("2", CHOICES, KeyState()) == SendEvent(Choose("aspirasi"))
    assert key_action("3", CHOICES, KeyState()) is None  # no third choice
    assert key_action("5", ENTRY, KeyState()) == ChangeEntry("08125", "5")


def test_up_and_down_step_round_the_choices_and_enter_takes_the_focused_one():
    assert key_action("DOWN", CHOICES, KeyState()) == Focus(0)
    assert key_action("UP", CHOICES, KeyState()) == Focus(1)  # before any: the last, no wrap
    # From the first to the last and back: said so ("wrapped").
    assert key_action("UP", CHOICES, KeyState(focus=0)) == Focus(1, wrapped=True)
    assert key_action("DOWN", CHOICES, KeyState(focus=1)) == Focus(0, wrapped=True)
    assert key_action("ENTER", CHOICES, KeyState(focus=1)) == SendEvent(Choose("aspirasi"))
    assert key_action("ENTER", CHOICES, KeyState()) == Speak("screen")  # nothing to go on to
    assert key_action("DOWN", REVIEW, KeyState()) == Speak("screen")  # no choices to step to


def test_going_on_back_and_home():
    assert key_action("ENTER", REVIEW, KeyState()) == SendEvent(Next())
    assert key_action("RIGHT", REVIEW, KeyState()) == SendEvent(Next())
    assert key_action("RIGHT", CHOICES, KeyState()) is None
    assert key_action("LEFT", CHOICES, KeyState()) == key_action("BACK", CHOICES, KeyState())
    assert key_action("BACK", CHOICES, KeyState()) == SendEvent(Back())
    assert key_action("HOME", MENU, KeyState()) == SendEvent(Cancel())  # nothing to lose


def test_cancel_while_filing_asks_first():
    assert key_action("HOME", CHOICES, KeyState()) == AskCancel()
    assert key_action("CANCEL", CHOICES, KeyState()) == AskCancel()
    asked = advance(KeyState(), AskCancel(), CHOICES)
    for key in ("ENTER", "CANCEL", "HOME"):
        assert key_action(key, CHOICES, asked) == SendEvent(Cancel())
    assert key_action("1", CHOICES, asked) == Speak("not_cancelled")  # nothing else happens
    assert not advance(asked, Speak("not_cancelled"), CHOICES).cancelling


def test_clear_deletes_the_last_digit_or_says_there_is_none():
    assert key_action("CLEAR", ENTRY, KeyState()) == ChangeEntry("081", "", deleted="2")
    assert key_action("CLEAR", CHOICES, KeyState()) == Speak("nothing_to_delete")


def test_help_gives_more_on_the_second_press_and_the_voice_keys_tune():
    assert key_action("HELP", CHOICES, KeyState(help_presses=1)) == Speak("help")
    assert key_action("HELP", CHOICES, KeyState(help_presses=2)) == Speak("more_help")
    assert key_action("VOL_DOWN", CHOICES, KeyState()) == Tune("volume", -1)
    assert key_action("RATE", CHOICES, KeyState()) == Tune("next_rate")


@pytest.mark.parametrize("key", sorted(KEYS - set("0123456789")))
def test_every_other_key_does_something_somewhere(key):
    assert any(
        key_action(key, view, KeyState(focus=0, help_presses=1)) is not None
        for view in (CHOICES, ENTRY, REVIEW, LONG)
    )


def test_a_long_list_turns_its_pages_with_0_and_wraps_after_the_last():
    assert key_action("0", LONG, KeyState()) == TurnPage(1)
    assert key_action("0", LONG, KeyState(page=2)) == TurnPage(3)
    assert key_action("0", LONG, KeyState(page=3)) == TurnPage(0, wrapped=True)
    assert key_action("3", LONG, KeyState(page=1)) == SendEvent(Choose("buahbatu"))
    assert key_action("3", LONG, KeyState(page=3)) == SendEvent(Choose("ujungberung"))
    assert key_action("4", LONG, KeyState(page=3)) is None  # the last page has three
    assert key_action("0", REVIEW, KeyState()) is None  # a short list: no pages


def test_a_list_of_ten_stays_whole_with_0_for_the_tenth():
    ten = replace(LONG, choices=LONG.choices[:10])
    assert key_action("0", ten, KeyState()) == SendEvent(Choose("bojongloa kaler"))
    assert advance(KeyState(), Focus(9), ten) == KeyState(focus=9)
    assert key_action("SEARCH", ten, KeyState()) == Speak("no_search")  # said, not silent


def test_stepping_through_a_long_list_moves_its_page_and_turning_a_page_drops_the_step():
    assert key_action("UP", LONG, KeyState()) == Focus(29)
    assert key_action("DOWN", LONG, KeyState(page=2)) == Focus(18)  # the page heard, first
    assert key_action("UP", LONG, KeyState(page=2)) == Focus(17)
    assert advance(KeyState(), Focus(29), LONG) == KeyState(focus=29, page=3)
    assert advance(KeyState(focus=29, page=3), TurnPage(0, wrapped=True), LONG) == KeyState(
        whole_page=True
    )
    assert advance(KeyState(page=2), Tune("volume", 1), LONG) == KeyState(page=2)


def test_search_opens_the_letter_jump_on_a_long_list_only():
    assert key_action("SEARCH", LONG, KeyState()) == Spell()
    assert key_action("SEARCH", CHOICES, KeyState()) == Speak("no_search")
    assert advance(KeyState(page=1), Spell(), LONG) == KeyState(page=1, spelling=True)


def test_0_held_while_typing_a_number_is_still_a_0():
    """On a plain keypad SEARCH is 0 held: a slow finger on the phone entry loses nothing."""
    assert key_action("SEARCH", ENTRY, KeyState()) == key_action("0", ENTRY, KeyState())


def test_the_letter_jump_taps_letters_and_goes_to_the_first_choice_with_the_letter():
    spelling = KeyState(spelling=True)
    assert key_action("2", LONG, spelling, now=5.0) == Spell(Tap("2", 1, 5.0))
    tapped_twice = KeyState(spelling=True, tap=Tap("2", 1, 5.0))
    assert key_action("2", LONG, tapped_twice, now=5.5) == Spell(Tap("2", 2, 5.5))
    after_a_pause = 5.0 + PAUSE_S
    assert key_action("2", LONG, tapped_twice, now=after_a_pause) == Spell(Tap("2", 1, 5 + PAUSE_S))
    c = KeyState(spelling=True, tap=Tap("2", 3, 6.0))
    assert key_action("ENTER", LONG, c) == Jump("c", KECAMATAN.index("Cibeunying Kaler"))
    assert letter_ended(LONG, c) == Jump("c", 12)
    assert advance(c, Jump("c", 12), LONG) == KeyState(focus=12, page=1)
    q = KeyState(spelling=True, tap=Tap("7", 2, 6.0))
    assert letter_ended(LONG, q) == Jump("q", None)  # none: the jump stays open
    assert advance(q, Jump("q", None), LONG) == KeyState(spelling=True)
    assert letter_ended(LONG, KeyState(tap=Tap("2", 1, 0.0))) is None  # typing, no jump


def test_the_letter_jump_ends_by_clear_or_by_any_key_it_does_not_use():
    spelling = KeyState(spelling=True, tap=Tap("2", 1, 0.0))
    assert key_action("CLEAR", LONG, spelling) == Speak("spelling_ended")
    assert key_action("0", LONG, spelling) == Spell()  # no letters on 0: how it works, again
    assert key_action("ENTER", LONG, KeyState(spelling=True)) == Spell()
    assert key_action("DOWN", LONG, spelling) == Focus(0)
    assert advance(spelling, Focus(0), LONG) == KeyState(focus=0)
    assert advance(spelling, None, LONG) == KeyState()


def type_keys(view: View, keys: list[tuple[str, float]]) -> tuple[View, KeyState, list]:
    """The face's part, without it: each key's action carried out on the view's entry."""
    state, actions = KeyState(), []
    for key, now in keys:
        action = key_action(key, view, state, now)
        actions.append(action)
        state = advance(state, action, view)
        if isinstance(action, ChangeEntry):
            view = replace(view, entry=replace(view.entry, value=action.value))
    return view, state, actions


def test_a_name_is_typed_by_multi_tap_each_word_with_a_capital():
    presses = "7777 444 8 444 0 2 6 444 66 2 44"  # S i t i, space, A m i n a h
    keys, now = [], 0.0
    for group in presses.split():
        for key in group:
            keys.append((key, now))
            now += 0.3
        now += 0.1  # another key ends the letter at once
    view, _, actions = type_keys(NAME, keys)
    assert view.entry.value == "Siti Aminah"
    assert [action.typed for action in actions[:4]] == ["P", "Q", "R", "S"]
    assert actions[11].typed == " "  # 0 after 7777 444 8 444


def test_the_same_key_after_a_pause_types_a_second_letter():
    view, _, _ = type_keys(NAME, [("6", 0.0), ("6", 0.2), ("6", 0.4), ("6", 0.6)])
    assert view.entry.value == "M"  # m n o m: round again
    view, _, _ = type_keys(NAME, [("2", 0.0), ("2", 0.1 + PAUSE_S)])
    assert view.entry.value == "Aa"


def test_clear_removes_the_last_letter_and_enter_reads_the_name_back_first():
    typed = replace(NAME, entry=replace(NAME.entry, value="Siti"))
    assert key_action("CLEAR", typed, KeyState(tap=Tap("4", 3, 0.0))) == ChangeEntry(
        "Sit", "", deleted="i"
    )
    assert key_action("ENTER", typed, KeyState()) == ReadBack()
    assert advance(KeyState(), ReadBack(), NAME) == KeyState(read_back=True)
    assert key_action("ENTER", typed, KeyState(read_back=True)) == SendEvent(Next())
    assert key_action("ENTER", NAME, KeyState()) == SendEvent(Next())  # empty: the rule says
