"""English: the words local posts were first written with."""

from postready.pipeline.wording import SEED_FILE_SECTIONS, AltWording, PostWording, ToneWording

# Hooks that take the user's own words as a unit ("Today: launch day at the space center."),
# so they read right whatever the words are; by the platform's tone.
OWN_HOOKS = {
    "friendly": ("Sharing this one: {phrase}.", "A little {mood} moment: {phrase}.",
                 "Fresh on the feed: {phrase}.", "{Phrase}."),
    "professional": ("{Phrase}.", "A closer look: {phrase}.", "Today on the page: {phrase}."),
    "inspiring": ("Ideas to save: {phrase}.", "Inspiration for your board: {phrase}.",
                  "Saving this one: {phrase}."),
    "casual": ("{Phrase}.", "Today: {phrase}.", "Just shared: {phrase}."),
}  # fmt: skip
# Hooks about the kind of thing when the user's words do not name it in a few words.
KIND_HOOKS = {
    "animal": ("Today's star: this {thing}.", "A {thing} moment worth sharing.",
               "Say hello to this {thing}."),
    "food": ("All about the {thing} today.", "{Thing}, fresh and ready.",
             "Worth the wait: {thing}."),
    "drink": ("All about the {thing} today.", "{Thing} o'clock.", "Time for {thing}."),
    "place": ("Views like this.", "A {thing} worth the trip.", "Wish you were here."),
    "nature": ("Views like this.", "Nature, doing its thing.", "A {mood} {thing}."),
    "product": ("A closer look at this {thing}.", "Made with care: this {thing}.",
                "Every detail counts on this {thing}."),
    "launch": ("Big news today.", "Something new is here.", "It's launch day."),
    "property": ("Welcome home.", "Home sweet home.", "A place to call home."),
    "event": ("A day to remember.", "Moments from the {thing}.", "What a {thing}."),
    "holiday": ("{Thing} is here.", "{Thing} moments.", "A little {Thing} cheer."),
    "season": ("{Thing} mood.", "Hello, {thing}.", "A {mood} {thing}."),
    "memorial": ("In loving memory.", "Remembering, with love.", "Forever in our hearts."),
    "people": ("Moments that matter.", "Little moments, big memories.",
               "The people behind it all."),
    "learning": ("Learning in action.", "A day in the classroom.",
                 "Today's lesson, in one photo."),
    "art": ("Fresh from the studio.", "New work, finished today.",
            "A closer look at this {thing}."),
    "music": ("Turn it up.", "All about the music today.", "Music is the whole mood today."),
    "photo": ("Light, timing and a little luck.", "Seen through the lens.",
              "A frame worth keeping."),
    "books": ("Currently reading.", "Between the pages.", "A good book and a quiet moment."),
    "vehicle": ("Built to be looked at.", "A {thing} worth a second look.", "Ready to roll."),
    "activity": ("Out there doing it.", "Another {thing} session in the books.",
                 "Earned it."),
    "home": ("Home, just as we like it.", "A little corner of the {thing}.",
             "Slow days at home."),
    "science": ("Science is beautiful.", "Curious minds, welcome.",
                "Today's focus: {thing}."),
    "tech": ("Today's focus: {thing}.", "A closer look at the setup.",
             "Built for the way we work."),
    "gaming": ("Game on.", "One more level.", "Tonight's game."),
}  # fmt: skip
GENERAL_HOOKS = ("A closer look: {thing}.", "Today's focus: {thing}.", "{Thing}, today.")
# No subject we can name: about the look of the photo only.
NEUTRAL_HOOKS = ("A moment worth sharing.", "Today's snapshot, in {colour} and {colour2}.",
                  "Just as it was: {mood}.", "A little {mood} moment.")  # fmt: skip
