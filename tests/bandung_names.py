"""Names of Kota Bandung for the audio list tests: no region data needed to read them."""

KECAMATAN = (
    "Andir", "Antapani", "Arcamanik", "Astanaanyar", "Babakan Ciparay", "Bandung Kidul",
    "Bandung Kulon", "Bandung Wetan", "Batununggal", "Bojongloa Kaler", "Bojongloa Kidul",
    "Buahbatu", "Cibeunying Kaler", "Cibeunying Kidul", "Cibiru", "Cicendo", "Cidadap",
    "Cinambo", "Coblong", "Gedebage", "Kiaracondong", "Lengkong", "Mandalajati", "Panyileukan",
    "Rancasari", "Regol", "Sukajadi", "Sukasari", "Sumur Bandung", "Ujungberung",
)  # fmt: skip
"""The 30 kecamatan of Kota Bandung by name: four pages of at most nine."""
