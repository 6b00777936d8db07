"""The touch face (Kivy). Only the face imports Kivy; the engine and its tests never do."""
