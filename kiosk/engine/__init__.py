"""The dialog engine: screens, fields, choices, validation and time-outs as plain Python.

No Kivy and no audio here. A face (touch, audio) renders the `View` the engine
emits and feeds `events` back; any face can drive it without changing it.
"""
