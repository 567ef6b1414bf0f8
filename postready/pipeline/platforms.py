"""The platform table: the one place where sizes, limits and posting times live.

Numbers come from ../shared/reference/platforms.md (collected late 2026) and, for the platforms
added after it (Mastodon onwards), from each platform's own documentation, named by URL; "secondary"
marks a figure only social tools' guides give. Where sources disagree the safer (lower) limit is
used. Byte limits are decimal megabytes, which is the stricter reading of "8 MB".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from postready.pipeline.errors import ErrorCode, PostReadyError
from postready.pipeline.marking import N_

OutputFormat = Literal["jpeg", "png", "webp"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("jpeg", "png", "webp")

MB = 1_000_000


class HashtagPlacement(StrEnum):
    FIRST_COMMENT = "first_comment"
    INLINE = "inline"
    END = "end"
    DESCRIPTION = "description"
    TAGS_FIELD = "tags_field"  # a field of their own beside the text (Tumblr's tags)


@dataclass(frozen=True, slots=True)
class ImageVariant:
    """One image shape a platform shows well, e.g. Instagram portrait 1080×1350."""

    name: str
    width: int
    height: int
    auto: bool = True  # False: only used when the caller asks for it by name (e.g. stories)
    max_bytes: int | None = None  # this variant's own upload limit, below the platform's

    @property
    def ratio(self) -> float:
        return self.width / self.height

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)


@dataclass(frozen=True, slots=True)
class HashtagRule:
    min: int
    recommended: int
    max: int
    placement: HashtagPlacement
    camel_case: bool = False  # #LatteArt, not #latteart: screen readers read the words


EmojiPolicy = Literal["none", "one", "some"]
# How a platform counts caption length: code points, UTF-16 units (TikTok's API), or X's
# weighted count (most characters outside Latin and general punctuation, emoji included, count 2).
LengthUnit = Literal["characters", "utf16", "x_weighted", "graphemes"]
# How the caption is written: plain text, or Telegram's HTML (parse_mode "HTML": &, < and >
# escaped, the hook in <b>); limits count the text as the reader sees it.
Markup = Literal["plain", "telegram_html"]


@dataclass(frozen=True, slots=True)
class CaptionStyle:
    """How a caption should read: a target length (what performs well) below the hard limit."""

    target: int
    emoji: EmojiPolicy
    tone: Literal["friendly", "professional", "inspiring", "casual"]
    unit: LengthUnit = "characters"
    markup: Markup = "plain"


@dataclass(frozen=True, slots=True)
class AltTextRule:
    """Where a platform takes an image's alt text and how long it may be."""

    limit: int  # characters (Bluesky: graphemes)
    field: str  # where it goes: the API field, or how a person enters it
    source: str


@dataclass(frozen=True, slots=True)
class PostingWindow:
    """Hours [start_hour, end_hour) on the given weekdays, in the audience's local time."""

    days: tuple[str, ...]
    start_hour: int
    end_hour: int


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    key: str
    display_name: str
    aliases: tuple[str, ...]
    variants: tuple[ImageVariant, ...]
    max_bytes: int
    formats: tuple[OutputFormat, ...]
    caption_limit: int
    caption_visible: int  # the feed's fold: characters shown before its "more" (caption unit)
    hashtags: HashtagRule
    caption_style: CaptionStyle
    posting_windows: tuple[PostingWindow, ...]
    posting_source: str
    alt_text: AltTextRule
    # Images in one post (carousel, gallery, album); None: one image per post.
    carousel_limit: int | None
    # True where the platform shows (or crops) every image of a post in one shape: a carousel
    # then gets one size too. False where each image keeps its own shape (or no source says).
    carousel_same_ratio: bool = False

    def variant(self, name: str) -> ImageVariant:
        for variant in self.variants:
            if variant.name == name:
                return variant
        names = ", ".join(v.name for v in self.variants)
        raise PostReadyError(
            ErrorCode.UNKNOWN_VARIANT,
            N_("{platform} has no '{name}' format; choose one of: {names}"),
            platform=self.display_name,
            name=name,
            names=names,
        )


