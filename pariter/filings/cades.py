"""CAdES-signed uploads (`.pdf.p7m`): open the CMS envelope, check each signature, say who signed.

A `.p7m` is a CMS SignedData (RFC 5652) that carries the PDF inside it, signed with the signer's qualified
certificate (CAdES, ETSI EN 319 122; DPCM 22 February 2013 for Italy). Here the envelope is parsed with
asn1crypto and every signature is verified with `cryptography`: the signed attributes' message digest must be the
digest of the content, and the signature over those attributes must verify with the key of the certificate
carried in the envelope, which must have been valid at the declared signing time.

What is NOT checked, because it needs the network: that the certificate chains to a qualified trust service on
the EU trusted list (EUTL, kept in Italy by AgID), and whether it was revoked (CRL/OCSP). A verified signature
here proves the document was not changed after signing by the holder of that certificate, no more.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asn1crypto import cms, x509
from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.utils.translation import gettext as _

# AgID rules for qualified signatures have required SHA-2 since 2011 (Deliberazione CNIPA 45/2009, art. 3).
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# ETSI EN 319 412-1 5.1.3: the natural person's identifier, "TINIT-" and the codice fiscale; "IT:" in older ones.
_TAX_CODE = re.compile(r"^(?:TINIT-|IT:)([A-Z0-9]{11,16})$", re.IGNORECASE)
_PEM = re.compile(rb"-----BEGIN [A-Z0-9 ]+-----(.*?)-----END [A-Z0-9 ]+-----", re.DOTALL)
_BASE64 = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
# A signed envelope may sit inside another one (a second signer's `.p7m.p7m`): unwrapped this many times at most.
_MAX_DEPTH = 3


@dataclass(frozen=True)
class Signer:
    name: str
    tax_code: str
    signed_at: datetime | None  # the signingTime the signer declared, if any (not a trusted timestamp)


@dataclass
class Envelope:
    content: bytes = b""
    signers: list[Signer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Refused(Exception):
    pass


# What asn1crypto and cryptography raise on bytes that are not what they claim to be.
_MALFORMED = (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError)


def signed_data(data: bytes) -> cms.SignedData | None:
    """The CMS SignedData in DER, base64 or PEM bytes, or None when the bytes are not one."""
    for candidate in _candidates(data):
        try:
            info = cms.ContentInfo.load(candidate, strict=True)
            if info["content_type"].native != "signed_data":
                continue
            content = info["content"]
            content.native  # noqa: B018 - parse it all now: a damaged envelope fails here, not later
        except _MALFORMED:
            continue
        return content  # type: ignore[no-any-return]
    return None


def _candidates(data: bytes) -> list[bytes]:
    head = data[:64].lstrip()
    if head.startswith(b"0"):  # 0x30, a DER SEQUENCE
        return [data]
    match = _PEM.match(data.lstrip()) if head.startswith(b"-----BEGIN") else None
    text = match.group(1) if match else data
    if not _BASE64.match(text[:4096]):
        return []
    try:
        return [base64.b64decode(b"".join(text.split()), validate=True)]
    except (binascii.Error, ValueError):
        return []


def open_envelope(data: bytes, *, name: str, now: datetime | None = None) -> Envelope:
    """Unwrap a signed upload and verify every signature in it; every reason to refuse goes to `errors`."""
    envelope = Envelope()
    now = now or datetime.now(tz=UTC)
    invalid = _("%(name)s is not a valid signed file (CAdES .p7m): sign the PDF again, or upload the PDF.") % {
        "name": name
    }
    try:
        content = data
        for _depth in range(_MAX_DEPTH):
            signed = signed_data(content)
            if signed is None:
                if content is data:
                    raise _Refused(invalid)
                break
            content = _content(signed, name=name)
            envelope.signers.extend(_verify_all(signed, content, name=name, now=now))
    except _Refused as refused:
        envelope.errors.append(str(refused))
        return envelope
    except _MALFORMED:
        envelope.errors.append(invalid)
        return envelope
    envelope.content = content
    return envelope


def _content(signed: cms.SignedData, *, name: str) -> bytes:
    content = signed["encap_content_info"]["content"].native
    if not content:
        raise _Refused(
            _(
                "%(name)s is a detached signature, without the document inside: upload the signed file "
                "(.pdf.p7m) that contains the PDF."
            )
            % {"name": name}
        )
    return bytes(content)


def _verify_all(signed: cms.SignedData, content: bytes, *, name: str, now: datetime) -> list[Signer]:
    infos = list(signed["signer_infos"])
    if not infos:
        raise _Refused(_("%(name)s carries no signature.") % {"name": name})
    certificates = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]
    return [_verify(info, certificates, content, name=name, now=now) for info in infos]


def _broken(name: str) -> _Refused:
    return _Refused(
        _(
            "The signature of %(name)s does not match its content: the document was changed after it was signed, "
            "or the signature is damaged. Sign the PDF again."
        )
        % {"name": name}
    )


def _verify(
    info: cms.SignerInfo, certificates: list[x509.Certificate], content: bytes, *, name: str, now: datetime
) -> Signer:
    certificate = _signer_certificate(info, certificates)
    if certificate is None:
        raise _Refused(_("%(name)s does not carry the signer's certificate: sign it again.") % {"name": name})
    try:
        loaded = cx509.load_der_x509_certificate(certificate.dump())
        key = loaded.public_key()
    except (*_MALFORMED, cx509.InvalidVersion, UnsupportedAlgorithm) as error:
        raise _Refused(
            _("The signer's certificate in %(name)s cannot be read: sign it again.") % {"name": name}
        ) from error
    digest_name = info["digest_algorithm"]["algorithm"].native
    if digest_name not in _HASHES:
        raise _Refused(
            _("%(name)s is signed with an algorithm no longer accepted (%(algorithm)s): sign it again.")
            % {"name": name, "algorithm": digest_name}
        )
    attributes = info["signed_attrs"]
    if not attributes:
        raise _Refused(
            _("%(name)s is not a CAdES signature (it has no signed attributes): sign it again.") % {"name": name}
        )
    values = {a["type"].native: a["values"] for a in attributes}
    digest = hashlib.new(digest_name, content).digest()
    declared = values.get("message_digest")
    if declared is None or len(declared) != 1 or declared[0].native != digest:
        raise _broken(name)
    _check_signing_certificate(values.get("signing_certificate_v2"), certificate, name=name)
    try:
        _check_signature(info, key, attributes.untag().dump(), digest_name)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError, KeyError) as error:
        raise _broken(name) from error
    signed_at = values["signing_time"][0].native if "signing_time" in values else None
    when = signed_at or now
    if not loaded.not_valid_before_utc <= when <= loaded.not_valid_after_utc:
        raise _Refused(
            _(
                "The signer's certificate of %(name)s was not valid on %(day)s (it is valid from %(start)s to "
                "%(end)s): sign it again with a valid certificate."
            )
            % {
                "name": name,
                "day": when.date().isoformat(),
                "start": loaded.not_valid_before_utc.date().isoformat(),
                "end": loaded.not_valid_after_utc.date().isoformat(),
            }
        )
    return Signer(name=_person(certificate), tax_code=_tax_code(certificate), signed_at=signed_at)


def _signer_certificate(info: cms.SignerInfo, certificates: list[x509.Certificate]) -> x509.Certificate | None:
    sid = info["sid"]
    for certificate in certificates:
        if sid.name == "issuer_and_serial_number":
            if (
                certificate.serial_number == sid.chosen["serial_number"].native
                and certificate.issuer == sid.chosen["issuer"]
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    return None


def _check_signing_certificate(values: object, certificate: x509.Certificate, *, name: str) -> None:
    """CAdES binds the certificate with ESS signing-certificate-v2 (RFC 5035): when present, it must be this one."""
    if not values:
        return
    try:
        reference = values[0]["certs"][0]  # type: ignore[index]
        algorithm = reference["hash_algorithm"]["algorithm"].native
        if hashlib.new(algorithm, certificate.dump()).digest() == reference["cert_hash"].native:
            return
    except (ValueError, TypeError, KeyError, IndexError):
        pass
    raise _broken(name)


def _check_signature(info: cms.SignerInfo, key: object, signed: bytes, digest_name: str) -> None:
    algorithm = info["signature_algorithm"]
    signature = info["signature"].native
    kind = algorithm.signature_algo
    if kind == "rsassa_pss":
        params = algorithm["parameters"]
        hash_name = params["hash_algorithm"]["algorithm"].native
        mgf_hash = params["mask_gen_algorithm"]["parameters"]["algorithm"].native
        if not isinstance(key, rsa.RSAPublicKey) or hash_name not in _HASHES or mgf_hash not in _HASHES:
            raise ValueError("unsupported PSS parameters")
        pss = padding.PSS(mgf=padding.MGF1(_HASHES[mgf_hash]()), salt_length=params["salt_length"].native)
        key.verify(signature, signed, pss, _HASHES[hash_name]())
        return
    try:
        hash_name = algorithm.hash_algo  # "sha256_rsa" names its hash; plain "rsa" leaves it to digestAlgorithm
    except ValueError:
        hash_name = digest_name
    if hash_name not in _HASHES:
        raise ValueError(f"unsupported hash {hash_name}")
    if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
        key.verify(signature, signed, padding.PKCS1v15(), _HASHES[hash_name]())
    elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
        key.verify(signature, signed, ec.ECDSA(_HASHES[hash_name]()))
    else:
        raise ValueError(f"unsupported signature algorithm {kind}")


def _subject(certificate: x509.Certificate) -> dict[str, str]:
    return {k: str(v) for k, v in certificate.subject.native.items() if isinstance(v, str)}


def _person(certificate: x509.Certificate) -> str:
    subject = _subject(certificate)
    full = " ".join(p for p in (subject.get("given_name", ""), subject.get("surname", "")) if p)
    return (full or subject.get("common_name", ""))[:200]


def _tax_code(certificate: x509.Certificate) -> str:
    match = _TAX_CODE.match(_subject(certificate).get("serial_number", "").strip())
    return match.group(1).upper() if match else ""
