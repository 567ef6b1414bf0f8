"""The evaluation set for offline content: what a user photographs and types, the topics they
would expect the tags to be about, and tags that would embarrass them (another kind of animal,
the wrong sense of a word, a shop tag under a pet). Written from the user's side: the topics
are what a person means, the forbidden tags what a person would never post with that photo.

The photo is one the tests make or a scikit-image sample that fits the subject, so the photo's
own signals (faces, a product on a plain background, colours) are part of each case."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    photo: str  # a key of PHOTOS in test_content_eval.py
    description: str
    topics: frozenset[str]  # niches whose tags are on topic
    forbidden: frozenset[str] = frozenset()  # tags that must never appear
    main: str | None = None  # the niche that must come first, when one clearly leads
    product: bool = False  # something for sale: a shop call to action fits


def case(photo: str, description: str, topics: str, forbidden: str = "", **more: object) -> Case:
    return Case(photo, description, frozenset(topics.split()), frozenset(forbidden.split()),
                **more)  # type: ignore[arg-type]  # fmt: skip


CASES = (
    # The issue's own examples.
    case(
        "chelsea",
        "my rescue cat Miso",
        "cats pets",
        "dogsofinstagram dogstagram rescuedog dogtraining",
        main="cats",
    ),
    case(
        "rocket",
        "launch day at the space center",
        "space",
        "eventplanning newproduct packagingdesign shopsmall productlaunch launchday",
        main="space",
    ),
    case(
        "coffee",
        "handmade ceramic mug with morning latte art",
        "ceramics coffee handmade",
        "matcha tea",
        main="ceramics",
    ),
    # Animals, by kind.
    case(
        "chelsea",
        "ginger kitten asleep on the windowsill",
        "cats pets",
        "puppy dogsofinstagram",
        main="cats",
    ),
    case(
        "scene",
        "our golden retriever puppy's first day at the beach",
        "dogs pets beach",
        "catsofinstagram kitten",
        main="dogs",
    ),
    case(
        "horse",
        "my mare Bella after dressage practice",
        "horses pets",
        "dogsofinstagram catsofinstagram",
        main="horses",
    ),
    case(
        "scene",
        "adopted this shelter dog today, meet Biscuit",
        "dogs pets",
        "rescuecat catsofinstagram adoptedcat",
        main="dogs",
    ),
    case(
        "scene", "our budgie Kiwi learning to talk", "birds pets", "catsofinstagram dogsofinstagram"
    ),
    case("scene", "leopard gecko shedding day", "reptiles pets", "dogsofinstagram catsofinstagram"),
    case(
        "scene",
        "new planted tank with neon tetras",
        "aquarium pets",
        "catsofinstagram dogsofinstagram",
    ),
    case("scene", "two bunnies sharing a carrot", "small_pets pets", "catsofinstagram"),
    case(
        "grass",
        "red fox in the meadow at dawn",
        "wildlife nature",
        "dogsofinstagram petsofinstagram",
    ),
    # Food and drink, by kind.
    case(
        "coffee",
        "flat white and a croissant at our corner cafe",
        "coffee bakery food",
        "matcha teatime",
        main="coffee",
    ),
    case(
        "coffee",
        "matcha latte with oat milk",
        "tea food",
        "coffee coffeetime latteart espresso coffeelover",
        main="tea",
    ),
    case("coffee", "afternoon tea with scones", "tea bakery food", "coffeeaddict latteart"),
    case("scene", "sourdough loaf fresh out of the oven", "bakery food", "", main="bakery"),
    case(
        "scene",
        "chocolate birthday cake for my daughter",
        "desserts birthday food family",
        "funeral inlovingmemory",
    ),
    case("scene", "vegan buddha bowl with tofu", "vegan healthy_food food", "bbq steak brisket"),
    case("scene", "wood fired margherita pizza", "pizza food", ""),
    case("scene", "homemade tagliatelle with ragu", "pasta food home_cooking", ""),
    case("scene", "salmon nigiri and miso soup", "sushi food seafood", ""),
    case("scene", "birria tacos from the food truck", "mexican_food street_food food", ""),
    case("scene", "low and slow brisket on the smoker", "bbq food", "vegan plantbased govegan"),
    case("scene", "negroni at golden hour", "cocktails nature food", "coffee beer"),
    case("scene", "a glass of natural wine at the vineyard", "wine food", "beer craftbeer"),
    case("scene", "hazy ipa at the brewery taproom", "beer food", "wine winelover"),
    case("scene", "pancakes and berries for sunday brunch", "brunch food", ""),
    case("scene", "pistachio gelato on a hot day", "ice_cream summer food", "winter snow"),
    # Space, science, vehicles.
    case(
        "hubble",
        "the milky way over the desert, shot on a star tracker",
        "space nature",
        "newproduct",
    ),
    case("moon", "full moon through my new telescope", "space", "newproduct productlaunch"),
    case("lab", "staining samples under the microscope in the lab", "science", ""),
    case(
        "scene",
        "my vintage porsche 911 at the car meet",
        "cars",
        "motorcycle bikelife cycling",
        main="cars",
    ),
    case("scene", "ducati monster on a sunday ride", "motorbikes", "carsofinstagram cycling"),
    case(
        "scene",
        "gravel bike ride through the hills",
        "cycling nature",
        "motorcycle carsofinstagram",
        main="cycling",
    ),
    # Sports, outdoors, travel.
    case("scene", "first half marathon done!", "running", "", main="running"),
    case("scene", "deadlift PR at the gym", "gym", ""),
    case("scene", "sunrise yoga on the beach", "yoga beach nature", ""),
    case("scene", "summit views after a long hike in the alps", "hiking mountains nature", ""),
    case("scene", "wild camping by the lake", "camping nature", ""),
    case("scene", "first powder day of the ski season", "winter_sports winter", "summer"),
    case("scene", "surfing the morning waves", "surfing beach", "skiing snowboarding"),
    case("scene", "sunday league football match", "football", "basketball"),
    case("scene", "city lights from the rooftop in tokyo", "city travel", ""),
    # Occasions: weddings are not funerals, and the other way round.
    case(
        "astronaut",
        "the bride and groom's first dance",
        "wedding portrait",
        "funeral inlovingmemory restinpeace",
        main="wedding",
    ),
    case(
        "scene",
        "funeral flowers for grandma",
        "funeral flowers family",
        "weddingflowers weddingday bride justmarried partytime",
        main="flowers",
    ),
    case(
        "scene",
        "in loving memory of dad, celebration of life service",
        "funeral family",
        "partytime party wedding birthday",
    ),
    case(
        "scene",
        "christmas tree and fairy lights in the living room",
        "christmas interiors",
        "halloween easter",
    ),
    case("scene", "carved pumpkins for halloween", "halloween autumn", "christmas easter"),
    case("scene", "graduation day, class of 2026!", "graduation", "funeral"),
    # People and family.
    case("astronaut", "new headshot for my website", "portrait", ""),
    case("scene", "our newborn's first week at home", "babies family", ""),
    # Home, crafts and shops: shop calls to action fit here.
    case(
        "scene",
        "just listed: three bedroom cottage with a garden",
        "real_estate gardening",
        "",
        product=False,
    ),
    case("scene", "cozy reading nook in our scandi living room", "interiors books", ""),
    case("scene", "monstera and pothos on the plant shelf", "houseplants", ""),
    case("grass", "first tomatoes from the allotment", "gardening", ""),
    case(
        "mug",
        "handmade stoneware mug, speckled glaze",
        "ceramics handmade small_business",
        "",
        product=True,
        main="ceramics",
    ),
    case("scene", "walnut cutting board, finished with oil", "woodworking handmade", ""),
    case("scene", "chunky knit blanket in cream wool", "knitting handmade", ""),
    case(
        "mug",
        "sterling silver stacking rings, new collection",
        "jewellery handmade product_launch small_business",
        "",
        product=True,
    ),
    case("mug", "soy candle in an amber jar", "candles handmade small_business", "", product=True),
    case("scene", "thrifted denim jacket outfit", "fashion", ""),
    case("scene", "soft glam bridal makeup", "makeup wedding", "funeral"),
    case("scene", "balayage transformation at the salon", "hair", ""),
    # Tech, art, photography, books.
    case(
        "scene",
        "Launch day for our open-source desk setup app",
        "software tech product_launch",
        "rocketlaunch spacex nasa space",
    ),
    case("scene", "my new mechanical keyboard and desk setup", "tech", ""),
    case("scene", "retro gaming night with the nintendo switch", "gaming", ""),
    case("scene", "new acoustic guitar in the studio", "music", ""),
    case("scene", "watercolour painting of the harbour", "painting art boats", ""),
    case("scene", "sketchbook page, pen and ink", "drawing art", ""),
    case("camera", "shot on kodak portra 400 film", "film_photography photography", ""),
    case("scene", "currently reading with a cup of tea", "books tea", "coffee latteart"),
)
