"""Deutsch: colours are nouns ("in Rot und Creme"), moods are predicates after "Stimmung:"
(uninflected)."""

from postready.pipeline.wording import AltWording, PostWording, ToneWording

WORDING = PostWording(
    code="de",
    own_hooks={
        "friendly": ("Das teilen wir gern: {phrase}.", "Neu im Feed: {phrase}.", "{Phrase}."),
        "professional": (
            "{Phrase}.",
            "Genauer hingesehen: {phrase}.",
            "Heute auf der Seite: {phrase}.",
        ),
        "inspiring": (
            "Ideen zum Merken: {phrase}.",
            "Inspiration für deine Pinnwand: {phrase}.",
            "Zum Merken: {phrase}.",
        ),
        "casual": ("{Phrase}.", "Heute: {phrase}.", "Gerade geteilt: {phrase}."),
    },
    kind_hooks={
        "animal": (
            "Der Star des Tages.",
            "Ein Moment, der geteilt werden will.",
            "Sag Hallo zu unserem Star.",
        ),
        "food": ("Frisch gemacht und fertig.", "Das Warten hat sich gelohnt."),
        "drink": ("Zeit für eine Pause.", "Ein Schluck Ruhe."),
        "place": ("Aussichten wie diese.", "Schade, dass du nicht hier bist."),
        "nature": ("Aussichten wie diese.", "Die Natur in ihrem Element."),
        "product": ("Jedes Detail, ganz nah.", "Mit Liebe gemacht, Stück für Stück."),
        "launch": ("Große Neuigkeiten heute.", "Etwas Neues ist da."),
        "property": ("Willkommen zu Hause.", "Trautes Heim, Glück allein."),
        "event": ("Ein Tag zum Erinnern.", "Momente eines großen Tages."),
        "holiday": ("Festtage.", "Zeit zum Feiern."),
        "season": ("So fühlt sich die Jahreszeit an.", "Hallo, neue Jahreszeit."),
        "memorial": ("In liebevoller Erinnerung.", "Für immer in unseren Herzen."),
        "people": ("Momente, die zählen.", "Kleine Momente, große Erinnerungen."),
        "learning": ("Lernen in Aktion.", "Ein Tag im Klassenzimmer."),
        "art": ("Frisch aus dem Atelier.", "Neue Arbeit, heute fertig geworden."),
        "music": ("Lauter, bitte.", "Heute dreht sich alles um Musik."),
        "photo": ("Licht, Timing und ein bisschen Glück.", "Durch die Linse gesehen."),
        "books": ("Gerade auf dem Lesestapel.", "Zwischen den Seiten."),
        "vehicle": ("Einen zweiten Blick wert.", "Bereit für die Straße."),
        "activity": ("Draußen und mittendrin.", "Wieder eine Einheit geschafft."),
        "home": ("Zuhause, genau wie wir es mögen.", "Ruhige Tage daheim."),
        "science": ("Wissenschaft ist schön.", "Neugierige willkommen."),
        "tech": ("Ein Blick aufs Setup.", "Gemacht für unsere Art zu arbeiten."),
        "gaming": ("Los geht's.", "Noch ein Level."),
    },
    general_hooks=("Genauer hingesehen.", "Heute im Fokus, in einem Foto."),
    neutral_hooks=(
        "Ein Moment, der geteilt werden will.",
        "Der Schnappschuss des Tages, in {colour} und {colour2}.",
        "Genau so war es. Stimmung: {mood}.",
    ),
    details=(
        "Farben: {colour} und {colour2}. Stimmung: {mood}.",
        "In {colour} und {colour2} gehalten.",
        "Stimmung: {mood}.",
        "Farbpalette: {colour} und {colour2}.",
    ),
    product_details=("Jedes Detail, in {colour} und {colour2}.", "Gemacht, um zweimal hinzusehen."),
    people_details=("Echte Menschen, echte Momente.", "Die Menschen hinter allem."),
    wishes={
        "": "Schöne Feiertage!",
        "Christmas": "Frohe Weihnachten!",
        "Halloween": "Happy Halloween!",
        "Easter": "Frohe Ostern!",
        "Valentine's Day": "Alles Liebe zum Valentinstag!",
        "Thanksgiving": "Ein schönes Thanksgiving!",
        "New Year": "Frohes neues Jahr!",
    },
    ctas={
        "instagram": (
            "Speichere den Beitrag und sag uns in den Kommentaren, was du denkst.",
            "Welches Detail fällt dir zuerst auf? Schreib es uns unten.",
            "Teile den Beitrag mit jemandem, der ihn lieben würde.",
        ),
        "facebook": ("Was meint ihr?", "Schreibt es uns in die Kommentare!"),
        "linkedin": (
            "Wie sehen Sie das? Ich freue mich auf Ihre Gedanken in den Kommentaren.",
            "Wie gehen Sie das in Ihrer Arbeit an? Teilen Sie es unten.",
        ),
        "pinterest": (
            "Merke dir diesen Pin für deine nächste Idee.",
            "Speichere den Pin auf deiner Pinnwand.",
        ),
        "x": ("Meinungen?", "Was denkt ihr?"),
        "tiktok": ("Folg uns für mehr!", "Speichern für später!"),
        "threads": ("Was würdest du ergänzen?", "Sag mir, was du denkst."),
        "bluesky": ("Was denkt ihr?", "Meinungen?"),
        "mastodon": ("Was denkt ihr?", "Teilt es gern, wenn es euch gefällt."),
        "youtube": ("Schreibt es uns in die Kommentare.", "Abonniere für mehr davon."),
        "reddit": ("Meinungen?", "Feedback willkommen."),
        "snapchat": ("Schick es einem Freund!", "Füg uns hinzu für mehr!"),
        "tumblr": ("Rebloggen, wenn es dir gefällt.", "Sag uns, was du denkst."),
        "google_business": (
            "Rufen Sie uns an oder kommen Sie heute vorbei.",
            "Tippen Sie auf „Weitere Infos“, um mehr zu erfahren.",
        ),
        "telegram": ("Teile es mit einem Freund.", "Was meinst du? Schreib es in die Kommentare."),
    },
    kind_ctas={
        "product": {
            "": (
                "Zum Shop geht's über den Link in unserer Bio.",
                "Schreib uns für deine Bestellung.",
                "Jetzt erhältlich: Der Link ist in unserer Bio.",
            ),
            "linkedin": ("Fragen zum Herstellungsprozess? Die Kommentare sind offen.",),
            "google_business": (
                "Jetzt bestellen: Tippen Sie auf „Kaufen“.",
                "Rufen Sie uns an, um zu bestellen.",
            ),
            "telegram": ("Interesse? Schreib uns für deine Bestellung.",),
        },
        "launch": {
            "": (
                "Probier es aus: Der Link ist in unserer Bio.",
                "Erste Eindrücke sind in den Kommentaren willkommen.",
            ),
            "linkedin": ("Feedback willkommen: Was möchten Sie als Nächstes sehen?",),
            "google_business": ("Tippen Sie auf „Weitere Infos“, um es auszuprobieren.",),
        },
        "animal": {
            "": (
                "Markiere jemanden, der das sehen muss.",
                "Zeig uns dein Haustier in den Kommentaren!",
                "Doppeltippen, wenn es dich zum Lächeln gebracht hat.",
            ),
        },
        "food": {
            "": (
                "Würdest du das probieren?",
                "Speichern für den nächsten Heißhunger.",
                "Markiere, mit wem du das teilen würdest.",
            ),
            "google_business": (
                "Online bestellen oder heute vorbeikommen.",
                "Tisch reservieren: Tippen Sie auf „Reservieren“.",
            ),
        },
        "drink": {
            "": ("Und wie trinkst du am liebsten?", "Markiere, mit wem du anstoßen würdest.")
        },
        "memorial": {
            "": (
                "Wer mag, teilt eine Erinnerung in den Kommentaren.",
                "Danke für die lieben Worte.",
            )
        },
        "place": {
            "": ("Wen würdest du hierher mitnehmen?", "Merk dir den Ort für deine nächste Reise.")
        },
    },
    sample_words="Keramiktasse, handgemacht",
    account_ctas={
        "shop": ("Bestellen über den Link in der Bio.",),
        "creator": ("Folgen für mehr.",),
    },
    tones={
        "friendly": ToneWording(
            hooks=(
                "Dürfen wir vorstellen: {phrase}!",
                "Mit ganz viel Liebe gemacht: {phrase}.",
                "Wir freuen uns riesig, das mit dir zu teilen: {phrase}.",
            ),
            thing_hooks=(
                "Schau mal, was wir heute für dich haben!",
                "Das wird dir den Tag versüßen.",
            ),
            ctas={
                "shop": ("Bestell über den Link in der Bio – wir freuen uns auf dich!",),
                "creator": ("Folgen für mehr – und sag gern hallo in den Kommentaren!",),
            },
        ),
        "professional": ToneWording(
            hooks=(
                "Wir präsentieren: {phrase}.",
                "Neu im Sortiment: {phrase}.",
                "Ab sofort erhältlich: {phrase}.",
            ),
            thing_hooks=("Unsere Neuheit im Überblick.", "Qualität bis ins Detail."),
            ctas={
                "shop": ("Bestellen über den Link in der Bio.",),
                "creator": ("Folgen für mehr Einblicke.",),
            },
        ),
        "playful": ToneWording(
            hooks=(
                "Psst… ganz frisch: {phrase}!",
                "Rate mal, was neu ist? {Phrase}!",
                "Überraschung: {phrase}!",
            ),
            thing_hooks=("Psst… gerade frisch eingetroffen!", "Rate mal, was wir heute haben!"),
            ctas={
                "shop": ("Schnell über den Link in der Bio sichern, bevor alles weg ist!",),
                "creator": ("Folgen für mehr Spaß!",),
            },
        ),
        "minimal": ToneWording(
            hooks=("{Phrase}.",),
            thing_hooks=("Das Wesentliche.",),
            ctas={"shop": ("Link in der Bio.",), "creator": ("Folgen.",)},
        ),
        "luxury": ToneWording(
            hooks=(
                "Meisterhaft gefertigt: {phrase}.",
                "Zeitlose Eleganz: {phrase}.",
                "Die Kunst des Details: {phrase}.",
            ),
            thing_hooks=(
                "Zeitlose Eleganz bis ins letzte Detail.",
                "Schönheit, die nie aus der Mode kommt.",
            ),
            ctas={
                "shop": ("Reservieren über den Link in der Bio.",),
                "creator": ("Folgen für mehr stilvolle Momente.",),
            },
        ),
    },
    names={
        "white": "Weiß",
        "off-white": "Cremeweiß",
        "cream": "Creme",
        "beige": "Beige",
        "light grey": "Hellgrau",
        "grey": "Grau",
        "charcoal": "Anthrazit",
        "black": "Schwarz",
        "tan": "Hellbraun",
        "caramel": "Karamell",
        "brown": "Braun",
        "dark brown": "Dunkelbraun",
        "terracotta": "Terrakotta",
        "rust": "Rostrot",
        "burgundy": "Bordeaux",
        "red": "Rot",
        "coral": "Koralle",
        "blush pink": "Zartrosa",
        "pink": "Pink",
        "magenta": "Magenta",
        "lavender": "Lavendel",
        "purple": "Lila",
        "navy": "Marineblau",
        "blue": "Blau",
        "sky blue": "Himmelblau",
        "teal": "Petrol",
        "turquoise": "Türkis",
        "mint": "Mint",
        "sage green": "Salbeigrün",
        "olive": "Oliv",
        "green": "Grün",
        "forest green": "Tannengrün",
        "mustard": "Senfgelb",
        "yellow": "Gelb",
        "orange": "Orange",
        "gold": "Gold",
        "peach": "Pfirsich",
        "neutral": "Neutral",
        "soft": "Pastell",
        "plain": "Neutral",
        "bright": "hell",
        "dark": "dunkel",
        "vibrant": "kräftig",
        "minimal": "minimalistisch",
        "monochrome": "monochrom",
        "warm": "warm",
        "cool": "kühl",
        "natural": "natürlich",
        "dark and moody": "dunkel und stimmungsvoll",
        "soft and airy": "sanft und luftig",
        "and": "und",
    },
    alt=AltWording(
        photo="Foto: {what}.",
        described_as="Foto, so beschrieben: {text}",
        product="Produktfoto: ein Gegenstand vor einfarbigem Hintergrund in {colour}.",
        portrait="Porträtfoto.",
        group="Gruppenfoto.",
        plain="Foto.",
        one_face="Das Gesicht einer Person ist zu sehen.",
        faces="Sichtbare Gesichter: {n}.",
        colours="Vor allem {colours}; Stimmung: {mood}.",
    ),
)