_WEEKDAYS_MON_THU = ("Mon", "Tue", "Wed", "Thu")
_SPROUT_2023 = "Sprout Social 2023 (~2B engagements, 400K profiles)"
# Sprout Social 2023. Platforms with no study of their own (Threads, Bluesky and the seven of
# issue 17) borrow the hours of the closest one; their posting_source says whose.
_INSTAGRAM_WINDOWS = (
    PostingWindow(("Mon",), 10, 12),
    PostingWindow(("Tue",), 9, 13),
    PostingWindow(("Wed",), 10, 13),
    PostingWindow(("Fri",), 9, 11),
)
_X_WINDOWS = (PostingWindow(("Tue", "Wed", "Thu", "Fri"), 9, 12),)
_FACEBOOK_WINDOWS = (PostingWindow(_WEEKDAYS_MON_THU, 8, 13),)
_TIKTOK_WINDOWS = (
    PostingWindow(("Tue",), 14, 18),
    PostingWindow(("Wed",), 14, 17),
    PostingWindow(("Thu",), 15, 17),
)
# Sprout 2023 only says "afternoons" for Pinterest; these slots come from the seed's table.
_PINTEREST_WINDOWS = (PostingWindow(("Sat", "Sun", "Tue", "Thu"), 20, 23),)

