"""The audio face: everything spoken, answered with a tactile keypad (EZ Access keys)."""
