"""Names that look the same and are not: invisible characters and lookalike letters.

"Klarna" with a zero-width joiner, a Cyrillic Ka (U+041A) or behind a right-to-left override
shows as "Klarna" and is another company to every filter and key. Invisible and direction-control
characters are refused in names and keys (``INVISIBLE``) and direction controls in all text
(``HIDDEN_IN_TEXT``); a name that mixes Latin letters with letters of a script that has
lookalikes of them is refused (``MIXED_SCRIPTS``); a name that differs from another only in
lookalike letters, or in ASCII letters that read alike (I and l), is flagged against that name
(``skeleton``).
"""

from __future__ import annotations

import unicodedata

import polars as pl

# Format characters (Unicode category Cf: zero-width space, joiner and non-joiner, word joiner,
# byte order mark, soft hyphen, direction marks, embeddings, overrides and isolates) and the
# blank letters and joiners that are not Cf but show as nothing.
INVISIBLE = r"[\p{Cf}\x{034F}\x{115F}\x{1160}\x{3164}\x{FFA0}\x{2800}]"
# In free text (notes, quotes, titles) a joiner can be right (emoji, Persian); what reorders or
# hides text never is: embeddings, overrides, isolates, byte order marks, zero-width spaces.
HIDDEN_IN_TEXT = r"[\x{202A}-\x{202E}\x{2066}-\x{2069}\x{FEFF}\x{200B}]"

# Letters of other scripts drawn like Latin ones (a small map of our own, after NFKC has
# already folded full-width and compatibility forms).
CYRILLIC = (
    "\u0410 A,\u0412 B,\u0415 E,\u0417 3,\u041a K,\u041c M,\u041d H,\u041e O,"
    "\u0420 P,\u0421 C,\u0422 T,\u0423 Y,\u0425 X,\u0405 S,\u0406 I,\u0408 J,"
    "\u0501 d,\u04bb h,\u04cf l,\u0430 a,\u0435 e,\u043e o,\u0440 p,\u0441 c,"
    "\u0443 y,\u0445 x,\u0455 s,\u0456 i,\u0458 j,\u051b q,\u051d w,"
    "\u04c0 I,\u04ae Y,\u04af y,\u04ba H,\u051a Q,\u051c W,\u0474 V,\u0475 v"
)
GREEK = (
    "\u0391 A,\u0392 B,\u0395 E,\u0396 Z,\u0397 H,\u0399 I,\u039a K,\u039c M,"
    "\u039d N,\u039f O,\u03a1 P,\u03a4 T,\u03a5 Y,\u03a7 X,\u03bf o,\u03bd v,"
    "\u03b1 a,\u03c1 p,\u03b9 i,\u03ba k,\u03c5 u,\u03f2 c,\u03f3 j,\u03f9 C"
)
ARMENIAN = "\u0585 o,\u0578 n,\u057d u,\u0570 h,\u0581 g,\u0566 q,\u054d U,\u0555 O,\u053c L"
CHEROKEE = (
    "\u13aa A,\u13ac E,\u13bb H,\u13b3 W,\u13ab J,\u13e6 K,\u13b7 M,\u13da S,\u13a2 T,"
    "\u13df C,\u13de L,\u13e2 P,\u13f4 B,\u13d9 V,\u13c3 Z,\u13a0 D,\u13c0 G,\u13d2 R"
)
# Latin letters outside ASCII drawn like ASCII ones: dotless i, alpha, script g, small capitals.
LATIN = "\u0131 i,\u0251 a,\u0261 g,\u0269 i,\u028f Y,\u0274 N,\u026a I,\u0299 B,\u029c H"
LOOKALIKES: dict[str, str] = dict(
    pair.split(" ") for pair in f"{CYRILLIC},{GREEK},{ARMENIAN},{CHEROKEE},{LATIN}".split(",")
)
# ASCII spellings that read alike in many fonts (issue 25.8: "KIarna" with a capital I), made
# one for comparing only: a value is never changed, and these are not revealed as foreign.
ASCII_ALIKE = {"I": "l", "1": "l", "|": "l", "0": "O", "rn": "m", "vv": "w"}
# Latin letters beside letters of the scripts that have Latin lookalikes, in one name.
MIXED_SCRIPTS = r"\p{Latin}.*[\p{Cyrillic}\p{Greek}\p{Armenian}\p{Cherokee}]|" + (
    r"[\p{Cyrillic}\p{Greek}\p{Armenian}\p{Cherokee}].*\p{Latin}"
)


def skeleton(name: pl.Expr) -> pl.Expr:
    """What a name looks like: compatibility forms folded, lookalike letters made Latin, and
    ASCII letters that read alike made one."""
    return name.str.normalize("NFKC").str.replace_many(LOOKALIKES).str.replace_many(ASCII_ALIKE)


def plain(name: pl.Expr) -> pl.Expr:
    """A name with no lookalike letters and no compatibility forms: the one others imitate."""
    return name == name.str.normalize("NFKC").str.replace_many(LOOKALIKES)


def reveal(text: str) -> str:
    """Text with its invisible and lookalike characters written out, e.g. 'Ka<U+041A ...>'."""
    out = []
    for char in text:
        if unicodedata.category(char) == "Cf" or char in "\u034f\u115f\u1160\u3164\uffa0\u2800":
            out.append(f"<U+{ord(char):04X}>")
        elif char in LOOKALIKES or unicodedata.normalize("NFKC", char) != char:
            out.append(f"{char}<U+{ord(char):04X} {unicodedata.name(char, '?')}>")
        else:
            out.append(char)
    return "".join(out)