PLATFORMS: dict[str, PlatformSpec] = {
    spec.key: spec
    for spec in (
        PlatformSpec(
            key="instagram",
            display_name="Instagram",
            aliases=("ig", "insta"),
            # Feed sizes; 3:4 is the profile-grid shape since Jan 2025 (app uploads; API
            # acceptance of 3:4 is unverified). Story 9:16 only on request.
            variants=(
                ImageVariant("portrait", 1080, 1350),
                ImageVariant("grid_portrait", 1080, 1440),
                ImageVariant("square", 1080, 1080),
                ImageVariant("landscape", 1080, 566),
                ImageVariant("story", 1080, 1920, auto=False),
            ),
            max_bytes=8 * MB,  # Instagram publishing API
            formats=("jpeg",),  # JPEG only via the API
            caption_limit=2200,
            caption_visible=125,  # "~125 shown before more" (social tools' caption guides)
            # At most 5 hashtags: Instagram's limit announced 18 Dec 2025; 3-5 recommended.
            hashtags=HashtagRule(3, 5, 5, HashtagPlacement.FIRST_COMMENT),
            caption_style=CaptionStyle(target=300, emoji="some", tone="friendly"),
            posting_windows=_INSTAGRAM_WINDOWS,
            posting_source=_SPROUT_2023,
            # The API documents no maximum; the app's alt-text field is quoted at 100.
            alt_text=AltTextRule(
                100,
                "alt_text on POST /<IG_ID>/media (image posts); in the app: Advanced settings > "
                "Write alt text",
                "Meta, Instagram Platform Content Publishing (alt_text since 24 Mar 2025); "
                "the 100-character app field per social tools' guides",
            ),
            # 20 in the app since Aug 2024 (Instagram's announcement; what issue 14 asks for), where
            # the publishing API documents 10. The app crops every item to the first one's ratio
            # (social tools' carousel guides).
            carousel_limit=20,
            carousel_same_ratio=True,
        ),
        PlatformSpec(
            key="facebook",
            display_name="Facebook",
            aliases=("fb",),
            variants=(
                ImageVariant("portrait", 1080, 1350),
                ImageVariant("square", 1080, 1080),
                ImageVariant("landscape", 1200, 630),
            ),
            max_bytes=30 * MB,  # secondary sources
            formats=("jpeg", "png", "webp"),
            caption_limit=63206,  # many tools cap at 5,000; 40-80 characters perform best
            # About 480 (often quoted 477) before "See more" in the feed, per social tools'
            # character-count guides; the 80 above is what performs best, not the fold.
            caption_visible=480,
            hashtags=HashtagRule(1, 2, 3, HashtagPlacement.INLINE),
            caption_style=CaptionStyle(target=80, emoji="one", tone="friendly"),
            posting_windows=_FACEBOOK_WINDOWS,
            posting_source=_SPROUT_2023,
            alt_text=AltTextRule(
                1000,  # no documented maximum: X's 1,000 as a safe length
                "alt_text_custom on a Page photo (Graph API); in the app: Edit > Alternative text",
                "Meta, Graph API Photo reference (alt_text_custom)",
            ),
            # No documented limit for a multi-photo post; carousel ads take 10 cards.
            carousel_limit=10,
        ),
        PlatformSpec(
            key="linkedin",
            display_name="LinkedIn",
            aliases=("li",),
            variants=(
                ImageVariant("landscape", 1200, 627),
                ImageVariant("square", 1080, 1080),
                ImageVariant("portrait", 1080, 1350),
            ),
            max_bytes=5 * MB,  # secondary sources
            formats=("jpeg", "png"),
            caption_limit=3000,
            caption_visible=210,  # "~210 shown before see more" (social tools' guides)
            hashtags=HashtagRule(3, 3, 5, HashtagPlacement.END),
            caption_style=CaptionStyle(target=600, emoji="none", tone="professional"),
            posting_windows=(PostingWindow(("Tue", "Wed"), 10, 12),),
            posting_source=_SPROUT_2023,
            alt_text=AltTextRule(
                4086,
                "altText of the image in the Posts API; in the app: Add alt text on the image",
                "LinkedIn Marketing API, Images API / Posts API (altText, max 4,086 characters)",
            ),
            carousel_limit=20,  # LinkedIn Marketing API, MultiImage posts: 2-20 images
        ),
        PlatformSpec(
            key="pinterest",
            display_name="Pinterest",
            aliases=("pin",),
            # Taller than 2:3 may be cut off in the feed.
            variants=(ImageVariant("pin", 1000, 1500),),
            max_bytes=20 * MB,  # help.pinterest.com (older text says 10 MB)
            formats=("jpeg", "png", "webp"),
            caption_limit=500,  # description; the title is limited to 100 (about 40 shown)
            caption_visible=100,  # the description's first lines under a Pin (no official figure)
            hashtags=HashtagRule(2, 4, 5, HashtagPlacement.DESCRIPTION),
            caption_style=CaptionStyle(target=300, emoji="none", tone="inspiring"),
            posting_windows=_PINTEREST_WINDOWS,
            posting_source="the seed pipeline's table (Sprout Social 2023: afternoons)",
            alt_text=AltTextRule(
                500,
                "alt_text of POST /v5/pins; in the app: Alt text under More options",
                "Pinterest API v5, Create Pin (alt_text, maxLength 500)",
            ),
            carousel_limit=5,  # Pinterest API v5, carousel Pins: 2-5 images
            # "Images must be the same dimension" (publishing tools' Pinterest media guidelines).
            carousel_same_ratio=True,
        ),
        PlatformSpec(
            key="x",
            display_name="X",
            aliases=("twitter", "x.com", "tw"),
            variants=(
                ImageVariant("landscape", 1600, 900),
                ImageVariant("portrait", 1080, 1350),
            ),
            max_bytes=5 * MB,  # photos; GIF 15 MB
            formats=("jpeg", "png", "webp"),
            caption_limit=280,  # links count 23; Premium 25,000
            caption_visible=280,  # a whole post; Premium's longer posts fold here ("Show more")
            hashtags=HashtagRule(1, 1, 2, HashtagPlacement.INLINE),
            caption_style=CaptionStyle(target=200, emoji="one", tone="casual", unit="x_weighted"),
            posting_windows=_X_WINDOWS,
            posting_source=_SPROUT_2023,
            alt_text=AltTextRule(
                1000,
                "alt_text.text of POST /2/media/metadata; in the app: +Alt on the image",
                "X API v2, Create Media metadata (alt_text up to 1,000 characters; v1.1 was 420)",
            ),
            carousel_limit=4,  # up to 4 images per post
        ),
        PlatformSpec(
            key="tiktok",
            display_name="TikTok",
            aliases=("tt",),
            # Photo mode.
            variants=(
                ImageVariant("portrait", 1080, 1920),
                ImageVariant("feed_portrait", 1080, 1350),
            ),
            max_bytes=20 * MB,  # secondary source
            formats=("jpeg", "webp"),
            caption_limit=4000,  # description, UTF-16 units (API); title 90
            caption_visible=90,  # about two lines over the photo before "more" (the title's 90)
            hashtags=HashtagRule(3, 5, 6, HashtagPlacement.DESCRIPTION),
            caption_style=CaptionStyle(target=150, emoji="some", tone="casual", unit="utf16"),
            posting_windows=_TIKTOK_WINDOWS,
            posting_source=_SPROUT_2023,
            alt_text=AltTextRule(
                500,  # our own cap: nowhere to put it, so only for the user to use as they like
                "none: TikTok's Content Posting API has no alt-text field for photo posts",
                "TikTok Content Posting API, photo post fields (no alt text)",
            ),
            carousel_limit=35,  # photo mode: up to 35 photos per post
        ),
        PlatformSpec(
            key="threads",
            display_name="Threads",
            aliases=(),
            variants=(
                ImageVariant("portrait", 1080, 1350),
                ImageVariant("square", 1080, 1080),
            ),
            max_bytes=8 * MB,  # same pipeline as Instagram (secondary)
            formats=("jpeg", "png"),
            caption_limit=500,
            caption_visible=500,  # shown whole: no fold below the limit
            hashtags=HashtagRule(1, 1, 1, HashtagPlacement.INLINE),  # one topic tag per post
            caption_style=CaptionStyle(target=250, emoji="one", tone="casual"),
            posting_windows=_INSTAGRAM_WINDOWS,
            posting_source=f"{_SPROUT_2023}, Instagram's hours (no Threads-specific study)",
            alt_text=AltTextRule(
                1000,  # no documented maximum: X's 1,000 as a safe length
                "alt_text on POST /{threads-user-id}/threads (images and videos)",
                "Meta, Threads API Accessibility (alt_text, Aug 2024)",
            ),
            carousel_limit=20,  # Threads API, carousel posts: up to 20 items
        ),
        PlatformSpec(
            key="bluesky",
            display_name="Bluesky",
            aliases=("bsky",),
            # Any ratio up to 2000 px on the longest side; these show well.
            variants=(
                ImageVariant("landscape", 1200, 675),
                ImageVariant("portrait", 1080, 1350),
                ImageVariant("square", 1080, 1080),
            ),
            max_bytes=1 * MB,  # app limit; larger images are recompressed
            formats=("jpeg", "png", "webp"),
            caption_limit=300,  # graphemes
            caption_visible=300,  # shown whole: no fold below the limit
            hashtags=HashtagRule(1, 2, 3, HashtagPlacement.INLINE),
            caption_style=CaptionStyle(target=220, emoji="one", tone="casual", unit="graphemes"),
            posting_windows=_X_WINDOWS,
            posting_source=f"{_SPROUT_2023}, X's hours (no Bluesky-specific study)",
            alt_text=AltTextRule(
                2000,
                "alt of each app.bsky.embed.images image (graphemes)",
                "Bluesky app's 2,000-grapheme alt-text limit (the lexicon sets no maximum)",
            ),
            carousel_limit=4,  # up to 4 images (app.bsky.embed.images, maxLength 4)
        ),
        PlatformSpec(
            key="mastodon",
            display_name="Mastodon",
            aliases=("mast", "masto"),
            # Any ratio, downscaled to 8.3 MP; previews not shown at 16:9 are cropped around the
            # focal point (https://docs.joinmastodon.org/user/posting/#media). These show well.
            variants=(
                ImageVariant("landscape", 1600, 900),
                ImageVariant("portrait", 1080, 1350),
                ImageVariant("square", 1080, 1080),
            ),
            # Images up to 16 MB (same page), but each server sets its own
            # (configuration.media_attachments.image_size_limit of GET /api/v2/instance,
            # https://docs.joinmastodon.org/entities/Instance/), 10 MiB on older ones: the lower.
            max_bytes=10 * MB,
            formats=("jpeg", "png", "webp"),  # PNG, JPG, HEIF, WEBP, AVIF (posting page)
            # 500 characters by default, a link counts as 23 (posting page#text); servers may
            # raise it (configuration.statuses.max_characters).
            caption_limit=500,
            caption_visible=500,  # shown whole (unless the author adds a content warning)
            # Hashtags make a post discoverable to anyone following or searching them (posting
            # page#hashtags; there is no algorithmic feed). CamelCase so that screen readers say
            # the words: accessibility guidance shared widely on Mastodon (its docs do not say
            # it; e.g. https://github.com/NodeBB/NodeBB/issues/12435).
            hashtags=HashtagRule(1, 3, 5, HashtagPlacement.END, camel_case=True),
            caption_style=CaptionStyle(target=300, emoji="one", tone="casual"),
            posting_windows=_X_WINDOWS,
            posting_source=f"{_SPROUT_2023}, X's hours (no Mastodon-specific study)",
            alt_text=AltTextRule(
                1500,
                "description of POST /api/v2/media; in the app: Edit (or ALT) on the image",
                "https://docs.joinmastodon.org/methods/media/ (description; "
                "configuration.media_attachments.description_limit, 1,500 by default)",
            ),
            carousel_limit=4,  # "Up to 4 images ... per post" (posting page#media)
        ),
        PlatformSpec(
            key="youtube",
            display_name="YouTube",
            aliases=("yt", "youtube.com"),
            variants=(
                # A post (formerly community post): any ratio from 2:5 to 5:2, shown square in
                # the Home feed (https://developers.google.com/youtube/data/reference/rest/v3/
                # posts/imageUpload).
                ImageVariant("post", 1080, 1080),
                # A video's custom thumbnail: 1280×720, under 2 MB, JPG/GIF/PNG
                # (https://support.google.com/youtube/answer/72431). Only on request: it goes
                # with a video, not with this post's text.
                ImageVariant("thumbnail", 1280, 720, auto=False, max_bytes=2 * MB),
            ),
            max_bytes=16 * MB,  # post images: 16 MB, JPEG/PNG/GIF/WebP (posts.imageUpload)
            formats=("jpeg", "png"),  # both variants; thumbnails take no WebP
            # No official maximum for a post's text; thousands of characters are accepted
            # (secondary: 7,700+), about 288 shown before "Read more" (secondary).
            caption_limit=5000,
            caption_visible=288,
            # A few: YouTube ignores all of a video's hashtags above 60 and shows the first 3
            # (https://support.google.com/youtube/answer/6390658); posts take them the same way.
            hashtags=HashtagRule(1, 2, 3, HashtagPlacement.END),
            caption_style=CaptionStyle(target=250, emoji="one", tone="friendly"),
            posting_windows=_FACEBOOK_WINDOWS,
            posting_source=f"{_SPROUT_2023}, Facebook's hours (no YouTube-specific study)",
            alt_text=AltTextRule(
                500,  # our own cap: nowhere to put it
                "none: YouTube posts and thumbnails take no alt text; say it in the post's text",
                "YouTube Data API, posts resource (imageAttachments have no alt-text field)",
            ),
            # posts resource: an image post holds 1 to 10 images
            # (https://developers.google.com/youtube/data/reference/rest/v3/posts).
            carousel_limit=10,
        ),
        PlatformSpec(
            key="reddit",
            display_name="Reddit",
            aliases=("reddit.com",),
            # Any ratio; feeds show a post's image whole up to a tall limit. These show well.
            variants=(
                ImageVariant("landscape", 1200, 628),
                ImageVariant("square", 1080, 1080),
                ImageVariant("portrait", 1080, 1350),
            ),
            max_bytes=20 * MB,  # per image, JPEG/PNG/GIF (secondary: schedulers' media guides)
            formats=("jpeg", "png"),
            # The post is its title: 300 characters (https://www.reddit.com/dev/api/
            # #POST_api_submit, title "up to 300 characters long"); the title is shown whole.
            caption_limit=300,
            caption_visible=300,
            # No hashtags: Reddit has none; communities (subreddits) are the topics.
            hashtags=HashtagRule(0, 0, 0, HashtagPlacement.INLINE),
            caption_style=CaptionStyle(target=100, emoji="none", tone="casual"),
            posting_windows=_X_WINDOWS,
            posting_source=f"{_SPROUT_2023}, X's hours (no Reddit-specific study)",
            alt_text=AltTextRule(
                180,
                "none for a single image: Reddit has no alt-text field; in a gallery, each "
                "image's caption (180 characters)",
                "r/modnews, Image Gallery support (Jun 2020): 20 images, captions up to 180",
            ),
            carousel_limit=20,  # galleries: up to 20 images (r/modnews, Jun 2020)
        ),
        PlatformSpec(
            key="snapchat",
            display_name="Snapchat",
            aliases=("sc",),
            # Story and Spotlight are full-screen 9:16, 1080×1920, JPG or PNG
            # (https://forbusiness.snapchat.com/resources/advertising-guides/ad-specs, the ad
            # specs; no organic-post spec is published). Spotlight shows videos only
            # (https://help.snapchat.com/hc/en-us/articles/7012287256596): a still image is a
            # Story, or a Spotlight once made into a video of 5 s or more.
            variants=(ImageVariant("story", 1080, 1920),),
            max_bytes=5 * MB,  # full-screen image ads: 5 MB (secondary: agencies' spec sheets)
            formats=("jpeg", "png"),
            # A caption over the Snap: 250 characters (secondary); a long one hides the photo.
            caption_limit=250,
            caption_visible=80,  # about two lines over the photo (as TikTok's overlay)
            # #Topics: add one or a few on the Send To screen (https://creators.snap.com/
            # learn-shine-in-the-spotlight-spotlight-101).
            hashtags=HashtagRule(1, 2, 3, HashtagPlacement.DESCRIPTION),
            caption_style=CaptionStyle(target=80, emoji="some", tone="casual"),
            posting_windows=_TIKTOK_WINDOWS,
            posting_source=f"{_SPROUT_2023}, TikTok's hours (no Snapchat-specific study)",
            alt_text=AltTextRule(
                500,  # our own cap: nowhere to put it
                "none: Snapchat takes no alt text for a Snap",
                "Snapchat Story and Spotlight posting (no alt-text field)",
            ),
            carousel_limit=None,  # a Story is a sequence of Snaps, each posted on its own
        ),
        PlatformSpec(
            key="tumblr",
            display_name="Tumblr",
            aliases=("tumblr.com",),
            # Any ratio; the dashboard shows an image whole at 540 px wide (1280 px as the
            # largest size kept). These show well.
            variants=(
                ImageVariant("portrait", 1080, 1350),
                ImageVariant("square", 1080, 1080),
                ImageVariant("landscape", 1280, 720),
            ),
            # 10 MB per photo (secondary; GIFs less): the lower of the figures quoted.
            max_bytes=10 * MB,
            formats=("jpeg", "png"),
            # No documented maximum for a post's text: our own cap. Shown whole (the author
            # may add a "Keep reading" break).
            caption_limit=4096,
            caption_visible=4096,
            # Tags go in the post's tags field, not the text; up to 30, the first 20 searched
            # (Tumblr's help on tags, as quoted in https://github.com/tumblr/docs/issues/77).
            # We give at most 8: a focused set, from the vocabulary's niches alone.
            hashtags=HashtagRule(3, 5, 8, HashtagPlacement.TAGS_FIELD),
            caption_style=CaptionStyle(target=300, emoji="some", tone="friendly"),
            posting_windows=_PINTEREST_WINDOWS,
            posting_source="the seed pipeline's Pinterest evenings (no Tumblr-specific study)",
            alt_text=AltTextRule(
                1000,  # no documented maximum: X's 1,000 as a safe length
                "alt_text of the image block (Neue Post Format); in the app: the image's ALT",
                "https://www.tumblr.com/docs/npf (image block alt_text)",
            ),
            carousel_limit=10,  # a photo post's 10 images (secondary; NPF takes more)
        ),
        PlatformSpec(
            key="google_business",
            display_name="Google Business Profile",
            aliases=("gbp", "gmb", "googlebusiness"),
            variants=(
                # A post's photo: 4:3, at least 400×300 (the post editor; secondary: 1200×900).
                ImageVariant("post", 1200, 900),
                # Profile photos: 720×720 recommended, JPG or PNG, 10 KB to 5 MB
                # (https://support.google.com/business/answer/6103862).
                ImageVariant("photo", 720, 720),
                # The cover photo: 16:9 (same page; secondary: 1024×576). Only on request.
                ImageVariant("cover", 1024, 576, auto=False),
            ),
            max_bytes=5 * MB,  # same page: 10 KB to 5 MB
            formats=("jpeg", "png"),
            # Up to 1,500 characters (https://support.google.com/business/answer/7342169);
            # about the first 250 show on the profile before "More" (secondary).
            caption_limit=1500,
            caption_visible=250,
            # Posts have no hashtags; the post's button (Book, Order online, Buy, Learn more,
            # Sign up, Call now) comes with the call to action in its text.
            hashtags=HashtagRule(0, 0, 0, HashtagPlacement.INLINE),
            caption_style=CaptionStyle(target=300, emoji="none", tone="professional"),
            posting_windows=_FACEBOOK_WINDOWS,
            posting_source=f"{_SPROUT_2023}, Facebook's hours (no Google-specific study)",
            alt_text=AltTextRule(
                500,  # our own cap: nowhere to put it
                "none: Business Profile photos and posts take no alt text",
                "Google Business Profile API, localPosts media (no alt-text field)",
            ),
            carousel_limit=None,  # one photo per post
        ),
        PlatformSpec(
            key="telegram",
            display_name="Telegram channel",
            aliases=("tg", "tgchannel"),
            # sendPhoto: width + height at most 10000, ratio at most 20, 10 MB
            # (https://core.telegram.org/bots/api#sendphoto). Any shape shows whole; these are
            # the feed's usual ones.
            variants=(
                ImageVariant("portrait", 1080, 1350),
                ImageVariant("square", 1080, 1080),
                ImageVariant("landscape", 1280, 720),
            ),
            max_bytes=10 * MB,
            formats=("jpeg",),  # a photo is always recompressed to JPEG; PNG/WebP as files
            # The caption: 0-1024 characters after entities parsing (sendPhoto), UTF-16 units
            # as the Bot API counts entities; shown whole under the photo.
            caption_limit=1024,
            caption_visible=1024,
            # Hashtags are links to a search in the channel: a few, at the end.
            hashtags=HashtagRule(0, 2, 3, HashtagPlacement.END),
            caption_style=CaptionStyle(
                target=300, emoji="one", tone="friendly", unit="utf16", markup="telegram_html"
            ),
            posting_windows=_FACEBOOK_WINDOWS,
            posting_source=f"{_SPROUT_2023}, Facebook's hours (no Telegram-specific study)",
            alt_text=AltTextRule(
                500,  # our own cap: nowhere to put it
                "none: the Bot API's sendPhoto has no alt text; say it in the caption",
                "https://core.telegram.org/bots/api#sendphoto (no alt-text field)",
            ),
            carousel_limit=10,  # sendMediaGroup: an album of 2-10 photos
        ),
    )
}

