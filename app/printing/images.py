"""Images put into a PDF as they are stored: a JPEG's bytes behind DCTDecode, a PNG's compressed
rows behind FlateDecode with the PNG predictor. reportlab's drawImage decodes every image (for a
name, and to re-compress a PNG), which for a 3000-pixel map was most of the print's time."""

from __future__ import annotations

import hashlib
import io
import struct

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFImageXObject, PDFName, PDFStream

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class StoredImage(PDFImageXObject):
    """An image XObject whose stream is the file's own compressed data."""

    def __init__(self, name: str, width: int, height: int, bits: int,
                 colour_space: str | PDFArray, filter_name: str, data: bytes,
                 decode_parms: dict | None = None) -> None:
        super().__init__(name)
        self.width, self.height, self.bitsPerComponent = width, height, bits
        self.colour_space, self.filter_name = colour_space, filter_name
        # reportlab's own loaders store bytes here too; its stubs say str.
        self.streamContent = data  # type: ignore[assignment]
        self.decode_parms = decode_parms

    def format(self, document):
        stream = PDFStream(content=self.streamContent)
        d = stream.dictionary
        d["Type"], d["Subtype"] = PDFName("XObject"), PDFName("Image")
        d["Width"], d["Height"] = self.width, self.height
        d["BitsPerComponent"] = self.bitsPerComponent
        d["ColorSpace"] = self.colour_space
        d["Filter"] = PDFArray([PDFName(self.filter_name)])
        if self.decode_parms:
            # One parameter dictionary per filter: as a bare dictionary beside a filter array,
            # pdfium and poppler ignored the predictor and drew the rows sheared.
            d["DecodeParms"] = PDFArray([PDFDictionary(self.decode_parms)])
        d["Length"] = len(self.streamContent)
        return stream.format(document)


def image_xobject(data: bytes, image_format: str) -> StoredImage | None:
    """The image as it is, or None for what this does not handle (transparency, interlaced or
    16-bit PNG, a CMYK JPEG): reportlab decodes those."""
    name = "img" + hashlib.sha1(data).hexdigest()[:16]
    space: str | PDFArray  # a PDF name, or an indexed colour space
    if image_format == "jpeg":
        from PIL import Image

        with Image.open(io.BytesIO(data)) as header:  # reads the header only
            if header.mode not in ("RGB", "L"):
                return None
            space = PDFName("DeviceRGB" if header.mode == "RGB" else "DeviceGray")
            return StoredImage(name, *header.size, 8, space, "DCTDecode", data)
    if data[:8] != PNG_SIGNATURE:
        return None
    pos, rows, palette = 8, [], b""
    w = h = depth = kind = interlace = None
    while pos + 8 <= len(data):
        length, tag = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if tag == b"IHDR":
            w, h, depth, kind, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        elif tag == b"PLTE":
            palette = chunk
        elif tag == b"IDAT":
            rows.append(chunk)
        elif tag == b"tRNS":
            return None
        elif tag == b"IEND":
            break
    if kind is None or w is None or h is None:  # no IHDR
        return None
    colours = {0: 1, 2: 3, 3: 1}.get(kind)  # grey, RGB, palette
    if colours is None or interlace or depth not in (1, 2, 4, 8) or not rows or (kind == 3 and not palette):
        return None
    if kind == 3:
        space = PDFArray([PDFName("Indexed"), PDFName("DeviceRGB"), len(palette) // 3 - 1,
                          b"<" + palette.hex().encode() + b">"])
    else:
        space = PDFName("DeviceRGB" if kind == 2 else "DeviceGray")
    return StoredImage(name, w, h, depth, space, "FlateDecode", b"".join(rows),
                       {"Predictor": 15, "Colors": colours, "BitsPerComponent": depth, "Columns": w})


def draw_image(canv, data: bytes, image_format: str, x: float, y: float, w: float, h: float) -> None:
    """canvas.drawImage for stored image bytes ("png" or "jpeg")."""
    image = image_xobject(data, image_format)
    if image is None:
        from reportlab.lib.utils import ImageReader

        canv.drawImage(ImageReader(io.BytesIO(data)), x, y, w, h)
        return
    # Registered and placed as canvas.drawImage does it.
    doc = canv._doc
    reg = doc.getXObjectName(image.name)
    if reg not in doc.idToObject:
        doc.Reference(image, reg)
        doc.addForm(image.name, image)
    canv._currentPageHasImages = 1
    canv.saveState()
    canv.translate(x, y)
    canv.scale(w, h)
    canv._code.append(f"/{reg} Do")
    canv.restoreState()
    canv._formsinuse.append(image.name)
