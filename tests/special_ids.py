"""Special token ids of the hand-made examples (the `ids` fixture), apart from their own ids."""

BOT, LAT, EOT, PAUSE, EOS = 90, 91, 92, 93, 99
X = -100  # ignored label
