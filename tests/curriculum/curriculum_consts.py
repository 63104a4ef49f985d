"""Token ids shared by the curriculum tests, chosen apart from the example's own ids."""

BOT, LAT, EOT, PAUSE, EOS = 90, 91, 92, 93, 99
X = -100  # ignored label