ALL_PLATFORMS_WORD = "all"
# What a run makes when it names no platforms (the CLI without --platforms, a chat user who
# chose no default set): the eight PostReady began with. `all` is every platform in the table.
DEFAULT_PLATFORMS: tuple[str, ...] = (
    "instagram", "facebook", "linkedin", "pinterest", "x", "tiktok", "threads", "bluesky"
)  # fmt: skip
# Networks people name that PostReady makes no posts for (yet): naming one is an error that
# lists the supported platforms, never a word of the description.
UNSUPPORTED_NETWORKS: dict[str, str] = {
    "myspace": "Myspace",
    "flickr": "Flickr",
    "vimeo": "Vimeo",
    "twitch": "Twitch",
    "whatsapp": "WhatsApp",
    "wechat": "WeChat",
    "weibo": "Weibo",
    "vk": "VK",
}

_NAMES: dict[str, str] = {
    name: spec.key for spec in PLATFORMS.values() for name in (spec.key, *spec.aliases)
}


def platform_names() -> list[str]:
    """Every word that names a platform (keys and aliases), for parsers and suggestions."""
    return sorted(_NAMES)


def resolve_platform(name: str) -> PlatformSpec | None:
    """The platform a name or alias refers to (case-insensitive), or None."""
    key = _NAMES.get(name.strip().lower().lstrip("#@"))
    return PLATFORMS[key] if key else None


