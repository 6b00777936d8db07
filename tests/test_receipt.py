"""Receipt codes: digits only, fleet-unique prefix, Damm check catches typing errors."""

import itertools

import pytest

from kiosk.receipt import (
    CODE_LENGTH,
    damm_digit,
    format_code,
    is_damm_valid,
    new_code,
    normalize_code,
)


def test_known_damm_vector():
    # The worked example from Damm's algorithm: 572 -> check digit 4.
    assert damm_digit("572") == "4"
    assert is_damm_valid("5724")
    assert not is_damm_valid("5723")


def test_code_shape_and_terminal_prefix():
    code = new_code(42)
    assert len(code) == CODE_LENGTH and code.isdigit()
    assert code.startswith("0042")
    assert is_damm_valid(code)
    assert format_code(code) == f"{code[:4]}-{code[4:7]}-{code[7:10]}-{code[10]}"
    assert normalize_code(format_code(code)) == code
    assert normalize_code(" ".join(code)) == code


@pytest.mark.parametrize("terminal", [0, 10000, -1])
def test_terminal_number_out_of_range(terminal):
    with pytest.raises(ValueError):
        new_code(terminal)


def _sample_codes(count: int = 300) -> list[str]:
    return [new_code(terminal) for terminal in range(1, count + 1)]


def test_every_single_wrong_digit_is_caught():
    for code in _sample_codes():
        for position, wrong in itertools.product(range(CODE_LENGTH), "0123456789"):
            if code[position] == wrong:
                continue
            typo = code[:position] + wrong + code[position + 1 :]
            assert normalize_code(typo) is None, (code, typo)


def test_every_swap_of_neighbours_is_caught():
    for code in _sample_codes():
        for position in range(CODE_LENGTH - 1):
            a, b = code[position], code[position + 1]
            if a == b:
                continue
            swapped = code[:position] + b + a + code[position + 2 :]
            assert normalize_code(swapped) is None, (code, swapped)


@pytest.mark.parametrize("typed", ["", "123", "0001-234-567-89", "abcdefghijk", "٠١٢٣٤٥٦٧٨٩٠"])
def test_malformed_input_is_not_a_code(typed):
    assert normalize_code(typed) is None
