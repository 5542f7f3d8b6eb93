"""Images that carry rights metadata: EXIF, XMP, IPTC IIM, and C2PA manifests signed offline
with a throwaway certificate chain."""

from __future__ import annotations

import datetime as dt
import io
import struct
from functools import cache

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

from tests.conftest import make_picture

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "tdm": "http://www.w3.org/ns/tdmrep/",
    "cc": "http://creativecommons.org/ns#",
}


def jpeg(
    seed: int,
    *,
    xmp: dict[str, str] | None = None,
    exif: dict[int, str] | None = None,
    iptc: dict[int, str] | None = None,
) -> bytes:
    """A distinct JPEG picture with the given XMP properties ("prefix:Name" to a value),
    EXIF tags and IPTC IIM datasets of record 2."""
    options: dict[str, object] = {}
    if xmp:
        options["xmp"] = xmp_packet(xmp)
    if exif:
        tags = Image.Exif()
        tags.update(exif)
        options["exif"] = tags
    buffer = io.BytesIO()
    make_picture(seed, size=96).save(buffer, "JPEG", quality=90, **options)
    data = buffer.getvalue()
    return with_iptc(data, iptc) if iptc else data


def xmp_packet(properties: dict[str, str]) -> bytes:
    """An XMP packet: dc:* as language alternatives, everything else as attributes."""
    declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
    attributes = " ".join(
        f'{name}="{value}"' for name, value in properties.items() if not name.startswith("dc:")
    )
    elements = "".join(
        f'<{name}><rdf:Alt><rdf:li xml:lang="x-default">{value}</rdf:li></rdf:Alt></{name}>'
        for name, value in properties.items()
        if name.startswith("dc:")
    )
    return (
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{RDF}">'
        f'<rdf:Description rdf:about="" {declarations} {attributes}>{elements}'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def with_iptc(data: bytes, datasets: dict[int, str]) -> bytes:
    """The JPEG with an APP13 segment holding IPTC IIM record-2 datasets, as Photoshop
    writes it (resource 0x0404 of a "Photoshop 3.0" block)."""
    iim = b"".join(
        b"\x1c\x02" + bytes([number]) + struct.pack(">H", len(value.encode())) + value.encode()
        for number, value in datasets.items()
    )
    if len(iim) % 2:
        iim += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim))
    body = b"Photoshop 3.0\x00" + resource + iim
    segment = b"\xff\xed" + struct.pack(">H", len(body) + 2) + body
    return data[:2] + segment + data[2:]


def c2pa_signed(
    data: bytes, training: dict[str, str], label: str = "cawg.training-mining"
) -> bytes:
    """The JPEG with a C2PA manifest whose training-and-mining assertion gives `training`
    (entry name, such as "cawg.ai_training", to its use)."""
    entries = {name: {"use": use} for name, use in training.items()}
    manifest = {
        "claim_generator_info": [{"name": "lineage-tests", "version": "1"}],
        "title": "picture.jpg",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/"
                            "digitalsourcetype/digitalCreation",
                        }
                    ]
                },
            },
            {"label": label, "data": {"entries": entries}},
        ],
    }
    chain, key = _signing_credentials()
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key, None)  # no timestamp
    settings = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest, context=settings) as builder:
        signed = io.BytesIO()
        builder.sign(signer, "image/jpeg", io.BytesIO(data), signed)
        return signed.getvalue()


@cache
def _signing_credentials() -> tuple[bytes, bytes]:
    """A root CA and an ES256 end-entity certificate with the extensions C2PA requires
    (digitalSignature, an extended key usage, authority key id), chain PEM and key PEM."""
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    signer_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lineage test root")])
    signer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lineage test signer")])
    authority = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
        x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    )

    def certificate(subject: x509.Name, key: ec.EllipticCurvePublicKey, is_ca: bool):
        usage = x509.KeyUsage(
            digital_signature=not is_ca,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=is_ca,
            crl_sign=is_ca,
            encipher_only=False,
            decipher_only=False,
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(root_name)
            .public_key(key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=is_ca, path_length=0 if is_ca else None), True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), critical=False)
            .add_extension(authority, critical=False)
        )
        if not is_ca:
            protection = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION])
            builder = builder.add_extension(protection, critical=False)
        return builder.sign(root_key, hashes.SHA256())

    root = certificate(root_name, root_key.public_key(), is_ca=True)
    signer = certificate(signer_name, signer_key.public_key(), is_ca=False)
    chain = b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in (signer, root))
    key = signer_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return chain, key
