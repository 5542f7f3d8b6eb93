"""Generate photo-submissions/: pictures whose rights are written in their own metadata.

Each picture carries what a contributor's camera or editing tool would have written: an EXIF
copyright and artist, and XMP with the licence's web statement or an IPTC data-mining
reservation. Deterministic, so running it again rewrites the same files. The pictures are
released under the terms their metadata states.
"""

from pathlib import Path

from make_images import picture
from PIL import Image

FOLDER = Path(__file__).parent.parent / "photo-submissions"
NAMESPACES = (
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/" '
    'xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/"'
)
RESERVED = "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"
# name, seed, artist, web statement (licence URL), data-mining value
SUBMISSIONS = (
    ("harbour-at-dusk", 101, "Mira Okafor", "https://creativecommons.org/licenses/by/4.0/", None),
    ("allotment-gate", 102, "Tomás Ferreira", "https://creativecommons.org/licenses/by/4.0/", None),
    ("kestrel-post", 103, "Ines Varga", "https://creativecommons.org/licenses/by-nc/4.0/", None),
    ("market-stall", 104, "Jonah Reyes", None, RESERVED),
)


def xmp(artist: str, statement: str | None, data_mining: str | None) -> bytes:
    attributes = []
    if statement:
        attributes.append(f'xmpRights:WebStatement="{statement}"')
    if data_mining:
        attributes.append(f'plus:DataMining="{data_mining}"')
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" {NAMESPACES} {" ".join(attributes)}>'
        f"<dc:creator><rdf:Seq><rdf:li>{artist}</rdf:li></rdf:Seq></dc:creator>"
        f'<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">(c) 2026 {artist}</rdf:li></rdf:Alt>'
        "</dc:rights></rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def main() -> None:
    for name, seed, artist, statement, data_mining in SUBMISSIONS:
        exif = Image.Exif()
        exif[0x013B] = artist
        exif[0x8298] = f"(c) 2026 {artist}"
        picture(seed).save(
            FOLDER / f"{name}.jpg", quality=85, exif=exif, xmp=xmp(artist, statement, data_mining)
        )


if __name__ == "__main__":
    main()