DETAILS = (
    "{Colour} and {colour2} tones, {mood}.",
    "Shot in {colour} and {colour2}.",
    "All {colour} and {colour2}, with a {mood} feel.",
    "The mood: {mood}.",
)
PRODUCT_DETAILS = ("Every detail, in {colour} and {colour2}.", "Made to be looked at twice.")
PEOPLE_DETAILS = ("Real people, real moments.", "The people behind it all.")
CTAS = {
    "instagram": ("Save this for later and tell us what you think in the comments.",
                  "Which detail catches your eye first? Tell us below.",
                  "Share it with someone who would love it."),
    "facebook": ("What do you think?", "Tell us in the comments!", "Would you try it?"),
    "linkedin": ("What's your take? I'd love to hear your thoughts in the comments.",
                 "How do you approach this in your work? Share below.",
                 "Curious what you think: the comments are open."),
    "pinterest": ("Save this Pin for your next idea.", "Save it to your board for later.",
                  "Pin it now, try it later."),
    "x": ("Thoughts?", "What do you think?", "Would you?"),
    "tiktok": ("Follow for more!", "Save this for later!", "What do you think? Comment below!"),
    "threads": ("What would you add?", "Thoughts?", "Tell me what you think."),
    "bluesky": ("What do you think?", "Thoughts?", "Would you?"),
    "mastodon": ("What do you think?", "Boost it if you like it.", "Thoughts?"),
    "youtube": ("Tell us in the comments.", "Which detail do you like best? Comment below.",
                "Subscribe for more like this."),
    "reddit": ("Thoughts?", "What do you think?", "Feedback welcome."),
    "snapchat": ("Send this to a friend!", "Snap us back!", "Add us for more!"),
    "tumblr": ("Reblog if you like it.", "Reblog it for later.", "Tell us what you think."),
    "google_business": ("Call us or stop by today.", "Visit us this week: we'd love to see you.",
                        "Tap Learn more to find out more."),
    "telegram": ("Share it with a friend.", "What do you think? Tell us in the comments.",
                 "Forward it to someone who'd love it."),
}  # fmt: skip
# Calls to action by what the photo is, where the general ones would read wrong ("Would you
# try it?" under a pet) or miss the point (a shop). Keyed by platform, "" for the others.
KIND_CTAS: dict[str, dict[str, tuple[str, ...]]] = {
    "product": {
        "": ("Tap the link in our bio to shop.", "Message us to order yours.",
             "Available now: the link is in our bio."),
        "linkedin": ("Interested in stocking it? Let's talk.",
                     "Questions about the process? The comments are open."),
        "pinterest": ("Save it to your wishlist board.", "Pin it for your next gift idea."),
        "x": ("Link in bio to shop.", "Want one?"), "bluesky": ("Want one?", "Thoughts?"),
        "threads": ("Want one?", "Which would you pick?"),
        "google_business": ("Order yours: tap Buy below.", "Call us to order yours.",
                            "In store now: stop by today."),
        "telegram": ("Want one? Message us to order.",),
    },
    "launch": {
        "": ("Try it: the link is in our bio.", "Tell us what you think once you've tried it.",
             "Early feedback is welcome in the comments."),
        "linkedin": ("Feedback welcome: what would you like to see next?",),
        "pinterest": ("Save it to try later.",),
        "x": ("Try it and tell us.", "Feedback welcome."), "bluesky": ("Feedback welcome.",),
        "threads": ("What would you like to see next?",),
        "google_business": ("Tap Learn more to try it.", "Stop by and try it today."),
    },
    "animal": {
        "": ("Tag someone who needs this in their feed.", "Show us yours in the comments!",
             "Double tap if this made you smile."),
        "linkedin": ("Every team needs one. Who is yours?",),
        "pinterest": ("Save it for a smile later.",),
        "x": ("Look at this face.", "Thoughts?"), "bluesky": ("Look at this face.",),
        "threads": ("Show me yours.",),
    },
    "food": {
        "": ("Would you try it?", "Save it for your next craving.",
             "Tag who you'd share this with."),
        "linkedin": ("What's on your menu this week?",),
        "pinterest": ("Save it for your next craving.", "Pin it for later."),
        "google_business": ("Order online or stop by today.", "Book a table: tap Book below."),
    },
    "drink": {
        "": ("How do you take yours?", "Tag your favourite person to share one with."),
        "linkedin": ("What fuels your workday?",), "pinterest": ("Save it for later.",),
    },
    "memorial": {
        "": ("Share a memory in the comments if you wish.",),
        "linkedin": ("Thank you for the kind words.",), "pinterest": ("Save it to remember.",),
        "x": ("Thank you for the kind words.",), "bluesky": ("Thank you for the kind words.",),
        "threads": ("Thank you for the kind words.",),
    },
    "place": {
        "": ("Who would you bring here?", "Save it for your next trip.",
             "Tag someone who needs to see this."),
        "linkedin": ("Where do you go to recharge?",),
        "pinterest": ("Save it for your next trip.",),
    },
}  # fmt: skip
# A brand kit's tones: hooks about the user's words and about the thing in the photo, and the
# calls to action of each kind of account.
BRAND_TONES = {
    "friendly": ToneWording(
        hooks=("Say hello to {phrase}!", "We're so happy to share {phrase}.",
               "Meet {phrase}, made with love."),
        thing_hooks=("Say hello to this {thing}!", "Meet our {thing}, made with love."),
        ctas={"shop": ("Order via the link in bio, we'd love to make one for you.",),
              "creator": ("Follow for more, and say hi in the comments!",)},
    ),
    "professional": ToneWording(
        hooks=("Introducing {phrase}.", "Presenting {phrase}.", "Now available: {phrase}."),
        thing_hooks=("Introducing our {thing}.", "Presenting the {thing}."),
        ctas={"shop": ("Order via the link in bio.",), "creator": ("Follow for more insights.",)},
    ),
    "playful": ToneWording(
        hooks=("Psst… {phrase} just dropped!", "Guess what? {Phrase}!",
               "Plot twist: {phrase}!"),
        thing_hooks=("Psst… this {thing} just dropped!", "Guess what? A {thing}!"),
        ctas={"shop": ("Grab yours via the link in bio before it's gone!",),
              "creator": ("Follow for more fun stuff!",)},
    ),
    "minimal": ToneWording(
        hooks=("{Phrase}.",), thing_hooks=("{Thing}.",),
        ctas={"shop": ("Link in bio.",), "creator": ("Follow.",)},
    ),
    "luxury": ToneWording(
        hooks=("Exquisitely crafted: {phrase}.", "Timeless elegance: {phrase}.",
               "The art of {phrase}."),
        thing_hooks=("An exquisitely crafted {thing}.", "Timeless elegance, in one {thing}."),
        ctas={"shop": ("Reserve yours via the link in bio.",),
              "creator": ("Follow for more refined moments.",)},
    ),
}  # fmt: skip

WORDING = PostWording(
    code="en",
    own_hooks=OWN_HOOKS,
    kind_hooks=KIND_HOOKS,
    general_hooks=GENERAL_HOOKS,
    neutral_hooks=NEUTRAL_HOOKS,
    details=DETAILS,
    product_details=PRODUCT_DETAILS,
    people_details=PEOPLE_DETAILS,
    wishes={"": "Happy {occasion}!"},
    ctas=CTAS,
    kind_ctas=KIND_CTAS,
    sample_words="handmade ceramic mug",
    account_ctas={
        "shop": ("Order via the link in bio.",),
        "creator": ("Follow for more.",),
    },
    tones=BRAND_TONES,
    names={},
    alt=AltWording(
        photo="Photo: {what}.",
        described_as="Photo described as: {text}",
        product="Product photo: one object on a plain {colour} background.",
        portrait="Portrait photo.",
        group="Group photo.",
        plain="Photo.",
        one_face="One person's face is visible.",
        faces="{n} people's faces are visible.",
        colours="Mostly {colours}; {mood} light.",
    ),
    file_sections=SEED_FILE_SECTIONS,
)