def suggest_platform(name: str) -> str | None:
    """The closest platform name to a probable typo ("instgram" → "instagram"), if any."""
    import difflib  # here: only a typo needs it

    matches = difflib.get_close_matches(name.lower(), _NAMES, n=1, cutoff=0.75)
    return _NAMES[matches[0]] if matches else None


def unsupported_network_error(name: str) -> PostReadyError | None:
    """UNKNOWN_PLATFORM for a network PostReady does not post to, listing those it does."""
    network = UNSUPPORTED_NETWORKS.get(name.strip().lower().lstrip("#@"))
    if network is None:
        return None
    return PostReadyError(
        ErrorCode.UNKNOWN_PLATFORM,
        N_("PostReady does not make posts for {network} yet; choose from: {platforms}"),
        network=network,
        platforms=f"{', '.join(PLATFORMS)}, {ALL_PLATFORMS_WORD}",
    )


def resolve_platforms(names: list[str]) -> list[PlatformSpec]:
    """Platforms for a list of names (commas allowed, `all` for every one, none for the
    default set), in table order.

    Raises UNKNOWN_PLATFORM naming the first unknown word, with a suggestion when it looks
    like a typo.
    """
    words = [w for name in names for w in name.replace(",", " ").split()]
    if not words:
        return [PLATFORMS[key] for key in DEFAULT_PLATFORMS]
    if any(w.lower() == ALL_PLATFORMS_WORD for w in words):
        return list(PLATFORMS.values())
    chosen: set[str] = set()
    for word in words:
        spec = resolve_platform(word)
        if spec is None and (unsupported := unsupported_network_error(word)) is not None:
            raise unsupported
        if spec is None:
            hint = suggest_platform(word)
            if hint:
                message = N_("unknown platform '{name}' — did you mean '{key}'?")
                raise PostReadyError(ErrorCode.UNKNOWN_PLATFORM, message, name=word, key=hint)
            known = f"{', '.join(PLATFORMS)}, {ALL_PLATFORMS_WORD}"
            message = N_("unknown platform '{name}'; choose from: {platforms}")
            raise PostReadyError(ErrorCode.UNKNOWN_PLATFORM, message, name=word, platforms=known)
        chosen.add(spec.key)
    return [spec for key, spec in PLATFORMS.items() if key in chosen]
